import { NextResponse } from 'next/server';
import { requireUser } from '@/lib/auth/current-user';
import { getDb } from '@/lib/db';
import { apiHandler, parseJson } from '@/lib/http/api-handler';
import { addMember, ZAddMemberInput } from '@/lib/projects/add-member';
import { listMembers } from '@/lib/projects/list-members';

type TCtx = { params: Promise<{ projectId: string }> };
const ZBody = ZAddMemberInput.omit({ projectId: true });

/** GET /api/projects/:projectId/members — anyone who may view the project. */
export const GET = apiHandler(async (_req: Request, ctx: TCtx) => {
  const actor = await requireUser();
  const { projectId } = await ctx.params;
  return NextResponse.json(await listMembers(getDb(), actor, projectId));
});

/** POST /api/projects/:projectId/members {email, role} — 201 whether or not the email has an account (owners and admins). */
export const POST = apiHandler(async (req: Request, ctx: TCtx) => {
  const actor = await requireUser();
  const { projectId } = await ctx.params;
  const body = await parseJson(req, ZBody, 'member');
  return NextResponse.json(await addMember(getDb(), actor, { projectId, ...body }), { status: 201 });
});
