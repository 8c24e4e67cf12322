import { EntityManager } from '@mikro-orm/postgresql';
import { CertificateRecord } from '../certificates/certificate.entity';
import { CertificatesService } from '../certificates/certificates.service';
import { AuthUser } from '../common/auth/auth-user';
import { AppConfig } from '../config/app-config';
import { CoursesService } from '../courses/courses.service';
import { EnrollmentStatus } from '../enrollments/domain/enrollment-status';
import { EnrollmentRecord } from '../enrollments/enrollment.entity';
import { EnrollmentsService } from '../enrollments/enrollments.service';
import { CountedItemsReader } from './counted-items.reader';
import { CourseCompletionService } from './course-completion.service';
import { CountedItem } from './domain/progress-calculator';
import { ProgressRepository } from './progress.repository';

const STUDENT: AuthUser = { id: 42, role: 'student' };
const COURSE = 3;
const item = (id: string): CountedItem => ({
  item_type: 'lesson',
  item_id: id,
  title: id,
  module_id: 'm',
  module_title: 'M',
});
const ITEMS = [item('a'), item('b')];

function enrollmentOf(status: EnrollmentStatus): EnrollmentRecord {
  return { id: 10, studentId: STUDENT.id, courseId: COURSE, status } as EnrollmentRecord;
}

const certificate: CertificateRecord = {
  id: 5,
  enrollmentId: 10,
  studentId: STUDENT.id,
  courseId: COURSE,
  certificateNumber: 'CERT-X',
  issuedAt: new Date('2026-12-01T10:00:00Z'),
  isRevoked: false,
  revokedAt: null,
  revocationReason: null,
};

/**
 * The use case over stubs: the order of calls and which of them run is the rule under test;
 * the races themselves are covered against PostgreSQL by the e2e suite.
 */
function useCase(options: { done: string[]; status: EnrollmentStatus; autoIssue?: boolean }) {
  const calls: string[] = [];
  const enrollments = {
    findForStudentAndCourse: jest.fn(async () => enrollmentOf(options.status)),
    complete: jest.fn(async (e: EnrollmentRecord) => {
      calls.push('complete');
      return { ...e, status: 'completed' };
    }),
  };
  const certificates = {
    findForEnrollment: jest.fn(async () => null),
    issueForEnrollment: jest.fn(async () => {
      calls.push('issue');
      return { certificate, created: true };
    }),
  };
  const em = {
    transactional: jest.fn(async (work: () => Promise<unknown>) => {
      calls.push('begin');
      const result = await work();
      calls.push('commit');
      return result;
    }),
  };
  const service = new CourseCompletionService(
    { findVisible: jest.fn(async () => ({ id: COURSE })) } as unknown as CoursesService,
    enrollments as unknown as EnrollmentsService,
    certificates as unknown as CertificatesService,
    {
      findCompletedItems: jest.fn(async () =>
        options.done.map((id) => ({ itemType: 'lesson', itemId: id })),
      ),
    } as unknown as ProgressRepository,
    { of: jest.fn(async () => ITEMS) } as unknown as CountedItemsReader,
    { AUTO_ISSUE_CERTIFICATES: options.autoIssue ?? true } as AppConfig,
    em as unknown as EntityManager,
  );
  return { service, calls };
}

describe(CourseCompletionService.name, () => {
  describe('completeIfDone', () => {
    it('completes an active enrollment at 100% and issues its certificate in one transaction', async () => {
      const { service, calls } = useCase({ done: ['a', 'b'], status: 'active' });
      await service.completeIfDone(enrollmentOf('active'), ITEMS);
      expect(calls).toEqual(['begin', 'complete', 'issue', 'commit']);
    });

    it('completes without a certificate when automatic issuing is off', async () => {
      const { service, calls } = useCase({ done: ['a', 'b'], status: 'active', autoIssue: false });
      await service.completeIfDone(enrollmentOf('active'), ITEMS);
      expect(calls).toEqual(['begin', 'complete', 'commit']);
    });

    it('only issues for an enrollment completed earlier, and does nothing below 100%', async () => {
      const completed = useCase({ done: ['a', 'b'], status: 'completed' });
      await completed.service.completeIfDone(enrollmentOf('completed'), ITEMS);
      expect(completed.calls).toEqual(['issue']);

      const halfway = useCase({ done: ['a'], status: 'active' });
      await halfway.service.completeIfDone(enrollmentOf('active'), ITEMS);
      expect(halfway.calls).toEqual([]);
    });
  });

  describe('requestCertificate', () => {
    it('completes an active enrollment at 100% through the same transition', async () => {
      const { service, calls } = useCase({ done: ['a', 'b'], status: 'active' });
      const answer = await service.requestCertificate(STUDENT, COURSE);
      expect(answer).toMatchObject({
        created: true,
        certificate: { certificate_number: 'CERT-X' },
      });
      expect(calls).toEqual(['begin', 'complete', 'issue', 'commit']);
    });

    it('refuses below 100% with the percentage, changing nothing', async () => {
      const { service, calls } = useCase({ done: ['a'], status: 'active' });
      await expect(service.requestCertificate(STUDENT, COURSE)).rejects.toMatchObject({
        code: 'COMPLETION_REQUIRED',
        details: { completion_percentage: 50 },
      });
      expect(calls).toEqual([]);
    });

    it.each(['dropped', 'suspended'] as EnrollmentStatus[])(
      'refuses a %s enrollment with ENROLLMENT_REQUIRED',
      async (status) => {
        const { service, calls } = useCase({ done: ['a', 'b'], status });
        await expect(service.requestCertificate(STUDENT, COURSE)).rejects.toMatchObject({
          code: 'ENROLLMENT_REQUIRED',
        });
        expect(calls).toEqual([]);
      },
    );
  });
});
