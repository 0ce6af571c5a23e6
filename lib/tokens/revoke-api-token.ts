import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { AppError } from '@/common/errors';
import type { TDb } from '@/db/client';
import { apiTokens } from '@/db/schema';
import type { TSignedInUser } from '../auth/authorize-credentials';
import { parseInput } from '../validation/parse-input';

export const ZRevokeApiTokenInput = z.object({ tokenId: z.string().uuid() });

/**
 * Revokes one of the caller's own personal tokens; the gateway refuses it from then on.
 * Someone else's token is NOT_FOUND, so ids reveal nothing.
 */
export async function revokeApiToken(db: TDb, actor: TSignedInUser, input: z.input<typeof ZRevokeApiTokenInput>): Promise<void> {
  const { tokenId } = parseInput(ZRevokeApiTokenInput, input, 'token');
  const revoked = await db
    .update(apiTokens)
    .set({ revokedAt: new Date() })
    .where(
      and(eq(apiTokens.id, tokenId), eq(apiTokens.userId, actor.id), eq(apiTokens.kind, 'personal'), isNull(apiTokens.revokedAt)),
    )
    .returning({ id: apiTokens.id });
  if (!revoked.length) throw new AppError('NOT_FOUND', 'Token not found (it may already be revoked).');
}
