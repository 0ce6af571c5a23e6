import { NextResponse } from 'next/server';
import { z } from 'zod';
import { AppError } from '@/common/errors';
import { ZProjectPath } from '@/common/project-path';
import { requireUser } from '@/lib/auth/current-user';
import { getDb } from '@/lib/db';
import { uploadProjectFile } from '@/lib/files/project-files';
import { pathParam } from '@/lib/files/path-param';
import { apiHandler, parseParams } from '@/lib/http/api-handler';
import { refuseCrossSiteUpload } from '@/lib/http/upload-request-guard';

type TCtx = { params: Promise<{ projectId: string }> };
const ZParams = z.object({ projectId: z.string().uuid() });

/**
 * PUT /api/projects/:projectId/files/upload?path=… with the file's raw bytes as the body
 * (any Content-Type). middleware.ts does not run for this path (see its matcher): Next hands
 * middleware a copy of the body and holds the route's copy in memory until middleware is done,
 * cut at `middlewareClientMaxBodySize`, so a 200 MB upload would be buffered and truncated.
 * The route therefore does middleware's checks itself (cross-site, session, nosniff) and the
 * body streams straight to disk, capped by the project's remaining storage.
 */
export const PUT = apiHandler(async (req: Request, ctx: TCtx) => {
  refuseCrossSiteUpload(req);
  const { projectId } = parseParams(await ctx.params, ZParams);
  const user = await requireUser();
  const filePath = pathParam(req, ZProjectPath);
  if (!req.body) throw new AppError('BAD_REQUEST', 'Send the file as the request body.');
  const length = req.headers.get('content-length');
  const declaredBytes = length !== null && /^\d+$/.test(length) ? Number(length) : undefined;
  const body = req.body as unknown as AsyncIterable<Uint8Array>;
  const { size } = await uploadProjectFile(getDb(), user, { projectId, path: filePath, body, declaredBytes });
  return NextResponse.json({ path: filePath, size }, { status: 201, headers: { 'X-Content-Type-Options': 'nosniff' } });
});
