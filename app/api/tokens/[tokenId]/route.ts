import { NextResponse } from 'next/server';
import { requireUser } from '@/lib/auth/current-user';
import { getDb } from '@/lib/db';
import { apiHandler } from '@/lib/http/api-handler';
import { revokeApiToken } from '@/lib/tokens/revoke-api-token';

type TCtx = { params: Promise<{ tokenId: string }> };

/** DELETE /api/tokens/:tokenId — 204; revokes one of the caller's own tokens. */
export const DELETE = apiHandler(async (_req: Request, ctx: TCtx) => {
  const actor = await requireUser();
  const { tokenId } = await ctx.params;
  await revokeApiToken(getDb(), actor, { tokenId });
  return new NextResponse(null, { status: 204 });
});
