import { Global, Module } from '@nestjs/common';
import { ContentCacheService } from './content-cache.service';
import { RedisService } from './redis.service';

@Global()
@Module({
  providers: [RedisService, ContentCacheService],
  exports: [RedisService, ContentCacheService],
})
export class CacheModule {}
