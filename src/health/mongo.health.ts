import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { HealthIndicatorService } from '@nestjs/terminus';
import { Connection } from 'mongoose';

/**
 * A real round trip to MongoDB. Terminus' MongooseHealthIndicator only reads the connection's
 * `readyState`, which stays "connected" for seconds after the server is gone; a ping raced
 * against a timer notices at once, without waiting for the driver's server selection to give up.
 */
@Injectable()
export class MongoHealthIndicator {
  constructor(
    @InjectConnection() private readonly connection: Connection,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async pingCheck(key: string, timeoutMs: number) {
    const indicator = this.indicators.check(key);
    const db = this.connection.db;
    if (!db) return indicator.down({ message: 'not connected' });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(`timeout of ${timeoutMs} ms exceeded`), timeoutMs);
    });
    // The error name only: this endpoint is public and driver messages carry host names.
    const ping = db.command({ ping: 1 }).then(
      () => undefined,
      (error: unknown) => (error instanceof Error ? error.name : 'ping failed'),
    );
    try {
      const failure = await Promise.race([ping, timedOut]);
      return failure === undefined ? indicator.up() : indicator.down({ message: failure });
    } finally {
      clearTimeout(timer);
    }
  }
}
