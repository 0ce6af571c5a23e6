import { NextResponse } from 'next/server';
import { z } from 'zod';
import { AppError } from '@/common/errors';
import { requireUser } from '@/lib/auth/current-user';
import { getDb } from '@/lib/db';
import { apiHandler, parseJson, parseParams } from '@/lib/http/api-handler';
import { createNotebook } from '@/lib/notebooks/create-notebook';
import { importNotebook } from '@/lib/notebooks/import-notebook';
import { listNotebooks } from '@/lib/notebooks/list-notebooks';

type TCtx = { params: Promise<{ projectId: string }> };
const ZParams = z.object({ projectId: z.string().uuid() });
/** JSON body: `{name}` creates an empty notebook; `{name, content}` imports one. */
const ZBody = z.object({ name: z.string(), content: z.unknown().optional() });

/** GET /api/projects/:projectId/notebooks?q=&sort=name|updated — the project's notebooks, searched and sorted. */
export const GET = apiHandler(async (req: Request, ctx: TCtx) => {
  const { projectId } = parseParams(await ctx.params, ZParams);
  const user = await requireUser();
  const search = new URL(req.url).searchParams;
  const query = { q: search.get('q') ?? undefined, sort: search.get('sort') ?? undefined };
  return NextResponse.json({ notebooks: await listNotebooks(getDb(), user, { projectId, ...query }) });
});

/**
 * POST /api/projects/:projectId/notebooks — create (`{name}`) or import: JSON `{name, content}`
 * or multipart with `file` (an .ipynb) and optional `name` (default: the file's name).
 */
export const POST = apiHandler(async (req: Request, ctx: TCtx) => {
  const { projectId } = parseParams(await ctx.params, ZParams);
  const user = await requireUser();
  if ((req.headers.get('content-type') ?? '').startsWith('multipart/form-data')) {
    const form = await req.formData().catch(() => null);
    const file = form?.get('file');
    if (!form || !(file instanceof File)) throw new AppError('BAD_REQUEST', 'Choose an .ipynb file to import.', { file: 'Choose a file' });
    const name = String(form.get('name') ?? '').trim() || file.name;
    const created = await importNotebook(getDb(), user, { projectId, name, content: await file.text() });
    return NextResponse.json(created, { status: 201 });
  }
  const body = await parseJson(req, ZBody, 'notebook');
  const created =
    body.content === undefined
      ? await createNotebook(getDb(), user, { projectId, name: body.name })
      : await importNotebook(getDb(), user, { projectId, name: body.name, content: body.content });
  return NextResponse.json(created, { status: 201 });
});
