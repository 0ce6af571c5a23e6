// Shared by the kubernetes provisioner's cluster tests: the gateway's RBAC from
// deploy/kubernetes applied to the test cluster, a kubeconfig holding only the gateway
// service account's token (so the tests run the gateway with exactly those rights), and
// launching kernels on an environment whose provisioner is `kubernetes`.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';
import type { TDb } from '../../db/client';
import { environments } from '../../db/schema';
import { createEnvironment } from '../helpers/kernels';
import { gatewayFetch } from '../helpers/gateway';
import type { Cluster } from './cluster';
import { REPO_ROOT } from './config';

/** Pods run host binaries (the agent ignores images): the test venv's Python runs ipykernel. */
export const KERNEL_PYTHON = path.join(REPO_ROOT, '.data/venv/bin/python');

const DEPLOY = path.join(REPO_ROOT, 'deploy/kubernetes/platform');

/**
 * Applies the gateway's ServiceAccount, ClusterRole (the least it needs) and binding, and the
 * `lattice-spark-driver` ClusterRole it hands to kernel service accounts, from the deploy
 * manifests; returns a kubeconfig (in `dir`) that authenticates as that service account.
 */
export async function gatewayKubeconfig(cluster: Cluster, dir: string): Promise<string> {
  await cluster.kubectl(['create', 'namespace', 'lattice-system']).catch((err: Error) => {
    if (!/AlreadyExists/.test(err.message)) throw err;
  });
  for (const file of ['spark-driver-role.yaml', 'gateway-rbac.yaml']) await cluster.kubectl(['apply', '-f', path.join(DEPLOY, file)]);
  const token = (await cluster.kubectl(['create', 'token', 'lattice-gateway', '-n', 'lattice-system', '--duration', '2h'])).trim();
  const admin = JSON.parse(await cluster.kubectl(['config', 'view', '--raw', '--minify', '-o', 'json'])) as {
    clusters: Array<{ cluster: { server: string; 'certificate-authority-data'?: string; 'certificate-authority'?: string } }>;
  };
  const { server, ...ca } = admin.clusters[0].cluster;
  const caData = ca['certificate-authority-data'] ?? readFileSync(ca['certificate-authority']!).toString('base64');
  const kubeconfig = path.join(dir, 'gateway.kubeconfig');
  // JSON is YAML: client-node reads it as any kubeconfig.
  writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'test', cluster: { server, 'certificate-authority-data': caData } }],
      users: [{ name: 'lattice-gateway', user: { token } }],
      contexts: [{ name: 'gateway', context: { cluster: 'test', user: 'lattice-gateway' } }],
      'current-context': 'gateway',
    }),
    { mode: 0o600 },
  );
  return kubeconfig;
}

/** The variables a gateway process needs to run kernels on the test cluster. */
export function kubernetesGatewayEnv(kubeconfig: string): Record<string, string> {
  return {
    KUBECONFIG: kubeconfig,
    LATTICE_PROVISIONERS: 'local,kubernetes',
    LATTICE_K8S_KERNEL_PYTHON: KERNEL_PYTHON,
    LATTICE_K8S_SWEEP_INTERVAL_S: '1',
  };
}

/** A global environment whose kernels are pods: small by default. */
export function createPodEnvironment(db: TDb, slug: string, over: Partial<typeof environments.$inferInsert> = {}) {
  return createEnvironment(db, { slug, provisioner: 'kubernetes', cpuRequestM: 100, cpuLimitM: 500, memoryRequestMib: 128, memoryLimitMib: 512, ...over });
}

/** `POST /api/kernels` in a project; asserts it answers 201 and returns the kernel model. */
export async function launchKernel(gw: { url: string }, token: string, projectId: string, environment: string): Promise<{ id: string; [k: string]: unknown }> {
  const res = await gatewayFetch(gw, '/api/kernels', { token, method: 'POST', body: { name: environment, env: { KERNEL_PROJECT: projectId } } });
  assert.equal(res.status, 201, `launch answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}
