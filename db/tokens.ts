import { createHash, randomBytes } from 'node:crypto';

/** Tokens are shown once; only this hash is stored, so a database leak reveals no token. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A new random token: `lat_` + 40 url-safe characters; the prefix identifies it in listings. */
export function generateToken(): { token: string; prefix: string; hash: string } {
  const token = `lat_${randomBytes(30).toString('base64url')}`;
  return { token, prefix: token.slice(0, 10), hash: hashToken(token) };
}
