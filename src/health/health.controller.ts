import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckResult,
  HealthCheckService,
  HealthIndicatorResult,
  MikroOrmHealthIndicator,
} from '@nestjs/terminus';
import { IgnoresToken } from '../common/auth/auth.decorators';
import { ErrorResponseDto } from '../common/errors/error-response.dto';
import { AppConfig } from '../config/app-config';
import { MongoHealthIndicator } from './mongo.health';
import { RedisHealthIndicator } from './redis.health';

// Probes give up after 1 s by default (Kubernetes `timeoutSeconds`): a slower answer is a failure.
const PING_TIMEOUT_MS = 1000;

const indicatorMap = {
  type: 'object',
  additionalProperties: {
    type: 'object',
    required: ['status'],
    properties: { status: { type: 'string', enum: ['up', 'down'] } },
    additionalProperties: true,
  },
};

@ApiTags('health')
@Controller('health')
@IgnoresToken()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly postgres: MikroOrmHealthIndicator,
    private readonly mongo: MongoHealthIndicator,
    private readonly redis: RedisHealthIndicator,
    private readonly config: AppConfig,
  ) {}

  @Get('live')
  @ApiOkResponse({ description: 'The process is up', schema: { example: { status: 'ok' } } })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  @ApiOkResponse({
    description:
      'PostgreSQL and MongoDB answer a ping within 1 s. Redis only backs the content cache, so ' +
      'Redis down (unreachable, or `cache: "disabled"` without REDIS_URL) is listed under `error` ' +
      'and `details` with `status: "down"` while readiness stays 200',
    schema: {
      type: 'object',
      required: ['status', 'info', 'error', 'details'],
      properties: {
        status: { type: 'string', enum: ['ok'] },
        info: indicatorMap,
        error: indicatorMap,
        details: indicatorMap,
      },
      example: {
        status: 'ok',
        info: { postgres: { status: 'up' }, mongodb: { status: 'up' } },
        error: { redis: { status: 'down', cache: 'unavailable' } },
        details: {
          postgres: { status: 'up' },
          mongodb: { status: 'up' },
          redis: { status: 'down', cache: 'unavailable' },
        },
      },
    },
  })
  @ApiServiceUnavailableResponse({
    type: ErrorResponseDto,
    description:
      'PostgreSQL or MongoDB is down or did not answer within 1 s, or the service is shutting ' +
      'down; `details` has the state of each dependency, Redis included',
  })
  async ready(): Promise<HealthCheckResult> {
    const timeout = Math.min(this.config.DB_TIMEOUT_MS, PING_TIMEOUT_MS);
    const cache = this.redis.check('redis');
    try {
      return withCache(
        await this.health.check([
          () => this.postgres.pingCheck('postgres', { timeout }),
          () => this.mongo.pingCheck('mongodb', timeout),
        ]),
        await cache,
      );
    } catch (error) {
      if (error instanceof ServiceUnavailableException)
        withCache(error.getResponse() as HealthCheckResult, await cache);
      throw error;
    }
  }
}

/**
 * Terminus fails the whole check on any `down` indicator; the cache is optional, so its state
 * is added to the result afterwards instead of being one of the checks.
 */
function withCache(result: HealthCheckResult, cache: HealthIndicatorResult): HealthCheckResult {
  const up = Object.values(cache).every((entry) => entry.status === 'up');
  if (up) result.info = { ...result.info, ...cache };
  else result.error = { ...result.error, ...cache };
  result.details = { ...result.details, ...cache };
  return result;
}
