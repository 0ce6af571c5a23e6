import { NextResponse } from 'next/server';
import { z } from 'zod';
import { requireUser } from '@/lib/auth/current-user';
import { getDb } from '@/lib/db';
import { apiHandler, parseJson, parseParams } from '@/lib/http/api-handler';
import { attachEnvironment } from '@/lib/notebooks/attach-environment';

type TCtx = { params: Promise<{ projectId: string; notebookId: string }> };
const ZParams = z.object({ projectId: z.string().uuid(), notebookId: z.string().uuid() });
const ZBody = z.object({ environmentId: z.string(), baseVersion: z.number().int().min(1).optional() });

/**
 * PUT `{environmentId, baseVersion?}` — attach an environment to the notebook (editors):
 * `{version, updatedAt, environment, kernelspec}`; 409 VERSION_CONFLICT if `baseVersion` is stale.
 */
export const PUT = apiHandler(async (req: Request, ctx: TCtx) => {
  const ref = parseParams(await ctx.params, ZParams);
  const user = await requireUser();
  const body = await parseJson(req, ZBody, 'environment choice');
  return NextResponse.json(await attachEnvironment(getDb(), user, { ...ref, ...body }));
});
