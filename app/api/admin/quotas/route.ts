import { NextResponse } from 'next/server';
import { requireUser } from '@/lib/auth/current-user';
import { getDb } from '@/lib/db';
import { apiHandler, parseJson } from '@/lib/http/api-handler';
import { listQuotaTable } from '@/lib/quotas/list-quota-table';
import { setQuota, ZSetQuotaInput } from '@/lib/quotas/set-quota';

/** GET /api/admin/quotas — every user, project and in-project limit with usage (admins only). */
export const GET = apiHandler(async () => {
  const actor = await requireUser();
  return NextResponse.json(await listQuotaTable(getDb(), actor), { headers: { 'cache-control': 'no-store' } });
});

/**
 * PUT /api/admin/quotas {scope, userId?, projectId?, limits: {cpu (vCPU), memoryGib, gpus,
 * kernels, monthlyUnits} | null} — sets a limit row (null limit = unlimited; `limits: null`
 * removes the row so the default applies). Admins only.
 */
export const PUT = apiHandler(async (req: Request) => {
  const actor = await requireUser();
  const input = await parseJson(req, ZSetQuotaInput, 'quota');
  return NextResponse.json({ limits: await setQuota(getDb(), actor, input) });
});
