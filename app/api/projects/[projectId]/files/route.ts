import { NextResponse } from 'next/server';
import { z } from 'zod';
import { ZProjectFolderPath, ZProjectPath } from '@/common/project-path';
import { requireUser } from '@/lib/auth/current-user';
import { getDb } from '@/lib/db';
import { pathParam } from '@/lib/files/path-param';
import { deleteProjectFile, listProjectFolder, moveProjectFile } from '@/lib/files/project-files';
import { apiHandler, parseJson, parseParams } from '@/lib/http/api-handler';

type TCtx = { params: Promise<{ projectId: string }> };
const ZParams = z.object({ projectId: z.string().uuid() });
const ZMove = z.object({ from: ZProjectPath, to: ZProjectPath });

/** GET /api/projects/:projectId/files?path=folder — a folder's entries and the project's storage use. */
export const GET = apiHandler(async (req: Request, ctx: TCtx) => {
  const { projectId } = parseParams(await ctx.params, ZParams);
  const user = await requireUser();
  return NextResponse.json(await listProjectFolder(getDb(), user, { projectId, path: pathParam(req, ZProjectFolderPath) }));
});

/** PATCH /api/projects/:projectId/files `{from, to}` — rename or move a file or folder. */
export const PATCH = apiHandler(async (req: Request, ctx: TCtx) => {
  const { projectId } = parseParams(await ctx.params, ZParams);
  const user = await requireUser();
  const body = await parseJson(req, ZMove, 'move');
  await moveProjectFile(getDb(), user, { projectId, ...body });
  return NextResponse.json({ ok: true });
});

/** DELETE /api/projects/:projectId/files?path=… — delete a file, or a folder with its content. */
export const DELETE = apiHandler(async (req: Request, ctx: TCtx) => {
  const { projectId } = parseParams(await ctx.params, ZParams);
  const user = await requireUser();
  await deleteProjectFile(getDb(), user, { projectId, path: pathParam(req, ZProjectPath) });
  return NextResponse.json({ ok: true });
});
