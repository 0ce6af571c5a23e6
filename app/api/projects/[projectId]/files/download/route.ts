import { Readable } from 'node:stream';
import { z } from 'zod';
import { ZProjectPath } from '@/common/project-path';
import { requireUser } from '@/lib/auth/current-user';
import { getDb } from '@/lib/db';
import { openProjectFile } from '@/lib/files/project-files';
import { pathParam } from '@/lib/files/path-param';
import { apiHandler, parseParams } from '@/lib/http/api-handler';

type TCtx = { params: Promise<{ projectId: string }> };
const ZParams = z.object({ projectId: z.string().uuid() });

/**
 * GET /api/projects/:projectId/files/download?path=… — the file's bytes, streamed. Always an
 * attachment of type octet-stream with nosniff: a file a kernel wrote (HTML, SVG) must never
 * render inline with the app's origin.
 */
export const GET = apiHandler(async (req: Request, ctx: TCtx) => {
  const { projectId } = parseParams(await ctx.params, ZParams);
  const user = await requireUser();
  const filePath = pathParam(req, ZProjectPath);
  const { file, stats } = await openProjectFile(getDb(), user, { projectId, path: filePath });
  const name = filePath.split('/').pop()!;
  const stream = Readable.toWeb(file.createReadStream()) as ReadableStream<Uint8Array>;
  return new Response(stream, {
    headers: {
      'Content-Type': 'application/octet-stream',
      'Content-Length': String(stats.size),
      'Content-Disposition': `attachment; filename="${name.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`,
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "default-src 'none'; sandbox",
      'Cache-Control': 'private, no-store',
    },
  });
});
