import { NextResponse } from 'next/server';
import { z } from 'zod';
import { requireUser } from '@/lib/auth/current-user';
import { getDb } from '@/lib/db';
import { apiHandler, parseJson } from '@/lib/http/api-handler';
import { deleteProject } from '@/lib/projects/delete-project';
import { getProjectOverview } from '@/lib/projects/get-project-overview';
import { updateProject } from '@/lib/projects/update-project';

type TCtx = { params: Promise<{ projectId: string }> };
// The domain functions validate the fields; here only the shape of the JSON.
const ZUpdateBody = z.object({ name: z.string().optional(), description: z.string().optional() });
const ZDeleteBody = z.object({ confirm: z.string() });

/** GET /api/projects/:projectId — the project, the caller's access and its members (404 for non-members). */
export const GET = apiHandler(async (_req: Request, ctx: TCtx) => {
  const actor = await requireUser();
  const { projectId } = await ctx.params;
  return NextResponse.json(await getProjectOverview(getDb(), actor, projectId));
});

/** PATCH /api/projects/:projectId `{name?, description?}` — rename (owners and admins). */
export const PATCH = apiHandler(async (req: Request, ctx: TCtx) => {
  const actor = await requireUser();
  const { projectId } = await ctx.params;
  const body = await parseJson(req, ZUpdateBody, 'project');
  return NextResponse.json(await updateProject(getDb(), actor, projectId, body));
});

/** DELETE /api/projects/:projectId `{confirm: "<the project's name>"}` — delete it and everything in it (owners and admins). */
export const DELETE = apiHandler(async (req: Request, ctx: TCtx) => {
  const actor = await requireUser();
  const { projectId } = await ctx.params;
  const body = await parseJson(req, ZDeleteBody, 'confirmation');
  return NextResponse.json(await deleteProject(getDb(), actor, projectId, body));
});
