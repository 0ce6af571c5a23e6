import { NextResponse } from 'next/server';
import { requireUser } from '@/lib/auth/current-user';
import { getDb } from '@/lib/db';
import { apiHandler } from '@/lib/http/api-handler';
import { listPooledKernels } from '@/lib/platform/list-pooled-kernels';

/** GET /api/admin/pooled-kernels — warm-pool kernels (each marked `pooled`) and the pool budget; admins only. */
export const GET = apiHandler(async () => {
  const actor = await requireUser();
  return NextResponse.json(await listPooledKernels(getDb(), actor));
});
