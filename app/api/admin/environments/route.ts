import { NextResponse } from 'next/server';
import { z } from 'zod';
import { requireUser } from '@/lib/auth/current-user';
import { getDb } from '@/lib/db';
import { createEnvironment } from '@/lib/environments/create-environment';
import { listEnvironments } from '@/lib/environments/list-environments';
import { apiHandler, parseJson } from '@/lib/http/api-handler';

/** GET /api/admin/environments — global templates, archived ones included for admins. */
export const GET = apiHandler(async () => {
  const actor = await requireUser();
  return NextResponse.json(await listEnvironments(getDb(), actor, { includeArchived: true }));
});

/** POST /api/admin/environments {template fields} — 201 the new global template (admins only). */
export const POST = apiHandler(async (req: Request) => {
  const actor = await requireUser();
  const body = await parseJson(req, z.record(z.string(), z.unknown()), 'environment');
  const env = await createEnvironment(getDb(), actor, { ...body, projectId: null } as Parameters<typeof createEnvironment>[2]);
  return NextResponse.json(env, { status: 201 });
});
