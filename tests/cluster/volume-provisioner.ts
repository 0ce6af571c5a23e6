// Persistent volumes on the test cluster, as a storage driver and the kubelet would give them:
// a default StorageClass whose claims the pod agent provisions as host directories (any access
// mode: every pod runs on this one host, as with NFS), and the host directory behind a bound
// claim when a pod mounts it (hostPath and local PersistentVolumes, provisioned or made by hand).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type * as k8s from '@kubernetes/client-node';
import type { CoreV1, KubeClient } from './kube';
import { run } from './host';

export const STORAGE_CLASS = 'lattice-host-path';
const PROVISIONER = 'lattice.dev/host-path';

/** The cluster's default class; the agent is its provisioner. */
export async function ensureStorageClass(client: KubeClient): Promise<void> {
  const body: k8s.V1StorageClass = {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: STORAGE_CLASS, annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
    provisioner: PROVISIONER,
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'Immediate',
  };
  await client.request('POST', '/apis/storage.k8s.io/v1/storageclasses', { body }).catch((e: { code?: number }) => {
    if (e.code !== 409) throw e;
  });
}

/** A PersistentVolume (host directory under `dir`) for each claim of the class still waiting for one. */
export async function provisionClaims(core: CoreV1, dir: string, log: (s: string) => void): Promise<void> {
  const claims = await core.listPersistentVolumeClaimForAllNamespaces();
  for (const claim of claims.items) {
    const md = claim.metadata!;
    if (claim.status?.phase !== 'Pending' || claim.spec?.volumeName || claim.spec?.storageClassName !== STORAGE_CLASS) continue;
    const hostDir = path.join(dir, md.uid!);
    mkdirSync(hostDir, { recursive: true });
    await core
      .createPersistentVolume({
        body: {
          metadata: { name: `pvc-${md.uid}`, annotations: { 'pv.kubernetes.io/provisioned-by': PROVISIONER } },
          spec: {
            capacity: { storage: claim.spec.resources?.requests?.storage ?? '1Gi' },
            accessModes: claim.spec.accessModes,
            persistentVolumeReclaimPolicy: 'Delete',
            storageClassName: STORAGE_CLASS,
            hostPath: { path: hostDir, type: 'Directory' },
            claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: md.namespace, name: md.name, uid: md.uid },
          },
        },
      })
      .then(
        () => log(`provisioned ${md.namespace}/${md.name} at ${hostDir}`),
        (e: { code?: number }) => {
          if (e.code !== 409) throw e;
        },
      );
  }
}

/**
 * The host directory of a claim a pod mounts; throws (the pod waits in ContainerCreating, as
 * with a kubelet) until the claim is bound.
 */
export async function claimDirectory(core: CoreV1, namespace: string, claimName: string): Promise<string> {
  const claim = await core.readNamespacedPersistentVolumeClaim({ namespace, name: claimName });
  if (claim.status?.phase !== 'Bound' || !claim.spec?.volumeName) throw new Error(`persistentvolumeclaim "${claimName}" is not bound yet`);
  const volume = await core.readPersistentVolume({ name: claim.spec.volumeName });
  const dir = volume.spec?.hostPath?.path ?? volume.spec?.local?.path;
  if (!dir) throw new Error(`persistentvolume ${claim.spec.volumeName}: only hostPath and local volumes are supported by the test pod agent`);
  return dir;
}

/**
 * What the kubelet does for a volume whose driver manages ownership (fsGroupPolicy File): the
 * tree becomes the pod's fsGroup's, group-writable, directories setgid so new files keep the group.
 */
export function applyFsGroup(dir: string, fsGroup: number): void {
  run('chgrp', ['-R', String(fsGroup), dir]);
  run('chmod', ['-R', 'g+rwX', dir]);
  run('find', [dir, '-type', 'd', '-exec', 'chmod', 'g+s', '{}', '+']);
}
