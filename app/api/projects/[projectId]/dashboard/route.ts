import { NextResponse } from 'next/server';
import { z } from 'zod';
import { requireUser } from '@/lib/auth/current-user';
import { getDb } from '@/lib/db';
import { getProjectDashboard } from '@/lib/dashboard/get-project-dashboard';
import { apiHandler, parseParams } from '@/lib/http/api-handler';

type TCtx = { params: Promise<{ projectId: string }> };
const ZParams = z.object({ projectId: z.string().uuid() });

/**
 * GET /api/projects/:projectId/dashboard — the overview dashboard (`TProjectDashboard`):
 * active and recently ended kernels, idle-but-reserved capacity, 30 days of CU by user.
 */
export const GET = apiHandler(async (_req: Request, ctx: TCtx) => {
  const { projectId } = parseParams(await ctx.params, ZParams);
  const user = await requireUser();
  return NextResponse.json(await getProjectDashboard(getDb(), user, { projectId }), { headers: { 'cache-control': 'no-store' } });
});
