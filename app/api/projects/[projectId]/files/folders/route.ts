import { NextResponse } from 'next/server';
import { z } from 'zod';
import { ZProjectPath } from '@/common/project-path';
import { requireUser } from '@/lib/auth/current-user';
import { getDb } from '@/lib/db';
import { createProjectFolder } from '@/lib/files/project-files';
import { apiHandler, parseJson, parseParams } from '@/lib/http/api-handler';

type TCtx = { params: Promise<{ projectId: string }> };
const ZParams = z.object({ projectId: z.string().uuid() });
const ZBody = z.object({ path: ZProjectPath });

/** POST /api/projects/:projectId/files/folders `{path}` — create a folder (its parent must exist). */
export const POST = apiHandler(async (req: Request, ctx: TCtx) => {
  const { projectId } = parseParams(await ctx.params, ZParams);
  const user = await requireUser();
  const { path } = await parseJson(req, ZBody, 'folder');
  await createProjectFolder(getDb(), user, { projectId, path });
  return NextResponse.json({ path }, { status: 201 });
});
