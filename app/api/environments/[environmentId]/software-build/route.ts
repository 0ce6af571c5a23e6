import { NextResponse } from 'next/server';
import { requireUser } from '@/lib/auth/current-user';
import { getDb } from '@/lib/db';
import { apiHandler } from '@/lib/http/api-handler';
import { getSoftwareBuildLog } from '@/lib/software/get-software-build-log';

type TCtx = { params: Promise<{ environmentId: string }> };

/**
 * GET /api/environments/:id/software-build — `{build, log}`: the template's software build and
 * the installer's output (build null = the platform's default environment). Admins for global
 * templates, the project's members for a project's.
 */
export const GET = apiHandler(async (_req: Request, ctx: TCtx) => {
  const actor = await requireUser();
  const { environmentId } = await ctx.params;
  return NextResponse.json(await getSoftwareBuildLog(getDb(), actor, { environmentId }));
});
