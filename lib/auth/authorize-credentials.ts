import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { TDb } from '@/db/client';
import { randomBytes } from 'node:crypto';
import { hashPassword, verifyPassword } from '@/db/passwords';
import { users } from '@/db/schema';
import { setTimeout as sleep } from 'node:timers/promises';
import { purgeStaleSignInRowsWhenDue } from './purge-stale-sign-in-rows';
import { accountDelayMsAfter, clearFailures, failuresOf, recordFailure, secondsUntilAllowed } from './sign-in-throttle';

const ZCredentials = z.object({ email: z.string().trim().toLowerCase().email(), password: z.string().min(1).max(1024) });

export interface TSignedInUser {
  id: string;
  email: string;
  name: string;
  role: 'admin' | 'member';
}

/**
 * A hash no password matches, checked when the email has no account (or a deleted one, whose
 * hash is no Argon2 hash): the answer then takes as long as for a real account, so its timing
 * does not tell who has one.
 */
let decoyHash: Promise<string> | null = null;
const decoy = () => (decoyHash ??= hashPassword(randomBytes(32).toString('base64')));

/**
 * Checks an email and password for the sign-in form. Throws an Error whose message the
 * form shows as it is, so every message here is written for the person signing in.
 * Failures are counted per client address (the TCP peer, see sign-in-client-address.ts) and
 * per account. The address must wait after repeated failures; the account is only slowed
 * (accountDelayMsAfter), never closed, so a stranger guessing cannot keep its owner out.
 */
export async function authorizeCredentials(db: TDb, input: unknown, address: string): Promise<TSignedInUser> {
  await purgeStaleSignInRowsWhenDue(db);
  const wait = await secondsUntilAllowed(db, address);
  if (wait > 0) throw new Error(`Too many failed sign-ins from your address. Try again in ${wait} s.`);
  const parsed = ZCredentials.safeParse(input);
  if (!parsed.success) throw new Error('Enter your email address and password.');
  const accountKey = `account:${parsed.data.email}`;
  await sleep(accountDelayMsAfter(await failuresOf(db, accountKey)));
  const [user] = await db.select().from(users).where(eq(users.email, parsed.data.email));
  const real = user?.passwordHash.startsWith('$argon2') ? user.passwordHash : null;
  const ok = (await verifyPassword(real ?? (await decoy()), parsed.data.password)) && real !== null;
  if (!user || !ok) {
    await recordFailure(db, address);
    await recordFailure(db, accountKey);
    throw new Error('Wrong email or password.');
  }
  if (user.disabledAt) throw new Error('This account is disabled. Ask an administrator to enable it.');
  await clearFailures(db, address);
  await clearFailures(db, accountKey);
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}
