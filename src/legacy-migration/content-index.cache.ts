import { LRUCache } from 'lru-cache';
import { Collection } from 'mongodb';
import { buildLegacyIndex, LegacyIndex } from './domain/legacy-completions';

/**
 * Content indexes by course id. Enrollments are read in id order, which in practice clusters
 * by course; a bounded cache keeps memory flat on a large run.
 */
export class ContentIndexCache {
  // Wrapped: a course without a content document is remembered too, and LRUCache keeps no undefined.
  private readonly entries: LRUCache<number, { index: LegacyIndex | undefined }>;

  constructor(
    private readonly contents: Collection,
    max = 500,
  ) {
    this.entries = new LRUCache({ max });
  }

  /** Indexes of `courseIds`, all of them even when they are more than the cache keeps. */
  async get(courseIds: number[]): Promise<Map<number, LegacyIndex | undefined>> {
    const result = new Map<number, LegacyIndex | undefined>();
    const missing: number[] = [];
    for (const id of courseIds) {
      const entry = this.entries.get(id);
      if (entry) result.set(id, entry.index);
      else missing.push(id);
    }
    if (missing.length > 0) {
      const docs = await this.contents.find({ course_id: { $in: missing } }).toArray();
      const found = new Map(docs.map((d) => [d.course_id as number, buildLegacyIndex(d)]));
      for (const id of missing) {
        result.set(id, found.get(id));
        this.entries.set(id, { index: found.get(id) });
      }
    }
    return result;
  }
}
