import { z } from 'zod';
import { zSingleLineText } from '@/common/plain-text';
import { AppError } from '@/common/errors';
import { ZUserRole } from '@/common/roles';
import type { TDb } from '@/db/client';
import { hashPassword } from '@/db/passwords';
import { users } from '@/db/schema';
import { assertAdmin } from '../auth/assert-admin';
import type { TSignedInUser } from '../auth/authorize-credentials';
import { SYSTEM_ACTOR } from '../auth/system-actor';
import { parseInput } from '../validation/parse-input';
import { generatePassword, ZNewPassword } from './password-rules';
import { toUserSummary, type TUserSummary } from './user-summary';

export const ZCreateUserInput = z.object({
  email: z.string().trim().toLowerCase().email('Enter a valid email address').max(254),
  name: zSingleLineText().trim().min(1, 'Enter a name').max(200),
  role: ZUserRole.default('member'),
  /** Empty or absent: a password is generated and returned once. */
  password: z
    .string()
    .max(1024)
    .optional()
    .transform((p) => (p ? p : undefined))
    .refine((p) => p === undefined || ZNewPassword.safeParse(p).success, 'Use at least 8 characters, or leave empty to generate one'),
});
export type TCreateUserInput = z.input<typeof ZCreateUserInput>;

/**
 * Creates a user (admins only). Returns the generated initial password when none was given,
 * so the caller can show it exactly once; it is stored only as an Argon2id hash. A generated
 * password, or one an admin typed, was known to someone else: the user must replace it at first
 * sign-in. Only a password the operator chose on the server (SYSTEM_ACTOR) may be kept.
 */
export async function createUser(
  db: TDb,
  actor: TSignedInUser,
  input: TCreateUserInput,
): Promise<{ user: TUserSummary; generatedPassword: string | null }> {
  assertAdmin(actor);
  const data = parseInput(ZCreateUserInput, input, 'user');
  const generatedPassword = data.password ? null : generatePassword();
  const passwordHash = await hashPassword(data.password ?? generatedPassword!);
  const [row] = await db
    .insert(users)
    .values({ email: data.email, name: data.name, role: data.role, passwordHash, mustChangePassword: !(data.password && actor.id === SYSTEM_ACTOR.id) })
    .onConflictDoNothing({ target: users.email })
    .returning();
  if (!row) {
    throw new AppError('CONFLICT', `A user with the email ${data.email} already exists.`, {
      email: 'This email is already in use',
    });
  }
  return { user: toUserSummary(row), generatedPassword };
}

