// The kubernetes provisioner in gateway processes: a gateway killed with SIGKILL leaves its
// kernel pods running and the next one reattaches them; a launch no node can take fails
// `unschedulable` once LATTICE_K8S_LAUNCH_TIMEOUT_S is up. Its own file (and cluster): the
// in-process gateway of kubernetes-provisioner.test.ts would sweep pods whose kernels live in
// another database.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { kernels } from '../../db/schema';
import { createProject, createUserWithToken, gatewayFetch, openChannels } from '../helpers/gateway';
import { makeDataDir, startGatewayProcess, type TGatewayProcess } from '../helpers/gateway-process';
import { kernelRow, until } from '../helpers/kernels';
import { clearDefaultQuotas } from '../helpers/default-quotas';
import { createTestDatabase, type TTestDatabase } from '../helpers/postgres';
import { startCluster, type Cluster } from './cluster';
import { createPodEnvironment, gatewayKubeconfig, kubernetesGatewayEnv, launchKernel } from './kubernetes-gateway';

let cluster: Cluster;
let database: TTestDatabase;
let dir: string;
let env: Record<string, string>;
let data: Awaited<ReturnType<typeof makeDataDir>>;
const gateways: TGatewayProcess[] = [];

before(async () => {
  cluster = await startCluster({ nodes: 1 });
  dir = mkdtempSync(path.join(tmpdir(), 'lattice-k8s-'));
  env = kubernetesGatewayEnv(await gatewayKubeconfig(cluster, dir));
  database = await createTestDatabase();
  // Kernels here are sized past the finite default quotas (GPUs, a node's worth of CPU) and strays
  // are made without limits: the admin lifts the defaults, as on the quotas page.
  await clearDefaultQuotas(database.db);
  data = await makeDataDir();
}, { timeout: 1_200_000 }); // the cluster lock may be held by another run for up to 15 min

after(async () => {
  for (const gw of gateways) await gw.kill();
  await database?.drop();
  await data?.remove();
  await cluster?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('a gateway restart reattaches the kernel pod: same kernel id, its variables still set', { timeout: 240_000 }, async () => {
  const { user, token } = await createUserWithToken(database.db);
  const project = await createProject(database.db, { ownerId: user.id, slug: `reattach-${Date.now()}` });
  await createPodEnvironment(database.db, 'pod-small');

  const first = await startGatewayProcess({ databaseUrl: database.url, dataDir: data.dir, env });
  gateways.push(first);
  const kernel = await launchKernel(first, token, project.id, 'pod-small');
  const { podName, namespace, uid } = (await kernelRow(database.db, kernel.id)).provisionerState as { podName: string; namespace: string; uid: string };
  const ws = await openChannels(first, kernel.id, { token });
  await ws.execute('answer = 6 * 7');
  await first.kill();
  await ws.close();

  const second = await startGatewayProcess({ databaseUrl: database.url, dataDir: data.dir, env });
  gateways.push(second);
  await until('the kernel reattached', async () => (await gatewayFetch(second, `/api/kernels/${kernel.id}`, { token })).body?.execution_state === 'idle', 60_000);
  const pod = await cluster.core.readNamespacedPod({ namespace, name: podName });
  assert.equal(pod.metadata?.uid, uid, 'the same pod, not a new one');
  assert.ok(second.logs.some((l) => l.msg === 'kernel reattached' && l.kernelId === kernel.id));

  const again = await openChannels(second, kernel.id, { token });
  try {
    const { iopub } = await again.execute('print(answer)');
    assert.equal(iopub.find((m) => m.header.msg_type === 'stream')?.content.text, '42\n');
  } finally {
    await again.close();
  }
  assert.equal((await gatewayFetch(second, `/api/kernels/${kernel.id}`, { token, method: 'DELETE' })).status, 204);
  await second.stop();
});

test('a launch no node can take fails unschedulable after LATTICE_K8S_LAUNCH_TIMEOUT_S, in the scheduler\'s words, leaving no pod', { timeout: 120_000 }, async () => {
  const { user, token } = await createUserWithToken(database.db);
  const project = await createProject(database.db, { ownerId: user.id, slug: `too-big-${Date.now()}` });
  await createPodEnvironment(database.db, 'pod-huge', { cpuRequestM: 64_000, cpuLimitM: 64_000 });
  const gw = await startGatewayProcess({ databaseUrl: database.url, dataDir: data.dir, env: { ...env, LATTICE_K8S_LAUNCH_TIMEOUT_S: '4' } });
  gateways.push(gw);
  const res = await gatewayFetch(gw, '/api/kernels', { token, method: 'POST', body: { name: 'pod-huge', env: { KERNEL_PROJECT: project.id } } });
  assert.equal(res.status, 503);
  assert.equal(res.body.code, 'KERNEL_UNAVAILABLE');
  assert.match(res.body.message, /^No node could take the kernel within 4 s: 0\/1 nodes are available: 1 Insufficient cpu/);
  const [row] = await database.db.select().from(kernels).where(eq(kernels.projectId, project.id));
  assert.equal(row.state, 'failed');
  assert.equal(row.reason, 'unschedulable');
  const pods = await cluster.core.listPodForAllNamespaces({ labelSelector: `lattice.dev/kernel-id=${row.id}` });
  assert.deepEqual(pods.items.map((p) => p.metadata?.name), [], 'the pending pod is deleted');
  await gw.stop();
});
