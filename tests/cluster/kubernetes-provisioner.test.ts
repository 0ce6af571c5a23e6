// The `kubernetes` provisioner against the real test control plane: kernels as pods run by
// the pod agent (real ipykernel processes in their own network namespaces, real cgroup
// memory limits), driven through a real gateway that authenticates as the lattice-gateway
// service account with exactly the RBAC of deploy/kubernetes/platform/gateway-rbac.yaml.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import type * as k8s from '@kubernetes/client-node';
import { kernels, quotas } from '../../db/schema';
import { loadConfig } from '../../server/config';
import { namespaceFor } from '../../server/provisioners/kubernetes/names';
import { createProject, createUserWithToken, gatewayFetch, openChannels, startTestGateway, type TTestGateway } from '../helpers/gateway';
import { kernelRow, until } from '../helpers/kernels';
import { clearDefaultQuotas } from '../helpers/default-quotas';
import { createTestDatabase, type TTestDatabase } from '../helpers/postgres';
import { startCluster, type Cluster } from './cluster';
import { createPodEnvironment, gatewayKubeconfig, KERNEL_PYTHON, launchKernel } from './kubernetes-gateway';
import { ipykernelCommand } from '../../server/kernels/ipykernel-command';
import { projectFilesGid } from '../../common/project-files-location';

let cluster: Cluster;
let database: TTestDatabase;
let gw: TTestGateway;
let token: string;
let userId: string;
let dir: string;

const PREFIX = 'lattice-';

before(async () => {
  cluster = await startCluster({ nodes: 2 });
  dir = mkdtempSync(path.join(tmpdir(), 'lattice-k8s-'));
  // client-node's loadFromDefault reads KUBECONFIG: the in-process gateway gets only the gateway's rights.
  process.env.KUBECONFIG = await gatewayKubeconfig(cluster, dir);
  database = await createTestDatabase();
  // Kernels here are sized past the finite default quotas (GPUs, a node's worth of CPU) and strays
  // are made without limits: the admin lifts the defaults, as on the quotas page.
  await clearDefaultQuotas(database.db);
  const base = loadConfig({
    DATABASE_URL: 'postgres://injected-by-test',
    LATTICE_K8S_KERNEL_PYTHON: KERNEL_PYTHON,
    LATTICE_K8S_NAMESPACE_PREFIX: PREFIX,
    LATTICE_K8S_SWEEP_INTERVAL_S: '1',
  });
  gw = await startTestGateway({ db: database.db, config: { provisioners: ['local', 'kubernetes'], kubernetes: base.kubernetes } });
  const user = await createUserWithToken(database.db);
  token = user.token;
  userId = user.user.id;
  await createPodEnvironment(database.db, 'pod-small');
}, { timeout: 1_200_000 }); // the cluster lock may be held by another run for up to 15 min

