import { NextResponse } from 'next/server';
import { z } from 'zod';
import { requireUser } from '@/lib/auth/current-user';
import { getDb } from '@/lib/db';
import { attachLargerEnvironment, findLargerEnvironment } from '@/lib/dashboard/attach-larger-environment';
import { apiHandler, parseParams } from '@/lib/http/api-handler';

type TCtx = { params: Promise<{ projectId: string; kernelId: string }> };
const ZParams = z.object({ projectId: z.string().uuid(), kernelId: z.string().uuid() });

/**
 * GET — for a dead or failed kernel, the environment a restart on a larger one would pick
 * (`TLargerChoiceResult`), without attaching it: the notebook offers "Restart on <name>".
 */
export const GET = apiHandler(async (_req: Request, ctx: TCtx) => {
  const ref = parseParams(await ctx.params, ZParams);
  const user = await requireUser();
  return NextResponse.json(await findLargerEnvironment(getDb(), user, ref));
});

/**
 * POST — for a dead or failed kernel, attach the next larger environment that fits to its
 * notebook (`TLargerEnvironment`); the browser then starts the kernel on the gateway.
 */
export const POST = apiHandler(async (_req: Request, ctx: TCtx) => {
  const ref = parseParams(await ctx.params, ZParams);
  const user = await requireUser();
  return NextResponse.json(await attachLargerEnvironment(getDb(), user, ref));
});
