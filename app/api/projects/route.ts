import { NextResponse } from 'next/server';
import { requireUser } from '@/lib/auth/current-user';
import { getDb } from '@/lib/db';
import { apiHandler, parseJson } from '@/lib/http/api-handler';
import { flattenParams } from '@/lib/paging/list-query';
import { createProject, ZCreateProjectInput } from '@/lib/projects/create-project';
import { listProjects } from '@/lib/projects/list-projects';

/** GET /api/projects?q=&sort=name|created&order=asc|desc&cursor=&limit=&archived=true — one page {items, nextCursor} of the caller's projects (admins: all). */
export const GET = apiHandler(async (req: Request) => {
  const actor = await requireUser();
  return NextResponse.json(await listProjects(getDb(), actor, flattenParams(new URL(req.url).searchParams)));
});

/** POST /api/projects {name, description?} — 201, the caller becomes owner. */
export const POST = apiHandler(async (req: Request) => {
  const actor = await requireUser();
  const input = await parseJson(req, ZCreateProjectInput, 'project');
  return NextResponse.json(await createProject(getDb(), actor, input), { status: 201 });
});
