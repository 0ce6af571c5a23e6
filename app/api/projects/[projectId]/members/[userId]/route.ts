import { NextResponse } from 'next/server';
import { z } from 'zod';
import { ZProjectRole } from '@/common/roles';
import { requireUser } from '@/lib/auth/current-user';
import { getDb } from '@/lib/db';
import { apiHandler, parseJson } from '@/lib/http/api-handler';
import { removeMember } from '@/lib/projects/remove-member';
import { setMemberRole } from '@/lib/projects/set-member-role';

type TCtx = { params: Promise<{ projectId: string; userId: string }> };

/** PATCH /api/projects/:projectId/members/:userId {role} — owners and admins; a project keeps an owner. */
export const PATCH = apiHandler(async (req: Request, ctx: TCtx) => {
  const actor = await requireUser();
  const { projectId, userId } = await ctx.params;
  const { role } = await parseJson(req, z.object({ role: ZProjectRole }), 'member');
  return NextResponse.json(await setMemberRole(getDb(), actor, { projectId, userId, role }));
});

/** DELETE /api/projects/:projectId/members/:userId — 204; owners and admins; a project keeps an owner. */
export const DELETE = apiHandler(async (_req: Request, ctx: TCtx) => {
  const actor = await requireUser();
  const { projectId, userId } = await ctx.params;
  await removeMember(getDb(), actor, { projectId, userId });
  return new NextResponse(null, { status: 204 });
});
