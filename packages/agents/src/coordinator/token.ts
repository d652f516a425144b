import { createHash, timingSafeEqual } from 'node:crypto';

/** Compares a presented token with the expected one in constant time, whatever their lengths. */
export function tokensMatch(presented: string, expected: string): boolean {
  const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(presented), digest(expected));
}
