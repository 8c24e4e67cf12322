import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../config/app-config';

const ERROR_LOG_INTERVAL_MS = 30_000;

/**
 * The Redis connection behind the cache. Built to degrade, never to block: no offline queue,
 * a short command timeout, endless background reconnects. Without REDIS_URL it is disabled.
 */
@Injectable()
export class RedisService implements OnApplicationShutdown {
  private readonly logger = new Logger(RedisService.name);
  readonly client: Redis | null;
  private lastErrorLoggedAt = 0;

  constructor(config: AppConfig) {
    if (!config.REDIS_URL) {
      this.logger.warn('REDIS_URL is not set: the content cache is disabled');
      this.client = null;
      return;
    }
    this.client = new Redis(config.REDIS_URL, {
      enableOfflineQueue: false,
      commandTimeout: config.REDIS_TIMEOUT_MS,
      connectTimeout: Math.max(config.REDIS_TIMEOUT_MS * 4, 1000),
      maxRetriesPerRequest: 0,
      retryStrategy: (times) => Math.min(times * 200, 5000),
      keyPrefix: config.CACHE_KEY_PREFIX,
    });
    this.client.on('error', (error: Error) => {
      const now = Date.now();
      if (now - this.lastErrorLoggedAt > ERROR_LOG_INTERVAL_MS) {
        this.lastErrorLoggedAt = now;
        this.logger.warn(`Redis unavailable, serving without cache: ${error.message}`);
      }
    });
  }

  get isReady(): boolean {
    return this.client?.status === 'ready';
  }

  /**
   * Resolves once connected; rejects with the first connection error (ECONNREFUSED, ...), so an
   * ops run that must keep the cache in step can refuse to start instead of degrading.
   */
  whenReady(): Promise<void> {
    const client = this.client;
    if (!client) return Promise.reject(new Error('REDIS_URL is not set'));
    if (this.isReady) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const settle = (error?: Error) => {
        client.off('ready', onReady);
        client.off('error', settle);
        if (error) reject(error);
        else resolve();
      };
      const onReady = () => settle();
      client.once('ready', onReady);
      client.once('error', settle);
    });
  }

  async ping(): Promise<boolean> {
    if (!this.client || !this.isReady) return false;
    try {
      return (await this.client.ping()) === 'PONG';
    } catch {
      return false;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.client) return;
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }
}
