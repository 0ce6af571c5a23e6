import { NextResponse } from 'next/server';
import { requireUser } from '@/lib/auth/current-user';
import { getDb } from '@/lib/db';
import { apiHandler } from '@/lib/http/api-handler';
import { revokeUserAccess } from '@/lib/users/revoke-user-access';

type TCtx = { params: Promise<{ userId: string }> };

/** POST /api/users/:userId/revoke-access — end all the user's sessions and revoke all their tokens (admins only). */
export const POST = apiHandler(async (_req: Request, ctx: TCtx) => {
  const actor = await requireUser();
  const { userId } = await ctx.params;
  await revokeUserAccess(getDb(), actor, { userId });
  return NextResponse.json({ revoked: true });
});
