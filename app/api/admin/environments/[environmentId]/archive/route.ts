import { NextResponse } from 'next/server';
import { requireUser } from '@/lib/auth/current-user';
import { getDb } from '@/lib/db';
import { archiveEnvironment } from '@/lib/environments/archive-environment';
import { unarchiveEnvironment } from '@/lib/environments/unarchive-environment';
import { apiHandler } from '@/lib/http/api-handler';

type TCtx = { params: Promise<{ environmentId: string }> };

/** POST /api/admin/environments/:id/archive — hides a global template from pickers (admins only). */
export const POST = apiHandler(async (_req: Request, ctx: TCtx) => {
  const actor = await requireUser();
  const { environmentId } = await ctx.params;
  return NextResponse.json(await archiveEnvironment(getDb(), actor, { id: environmentId, projectId: null }));
});

/** DELETE /api/admin/environments/:id/archive — makes it pickable again. */
export const DELETE = apiHandler(async (_req: Request, ctx: TCtx) => {
  const actor = await requireUser();
  const { environmentId } = await ctx.params;
  return NextResponse.json(await unarchiveEnvironment(getDb(), actor, { id: environmentId, projectId: null }));
});
