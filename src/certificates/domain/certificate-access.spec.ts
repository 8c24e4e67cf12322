import { canRevokeCertificate, canViewCertificate } from './certificate-access';

describe('canViewCertificate', () => {
  const certificate = { studentId: 5 };
  const course = { instructorId: 7 };

  it('lets the student, the course owner and admins read', () => {
    expect(canViewCertificate(certificate, course, { id: 5, role: 'student' })).toBe(true);
    expect(canViewCertificate(certificate, course, { id: 7, role: 'instructor' })).toBe(true);
    expect(canViewCertificate(certificate, course, { id: 1, role: 'admin' })).toBe(true);
  });

  it('refuses other students, other instructors and role/id mix-ups', () => {
    expect(canViewCertificate(certificate, course, { id: 6, role: 'student' })).toBe(false);
    expect(canViewCertificate(certificate, course, { id: 8, role: 'instructor' })).toBe(false);
    expect(canViewCertificate(certificate, course, { id: 5, role: 'instructor' })).toBe(false);
    expect(canViewCertificate(certificate, course, { id: 7, role: 'student' })).toBe(false);
  });
});

describe('canRevokeCertificate', () => {
  it('lets only the course owner and admins revoke', () => {
    const course = { instructorId: 7 };
    expect(canRevokeCertificate(course, { id: 7, role: 'instructor' })).toBe(true);
    expect(canRevokeCertificate(course, { id: 1, role: 'admin' })).toBe(true);
    expect(canRevokeCertificate(course, { id: 8, role: 'instructor' })).toBe(false);
    expect(canRevokeCertificate(course, { id: 7, role: 'student' })).toBe(false);
  });
});
