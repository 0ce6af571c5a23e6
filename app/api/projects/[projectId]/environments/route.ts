import { NextResponse } from 'next/server';
import { z } from 'zod';
import { requireUser } from '@/lib/auth/current-user';
import { getDb } from '@/lib/db';
import { createEnvironment } from '@/lib/environments/create-environment';
import { listEnvironments } from '@/lib/environments/list-environments';
import { apiHandler, parseJson } from '@/lib/http/api-handler';

type TCtx = { params: Promise<{ projectId: string }> };

/**
 * GET /api/projects/:projectId/environments[?includeArchived=1] — global templates and the
 * project's (archived ones only for those who manage them).
 */
export const GET = apiHandler(async (req: Request, ctx: TCtx) => {
  const actor = await requireUser();
  const { projectId } = await ctx.params;
  const includeArchived = new URL(req.url).searchParams.get('includeArchived') === '1';
  return NextResponse.json(await listEnvironments(getDb(), actor, { projectId, includeArchived }));
});

/** POST /api/projects/:projectId/environments {template fields} — 201 a project template (owners). */
export const POST = apiHandler(async (req: Request, ctx: TCtx) => {
  const actor = await requireUser();
  const { projectId } = await ctx.params;
  const body = await parseJson(req, z.record(z.string(), z.unknown()), 'environment');
  const env = await createEnvironment(getDb(), actor, { ...body, projectId } as Parameters<typeof createEnvironment>[2]);
  return NextResponse.json(env, { status: 201 });
});
