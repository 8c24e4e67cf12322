import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { ObjectId } from 'bson';
import { Model } from 'mongoose';
import { COURSE_CONTENT_MODEL } from './course-content.schema';
import { NormalizedContent, normalizeContent } from './domain/content-normalize';
import { CourseContent } from './domain/content.types';

const DUPLICATE_KEY = 11000;

/** Plain-object access to `course_content`; every write is a compare-and-set on `version`. */
@Injectable()
export class CourseContentRepository {
  constructor(@InjectModel(COURSE_CONTENT_MODEL) private readonly model: Model<CourseContent>) {}

  /** The stored document read as the current shape (without `_id`), or null. */
  async findByCourseId(courseId: number): Promise<CourseContent | null> {
    return (await this.findNormalized(courseId))?.content ?? null;
  }

  /**
   * Same, with what normalizing skipped. Documents an older writer left in another shape read
   * as the legacy service's defaults, so no code past this point meets them.
   */
  async findNormalized(courseId: number): Promise<NormalizedContent | null> {
    const doc = await this.model
      .findOne({ course_id: courseId })
      .lean<Record<string, unknown> & { _id?: unknown }>();
    if (!doc) return null;
    const { _id, ...stored } = doc;
    // Shown for a document without timestamps: the time it was inserted, from its `_id`.
    const insertedAt = _id instanceof ObjectId ? _id.getTimestamp() : new Date(0);
    return normalizeContent(stored, insertedAt);
  }

  /** Inserts the first document of a course; false if another writer created it first. */
  async insert(content: CourseContent): Promise<boolean> {
    try {
      await this.model.collection.insertOne({ ...content });
      return true;
    } catch (error) {
      if ((error as { code?: number }).code === DUPLICATE_KEY) return false;
      throw error;
    }
  }

  /**
   * Replaces the tree only if nobody wrote since `expectedVersion` was read. `created_at` is not
   * written: one an older writer stored as text the app cannot read for sure stays as found for
   * `migrate:objectid` to report, instead of being replaced by what the read fell back to.
   */
  async replaceIfVersion(content: CourseContent, expectedVersion: number): Promise<boolean> {
    // A document stored without `version` (or with null) reads as version 0.
    const versionFilter =
      expectedVersion === 0
        ? { $or: [{ version: 0 }, { version: null }, { version: { $exists: false } }] }
        : { version: expectedVersion };
    const result = await this.model.collection.updateOne(
      { course_id: content.course_id, ...versionFilter },
      {
        $set: {
          version: content.version,
          modules: content.modules,
          metadata: content.metadata,
          updated_at: content.updated_at,
        },
      },
    );
    return result.matchedCount === 1;
  }
}
