import { OpenAPIObject } from '@nestjs/swagger';

/** Marks an operation whose bearer token is optional (see `@Public()`). */
export const OPTIONAL_AUTH_EXTENSION = 'x-optional-auth';

const INTEGER_ID = { type: 'integer', minimum: 1, maximum: 2_147_483_647 };
const OBJECT_ID = { type: 'string', pattern: '^[0-9a-fA-F]{24}$' };
const ID_PARAMS: Record<string, object> = {
  courseId: INTEGER_ID,
  id: INTEGER_ID,
  moduleId: OBJECT_ID,
  lessonId: OBJECT_ID,
  quizId: OBJECT_ID,
  summaryId: OBJECT_ID,
  resourceId: OBJECT_ID,
};

interface Operation {
  security?: Record<string, string[]>[];
  parameters?: { in: string; name: string; schema?: object }[];
  [key: string]: unknown;
}

/**
 * What the decorators cannot say: public routes take a token optionally (it changes what they
 * answer), and path ids are validated by pipes whose shapes Swagger cannot see.
 */
export function refineOpenApi(document: OpenAPIObject): OpenAPIObject {
  for (const methods of Object.values(document.paths)) {
    for (const operation of Object.values(methods) as Operation[]) {
      if (typeof operation !== 'object' || operation === null) continue;
      if (operation[OPTIONAL_AUTH_EXTENSION]) {
        delete operation[OPTIONAL_AUTH_EXTENSION];
        operation.security = [{}, { bearer: [] }];
      }
      for (const parameter of operation.parameters ?? []) {
        if (parameter.in === 'path' && ID_PARAMS[parameter.name]) {
          parameter.schema = ID_PARAMS[parameter.name];
        }
      }
    }
  }
  return document;
}
