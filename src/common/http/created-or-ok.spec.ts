import 'reflect-metadata';
import { ExecutionContext, NestInterceptor } from '@nestjs/common';
import { INTERCEPTORS_METADATA } from '@nestjs/common/constants';
import { lastValueFrom, of } from 'rxjs';
import { CreatedOrOk } from './created-or-ok';

// Where @nestjs/swagger keeps response metadata; the package does not export the constant.
const API_RESPONSE = 'swagger/apiResponse';

class Thing {
  name: string;
}

class Probe {
  @CreatedOrOk('thing', { type: Thing, created: 'Made now', ok: 'Made earlier' })
  async make(created: boolean): Promise<{ thing: Thing; created: boolean }> {
    return { thing: { name: 'it' }, created };
  }
}

/** Runs the route through the interceptor the decorator put on it, as Nest would. */
async function answer(created: boolean) {
  const [interceptor] = Reflect.getMetadata(
    INTERCEPTORS_METADATA,
    Probe.prototype.make,
  ) as NestInterceptor[];
  const reply = { statusCode: 0, status: (code: number) => (reply.statusCode = code) };
  const context = {
    switchToHttp: () => ({ getResponse: () => reply }),
  } as unknown as ExecutionContext;
  const result = await new Probe().make(created);
  const body = await lastValueFrom(
    await interceptor.intercept(context, { handle: () => of(result) }),
  );
  return { status: reply.statusCode, body };
}

describe(CreatedOrOk.name, () => {
  it('answers 201 with the thing when the route created it', async () => {
    const { status, body } = await answer(true);
    expect(status).toBe(201);
    expect(body).toEqual({ name: 'it' });
  });

  it('answers 200 with the thing when it existed', async () => {
    const { status, body } = await answer(false);
    expect(status).toBe(200);
    expect(body).toEqual({ name: 'it' });
  });

  it('documents both statuses with the same type', () => {
    const responses = Reflect.getMetadata(API_RESPONSE, Probe.prototype.make);
    expect(responses).toMatchObject({
      200: { description: 'Made earlier', type: Thing },
      201: { description: 'Made now', type: Thing },
    });
  });
});
