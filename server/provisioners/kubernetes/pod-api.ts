import type {
  V1Namespace,
  V1NetworkPolicy,
  V1PersistentVolume,
  V1PersistentVolumeClaim,
  V1Pod,
  V1ResourceQuota,
  V1RoleBinding,
  V1Secret,
  V1ServiceAccount,
} from '@kubernetes/client-node';

/**
 * A cached list+watch of the pods one label selector matches, in every namespace: client-node's
 * `Informer` as the provisioner uses it. Events fire for each change after `start()`, the
 * initial list included (as `add`); `error` means the watch stopped and must be started again.
 */
export interface TPodInformer {
  on(event: 'add' | 'update' | 'delete', listener: (pod: V1Pod) => void): void;
  on(event: 'error', listener: (err: unknown) => void): void;
  /** Resolves once the cache holds the initial list. */
  start(): Promise<void>;
  stop(): Promise<void>;
  get(name: string, namespace: string): V1Pod | undefined;
  list(namespace?: string): readonly V1Pod[];
}

/**
 * Every call the `kubernetes` provisioner makes to the API server, and nothing more. One
 * implementation talks to a cluster (client-node-pod-api.ts); the provisioner's unit test
 * gives it an in-memory one (in-memory-pod-api.ts), so the shared contract suite runs without
 * a cluster. A refused call throws client-node's `ApiException` with the HTTP status and the
 * API server's Status as body, as the cluster's does (api-errors.ts reads them).
 */
export interface PodApi {
  /** Where the API is, for people reading an error or a log line. */
  readonly server: string;

  /** Kernel pods by label selector; start-up calls it to prove the gateway may list them. */
  listPods(labelSelector: string, limit?: number): Promise<V1Pod[]>;
  podInformer(labelSelector: string): TPodInformer;
  createPod(namespace: string, body: V1Pod): Promise<V1Pod>;
  /** One pod as the API server has it now (software build pods, which the kernel watch does not follow). */
  readPod(namespace: string, name: string): Promise<V1Pod>;
  /** `uid` is a precondition: a newer pod of the same name is left alone (409). */
  deletePod(namespace: string, name: string, opts: { gracePeriodSeconds: number; uid?: string }): Promise<void>;

  createSecret(namespace: string, body: V1Secret): Promise<void>;
  deleteSecret(namespace: string, name: string): Promise<void>;

  readNamespace(name: string): Promise<V1Namespace>;
  createNamespace(body: V1Namespace): Promise<void>;
  createServiceAccount(namespace: string, body: V1ServiceAccount): Promise<void>;
  createRoleBinding(namespace: string, body: V1RoleBinding): Promise<void>;

  createNetworkPolicy(namespace: string, body: V1NetworkPolicy): Promise<void>;
  replaceNetworkPolicy(namespace: string, name: string, body: V1NetworkPolicy): Promise<void>;
  deleteNetworkPolicy(namespace: string, name: string): Promise<void>;

  /** A project's files; the software store's claims (pre-bound to their volumes). */
  createPersistentVolumeClaim(namespace: string, body: V1PersistentVolumeClaim): Promise<void>;
  /** The software store's volume behind one namespace's claim (cluster-scoped). */
  createPersistentVolume(body: V1PersistentVolume): Promise<void>;

  readResourceQuota(namespace: string, name: string): Promise<V1ResourceQuota>;
  createResourceQuota(namespace: string, body: V1ResourceQuota): Promise<void>;
  replaceResourceQuota(namespace: string, name: string, body: V1ResourceQuota): Promise<void>;

  /** Releases connections (gateway exit), after the informers have stopped. */
  close(): Promise<void>;
}
