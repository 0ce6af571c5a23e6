import { NextResponse } from 'next/server';
import { requireUser } from '@/lib/auth/current-user';
import { getDb } from '@/lib/db';
import { apiHandler, parseJson } from '@/lib/http/api-handler';
import { flattenParams } from '@/lib/paging/list-query';
import { projectStorageSource } from '@/lib/files/project-storage-use';
import { listQuotaTable } from '@/lib/quotas/list-quota-table';
import { setQuota, ZSetQuotaInput } from '@/lib/quotas/set-quota';

/**
 * GET /api/admin/quotas?kind=user|project|project_user&q=&sort=&order=&cursor=&limit= — the
 * defaults and one page {items, nextCursor} of that kind with limits and usage; project rows
 * also carry `storage: {usedBytes, limitBytes, measuredAt}`, their files against the storage
 * limit (usedBytes null while a first count runs). Admins only.
 */
export const GET = apiHandler(async (req: Request) => {
  const actor = await requireUser();
  return NextResponse.json(await listQuotaTable(getDb(), actor, flattenParams(new URL(req.url).searchParams), { projectStorage: projectStorageSource() }), { headers: { 'cache-control': 'no-store' } });
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
