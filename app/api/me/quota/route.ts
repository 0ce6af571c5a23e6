import { NextResponse } from 'next/server';
import { requireUser } from '@/lib/auth/current-user';
import { getDb } from '@/lib/db';
import { apiHandler } from '@/lib/http/api-handler';
import { getMyQuota } from '@/lib/quotas/get-my-quota';

/** GET /api/me/quota[?projectId=…] — the caller's limits, usage and headroom (in one project: its limits too). */
export const GET = apiHandler(async (req: Request) => {
  const actor = await requireUser();
  const projectId = new URL(req.url).searchParams.get('projectId');
  return NextResponse.json(await getMyQuota(getDb(), actor, { projectId }), { headers: { 'cache-control': 'no-store' } });
});
