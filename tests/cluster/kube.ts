// A small Kubernetes REST client for the test harness (pod agent + cluster
// tests). Self-contained on purpose: node:https with the kubeconfig's client
// certificate, no runtime dependency on @kubernetes/client-node (whose v2 pulls
// in undici 8, which does not load on Node 20). Types come from client-node.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type * as k8s from '@kubernetes/client-node';

export class KubeError extends Error {
  constructor(
    readonly code: number,
    /** Raw response body (a JSON-encoded metav1.Status for API errors). */
    readonly body: string,
    message: string,
  ) {
    super(message);
  }
  /** The API server's metav1.Status, when the body is one. */
  get status(): { message?: string; reason?: string; code?: number } | null {
    try {
      return JSON.parse(this.body) as { message?: string; reason?: string };
    } catch {
      return null;
    }
  }
}

interface KubeconfigJson {
  'current-context': string;
  contexts: { name: string; context: { cluster: string; user: string } }[];
  clusters: { name: string; cluster: { server: string; 'certificate-authority'?: string; 'certificate-authority-data'?: string; 'insecure-skip-tls-verify'?: boolean } }[];
  users: { name: string; user: { 'client-certificate'?: string; 'client-certificate-data'?: string; 'client-key'?: string; 'client-key-data'?: string; token?: string } }[];
}

function pem(file: string | undefined, data: string | undefined): Buffer | undefined {
  if (data) return Buffer.from(data, 'base64');
  if (file) return readFileSync(file);
  return undefined;
}

type Query = Record<string, string | number | boolean | undefined>;

export class KubeClient {
  readonly server: string;
  private readonly agent: https.Agent | http.Agent;
  private readonly token?: string;

  /** kubectl converts the (YAML) kubeconfig to JSON so no YAML parser is needed. */
  constructor(kubeconfigPath: string, kubectlPath: string) {
    const cfg = JSON.parse(
      execFileSync(kubectlPath, ['config', 'view', '--raw', '-o', 'json', '--kubeconfig', kubeconfigPath], { encoding: 'utf8' }),
    ) as KubeconfigJson;
    const ctx = cfg.contexts.find((c) => c.name === cfg['current-context'])!.context;
    const cluster = cfg.clusters.find((c) => c.name === ctx.cluster)!.cluster;
    const user = cfg.users.find((u) => u.name === ctx.user)?.user ?? {};
    this.server = cluster.server.replace(/\/$/, '');
    this.token = user.token;
    this.agent = this.server.startsWith('https:')
      ? new https.Agent({
          keepAlive: true,
          ca: pem(cluster['certificate-authority'], cluster['certificate-authority-data']),
          cert: pem(user['client-certificate'], user['client-certificate-data']),
          key: pem(user['client-key'], user['client-key-data']),
          rejectUnauthorized: !cluster['insecure-skip-tls-verify'],
        })
      : new http.Agent({ keepAlive: true });
  }

