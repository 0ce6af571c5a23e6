import { NextResponse } from 'next/server';
import { requireUser } from '@/lib/auth/current-user';
import { getDb } from '@/lib/db';
import { apiHandler } from '@/lib/http/api-handler';
import { getProjectOverview } from '@/lib/projects/get-project-overview';

type TCtx = { params: Promise<{ projectId: string }> };

/** GET /api/projects/:projectId — the project, the caller's access and its members (404 for non-members). */
export const GET = apiHandler(async (_req: Request, ctx: TCtx) => {
  const actor = await requireUser();
  const { projectId } = await ctx.params;
  return NextResponse.json(await getProjectOverview(getDb(), actor, projectId));
});
