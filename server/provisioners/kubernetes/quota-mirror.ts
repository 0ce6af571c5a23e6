import type { V1ResourceQuota } from '@kubernetes/client-node';
import type { TQuotaLimits } from '../../../common/quota';
import type { TDb } from '../../../db/client';
import { loadProjectLimits } from '../../../db/quotas';
import { apiStatus } from './api-errors';
import { LABELS, labelValue, PROJECT_QUOTA_NAME } from './names';
import type { PodApi } from './pod-api';

/**
 * The ResourceQuota `hard` for a project's limits: CPU and memory as both requests and
 * limits (the gateway admits on limits, pods request no more than their limits), GPUs as
 * requests. Unlimited means no entry. The kernel count has no equivalent: a pod count would
 * also count Spark executors, so it stays with the gateway's admission.
 */
export function resourceQuotaHard(limits: Pick<TQuotaLimits, 'cpuM' | 'memoryMib' | 'gpus'>): Record<string, string> {
  const hard: Record<string, string> = {};
  if (limits.cpuM !== null) hard['requests.cpu'] = hard['limits.cpu'] = `${limits.cpuM}m`;
  if (limits.memoryMib !== null) hard['requests.memory'] = hard['limits.memory'] = `${limits.memoryMib}Mi`;
  if (limits.gpus !== null) hard['requests.nvidia.com/gpu'] = String(limits.gpus);
  return hard;
}

/**
 * Writes the project's quota into `lattice-project-quota` in its namespace, before each
 * launch there: a second line of defence behind the gateway's admission (which stays
 * authoritative), for pods created by other means such as Spark executors.
 */
export async function mirrorProjectQuota(opts: { db: TDb; api: PodApi; namespace: string; projectId: string }): Promise<void> {
  const { api, namespace } = opts;
  const hard = resourceQuotaHard(await loadProjectLimits(opts.db, opts.projectId));
  let existing: V1ResourceQuota | null = null;
  try {
    existing = await api.readResourceQuota(namespace, PROJECT_QUOTA_NAME);
  } catch (err) {
    if (apiStatus(err) !== 404) throw err;
  }
  if (!existing) {
    if (Object.keys(hard).length === 0) return;
    const labels = { [LABELS.managedBy]: 'lattice', [LABELS.project]: labelValue(opts.projectId) };
    await api.createResourceQuota(namespace, { metadata: { name: PROJECT_QUOTA_NAME, namespace, labels }, spec: { hard } });
    return;
  }
  if (JSON.stringify(existing.spec?.hard ?? {}) === JSON.stringify(hard)) return;
  await api.replaceResourceQuota(namespace, PROJECT_QUOTA_NAME, { ...existing, spec: { ...existing.spec, hard } });
}
