import { Injectable } from '@nestjs/common';
import { CourseContentReader } from '../course-content/course-content.reader';
import { CountedItem, countedItems } from './domain/progress-calculator';

/** The items that count towards a course's progress, as its content is now. */
@Injectable()
export class CountedItemsReader {
  constructor(private readonly content: CourseContentReader) {}

  /** Computed once per cached content version, then shared by every reader of that version. */
  async of(courseId: number): Promise<CountedItem[]> {
    const { snapshot } = await this.content.read(courseId);
    return snapshot ? snapshot.derive('counted-items', countedItems) : [];
  }
}
