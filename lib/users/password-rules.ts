import { randomBytes } from 'node:crypto';
import { z } from 'zod';

/** The one rule a chosen password must pass (admin-set, and every change). */
export const ZNewPassword = z.string().min(8, 'Use at least 8 characters').max(1024, 'Use at most 1024 characters');

/** A password for someone to replace at first sign-in: 96 random bits, URL-safe. */
export function generatePassword(): string {
  return randomBytes(12).toString('base64url');
}
