// A gateway killed with SIGKILL leaves its kernel pods running; the next gateway process
// finds them in its pod watch and reattaches (same kernel id, the kernel's state kept).
// Its own file (and cluster): the in-process gateway of kubernetes-provisioner.test.ts
// would sweep pods whose kernels live in another database.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createProject, createUserWithToken, gatewayFetch, openChannels } from '../helpers/gateway';
import { makeDataDir, startGatewayProcess, type TGatewayProcess } from '../helpers/gateway-process';
import { kernelRow, until } from '../helpers/kernels';
import { createTestDatabase, type TTestDatabase } from '../helpers/postgres';
import { startCluster, type Cluster } from './cluster';
import { createPodEnvironment, gatewayKubeconfig, kubernetesGatewayEnv, launchKernel, reprobeNeighboursQuickly } from './kubernetes-gateway';

let cluster: Cluster;
let database: TTestDatabase;
let dir: string;
let env: Record<string, string>;
let data: Awaited<ReturnType<typeof makeDataDir>>;
const gateways: TGatewayProcess[] = [];

before(async () => {
  cluster = await startCluster({ nodes: 1 });
  reprobeNeighboursQuickly();
  dir = mkdtempSync(path.join(tmpdir(), 'lattice-k8s-'));
  env = kubernetesGatewayEnv(await gatewayKubeconfig(cluster, dir));
  database = await createTestDatabase();
  data = await makeDataDir();
}, { timeout: 300_000 });

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
