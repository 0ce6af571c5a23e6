import { NextResponse } from 'next/server';
import { requireUser } from '@/lib/auth/current-user';
import { getDb } from '@/lib/db';
import { apiHandler } from '@/lib/http/api-handler';
import { resetUserPassword } from '@/lib/users/reset-user-password';

type TCtx = { params: Promise<{ userId: string }> };

/**
 * POST /api/users/:userId/password-reset — 200 {password}: a generated password, shown to the
 * admin this once; the user's sessions end and they must replace it at sign-in (admins only).
 */
export const POST = apiHandler(async (_req: Request, ctx: TCtx) => {
  const actor = await requireUser();
  const { userId } = await ctx.params;
  const result = await resetUserPassword(getDb(), actor, { userId });
  return NextResponse.json(result, { headers: { 'cache-control': 'no-store' } });
});
