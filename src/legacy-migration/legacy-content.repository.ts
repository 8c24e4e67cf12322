import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { Collection } from 'mongodb';
import { Connection } from 'mongoose';

export const CONTENT_COLLECTION = 'course_content';

/**
 * The content documents as stored, on the app's MongoDB connection. The migration reads and
 * writes shapes the app's schema rejects (integer ids, missing fields), so it works on the
 * driver's collection, not on the Mongoose model.
 */
@Injectable()
export class LegacyContentRepository {
  constructor(@InjectConnection() private readonly connection: Connection) {}

  collection(): Collection {
    return this.connection.db!.collection(CONTENT_COLLECTION);
  }
}
