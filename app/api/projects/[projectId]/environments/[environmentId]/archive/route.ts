import { NextResponse } from 'next/server';
import { requireUser } from '@/lib/auth/current-user';
import { getDb } from '@/lib/db';
import { archiveEnvironment } from '@/lib/environments/archive-environment';
import { unarchiveEnvironment } from '@/lib/environments/unarchive-environment';
import { apiHandler } from '@/lib/http/api-handler';

type TCtx = { params: Promise<{ projectId: string; environmentId: string }> };

/** POST /api/projects/:projectId/environments/:id/archive — hides a project template from pickers (owners). */
export const POST = apiHandler(async (_req: Request, ctx: TCtx) => {
  const actor = await requireUser();
  const { projectId, environmentId } = await ctx.params;
  return NextResponse.json(await archiveEnvironment(getDb(), actor, { id: environmentId, projectId }));
});

/** DELETE /api/projects/:projectId/environments/:id/archive — makes it pickable again. */
export const DELETE = apiHandler(async (_req: Request, ctx: TCtx) => {
  const actor = await requireUser();
  const { projectId, environmentId } = await ctx.params;
  return NextResponse.json(await unarchiveEnvironment(getDb(), actor, { id: environmentId, projectId }));
});
