import { NextResponse } from 'next/server';
import { requireUser } from '@/lib/auth/current-user';
import { getDb } from '@/lib/db';
import { checkEnvironmentFit } from '@/lib/quotas/check-environment-fit';
import { apiHandler } from '@/lib/http/api-handler';

type TCtx = { params: Promise<{ projectId: string }> };

/**
 * GET /api/projects/:projectId/environments/fit — for the environment picker: each template
 * the caller may pick here with `{fits, blocks: [{scope, limit, message}]}` right now.
 */
export const GET = apiHandler(async (_req: Request, ctx: TCtx) => {
  const actor = await requireUser();
  const { projectId } = await ctx.params;
  return NextResponse.json(await checkEnvironmentFit(getDb(), actor, { projectId }), { headers: { 'cache-control': 'no-store' } });
});
