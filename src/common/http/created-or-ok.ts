import {
  applyDecorators,
  CallHandler,
  ExecutionContext,
  HttpStatus,
  NestInterceptor,
  Type,
  UseInterceptors,
} from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { map, Observable } from 'rxjs';

/** What a create-or-return service method answers: the thing under `K`, and whether it is new. */
export type CreatedOr<K extends string, T> = { [P in K]: T } & { created: boolean };

export interface CreatedOrOkOptions<T> {
  /** The thing answered with either status. */
  type: Type<T>;
  /** What a 201 means for this route. */
  created: string;
  /** What a 200 means: which existing thing comes back. */
  ok: string;
}

/**
 * For a POST that creates a thing or answers the one that already exists. The route returns the
 * service's `{ [key]: thing, created }` as it is; the client gets the thing, with 201 when it
 * was created now and 200 when it existed, and the OpenAPI document shows both. The compiler
 * checks that the route returns that shape.
 */
export function CreatedOrOk<K extends string, T>(key: K, options: CreatedOrOkOptions<T>) {
  const decorate = applyDecorators(
    ApiOkResponse({ type: options.type, description: options.ok }),
    ApiCreatedResponse({ type: options.type, description: options.created }),
    UseInterceptors(new CreatedOrOkInterceptor(key)),
  );
  return <M extends (...args: never[]) => Promise<CreatedOr<K, T>>>(
    target: object,
    property: string | symbol,
    descriptor: TypedPropertyDescriptor<M>,
  ): void => decorate(target, property, descriptor);
}

export class CreatedOrOkInterceptor implements NestInterceptor {
  constructor(private readonly key: string) {}

  intercept(
    context: ExecutionContext,
    next: CallHandler<CreatedOr<string, unknown>>,
  ): Observable<unknown> {
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    return next.handle().pipe(
      map((result) => {
        reply.status(result.created ? HttpStatus.CREATED : HttpStatus.OK);
        return result[this.key];
      }),
    );
  }
}
