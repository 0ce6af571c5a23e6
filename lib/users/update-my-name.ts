import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { zSingleLineText } from '@/common/plain-text';
import type { TDb } from '@/db/client';
import { users } from '@/db/schema';
import type { TSignedInUser } from '../auth/authorize-credentials';
import { parseInput } from '../validation/parse-input';
import { toUserSummary, type TUserSummary } from './user-summary';

export const ZUpdateMyNameInput = z.object({
  name: zSingleLineText({ error: 'Enter a name' }).trim().min(1, 'Enter a name').max(200, 'Use at most 200 characters'),
});

/** The signed-in user changes their own display name (shown to project members, on the dashboard, in "stopped by"). */
export async function updateMyName(db: TDb, actor: TSignedInUser, input: z.input<typeof ZUpdateMyNameInput>): Promise<TUserSummary> {
  const { name } = parseInput(ZUpdateMyNameInput, input, 'profile');
  const [row] = await db.update(users).set({ name }).where(eq(users.id, actor.id)).returning();
  return toUserSummary(row!);
}
