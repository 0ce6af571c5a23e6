import { z } from 'zod';
import { requireUser } from '@/lib/auth/current-user';
import { getDb } from '@/lib/db';
import { apiHandler, parseParams } from '@/lib/http/api-handler';
import { exportNotebook } from '@/lib/notebooks/export-notebook';

type TCtx = { params: Promise<{ projectId: string; notebookId: string }> };
const ZParams = z.object({ projectId: z.string().uuid(), notebookId: z.string().uuid() });

/** GET — the stored notebook as an .ipynb download. */
export const GET = apiHandler(async (_req: Request, ctx: TCtx) => {
  const ref = parseParams(await ctx.params, ZParams);
  const user = await requireUser();
  const file = await exportNotebook(getDb(), user, ref);
  return new Response(file.body, {
    headers: {
      'Content-Type': 'application/x-ipynb+json; charset=utf-8',
      'Content-Disposition': file.contentDisposition,
      'Cache-Control': 'no-store',
    },
  });
});
