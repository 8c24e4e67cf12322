import {
  CERTIFICATE_NUMBER_BYTES,
  CERTIFICATE_NUMBER_PATTERN,
  formatCertificateNumber,
} from './certificate-number';

describe('formatCertificateNumber', () => {
  it('encodes RFC 4648 test vectors', () => {
    const enc = (s: string) => formatCertificateNumber(Buffer.from(s));
    expect(enc('f')).toBe('CERT-MY');
    expect(enc('fo')).toBe('CERT-MZXQ');
    expect(enc('foobar')).toBe('CERT-MZXW6YTBOI');
  });

  it('gives 26 base32 characters for 16 random bytes', () => {
    const number = formatCertificateNumber(new Uint8Array(CERTIFICATE_NUMBER_BYTES).fill(255));
    expect(number).toMatch(/^CERT-[A-Z2-7]{26}$/);
    expect(number).toMatch(CERTIFICATE_NUMBER_PATTERN);
  });
});
