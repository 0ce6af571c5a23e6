// Spark environments on the `kubernetes` provisioner, on the real test control plane: the kernel
// pod is the Spark driver (client mode), and Spark itself creates the executor pods through the
// API server (reached by pods at the bridge IP, see api-forward.ts) from the PySpark image, whose
// entrypoint the pod agent runs (images.ts). A template with 3 executors gets exactly 3 executor
// pods with its requests, owned by the driver pod; a real job runs on them; executors that no
// node can hold stay Pending with the scheduler's reason on the kernel model.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type * as k8s from '@kubernetes/client-node';
import type { TExecutor } from '../../common/kernel-model';
import { loadConfig } from '../../server/config';
import { projectFilesGid } from '../../common/project-files-location';
import { createProject, createUserWithToken, gatewayFetch, openChannels, startTestGateway, type TChannelsClient, type TTestGateway } from '../helpers/gateway';
import { kernelRow, until } from '../helpers/kernels';
import { clearDefaultQuotas } from '../helpers/default-quotas';
import { createTestDatabase, type TTestDatabase } from '../helpers/postgres';
import { apiUrlForPods } from './api-forward';
import { startCluster, type Cluster } from './cluster';
import { createPodEnvironment, gatewayKubeconfig, KERNEL_PYTHON, launchKernel } from './kubernetes-gateway';
import { peerMatchesPod, selectorMatches, type TLabelSelector, type TPolicyPeer } from './label-selector';

const EXECUTORS = 3;
// 1 GiB per executor pod = 640 MiB heap + 384 MiB overhead (spark-conf.ts executorMemorySplit).
const spark = { driverCores: 1, driverMemoryMib: 512, executors: EXECUTORS, executorCores: 1, executorMemoryMib: 1024 };
// The driver JVM starts before the kernel answers; executor JVMs start after: a loaded 2-core machine.
const SLOW_MS = 180_000;

let cluster: Cluster;
let database: TTestDatabase;
let gw: TTestGateway;
let token: string;
let userId: string;
let dir: string;

before(async () => {
  cluster = await startCluster({ nodes: 2 });
  dir = mkdtempSync(path.join(tmpdir(), 'lattice-spark-k8s-'));
  process.env.KUBECONFIG = await gatewayKubeconfig(cluster, dir);
  database = await createTestDatabase();
  // Kernels here are sized past the finite default quotas (GPUs, a node's worth of CPU) and strays
  // are made without limits: the admin lifts the defaults, as on the quotas page.
  await clearDefaultQuotas(database.db);
  const base = loadConfig({
    DATABASE_URL: 'postgres://injected-by-test',
    LATTICE_K8S_KERNEL_PYTHON: KERNEL_PYTHON,
    LATTICE_K8S_API_URL_FOR_PODS: apiUrlForPods(cluster.server),
  });
  gw = await startTestGateway({
    db: database.db,
    config: { provisioners: ['kubernetes'], kubernetes: base.kubernetes, kernelStartTimeoutMs: SLOW_MS, kernelSampleIntervalMs: 500 },
  });
  const user = await createUserWithToken(database.db);
  token = user.token;
  userId = user.user.id;
  const driver = { cpuRequestM: 500, cpuLimitM: 1000, memoryRequestMib: 1024, memoryLimitMib: 2048 };
  await createPodEnvironment(database.db, 'spark-3', { ...driver, spark });
  // Nodes have 4 CPUs: an 8-core executor fits nowhere.
  await createPodEnvironment(database.db, 'spark-too-big', { ...driver, spark: { ...spark, executors: 2, executorCores: 8 } });
}, { timeout: 300_000 });

