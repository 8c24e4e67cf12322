import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { COURSE_CONTENT_MODEL } from './course-content.schema';
import { CourseContent } from './domain/content.types';

const DUPLICATE_KEY = 11000;

/** Plain-object access to `course_content`; every write is a compare-and-set on `version`. */
@Injectable()
export class CourseContentRepository {
  constructor(@InjectModel(COURSE_CONTENT_MODEL) private readonly model: Model<CourseContent>) {}

  /** The stored document (without `_id`), or null; documents written before versioning read as 0. */
  async findByCourseId(courseId: number): Promise<CourseContent | null> {
    const doc = await this.model.findOne({ course_id: courseId }, { _id: 0 }).lean<CourseContent>();
    if (!doc) return null;
    return { ...doc, version: doc.version ?? 0 };
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

  /** Replaces the tree only if nobody wrote since `expectedVersion` was read. */
  async replaceIfVersion(content: CourseContent, expectedVersion: number): Promise<boolean> {
    const versionFilter =
      expectedVersion === 0
        ? { $or: [{ version: 0 }, { version: { $exists: false } }] }
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
