import { tolerate } from './api-errors';
import type { PodApi } from './pod-api';
import { softwareVolumeManifests } from './project-volumes';

/**
 * Makes the software store mountable in `namespace` (kernel namespaces read-only, the platform
 * namespace read-write for build pods): its volume first, pre-bound, then the claim. Both are
 * kept when they exist.
 */
export async function ensureSoftwareClaim(
  api: PodApi,
  namespace: string,
  source: Record<string, unknown>,
  access: 'ReadOnlyMany' | 'ReadWriteMany',
): Promise<void> {
  const { volume, claim } = softwareVolumeManifests(namespace, source, access);
  await tolerate([409], () => api.createPersistentVolume(volume));
  await tolerate([409], () => api.createPersistentVolumeClaim(namespace, claim));
}
