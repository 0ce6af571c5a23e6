import { NextResponse } from 'next/server';
import { ZPlatformMaximumsInput } from '@/common/environment-input';
import { requireUser } from '@/lib/auth/current-user';
import { getDb } from '@/lib/db';
import { apiHandler, parseJson } from '@/lib/http/api-handler';
import { getPlatformMaximums } from '@/lib/platform/get-platform-maximums';
import { updatePlatformMaximums } from '@/lib/platform/update-platform-maximums';

/** GET /api/admin/platform — the maximums any one template may have (millicores, MiB, counts). */
export const GET = apiHandler(async () => {
  const actor = await requireUser();
  return NextResponse.json(await getPlatformMaximums(getDb(), actor));
});

/** PUT /api/admin/platform {maxCpu (vCPU), maxMemoryGib, maxGpus, maxExecutors, poolBudget?, maxEnvironmentsPerProject?, kernelStartsOnRun?} — admins only. */
export const PUT = apiHandler(async (req: Request) => {
  const actor = await requireUser();
  const input = await parseJson(req, ZPlatformMaximumsInput, 'platform maximums');
  return NextResponse.json(await updatePlatformMaximums(getDb(), actor, input));
});
