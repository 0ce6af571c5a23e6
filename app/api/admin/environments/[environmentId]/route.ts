import { NextResponse } from 'next/server';
import { z } from 'zod';
import { requireUser } from '@/lib/auth/current-user';
import { getDb } from '@/lib/db';
import { updateEnvironment } from '@/lib/environments/update-environment';
import { apiHandler, parseJson } from '@/lib/http/api-handler';

type TCtx = { params: Promise<{ environmentId: string }> };

/** PUT /api/admin/environments/:id {template fields} — replaces a global template's settings (admins only). */
export const PUT = apiHandler(async (req: Request, ctx: TCtx) => {
  const actor = await requireUser();
  const { environmentId } = await ctx.params;
  const body = await parseJson(req, z.record(z.string(), z.unknown()), 'environment');
  const input = { ...body, id: environmentId, projectId: null } as Parameters<typeof updateEnvironment>[2];
  return NextResponse.json(await updateEnvironment(getDb(), actor, input));
});
