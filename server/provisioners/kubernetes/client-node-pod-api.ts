import {
  CoreV1Api,
  makeInformer,
  NetworkingV1Api,
  RbacAuthorizationV1Api,
  type V1Namespace,
  type V1NetworkPolicy,
  type V1PersistentVolume,
  type V1PersistentVolumeClaim,
  type V1Pod,
  type V1ResourceQuota,
  type V1RoleBinding,
  type V1Secret,
  type V1ServiceAccount,
} from '@kubernetes/client-node';
import { KeepAliveKubeConfig } from './keep-alive-kube-config';
import type { PodApi, TPodInformer } from './pod-api';

/**
 * The provisioner's `PodApi` over `@kubernetes/client-node`, connected as `KUBECONFIG` says,
 * else with the pod's in-cluster service account. Connecting makes no call: start-up proves
 * access with `listPods`.
 */
export class ClientNodePodApi implements PodApi {
  readonly server: string;
  private readonly kubeConfig = new KeepAliveKubeConfig();
  private readonly core: CoreV1Api;
  private readonly rbac: RbacAuthorizationV1Api;
  private readonly networking: NetworkingV1Api;

  constructor() {
    this.kubeConfig.loadFromDefault();
    this.server = this.kubeConfig.getCurrentCluster()?.server ?? '(no cluster configured)';
    this.core = this.kubeConfig.makeApiClient(CoreV1Api);
    this.rbac = this.kubeConfig.makeApiClient(RbacAuthorizationV1Api);
    this.networking = this.kubeConfig.makeApiClient(NetworkingV1Api);
  }

  async listPods(labelSelector: string, limit?: number): Promise<V1Pod[]> {
    return (await this.core.listPodForAllNamespaces({ labelSelector, limit })).items;
  }

  podInformer(labelSelector: string): TPodInformer {
    // client-node's informer is both the watch and its cache (ListWatch); its typing shows only the former.
    return makeInformer(this.kubeConfig, '/api/v1/pods', () => this.core.listPodForAllNamespaces({ labelSelector }), labelSelector) as unknown as TPodInformer;
  }

  createPod(namespace: string, body: V1Pod): Promise<V1Pod> {
    return this.core.createNamespacedPod({ namespace, body });
  }

  readPod(namespace: string, name: string): Promise<V1Pod> {
    return this.core.readNamespacedPod({ name, namespace });
  }

  async deletePod(namespace: string, name: string, opts: { gracePeriodSeconds: number; uid?: string }): Promise<void> {
    const body = opts.uid ? { preconditions: { uid: opts.uid } } : undefined;
    await this.core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: opts.gracePeriodSeconds, body });
  }

  async createSecret(namespace: string, body: V1Secret): Promise<void> {
    await this.core.createNamespacedSecret({ namespace, body });
  }

  async deleteSecret(namespace: string, name: string): Promise<void> {
    await this.core.deleteNamespacedSecret({ name, namespace });
  }

  readNamespace(name: string): Promise<V1Namespace> {
    return this.core.readNamespace({ name });
  }

  async createNamespace(body: V1Namespace): Promise<void> {
    await this.core.createNamespace({ body });
  }

  async createServiceAccount(namespace: string, body: V1ServiceAccount): Promise<void> {
    await this.core.createNamespacedServiceAccount({ namespace, body });
  }

  async createRoleBinding(namespace: string, body: V1RoleBinding): Promise<void> {
    await this.rbac.createNamespacedRoleBinding({ namespace, body });
  }

  async createNetworkPolicy(namespace: string, body: V1NetworkPolicy): Promise<void> {
    await this.networking.createNamespacedNetworkPolicy({ namespace, body });
  }

  async replaceNetworkPolicy(namespace: string, name: string, body: V1NetworkPolicy): Promise<void> {
    await this.networking.replaceNamespacedNetworkPolicy({ name, namespace, body });
  }

  async deleteNetworkPolicy(namespace: string, name: string): Promise<void> {
    await this.networking.deleteNamespacedNetworkPolicy({ name, namespace });
  }

  async createPersistentVolumeClaim(namespace: string, body: V1PersistentVolumeClaim): Promise<void> {
    await this.core.createNamespacedPersistentVolumeClaim({ namespace, body });
  }

  async createPersistentVolume(body: V1PersistentVolume): Promise<void> {
    await this.core.createPersistentVolume({ body });
  }

  readResourceQuota(namespace: string, name: string): Promise<V1ResourceQuota> {
    return this.core.readNamespacedResourceQuota({ name, namespace });
  }

  async createResourceQuota(namespace: string, body: V1ResourceQuota): Promise<void> {
    await this.core.createNamespacedResourceQuota({ namespace, body });
  }

  async replaceResourceQuota(namespace: string, name: string, body: V1ResourceQuota): Promise<void> {
    await this.core.replaceNamespacedResourceQuota({ name, namespace, body });
  }

  async close(): Promise<void> {
    this.kubeConfig.close();
  }
}
