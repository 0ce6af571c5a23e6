import assert from 'node:assert/strict';
import type { APIRequestContext } from 'playwright-core';

/**
 * Lets the signed-in admin run `kernels` kernels at once in `projectId`, as an admin does on the
 * quotas page (their own limits and the project's; other limits unlimited). For end-to-end files
 * that open more notebooks, each with its kernel left running, than the finite defaults of
 * migration 0008 allow (4 kernels per user, 8 per project).
 */
export async function allowKernels(request: APIRequestContext, webUrl: string, opts: { projectId: string; kernels: number }): Promise<void> {
  const me = (await (await request.get(`${webUrl}/api/me`)).json()) as { id: string };
  const limits = { cpu: null, memoryGib: null, gpus: null, kernels: opts.kernels, monthlyUnits: null };
  for (const subject of [{ scope: 'user', userId: me.id }, { scope: 'project', projectId: opts.projectId }]) {
    const res = await request.put(`${webUrl}/api/admin/quotas`, { data: { ...subject, limits } });
    assert.equal(res.status(), 200, await res.text());
  }
}
