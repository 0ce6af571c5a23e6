import { asc, eq } from 'drizzle-orm';
import type { TDb } from '@/db/client';
import { environments, poolKernels } from '@/db/schema';
import { assertAdmin } from '../auth/assert-admin';
import type { TSignedInUser } from '../auth/authorize-credentials';
import { loadPlatformMaximums } from './get-platform-maximums';

/** One warm-pool kernel as admins see it: started ahead of demand, owned by no one yet. */
export interface TPooledKernel {
  id: string;
  /** Always true: the mark that tells these apart from kernels someone launched. */
  pooled: true;
  state: 'starting' | 'ready';
  environmentId: string;
  environmentSlug: string;
  environmentName: string;
  gatewayId: string;
  startedAt: string;
  readyAt: string | null;
}

/**
 * The kernels the gateways' warm pools run right now (the `pool_kernels` rows they keep) and
 * the platform pool budget they share. Admins only: pools are theirs to configure and watch.
 */
export async function listPooledKernels(db: TDb, actor: TSignedInUser): Promise<{ budget: number; kernels: TPooledKernel[] }> {
  assertAdmin(actor);
  const rows = await db
    .select({ kernel: poolKernels, slug: environments.slug, name: environments.name })
    .from(poolKernels)
    .innerJoin(environments, eq(environments.id, poolKernels.environmentId))
    .orderBy(asc(environments.slug), asc(poolKernels.startedAt));
  const { poolBudget } = await loadPlatformMaximums(db);
  return {
    budget: poolBudget,
    kernels: rows.map(({ kernel, slug, name }) => ({
      id: kernel.id,
      pooled: true,
      state: kernel.state,
      environmentId: kernel.environmentId,
      environmentSlug: slug,
      environmentName: name,
      gatewayId: kernel.gatewayId,
      startedAt: kernel.startedAt.toISOString(),
      readyAt: kernel.readyAt?.toISOString() ?? null,
    })),
  };
}
