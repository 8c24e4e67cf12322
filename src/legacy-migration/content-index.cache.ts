import { Collection } from 'mongodb';
import { buildLegacyIndex, LegacyIndex } from './domain/legacy-completions';

/**
 * Content indexes by course id. Enrollments are read in id order, which in practice clusters
 * by course; a bounded cache keeps memory flat on a large run.
 */
export class ContentIndexCache {
  private readonly entries = new Map<number, LegacyIndex | undefined>();
  constructor(
    private readonly contents: Collection,
    private readonly max = 500,
  ) {}

  /** Indexes of `courseIds`, all of them even when they are more than the cache keeps. */
  async get(courseIds: number[]): Promise<Map<number, LegacyIndex | undefined>> {
    const result = new Map<number, LegacyIndex | undefined>();
    const missing: number[] = [];
    for (const id of courseIds) {
      if (this.entries.has(id)) result.set(id, this.entries.get(id));
      else missing.push(id);
    }
    if (missing.length > 0) {
      const docs = await this.contents.find({ course_id: { $in: missing } }).toArray();
      const found = new Map(docs.map((d) => [d.course_id as number, buildLegacyIndex(d)]));
      for (const id of missing) {
        result.set(id, found.get(id));
        if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
        this.entries.set(id, found.get(id));
      }
    }
    return result;
  }
}
