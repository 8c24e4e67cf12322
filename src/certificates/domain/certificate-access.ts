import { canManageCourse } from '../../courses/domain/course-status';

interface Caller {
  id: number;
  role: string;
}

/** The certificate's student, the course owner and admins may read it; for others it does not exist. */
export function canViewCertificate(
  certificate: { studentId: number },
  course: { instructorId: number },
  caller: Caller,
): boolean {
  return (
    canManageCourse(course, caller) ||
    (caller.role === 'student' && caller.id === certificate.studentId)
  );
}

/** Only the course owner and admins may revoke. */
export function canRevokeCertificate(course: { instructorId: number }, caller: Caller): boolean {
  return canManageCourse(course, caller);
}
