import { NextResponse } from 'next/server';
import { requireUser } from '@/lib/auth/current-user';
import { getDb } from '@/lib/db';
import { apiHandler } from '@/lib/http/api-handler';
import { archiveProject } from '@/lib/projects/archive-project';
import { restoreProject } from '@/lib/projects/restore-project';

type TCtx = { params: Promise<{ projectId: string }> };

/** POST /api/projects/:projectId/archive — make it read-only and stop its kernels (owners and admins). */
export const POST = apiHandler(async (_req: Request, ctx: TCtx) => {
  const actor = await requireUser();
  const { projectId } = await ctx.params;
  return NextResponse.json(await archiveProject(getDb(), actor, projectId));
});

/** DELETE /api/projects/:projectId/archive — restore it. */
export const DELETE = apiHandler(async (_req: Request, ctx: TCtx) => {
  const actor = await requireUser();
  const { projectId } = await ctx.params;
  return NextResponse.json(await restoreProject(getDb(), actor, projectId));
});
