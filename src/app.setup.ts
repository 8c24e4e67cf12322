import { RequestMethod, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import { IncomingMessage } from 'node:http';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger as PinoLogger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { AllExceptionsFilter } from './common/errors/all-exceptions.filter';
import { API_PREFIX } from './common/http/api-prefix';
import { acceptJsonBodiesOnly } from './common/json-body';
import { createRootLogger, RequestLog } from './common/logging/request-log';
import { NoNulCharacterPipe } from './common/pipes/no-nul-character.pipe';
import { refineOpenApi } from './common/openapi';
import { validationOptions } from './common/validation-options';
import { AppConfig } from './config/app-config';

export { API_PREFIX };
const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** Builds the application exactly as production runs it; tests call this too. */
export async function createApp(config: AppConfig): Promise<NestFastifyApplication> {
  const logger = createRootLogger(config);
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    logController: new RequestLog(),
    bodyLimit: config.BODY_LIMIT_BYTES,
    trustProxy: true,
    // A caller's X-Request-Id is kept so one id follows a request across services.
    genReqId: (raw: IncomingMessage) => {
      const given = raw.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config, logger),
    adapter,
    {
      bufferLogs: true,
      // Bodies are parsed by acceptJsonBodiesOnly (JSON only), not by Nest's default parsers.
      bodyParser: false,
      // Throw start-up errors to the caller (main.ts prints one line) instead of exiting here.
      abortOnError: false,
    },
  );
  configureApp(app);
  await app.init();
  return app;
}

export function configureApp(app: NestFastifyApplication): void {
  app.useLogger(app.get(PinoLogger));
  app.setGlobalPrefix(API_PREFIX, {
    exclude: [
      { path: 'health/live', method: RequestMethod.GET },
      { path: 'health/ready', method: RequestMethod.GET },
    ],
  });
  app.useGlobalPipes(new NoNulCharacterPipe(), new ValidationPipe(validationOptions));
  app.useGlobalFilters(new AllExceptionsFilter());
  const fastify = app.getHttpAdapter().getInstance();
  acceptJsonBodiesOnly(fastify);
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header('X-Request-Id', request.id);
    done();
  });

  const document = () =>
    refineOpenApi(
      SwaggerModule.createDocument(
        app,
        new DocumentBuilder()
          .setTitle('Course Service')
          .setDescription(
            'Course content, enrollments, progress and certificates. Every error answers ' +
              '`{ statusCode, error, message, code?, details? }`.',
          )
          .setVersion('1.0')
          .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
          .build(),
      ),
    );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
