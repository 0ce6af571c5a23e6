import type { V1PersistentVolume, V1PersistentVolumeClaim } from '@kubernetes/client-node';
import type { TKubernetesConfig } from '../../config';
import { LABELS, labelValue } from './names';

/**
 * The volumes a project namespace holds besides its pods: the project's files (one claim per
 * project, every kernel of the project mounts it read-write at /project) and a read-only view
 * of the shared software store (built package layers, issue 15 §3). Pure manifests; the
 * namespace set-up (project-namespace.ts) writes them.
 */

/** The project's files in its namespace. */
export const PROJECT_FILES_CLAIM = 'lattice-project-files';
/** The software store, in every project namespace (read-only) and in the platform namespace (build pods write it). */
export const SOFTWARE_CLAIM = 'lattice-software';

/**
 * A project's files: ReadWriteMany by default, because the kernels of one project are scheduled
 * independently and may land on different nodes. With ReadWriteOnce a second kernel on another
 * node stays Pending (the scheduler's reason reaches the launch as `unschedulable`); see README.md.
 */
export function projectFilesClaimManifest(namespace: string, projectId: string, storage: TKubernetesConfig['projectStorage']): V1PersistentVolumeClaim {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: {
      name: PROJECT_FILES_CLAIM,
      namespace,
      labels: { [LABELS.managedBy]: 'lattice', [LABELS.project]: labelValue(projectId), [LABELS.component]: 'project-files' },
    },
    spec: {
      accessModes: [storage.accessMode],
      resources: { requests: { storage: String(storage.bytes) } },
      // Absent = the cluster's default StorageClass.
      ...(storage.storageClass ? { storageClassName: storage.storageClass } : {}),
    },
  };
}

/** The cluster-wide volume behind one namespace's software claim (a PersistentVolume binds one claim only). */
export function softwareVolumeName(namespace: string): string {
  return `${SOFTWARE_CLAIM}-${namespace}`;
}

/**
 * The software store as one namespace sees it: a PersistentVolume on the admin's source
 * (LATTICE_K8S_SOFTWARE_VOLUME: NFS, a CSI share …), pre-bound to the namespace's claim so no
 * provisioner or other claim can take it. Kernel namespaces get it ReadOnlyMany (and every
 * kernel mount is readOnly as well); the platform namespace, where build pods write, ReadWriteMany.
 */
export function softwareVolumeManifests(
  namespace: string,
  source: Record<string, unknown>,
  access: 'ReadOnlyMany' | 'ReadWriteMany',
): { volume: V1PersistentVolume; claim: V1PersistentVolumeClaim } {
  const labels = { [LABELS.managedBy]: 'lattice', [LABELS.component]: 'software' };
  // The size is nominal: the store is one share; Kubernetes needs a capacity to bind.
  const storage = '1Gi';
  return {
    volume: {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: softwareVolumeName(namespace), labels },
      spec: {
        ...source,
        accessModes: [access],
        capacity: { storage },
        persistentVolumeReclaimPolicy: 'Retain',
        storageClassName: '',
        claimRef: { namespace, name: SOFTWARE_CLAIM },
      },
    },
    claim: {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: SOFTWARE_CLAIM, namespace, labels },
      spec: { accessModes: [access], resources: { requests: { storage } }, storageClassName: '', volumeName: softwareVolumeName(namespace) },
    },
  };
}
