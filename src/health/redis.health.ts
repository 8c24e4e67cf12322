import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { RedisService } from '../cache/redis.service';

/**
 * Redis only backs the cache, so it is reported but never makes the service unready:
 * with Redis down, reads are served from MongoDB.
 */
@Injectable()
export class RedisHealthIndicator {
  constructor(
    private readonly redis: RedisService,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async check(key: string) {
    const indicator = this.indicators.check(key);
    if (!this.redis.client) return indicator.up({ cache: 'disabled', degraded: true });
    return (await this.redis.ping())
      ? indicator.up()
      : indicator.up({ cache: 'unavailable', degraded: true });
  }
}
