import { BadRequestException, HttpException, NotFoundException } from '@nestjs/common';
import { DriverException } from '@mikro-orm/core';
import { isDependencyUnavailable, toErrorResponse } from './all-exceptions.filter';

/** A PostgreSQL error as MikroORM hands it over: the driver's error kept as the cause. */
function pgError(code: string): Error {
  const driverError = Object.assign(new Error(`pg error ${code}`), { code });
  return new DriverException(driverError);
}

describe('toErrorResponse', () => {
  it.each([
    ['08P01', 'a protocol violation (a value the wire cannot carry)'],
    ['22021', 'an invalid byte sequence'],
    ['22P02', 'an invalid text representation'],
    ['22003', 'a numeric value out of range'],
    ['23502', 'a missing required value'],
  ])('answers 400 INVALID_INPUT, not 503, when PostgreSQL refuses a statement: %s (%s)', (code) => {
    const error = pgError(code);
    expect(isDependencyUnavailable(error)).toBe(false);
    expect(toErrorResponse(error)).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'A value in the request cannot be stored',
      code: 'INVALID_INPUT',
    });
  });

  it.each(['08006', '08001', '08003', '57P01', '57P03', '53300', '57014'])(
    'answers 503 when PostgreSQL cannot be reached or used: %s',
    (code) => {
      expect(toErrorResponse(pgError(code))).toMatchObject({
        statusCode: 503,
        code: 'DEPENDENCY_UNAVAILABLE',
      });
    },
  );

  it('answers 503 for a refused socket and 409 for a deadlock', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(toErrorResponse(refused).statusCode).toBe(503);
    expect(toErrorResponse(pgError('40P01'))).toMatchObject({
      statusCode: 409,
      code: 'CONCURRENT_UPDATE',
    });
  });

  it('gives every error a code, also those thrown without one', () => {
    expect(toErrorResponse(new NotFoundException('Cannot GET /api/v1/nope')).code).toBe(
      'ROUTE_NOT_FOUND',
    );
    expect(toErrorResponse(new NotFoundException('gone')).code).toBe('NOT_FOUND');
    expect(toErrorResponse(new BadRequestException()).code).toBe('BAD_REQUEST');
    expect(toErrorResponse(new HttpException('too big', 413)).code).toBe('PAYLOAD_TOO_LARGE');
    expect(toErrorResponse(new Error('boom'))).toEqual({
      statusCode: 500,
      error: 'Internal Server Error',
      message: 'Internal server error',
      code: 'INTERNAL',
    });
  });
});