after(async () => {
  await gw?.close();
  await database?.drop();
  await cluster?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function newProject(slug: string) {
  const project = await createProject(database.db, { ownerId: userId, slug: `${slug}-${Date.now()}` });
  return { ...project, namespace: namespaceFor(PREFIX, project.slug) };
}

async function podOf(kernelId: string): Promise<k8s.V1Pod> {
  const info = (await kernelRow(database.db, kernelId)).provisionerState as { namespace: string; podName: string };
  return cluster.core.readNamespacedPod({ namespace: info.namespace, name: info.podName });
}

async function gone(read: () => Promise<unknown>): Promise<boolean> {
  try {
    await read();
    return false;
  } catch (err) {
    return /HTTP 404/.test((err as Error).message);
  }
}

/** A pod that only holds an IP on a node (the agent hands out the lowest free one). */
async function holdIp(namespace: string, node: string): Promise<{ ip: string; release(): Promise<void> }> {
  const name = `ip-holder-${Date.now()}`;
  await cluster.core.createNamespacedPod({
    namespace,
    body: { metadata: { name }, spec: { nodeName: node, restartPolicy: 'Never', containers: [{ name: 'hold', image: 'none', command: ['sleep', '600'] }] } },
  });
  let ip = '';
  await until('the IP holder to run', async () => {
    ip = (await cluster.core.readNamespacedPod({ namespace, name })).status?.podIP ?? '';
    return ip !== '';
  });
  return {
    ip,
    async release() {
      await cluster.core.deleteNamespacedPod({ namespace, name, gracePeriodSeconds: 1 });
      await until('the IP holder gone', () => gone(() => cluster.core.readNamespacedPod({ namespace, name })), 30_000);
    },
  };
}

test('launch → execute → interrupt → restart (a new pod at a new IP) → stop, with ipykernel in a pod', { timeout: 240_000 }, async () => {
  const project = await newProject('lifecycle');
  await createPodEnvironment(database.db, 'pod-node-1', { placement: { nodeSelector: { 'kubernetes.io/hostname': 'lattice-node-1' }, tolerations: [] } });
  // The restarted pod must land at another address: the holder's IP, lower than the kernel's, is free by then.
  await cluster.core.createNamespace({ body: { metadata: { name: project.namespace } } });
  await until('the default ServiceAccount', () => cluster.core.readNamespacedServiceAccount({ namespace: project.namespace, name: 'default' }).then(() => true, () => false));
  const holder = await holdIp(project.namespace, 'lattice-node-1');
  const kernel = await launchKernel(gw, token, project.id, 'pod-node-1');
  const firstPod = await podOf(kernel.id);
  await holder.release();
  assert.equal(firstPod.metadata?.namespace, project.namespace);
  assert.equal(firstPod.status?.phase, 'Running');
  assert.match(firstPod.status?.podIP ?? '', /^10\.244\./);
  const ws = await openChannels(gw, kernel.id, { token });
  try {
    const { iopub } = await ws.execute("import os; x = 41; print(os.environ['HOSTNAME'], os.getuid(), x + 1)");
    const stdout = iopub.filter((m) => m.header.msg_type === 'stream').map((m) => m.content.text).join('');
    assert.equal(stdout.trim(), `${firstPod.metadata?.name} 1000 42`, 'the code ran in the pod, as the non-root user');

    const sleeping = ws.send('shell', 'execute_request', { code: 'import time; time.sleep(30)', silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true });
    await ws.waitFor((m) => m.parent_header.msg_id === sleeping && m.header.msg_type === 'execute_input');
    assert.equal((await gatewayFetch(gw, `/api/kernels/${kernel.id}/interrupt`, { token, method: 'POST' })).status, 204);
    const interrupted = await ws.waitFor((m) => m.channel === 'shell' && m.parent_header.msg_id === sleeping, 15_000);
    assert.equal(interrupted.content.status, 'error');
    assert.equal(interrupted.content.ename, 'KeyboardInterrupt');

    const restarted = await gatewayFetch(gw, `/api/kernels/${kernel.id}/restart`, { token, method: 'POST' });
    assert.equal(restarted.status, 200, JSON.stringify(restarted.body));
    const secondPod = await podOf(kernel.id);
    assert.notEqual(secondPod.metadata?.uid, firstPod.metadata?.uid, 'a restart is a new pod');
    assert.equal(secondPod.metadata?.name, firstPod.metadata?.name);
    assert.equal(secondPod.status?.podIP, holder.ip);
    assert.notEqual(secondPod.status?.podIP, firstPod.status?.podIP, 'at a new address');
    const after = await ws.execute("print('x' in globals())");
    assert.equal(after.iopub.find((m) => m.header.msg_type === 'stream')?.content.text, 'False\n', 'state is gone; the same websocket still works');
  } finally {
    await ws.close();
  }
  assert.equal((await gatewayFetch(gw, `/api/kernels/${kernel.id}`, { token, method: 'DELETE' })).status, 204);
  const name = firstPod.metadata!.name!;
  await until('pod and Secret gone', async () =>
    (await gone(() => cluster.core.readNamespacedPod({ namespace: project.namespace, name }))) &&
    (await gone(() => cluster.core.readNamespacedSecret({ namespace: project.namespace, name: `${name}-connection` }))),
  );
  assert.equal((await kernelRow(database.db, kernel.id)).state, 'stopped');
});

test('the pod, its Secret and its namespace carry labels, sizes, placement, a hardened non-root security context (the project\'s group) and an owner; the kernel works in its project files and writes only there, to its home and /tmp', { timeout: 120_000 }, async () => {
  const project = await newProject('labels');
  await createPodEnvironment(database.db, 'pod-placed', {
    cpuRequestM: 250,
    cpuLimitM: 750,
    memoryRequestMib: 192,
    memoryLimitMib: 640,
    gpus: 1,
    placement: { nodeSelector: { 'kubernetes.io/hostname': 'lattice-node-1' }, tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'kernels', effect: 'NoSchedule' }] },
  });
  const kernel = await launchKernel(gw, token, project.id, 'pod-placed');
  try {
    const pod = await podOf(kernel.id);
    assert.equal(pod.metadata?.name, `kernel-${kernel.id}`);
    assert.deepEqual(pod.metadata?.labels, {
      'app.kubernetes.io/name': 'lattice-kernel',
      'app.kubernetes.io/managed-by': 'lattice',
      'app.kubernetes.io/component': 'kernel',
      'lattice.dev/kernel-id': kernel.id,
      'lattice.dev/project': project.id,
      'lattice.dev/user': userId,
      'lattice.dev/environment': 'pod-placed',
      'lattice.dev/network': 'egress',
    });
    const spec = pod.spec!;
    const [c] = spec.containers;
    assert.deepEqual(c.resources, {
      requests: { cpu: '250m', memory: '192Mi', 'nvidia.com/gpu': '1' },
      limits: { cpu: '750m', memory: '640Mi', 'nvidia.com/gpu': '1' },
    });
    assert.equal(spec.nodeName, 'lattice-node-1');
    assert.deepEqual(spec.nodeSelector, { 'kubernetes.io/hostname': 'lattice-node-1' });
    assert.ok(spec.tolerations?.some((t) => t.key === 'dedicated' && t.value === 'kernels' && t.effect === 'NoSchedule'));
    assert.equal(spec.restartPolicy, 'Never');
    assert.equal(spec.serviceAccountName, 'lattice-kernel');
    assert.deepEqual(spec.securityContext, { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: projectFilesGid(project.id) });
    assert.deepEqual(c.securityContext, {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    assert.equal(spec.automountServiceAccountToken, false);
    assert.deepEqual(spec.volumes?.filter((v) => v.emptyDir).map((v) => v.name), ['home', 'tmp']);
    assert.deepEqual(c.command, ipykernelCommand(KERNEL_PYTHON, '/etc/lattice/connection.json'));

    const secret = await cluster.core.readNamespacedSecret({ namespace: project.namespace, name: `${pod.metadata!.name}-connection` });
    assert.deepEqual(
      secret.metadata?.ownerReferences?.map((o) => [o.kind, o.name, o.uid]),
      [['Pod', pod.metadata!.name, pod.metadata!.uid]],
    );
    const connection = JSON.parse(Buffer.from(secret.data!['connection.json'], 'base64').toString('utf8')) as { ip: string; key: string };
    assert.equal(connection.ip, '0.0.0.0');
    assert.ok(connection.key.length >= 32);

    const namespace = JSON.parse(await cluster.kubectl(['get', 'namespace', project.namespace, '-o', 'json'])) as k8s.V1Namespace;
    assert.equal(namespace.metadata?.labels?.['app.kubernetes.io/managed-by'], 'lattice');
    assert.equal(namespace.metadata?.labels?.['lattice.dev/project'], project.id);
    assert.equal(namespace.metadata?.labels?.['pod-security.kubernetes.io/enforce'], 'restricted', 'the API server admitted the kernel pod under Pod Security "restricted"');
    const binding = JSON.parse(await cluster.kubectl(['get', 'rolebinding', 'lattice-spark-driver', '-n', project.namespace, '-o', 'json'])) as k8s.V1RoleBinding;
    assert.deepEqual(binding.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'lattice-spark-driver' });
    assert.deepEqual(binding.subjects?.map((s) => [s.kind, s.name]), [['ServiceAccount', 'lattice-kernel']]);
    // The websocket path works for a kernel the gateway reached at the pod IP.
    // The agent mounts the pod's root read-only (readOnlyRootFilesystem) and sets no_new_privs.
    const ws = await openChannels(gw, kernel.id, { token });
    const { reply, iopub } = await ws.execute(
      [
        'import errno, os',
        'def write(p):',
        '    try:',
        "        open(p, 'w').close()",
        "        return 'ok'",
        '    except OSError as e:',
        '        return errno.errorcode[e.errno]',
        "nnp = [l.split()[1] for l in open('/proc/self/status') if l.startswith('NoNewPrivs:')][0]",
        "print(os.getcwd(), os.environ['HOME'], write('sales.csv'), write(os.path.expanduser('~/notes.txt')), write('/tmp/scratch'), write('/lattice-probe'), write('/etc/lattice-probe'), nnp)",
      ].join('\n'),
    );
    assert.equal(reply.content.status, 'ok', JSON.stringify(reply.content));
    const printed = iopub.filter((m) => m.header.msg_type === 'stream').map((m) => m.content.text).join('').trim();
    assert.equal(printed, '/project /home/lattice ok ok ok EROFS EROFS 1');
    await ws.close();
  } finally {
    await gatewayFetch(gw, `/api/kernels/${kernel.id}`, { token, method: 'DELETE' });
  }
});

test('an over-capacity launch waits with the scheduler\'s reason and starts once capacity frees', { timeout: 240_000 }, async () => {
  const project = await newProject('capacity');
  // Three CPUs on node 0 only: the second such kernel cannot be placed while the first runs.
  await createPodEnvironment(database.db, 'pod-big', {
    cpuRequestM: 3000,
    cpuLimitM: 3000,
    placement: { nodeSelector: { 'kubernetes.io/hostname': 'lattice-node-0' }, tolerations: [] },
  });
  const holder = await launchKernel(gw, token, project.id, 'pod-big');
  const waiting = launchKernel(gw, token, project.id, 'pod-big');
  let waitingId: string | null = null;
  try {
    let model: { id: string; lattice: { progress: { step: string; message: string | null } | null }; execution_state: string } | undefined;
    await until(
      'the second kernel to report waiting',
      async () => {
        const list = (await gatewayFetch(gw, `/api/kernels?project=${project.id}`, { token })).body as Array<NonNullable<typeof model>>;
        model = list.find((k) => k.id !== holder.id);
        return model?.lattice.progress?.step === 'waiting';
      },
      60_000,
    );
    waitingId = model!.id;
    assert.match(model!.lattice.progress!.message ?? '', /^waiting for capacity: .*Insufficient cpu/);
    const row = await kernelRow(database.db, waitingId);
    assert.equal(row.state, 'provisioning');
    assert.match(row.detail ?? '', /Insufficient cpu/, 'the reason is stored for pages loaded now');

    assert.equal((await gatewayFetch(gw, `/api/kernels/${holder.id}`, { token, method: 'DELETE' })).status, 204);
    const started = await waiting;
    assert.equal(started.id, waitingId);
    assert.equal(started.execution_state, 'idle');
    assert.equal((await podOf(waitingId)).spec?.nodeName, 'lattice-node-0');
  } finally {
    await gatewayFetch(gw, `/api/kernels/${holder.id}`, { token, method: 'DELETE' });
    await waiting.catch(() => undefined);
    if (waitingId) await gatewayFetch(gw, `/api/kernels/${waitingId}`, { token, method: 'DELETE' });
  }
});

test('a kernel exceeding its memory limit ends dead: oom-killed', { timeout: 120_000 }, async () => {
  const project = await newProject('oom');
  await createPodEnvironment(database.db, 'pod-tiny', { memoryRequestMib: 192, memoryLimitMib: 256 });
  const kernel = await launchKernel(gw, token, project.id, 'pod-tiny');
  const ws = await openChannels(gw, kernel.id, { token });
  const closed = new Promise<string>((resolve) => ws.ws.once('close', (_code, reason) => resolve(reason.toString())));
  ws.send('shell', 'execute_request', { code: "x = b'x' * (1024 << 20)", silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true });
  await until('the kernel to be dead', async () => (await kernelRow(database.db, kernel.id)).state === 'dead', 60_000);
  const row = await kernelRow(database.db, kernel.id);
  assert.equal(row.reason, 'oom-killed');
  assert.equal(await closed, 'kernel dead: oom-killed');
});

test('the namespace ResourceQuota\'s refusal reaches the client as 403 QUOTA_EXCEEDED in the API server\'s words', { timeout: 120_000 }, async () => {
  const project = await newProject('refused');
  // An administrator's quota, tighter than anything the gateway's own admission knows of.
  await cluster.core.createNamespace({ body: { metadata: { name: project.namespace } } });
  await cluster.core.createNamespacedResourceQuota({ namespace: project.namespace, body: { metadata: { name: 'small' }, spec: { hard: { 'requests.cpu': '50m' } } } });
  await until('the quota to be counted', async () => {
    const rq = await cluster.core.readNamespacedResourceQuota({ namespace: project.namespace, name: 'small' });
    return rq.status?.hard?.['requests.cpu'] !== undefined;
  });
  const res = await gatewayFetch(gw, '/api/kernels', { token, method: 'POST', body: { name: 'pod-small', env: { KERNEL_PROJECT: project.id } } });
  assert.equal(res.status, 403);
  assert.equal(res.body.code, 'QUOTA_EXCEEDED');
  assert.match(
    res.body.message,
    /^The project's Kubernetes namespace quota refused the kernel: exceeded quota: small, requested: requests\.cpu=100m, used: requests\.cpu=0, limited: requests\.cpu=50m$/,
  );
  const [row] = await database.db.select().from(kernels).where(eq(kernels.projectId, project.id));
  assert.equal(row.state, 'failed');
  assert.equal(row.reason, 'quota');
});

test('the project\'s quota is mirrored into the lattice-project-quota ResourceQuota before a launch', { timeout: 120_000 }, async () => {
  const project = await newProject('mirrored');
  await database.db.insert(quotas).values({ scope: 'project', projectId: project.id, cpuM: 4000, memoryMib: 4096, gpus: 1, kernels: 3 });
  const kernel = await launchKernel(gw, token, project.id, 'pod-small');
  try {
    const rq = await cluster.core.readNamespacedResourceQuota({ namespace: project.namespace, name: 'lattice-project-quota' });
    assert.deepEqual(rq.spec?.hard, {
      'requests.cpu': '4',
      'limits.cpu': '4',
      'requests.memory': '4Gi',
      'limits.memory': '4Gi',
      'requests.nvidia.com/gpu': '1',
    });
    assert.equal(rq.metadata?.labels?.['lattice.dev/project'], project.id);
    // A changed quota is written again before the next launch there.
    await database.db.update(quotas).set({ cpuM: 6000, gpus: null }).where(eq(quotas.projectId, project.id));
    const second = await launchKernel(gw, token, project.id, 'pod-small');
    await gatewayFetch(gw, `/api/kernels/${second.id}`, { token, method: 'DELETE' });
    const updated = await cluster.core.readNamespacedResourceQuota({ namespace: project.namespace, name: 'lattice-project-quota' });
    assert.deepEqual(updated.spec?.hard, { 'requests.cpu': '6', 'limits.cpu': '6', 'requests.memory': '4Gi', 'limits.memory': '4Gi' });
  } finally {
    await gatewayFetch(gw, `/api/kernels/${kernel.id}`, { token, method: 'DELETE' });
  }
});

test('the sweeper deletes kernel pods whose kernel record is missing or ended', { timeout: 120_000 }, async () => {
  const project = await newProject('sweep');
  const kernel = await launchKernel(gw, token, project.id, 'pod-small');
  const pod = await podOf(kernel.id);
  // A pod with our labels and no kernel record at all (a row deleted behind the gateway's back).
  const orphanId = crypto.randomUUID();
  await cluster.core.createNamespacedPod({
    namespace: project.namespace,
    body: {
      metadata: {
        name: `kernel-${orphanId}`,
        labels: { 'app.kubernetes.io/managed-by': 'lattice', 'app.kubernetes.io/component': 'kernel', 'lattice.dev/kernel-id': orphanId },
      },
      // Pod Security `restricted` holds in the gateway's namespaces, for strays too.
      spec: {
        restartPolicy: 'Never',
        securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
        containers: [{ name: 'kernel', image: 'none', command: ['sleep', '600'], securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
      },
    },
  });
  // A live pod whose record says the kernel ended.
  await database.db.update(kernels).set({ state: 'stopped' }).where(eq(kernels.id, kernel.id));
  await until(
    'both pods swept',
    async () =>
      (await gone(() => cluster.core.readNamespacedPod({ namespace: project.namespace, name: `kernel-${orphanId}` }))) &&
      (await gone(() => cluster.core.readNamespacedPod({ namespace: project.namespace, name: pod.metadata!.name! }))),
    60_000,
  );
});
