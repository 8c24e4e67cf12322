const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Random bytes per certificate number: 128 bits, so numbers can be neither guessed nor enumerated. */
export const CERTIFICATE_NUMBER_BYTES = 16;

/**
 * `CERT-` + the bytes in RFC 4648 base32 without padding (26 characters for 16 bytes): upper case
 * letters and digits 2-7 only, so a number survives being read aloud or typed from paper.
 */
export function formatCertificateNumber(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32[(buffer << (5 - bits)) & 31];
  return `CERT-${out}`;
}

/**
 * What a certificate number may look like on the verify route: ours, and the legacy service's
 * (letters, digits, `-` and `_`, up to the 64 characters of the column).
 */
export const CERTIFICATE_NUMBER_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