after(async () => {
  await gw?.close();
  await database?.drop();
  await cluster?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function driverPod(kernelId: string): Promise<k8s.V1Pod> {
  const info = (await kernelRow(database.db, kernelId)).provisionerState as { namespace: string; podName: string };
  return cluster.core.readNamespacedPod({ namespace: info.namespace, name: info.podName });
}

async function executorPods(namespace: string, kernelId: string): Promise<k8s.V1Pod[]> {
  const list = await cluster.core.listNamespacedPod({ namespace, labelSelector: `spark-role=executor,lattice.dev/kernel-id=${kernelId}` });
  return list.items.filter((p) => !p.metadata?.deletionTimestamp);
}

async function kernelExecutors(kernelId: string): Promise<TExecutor[] | null> {
  return (await gatewayFetch(gw, `/api/kernels/${kernelId}`, { token })).body.lattice.executors;
}

async function evaluate(ch: TChannelsClient, code: string): Promise<string> {
  const { reply, iopub } = await ch.execute(code, SLOW_MS);
  assert.equal(reply.content.status, 'ok', JSON.stringify(reply.content));
  const result = iopub.find((m) => m.header.msg_type === 'execute_result');
  return String((result?.content.data as Record<string, unknown> | undefined)?.['text/plain']);
}

async function stop(kernelId: string): Promise<void> {
  const res = await gatewayFetch(gw, `/api/kernels/${kernelId}`, { token, method: 'DELETE' });
  assert.equal(res.status, 204);
}

test(`a Spark environment with ${EXECUTORS} executors: exactly ${EXECUTORS} executor pods with its requests, owned by the driver pod; a real job runs on them`, { timeout: 600_000 }, async () => {
  const project = await createProject(database.db, { ownerId: userId, slug: `spark-${Date.now()}` });
  const kernel = await launchKernel(gw, token, project.id, 'spark-3');
  const driver = await driverPod(kernel.id);
  const namespace = driver.metadata!.namespace!;

  await until(`${EXECUTORS} executor pods`, async () => (await executorPods(namespace, kernel.id)).length >= EXECUTORS, SLOW_MS);
  const pods = await executorPods(namespace, kernel.id);
  assert.equal(pods.length, EXECUTORS);
  for (const pod of pods) {
    assert.deepEqual(
      pod.metadata?.ownerReferences?.map((o) => [o.kind, o.name, o.uid]),
      [['Pod', driver.metadata!.name, driver.metadata!.uid]],
      'owned by the driver pod, so they go with it',
    );
    const [container] = pod.spec!.containers;
    assert.equal(container.image, driver.spec!.containers[0].image, 'executors run the kernel’s image');
    assert.deepEqual(container.resources?.requests, { cpu: '1', memory: '1Gi' });
    assert.equal(container.resources?.limits?.memory, '1Gi');
    // From the gateway's pod template (and admitted under the namespace's Pod Security `restricted`).
    assert.equal(pod.spec!.automountServiceAccountToken, false, 'executors get no service-account token');
    assert.deepEqual(pod.spec!.securityContext, { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: projectFilesGid(project.id) });
    assert.deepEqual(container.securityContext, {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    assert.ok(container.volumeMounts?.some((m) => m.mountPath === '/tmp'), 'a writable /tmp');
    assert.ok(container.volumeMounts?.some((m) => m.mountPath === '/project'), 'the project\'s files where the driver has them');
    assert.equal(pod.metadata?.labels?.['lattice.dev/network'], 'egress');
  }

  // The kernel's own NetworkPolicies (no enforcement on the test cluster: the selectors are checked).
  const policies = (
    await cluster.client.request<{ items: { metadata: { name: string }; spec: { podSelector: TLabelSelector; ingress?: { from?: TPolicyPeer[] }[] } }[] }>(
      'GET',
      `/apis/networking.k8s.io/v1/namespaces/${namespace}/networkpolicies`,
    )
  ).items;
  const group = policies.find((p) => p.metadata.name === `${driver.metadata!.name}-spark`)!;
  const toDriver = policies.find((p) => p.metadata.name === `${driver.metadata!.name}-spark-driver`)!;
  const asPeer = (pod: k8s.V1Pod) => ({ namespace, namespaceLabels: {}, labels: pod.metadata!.labels! });
  for (const pod of [driver, ...pods]) {
    assert.ok(selectorMatches(group.spec.podSelector, pod.metadata!.labels), `${pod.metadata!.name} is in the kernel's group`);
    for (const other of [driver, ...pods]) {
      assert.ok(group.spec.ingress!.some((r) => r.from!.some((peer) => peerMatchesPod(peer, namespace, asPeer(other)))), `${other.metadata!.name} → ${pod.metadata!.name}`);
    }
  }
  assert.ok(selectorMatches(toDriver.spec.podSelector, driver.metadata!.labels), 'the driver reaches the API server');
  assert.ok(pods.every((pod) => !selectorMatches(toDriver.spec.podSelector, pod.metadata!.labels)), 'executors do not');

  const ch = await openChannels(gw, kernel.id, { token });
  try {
    const registered = await evaluate(
      ch,
      [
        'import time',
        'deadline = time.time() + 150',
        `while sc._jsc.sc().getExecutorMemoryStatus().size() - 1 < ${EXECUTORS} and time.time() < deadline:`,
        '    time.sleep(0.5)',
        'sc._jsc.sc().getExecutorMemoryStatus().size() - 1',
      ].join('\n'),
    );
    assert.equal(registered, String(EXECUTORS), 'the driver counts its executors');
    assert.equal(await evaluate(ch, 'spark.range(10**7).selectExpr("sum(id)").collect()[0][0]'), '49999995000000');
    // A relative path in the project's files: the driver plans it, the executors read it from their own mount.
    const readOnExecutors = [
      "open('ids.csv', 'w').write('id\\n' + '\\n'.join(map(str, range(1000))) + '\\n')",
      "spark.read.csv('ids.csv', header=True).repartition(3).selectExpr('sum(cast(id as long))').collect()[0][0]",
    ].join('\n');
    assert.equal(await evaluate(ch, readOnExecutors), '499500');
  } finally {
    await ch.close();
  }

  await until('the executors as running on the kernel model', async () => {
    const executors = await kernelExecutors(kernel.id);
    return executors?.length === EXECUTORS && executors.every((e) => e.state === 'running');
  }, 30_000);
  assert.equal((await executorPods(namespace, kernel.id)).length, EXECUTORS, 'no executor was replaced or added');

  await stop(kernel.id);
  await until('the executor pods to go with the driver pod', async () => (await executorPods(namespace, kernel.id)).length === 0, 60_000);
});

test('executors no node can hold stay Pending, with the scheduler’s reason on the kernel model', { timeout: 400_000 }, async () => {
  const project = await createProject(database.db, { ownerId: userId, slug: `spark-big-${Date.now()}` });
  const kernel = await launchKernel(gw, token, project.id, 'spark-too-big');
  let executors: TExecutor[] | null = null;
  await until('2 pending executors with a reason', async () => {
    executors = await kernelExecutors(kernel.id);
    return executors?.length === 2 && executors.every((e) => e.state === 'pending' && /Insufficient cpu/.test(e.reason ?? ''));
  }, SLOW_MS);
  for (const e of executors!) assert.equal(e.cores, 8);
  await stop(kernel.id);
});