  request<T>(method: string, path: string, opts: { body?: unknown; query?: Query; contentType?: string } = {}): Promise<T> {
    const url = new URL(this.server + path);
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const payload = opts.body === undefined ? undefined : Buffer.from(JSON.stringify(opts.body));
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (payload) {
      headers['Content-Type'] = opts.contentType ?? 'application/json';
      headers['Content-Length'] = String(payload.length);
    }
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    const mod = url.protocol === 'https:' ? https : http;
    return new Promise<T>((resolve, reject) => {
      const req = mod.request(url, { method, headers, agent: this.agent, timeout: 60_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const code = res.statusCode ?? 0;
          if (code >= 200 && code < 300) {
            resolve((text ? JSON.parse(text) : undefined) as T);
          } else {
            let msg = text;
            try {
              msg = (JSON.parse(text) as { message?: string }).message ?? text;
            } catch {
              /* not JSON */
            }
            reject(new KubeError(code, text, `${method} ${path}: HTTP ${code}: ${msg}`));
          }
        });
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: timeout`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

const ns = (n: string) => `/api/v1/namespaces/${encodeURIComponent(n)}`;
type NN = { name: string; namespace: string };

/** The handful of core/v1 calls the harness and its tests use (client-node-like names). */
export class CoreV1 {
  constructor(readonly client: KubeClient) {}

  listNode(p: { labelSelector?: string } = {}) {
    return this.client.request<k8s.V1NodeList>('GET', '/api/v1/nodes', { query: p });
  }
  createNode(p: { body: k8s.V1Node }) {
    return this.client.request<k8s.V1Node>('POST', '/api/v1/nodes', { body: p.body });
  }
  listPodForAllNamespaces(p: { labelSelector?: string; fieldSelector?: string } = {}) {
    return this.client.request<k8s.V1PodList>('GET', '/api/v1/pods', { query: p });
  }
  listNamespacedPod(p: { namespace: string; labelSelector?: string }) {
    return this.client.request<k8s.V1PodList>('GET', `${ns(p.namespace)}/pods`, { query: { labelSelector: p.labelSelector } });
  }
  readNamespacedPod(p: NN) {
    return this.client.request<k8s.V1Pod>('GET', `${ns(p.namespace)}/pods/${p.name}`);
  }
  createNamespacedPod(p: { namespace: string; body: k8s.V1Pod }) {
    return this.client.request<k8s.V1Pod>('POST', `${ns(p.namespace)}/pods`, { body: p.body });
  }
  deleteNamespacedPod(p: NN & { gracePeriodSeconds?: number; body?: k8s.V1DeleteOptions }) {
    return this.client.request<k8s.V1Pod>('DELETE', `${ns(p.namespace)}/pods/${p.name}`, {
      query: { gracePeriodSeconds: p.gracePeriodSeconds },
      // With a body, the API server reads DeleteOptions from it, not from the query.
      body: p.body || p.gracePeriodSeconds !== undefined ? { ...(p.body ?? {}), gracePeriodSeconds: p.gracePeriodSeconds } : undefined,
    });
  }
  /** JSON merge patch of the status subresource. */
  patchNamespacedPodStatus(p: NN & { body: unknown }) {
    return this.client.request<k8s.V1Pod>('PATCH', `${ns(p.namespace)}/pods/${p.name}/status`, {
      body: p.body,
      contentType: 'application/merge-patch+json',
    });
  }
  readNamespacedSecret(p: NN) {
    return this.client.request<k8s.V1Secret>('GET', `${ns(p.namespace)}/secrets/${p.name}`);
  }
  createNamespacedSecret(p: { namespace: string; body: k8s.V1Secret }) {
    return this.client.request<k8s.V1Secret>('POST', `${ns(p.namespace)}/secrets`, { body: p.body });
  }
  readNamespacedConfigMap(p: NN) {
    return this.client.request<k8s.V1ConfigMap>('GET', `${ns(p.namespace)}/configmaps/${p.name}`);
  }
  readNamespacedServiceAccount(p: NN) {
    return this.client.request<k8s.V1ServiceAccount>('GET', `${ns(p.namespace)}/serviceaccounts/${p.name}`);
  }
  createNamespacedServiceAccountToken(p: NN & { body: k8s.AuthenticationV1TokenRequest }) {
    return this.client.request<k8s.AuthenticationV1TokenRequest>('POST', `${ns(p.namespace)}/serviceaccounts/${p.name}/token`, {
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', ...p.body },
    });
  }
  createNamespace(p: { body: k8s.V1Namespace }) {
    return this.client.request<k8s.V1Namespace>('POST', '/api/v1/namespaces', { body: p.body });
  }
  deleteNamespace(p: { name: string }) {
    return this.client.request<k8s.V1Status>('DELETE', `/api/v1/namespaces/${p.name}`);
  }
  createNamespacedResourceQuota(p: { namespace: string; body: k8s.V1ResourceQuota }) {
    return this.client.request<k8s.V1ResourceQuota>('POST', `${ns(p.namespace)}/resourcequotas`, { body: p.body });
  }
  createNamespacedPersistentVolumeClaim(p: { namespace: string; body: k8s.V1PersistentVolumeClaim }) {
    return this.client.request<k8s.V1PersistentVolumeClaim>('POST', `${ns(p.namespace)}/persistentvolumeclaims`, { body: p.body });
  }
  readNamespacedPersistentVolumeClaim(p: NN) {
    return this.client.request<k8s.V1PersistentVolumeClaim>('GET', `${ns(p.namespace)}/persistentvolumeclaims/${p.name}`);
  }
  listPersistentVolumeClaimForAllNamespaces() {
    return this.client.request<k8s.V1PersistentVolumeClaimList>('GET', '/api/v1/persistentvolumeclaims');
  }
  readPersistentVolume(p: { name: string }) {
    return this.client.request<k8s.V1PersistentVolume>('GET', `/api/v1/persistentvolumes/${p.name}`);
  }
  createPersistentVolume(p: { body: k8s.V1PersistentVolume }) {
    return this.client.request<k8s.V1PersistentVolume>('POST', '/api/v1/persistentvolumes', { body: p.body });
  }
  readNamespacedResourceQuota(p: NN) {
    return this.client.request<k8s.V1ResourceQuota>('GET', `${ns(p.namespace)}/resourcequotas/${p.name}`);
  }
}
