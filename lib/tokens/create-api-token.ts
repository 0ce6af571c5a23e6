import { z } from 'zod';
import { zSingleLineText } from '@/common/plain-text';
import type { TDb } from '@/db/client';
import { apiTokens } from '@/db/schema';
import { generateToken } from '@/db/tokens';
import type { TSignedInUser } from '../auth/authorize-credentials';
import { parseInput } from '../validation/parse-input';
import { toTokenSummary, type TApiTokenSummary } from './token-summary';

export const ZCreateApiTokenInput = z.object({
  name: zSingleLineText().trim().max(100, 'Use at most 100 characters').optional(),
  /** Days until it expires; absent = never. */
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});

/**
 * Creates a personal API token for the caller. The token itself is returned here and never
 * again: only its SHA-256 and a short prefix (to recognize it in lists) are stored.
 */
export async function createApiToken(
  db: TDb,
  actor: TSignedInUser,
  input: z.input<typeof ZCreateApiTokenInput> = {},
  now = new Date(),
): Promise<{ token: string; summary: TApiTokenSummary }> {
  const data = parseInput(ZCreateApiTokenInput, input, 'token');
  const { token, prefix, hash } = generateToken();
  const [row] = await db
    .insert(apiTokens)
    .values({
      userId: actor.id,
      kind: 'personal',
      name: data.name || `Token created ${now.toISOString().slice(0, 10)}`,
      tokenHash: hash,
      prefix,
      expiresAt: data.expiresInDays ? new Date(now.getTime() + data.expiresInDays * 86_400_000) : null,
    })
    .returning();
  return { token, summary: toTokenSummary(row!) };
}
