import { NextResponse } from 'next/server';
import { requireUser } from '@/lib/auth/current-user';
import { getDb } from '@/lib/db';
import { apiHandler, parseJson } from '@/lib/http/api-handler';
import { createProject, ZCreateProjectInput } from '@/lib/projects/create-project';
import { listProjects } from '@/lib/projects/list-projects';

/** GET /api/projects — the caller's projects (admins: all). */
export const GET = apiHandler(async () => {
  const actor = await requireUser();
  return NextResponse.json(await listProjects(getDb(), actor));
});

/** POST /api/projects {name, description?} — 201, the caller becomes owner. */
export const POST = apiHandler(async (req: Request) => {
  const actor = await requireUser();
  const input = await parseJson(req, ZCreateProjectInput, 'project');
  return NextResponse.json(await createProject(getDb(), actor, input), { status: 201 });
});
