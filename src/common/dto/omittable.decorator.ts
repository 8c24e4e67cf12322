import { ValidateIf } from 'class-validator';

/**
 * Like `@IsOptional()`, but only an absent field skips validation: an explicit `null` is still
 * checked, so the type rules reject it. For fields a body may leave out but never set to null
 * (`@IsOptional()` lets `null` through, which would store null titles, orders or flags).
 */
export const IsOmittable = (): PropertyDecorator =>
  ValidateIf((_object: object, value: unknown) => value !== undefined);
