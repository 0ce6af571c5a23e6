import { NextResponse } from 'next/server';
import { z } from 'zod';
import { requireUser } from '@/lib/auth/current-user';
import { getDb } from '@/lib/db';
import { apiHandler, parseJson, parseParams } from '@/lib/http/api-handler';
import { deleteNotebook } from '@/lib/notebooks/delete-notebook';
import { getNotebook } from '@/lib/notebooks/get-notebook';
import { renameNotebook } from '@/lib/notebooks/rename-notebook';
import { saveNotebook } from '@/lib/notebooks/save-notebook';

type TCtx = { params: Promise<{ projectId: string; notebookId: string }> };
const ZParams = z.object({ projectId: z.string().uuid(), notebookId: z.string().uuid() });
const ZRename = z.object({ name: z.string() });
const ZSave = z.object({ content: z.unknown(), baseVersion: z.number().int().min(1) });

/** GET — the notebook with its content and what the caller may do with it. */
export const GET = apiHandler(async (_req: Request, ctx: TCtx) => {
  const ref = parseParams(await ctx.params, ZParams);
  const user = await requireUser();
  return NextResponse.json(await getNotebook(getDb(), user, ref));
});

/** PATCH `{name}` — rename. */
export const PATCH = apiHandler(async (req: Request, ctx: TCtx) => {
  const ref = parseParams(await ctx.params, ZParams);
  const user = await requireUser();
  const { name } = await parseJson(req, ZRename, 'rename');
  return NextResponse.json(await renameNotebook(getDb(), user, { ...ref, name }));
});

/** PUT `{content, baseVersion}` — save; 409 VERSION_CONFLICT if someone saved since baseVersion. */
export const PUT = apiHandler(async (req: Request, ctx: TCtx) => {
  const ref = parseParams(await ctx.params, ZParams);
  const user = await requireUser();
  const body = await parseJson(req, ZSave, 'save');
  return NextResponse.json(await saveNotebook(getDb(), user, { ...ref, ...body }));
});

/** DELETE — remove the notebook. */
export const DELETE = apiHandler(async (_req: Request, ctx: TCtx) => {
  const ref = parseParams(await ctx.params, ZParams);
  const user = await requireUser();
  await deleteNotebook(getDb(), user, ref);
  return new NextResponse(null, { status: 204 });
});
