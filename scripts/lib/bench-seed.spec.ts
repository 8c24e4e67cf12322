import { calculateObjectSize } from 'bson';
import { viewContent } from '../../src/course-content/domain/content-view';
import { countedItems } from '../../src/progress/domain/progress-calculator';
import {
  contentDocument,
  COURSE_SHAPES,
  courseFacts,
  courseInput,
  prefixCounts,
  prose,
  seededRandom,
} from './bench-seed';

describe(contentDocument.name, () => {
  const now = new Date('2026-12-04T10:00:00Z');
  const doc = contentDocument(12, courseInput(COURSE_SHAPES.realistic), now);

  it('is a stored document at version 1, as the write path stores it', () => {
    expect(doc).toEqual(
      expect.objectContaining({ course_id: 12, version: 1, created_at: now, updated_at: now }),
    );
    expect(doc.metadata).toEqual(
      expect.objectContaining({ total_modules: 10, total_lessons: 120, total_quizzes: 10 }),
    );
    expect(doc.modules[0].lessons[0]).toEqual(
      expect.objectContaining({ order: 0, is_active: true, is_preview: true }),
    );
    expect(doc.modules[0].lessons[0].lesson_id).toMatch(/^[0-9a-f]{24}$/);
  });

  it('has 140 counted items and weighs at least 50 KB (the realistic course)', () => {
    expect(countedItems(doc)).toHaveLength(140);
    expect(calculateObjectSize(doc as unknown as Record<string, unknown>)).toBeGreaterThan(50_000);
    expect(courseFacts(doc)).toEqual(
      expect.objectContaining({ courseId: 12, modules: 10, countedItems: 140 }),
    );
  });

  it('shows lesson bodies to enrolled students only, except the preview', () => {
    const [pub, enrolled] = [viewContent(doc, 'public'), viewContent(doc, 'enrolled')];
    expect(pub.modules[0].lessons[1].content).toBeNull();
    expect(pub.modules[0].lessons[0].content).not.toBeNull();
    expect(enrolled.modules[0].lessons[1].content).not.toBeNull();
  });

  it('has 10 and 130 counted items in the small and the report course', () => {
    const count = (shape: (typeof COURSE_SHAPES)[keyof typeof COURSE_SHAPES]) =>
      countedItems(contentDocument(1, courseInput(shape), now)).length;
    expect(count(COURSE_SHAPES.small)).toBe(10);
    expect(count(COURSE_SHAPES.report)).toBe(130);
  });
});

describe('seeded randomness', () => {
  it('repeats for the same seed', () => {
    expect(prefixCounts(5, 140, 7)).toEqual(prefixCounts(5, 140, 7));
    expect(prose(seededRandom(3), 100)).toBe(prose(seededRandom(3), 100));
  });

  it('draws prefix lengths within 0..max', () => {
    const counts = prefixCounts(1000, 130, 1);
    expect(Math.min(...counts)).toBe(0);
    expect(Math.max(...counts)).toBe(130);
  });

  it('writes prose of at least the asked length', () => {
    const text = prose(seededRandom(1), 450);
    expect(text.length).toBeGreaterThanOrEqual(449);
    expect(text).toMatch(/^[A-Z].*\.$/);
  });
});
