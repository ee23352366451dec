import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A fresh random secret for one process's lifetime (256 bits, URL-safe). */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** True when an Authorization header is `Bearer <secret>`; compared as digests in constant time. */
export function bearerMatches(header: string | string[] | undefined, secret: string): boolean {
  if (typeof header !== 'string') return false;
  const token = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
  return token !== undefined && timingSafeEqual(digest(token), digest(secret));
}
