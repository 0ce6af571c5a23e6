import type { V1Namespace } from '@kubernetes/client-node';
import type { TKubernetesConfig } from '../../config';
import { apiMessage, apiStatus, tolerate } from './api-errors';
import { LABELS, labelValue, SPARK_DRIVER_CLUSTER_ROLE } from './names';
import { projectNetworkPolicies } from './network-policy';
import type { PodApi } from './pod-api';
import { projectFilesClaimManifest } from './project-volumes';
import { ensureSoftwareClaim } from './software-claim';

export interface TProjectNamespaceDeps {
  api: PodApi;
  createNamespaces: boolean;
  serviceAccount: string;
  network: Pick<TKubernetesConfig, 'platformNamespace' | 'internalCidrs'>;
  projectStorage: TKubernetesConfig['projectStorage'];
  /** The software store's volume source; null = none (kernels then run without built software). */
  softwareVolumeSource: Record<string, unknown> | null;
}

/**
 * A project namespace as the gateway creates it. Pod Security `restricted` is enforced: every
 * pod there — kernels, Spark executors, and whatever a Spark driver creates with its rights —
 * must run non-root, without privilege escalation or capabilities, under a seccomp profile.
 */
export function projectNamespaceManifest(namespace: string, projectId: string): V1Namespace {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: namespace,
      labels: { [LABELS.managedBy]: 'lattice', [LABELS.project]: labelValue(projectId), 'pod-security.kubernetes.io/enforce': 'restricted' },
    },
  };
}

/**
 * Makes a project's namespace ready for kernel pods, once per gateway process and namespace:
 * the namespace itself (when the gateway may create namespaces), its NetworkPolicies (written
 * even when they exist, so a changed setting or an upgrade takes effect; a launch fails if they
 * cannot be), the kernels' ServiceAccount and its RoleBinding to `lattice-spark-driver` (Spark
 * drivers create their executor pods), the project's files claim and the read-only software
 * claim. Concurrent launches in one namespace share one set-up.
 */
export class ProjectNamespaces {
  private readonly ready = new Map<string, Promise<void>>();

  constructor(private readonly deps: TProjectNamespaceDeps) {}

  ensure(namespace: string, projectId: string): Promise<void> {
    let setup = this.ready.get(namespace);
    if (!setup) {
      setup = this.setUp(namespace, projectId);
      this.ready.set(namespace, setup);
      // A failed set-up is tried again by the next launch.
      setup.catch(() => this.ready.delete(namespace));
    }
    return setup;
  }

  private async setUp(namespace: string, projectId: string): Promise<void> {
    const { api, serviceAccount } = this.deps;
    await this.ensureNamespace(namespace, projectId);
    for (const body of projectNetworkPolicies(namespace, this.deps.network)) {
      const name = body.metadata!.name!;
      try {
        await api.createNetworkPolicy(namespace, body);
      } catch (err) {
        if (apiStatus(err) !== 409) throw new Error(`could not create NetworkPolicy ${name} in ${namespace}: ${apiMessage(err)}`);
        await api.replaceNetworkPolicy(namespace, name, body);
      }
    }
    const labels = { [LABELS.managedBy]: 'lattice', [LABELS.project]: labelValue(projectId) };
    await tolerate([409], () => api.createServiceAccount(namespace, { metadata: { name: serviceAccount, labels } }));
    await tolerate([409], () =>
      api.createRoleBinding(namespace, {
        metadata: { name: SPARK_DRIVER_CLUSTER_ROLE, labels },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: SPARK_DRIVER_CLUSTER_ROLE },
        subjects: [{ kind: 'ServiceAccount', name: serviceAccount, namespace }],
      }),
    );
    // Kept when it exists: a claim's size and class are fixed once bound (resizing is the storage admin's).
    await tolerate([409], () => api.createPersistentVolumeClaim(namespace, projectFilesClaimManifest(namespace, projectId, this.deps.projectStorage)));
    if (this.deps.softwareVolumeSource) await ensureSoftwareClaim(api, namespace, this.deps.softwareVolumeSource, 'ReadOnlyMany');
  }

  private async ensureNamespace(namespace: string, projectId: string): Promise<void> {
    const { api, createNamespaces } = this.deps;
    try {
      await api.readNamespace(namespace);
      return;
    } catch (err) {
      // Without namespace rights (createNamespaces=false) a 403 here is expected: try to use it.
      if (apiStatus(err) === 403 && !createNamespaces) return;
      if (apiStatus(err) !== 404) throw err;
    }
    if (!createNamespaces) {
      throw new Error(`namespace ${namespace} does not exist and LATTICE_K8S_CREATE_NAMESPACES=false; ask an administrator to create it`);
    }
    try {
      await api.createNamespace(projectNamespaceManifest(namespace, projectId));
    } catch (err) {
      if (apiStatus(err) !== 409) throw new Error(`could not create namespace ${namespace}: ${apiMessage(err)}`);
    }
  }
}
