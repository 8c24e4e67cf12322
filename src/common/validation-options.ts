import { BadRequestException, ValidationError, ValidationPipeOptions } from '@nestjs/common';

function flatten(errors: ValidationError[], prefix = ''): { field: string; messages: string[] }[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, messages: Object.values(e.constraints) }] : [];
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/** One place for the global ValidationPipe options (unknown fields are rejected, never stored). */
export const validationOptions: ValidationPipeOptions = {
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  forbidUnknownValues: true,
  stopAtFirstError: false,
  validationError: { target: false, value: false },
  exceptionFactory: (errors) => {
    const details = flatten(errors);
    const summary = details
      .slice(0, 5)
      .flatMap((d) => d.messages)
      .join('; ');
    return new BadRequestException({
      message: `Validation failed: ${summary}`,
      code: 'VALIDATION_FAILED',
      details,
    });
  },
};
