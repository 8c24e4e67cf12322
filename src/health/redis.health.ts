import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { RedisService } from '../cache/redis.service';

/** Redis as it is: `down` when the cache cannot be used, whether unreachable or not configured. */
@Injectable()
export class RedisHealthIndicator {
  constructor(
    private readonly redis: RedisService,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async check(key: string) {
    const indicator = this.indicators.check(key);
    if (!this.redis.client) return indicator.down({ cache: 'disabled' });
    return (await this.redis.ping()) ? indicator.up() : indicator.down({ cache: 'unavailable' });
  }
}
