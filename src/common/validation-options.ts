import { BadRequestException, ValidationError, ValidationPipeOptions } from '@nestjs/common';

/**
 * Constraints that say what type a field must have. When one fails, the range and length checks
 * that fail along with it only contradict it ("must not be less than 1" for "abc").
 */
const TYPE_MESSAGES: Record<string, string> = {
  isInt: 'must be an integer',
  isNumber: 'must be a number',
  isString: 'must be a string',
  isBoolean: 'must be a boolean',
  isArray: 'must be an array',
  isObject: 'must be an object',
  nestedValidation: 'must be an object',
};

/** One message per field: its type error if it has one, else the first rule it breaks. */
function messageOf(error: ValidationError): string {
  const constraints = error.constraints ?? {};
  const type = Object.keys(TYPE_MESSAGES).find((key) => key in constraints);
  if (type) return `${error.property} ${TYPE_MESSAGES[type]}`;
  // class-validator lists constraints in reverse order of declaration.
  return Object.values(constraints).slice(-1)[0];
}

function flatten(errors: ValidationError[], prefix = ''): { field: string; messages: string[] }[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, messages: [messageOf(e)] }] : [];
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
