// Issue 15 on Kubernetes, on the test cluster with the gateway's least RBAC: a project's files
// are one PersistentVolumeClaim mounted at /project in every kernel of the project (on any node;
// another project's kernels do not see them), and software is built by a build pod (real pip
// from PyPI, through a proxy: pods here have no route off the host) into the shared store,
// whose layer a kernel pod mounts read-only and imports from.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { pino } from 'pino';
import type { TEnvironmentSpec } from '../../common/environment';
import { softwareLockHash } from '../../common/software-identity';
import { loadConfig } from '../../server/config';
import type { KernelProvisioner } from '../../server/provisioners/provisioner';
import { startKubernetesProvisioning, type TKubernetesProvisioning } from '../../server/provisioners/kubernetes/kubernetes-provisioning';
import { namespaceFor } from '../../server/provisioners/kubernetes/names';
import { BuildFailure, type TBuildHooks, type TSoftwareBuilder } from '../../server/software/software-builder';
import type { TConnectionInfo } from '../../server/zmq/connection-info';
import { environmentSpec } from '../helpers/environment-spec';
import { createProject, createUserWithToken } from '../helpers/gateway';
import { createTestDatabase, type TTestDatabase } from '../helpers/postgres';
import { testPython } from '../helpers/python';
import { startCluster, type Cluster } from './cluster';
import { BRIDGE_IP } from './config';
import { startConnectProxy } from './connect-proxy';
import { gatewayKubeconfig, KERNEL_PYTHON } from './kubernetes-gateway';

const PREFIX = 'lattice-sw-';
let cluster: Cluster;
let database: TTestDatabase;
let provisioning: TKubernetesProvisioning;
let rwoProvisioning: TKubernetesProvisioning;
let builder: TSoftwareBuilder;
let proxy: Awaited<ReturnType<typeof startConnectProxy>>;
let dir: string;
let store: string;
let userId: string;
const launched: KernelProvisioner[] = [];

before(async () => {
  cluster = await startCluster({ nodes: 2 });
  dir = mkdtempSync(path.join(tmpdir(), 'lattice-k8s-software-'));
  // Not under /tmp: pods here see the host's filesystem, and their /tmp volume would hide it.
  store = mkdtempSync('/var/tmp/lattice-k8s-software-store-');
  process.env.KUBECONFIG = await gatewayKubeconfig(cluster, dir);
  proxy = await startConnectProxy(BRIDGE_IP);
  database = await createTestDatabase();
  userId = (await createUserWithToken(database.db)).user.id;
  const { kubernetes } = loadConfig({
    DATABASE_URL: 'postgres://unused',
    LATTICE_K8S_KERNEL_PYTHON: KERNEL_PYTHON,
    LATTICE_K8S_NAMESPACE_PREFIX: PREFIX,
    LATTICE_K8S_MIRROR_QUOTAS: 'false',
    LATTICE_K8S_SOFTWARE_VOLUME: JSON.stringify({ hostPath: { path: store, type: 'DirectoryOrCreate' } }),
    LATTICE_K8S_SOFTWARE_DIR: store,
    LATTICE_K8S_BUILD_PROXY: proxy.url,
  });
  provisioning = await startKubernetesProvisioning({ config: kubernetes, db: database.db, logger: pino({ level: 'silent' }) });
  // A second gateway's settings: ReadWriteOnce project volumes, and a short wait for a node.
  rwoProvisioning = await startKubernetesProvisioning({
    config: { ...kubernetes, projectStorage: { ...kubernetes.projectStorage, accessMode: 'ReadWriteOnce' }, launchTimeoutMs: 15_000 },
    db: database.db,
    logger: pino({ level: 'silent' }),
  });
  builder = provisioning.softwareBuilder;
}, { timeout: 1_200_000 }); // the cluster lock may be held by another run for up to 15 min

after(async () => {
  for (const p of launched) await p.cleanup({ restart: false }).catch(() => undefined);
  await provisioning?.close();
  await rwoProvisioning?.close();
  await proxy?.close();
  await database?.drop();
  await cluster?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (store) rmSync(store, { recursive: true, force: true });
});

async function newProject(slug: string) {
  const project = await createProject(database.db, { ownerId: userId, slug: `${slug}-${Date.now()}` });
  return { id: project.id, slug: project.slug, namespace: namespaceFor(PREFIX, project.slug) };
}

const onNode = (node: string): Partial<TEnvironmentSpec> => ({
  placement: { nodeSelector: { 'kubernetes.io/hostname': node }, tolerations: [] },
});

/** A kernel pod of `project` through the provisioner, as the kernel manager starts one. */
async function launch(project: { id: string; slug: string }, over: Partial<TEnvironmentSpec> = {}, through = provisioning): Promise<TConnectionInfo> {
  const kernelId = randomUUID();
  const p = through.factory.create({ kernelId, logger: pino({ level: 'silent' }), owner: { projectId: project.id, userId }, projectSlug: project.slug });
  launched.push(p);
  const environment = environmentSpec({ id: 'k8s-software', slug: 'k8s-software', cpuRequestM: 100, cpuLimitM: 500, memoryRequestMib: 128, memoryLimitMib: 512, ...over });
  return p.launch({ kernelId, environment, env: {} }, () => undefined);
}

/** Runs `code` in the kernel with jupyter_client (a stock client) and returns its stdout, or `ename: evalue`. */
async function run(conn: TConnectionInfo, code: string): Promise<string> {
  const client = `
import json, sys
from jupyter_client import BlockingKernelClient
c = BlockingKernelClient()
c.load_connection_info(json.loads(sys.argv[1]))
c.start_channels()
c.wait_for_ready(timeout=60)
out = []
def hook(msg):
    t, content = msg['msg_type'], msg['content']
    if t == 'stream': out.append(content['text'])
    if t == 'error': out.append(content['ename'] + ': ' + content['evalue'])
c.execute_interactive(sys.argv[2], output_hook=hook, timeout=60)
print(''.join(out), end='')
`;
  const { stdout } = await promisify(execFile)(testPython(), ['-c', client, JSON.stringify(conn), code], { timeout: 120_000 });
  return stdout.trim();
}

function recordingHooks(): TBuildHooks & { steps: string[]; text: () => string } {
  const steps: string[] = [];
  const chunks: string[] = [];
  return { steps, text: () => chunks.join(''), step: (s) => steps.push(s), log: (c) => chunks.push(c), signal: new AbortController().signal };
}

test('project files: one claim per project at /project, the working directory; two kernels of the project on different nodes share it, another project\'s kernel does not see it', { timeout: 300_000 }, async () => {
  const project = await newProject('files');
  const other = await newProject('other');
  const writer = await launch(project, onNode('lattice-node-0'));
  const reader = await launch(project, onNode('lattice-node-1'));
  const stranger = await launch(other, onNode('lattice-node-0'));

  const claim = await cluster.kubectl(['get', 'pvc', 'lattice-project-files', '-n', project.namespace, '-o', 'json']).then(JSON.parse);
  assert.deepEqual(claim.spec.accessModes, ['ReadWriteMany']);
  assert.equal(claim.status.phase, 'Bound');

  assert.equal(
    await run(writer, "import os; os.makedirs('data', exist_ok=True); open('data/sales.csv', 'w').write('region,total\\nnorth,42\\n'); print(os.getcwd())"),
    '/project',
    'the kernel works in the project files',
  );
  assert.equal(await run(reader, "import pandas as pd; print(int(pd.read_csv('data/sales.csv').total.sum()))"), '42', 'pd.read_csv("data/sales.csv") works in the other kernel, on the other node');
  // The second kernel's own writes are the first's to read: one group (fsGroup) for the project.
  await run(reader, "open('data/notes.txt', 'w').write('from the reader')");
  assert.equal(await run(writer, "print(open('data/notes.txt').read())"), 'from the reader');
  assert.equal(await run(stranger, "import os; print(sorted(os.listdir('.')))"), '[]', 'another project\'s kernel sees its own, empty files');
});

test('ReadWriteOnce project volumes: a project\'s kernels share its node; one placed elsewhere waits with the scheduler\'s reason', { timeout: 300_000 }, async () => {
  const project = await newProject('rwo');
  const first = await launch(project, onNode('lattice-node-1'), rwoProvisioning);
  const second = await launch(project, {}, rwoProvisioning);
  const claim = await cluster.kubectl(['get', 'pvc', 'lattice-project-files', '-n', project.namespace, '-o', 'json']).then(JSON.parse);
  assert.deepEqual(claim.spec.accessModes, ['ReadWriteOnce']);
  const pods = JSON.parse(await cluster.kubectl(['get', 'pods', '-n', project.namespace, '-o', 'json'])).items as Array<{ spec: { nodeName: string } }>;
  assert.deepEqual(pods.map((p) => p.spec.nodeName), ['lattice-node-1', 'lattice-node-1']);
  await run(first, "open('shared.txt', 'w').write('rwo')");
  assert.equal(await run(second, "print(open('shared.txt').read())"), 'rwo');
  await assert.rejects(launch(project, onNode('lattice-node-0'), rwoProvisioning), (err: Error & { reason?: string }) => {
    assert.equal(err.reason, 'unschedulable');
    assert.match(err.message, /No node could take the kernel within 15 s: .*pod affinity/);
    return true;
  });
});

test('software: a build pod installs requests==2.31.0 with pip from PyPI into the store; a kernel on it imports exactly 2.31.0 from its read-only layer, a kernel without it has no requests', { timeout: 600_000 }, async () => {
  const hooks = recordingHooks();
  const buildId = randomUUID();
  const result = await builder.build({ id: buildId, base: 'image:', requirements: 'requests==2.31.0' }, hooks);
  assert.match(result.lock, /^requests==2\.31\.0 --hash=sha256:[0-9a-f]{64}$/m);
  assert.match(result.lock, /^urllib3==/m, 'the lock holds the resolved dependencies too');
  assert.match(result.pythonFullVersion, /^3\.\d+\.\d+$/);
  assert.equal(result.lockHash, softwareLockHash(result.pythonFullVersion, result.lock));
  assert.ok(result.sizeBytes > 100_000, `size ${result.sizeBytes}`);
  assert.ok(existsSync(path.join(store, 'envs', result.lockHash, 'site-packages', 'requests', '__init__.py')));
  assert.ok(!existsSync(path.join(store, 'builds', buildId)), 'the scratch space is gone');
  assert.match(hooks.text(), /Successfully installed .*requests-2\.31\.0/, 'pip\'s output reached the build log');
  assert.deepEqual(hooks.steps.slice(-2), ['Resolving and installing 1 package', 'Publishing the environment']);
  assert.ok(proxy.tunnels().some((t) => t.startsWith('pypi.org:') || t.startsWith('files.pythonhosted.org:')), 'the build pod reached the index through the proxy');

  const project = await newProject('software');
  const withLayer = await launch(project, { software: { buildId, lockHash: result.lockHash, base: 'image:' } });
  const plain = await launch(project);
  assert.equal(await run(withLayer, 'import requests; print(requests.__version__, requests.__file__)'), '2.31.0 /opt/lattice/software/site-packages/requests/__init__.py');
  assert.match(await run(withLayer, "open('/opt/lattice/software/site-packages/x', 'w')"), /^OSError: \[Errno 30\] Read-only file system/);
  assert.equal(await run(plain, 'import requests'), "ModuleNotFoundError: No module named 'requests'");

  await builder.remove(result.lockHash, 'image:');
  assert.ok(!existsSync(path.join(store, 'envs', result.lockHash)));
});

test('software: a list pip cannot install fails the build with pip\'s own words; nothing is published', { timeout: 300_000 }, async () => {
  const before = existsSync(path.join(store, 'envs')) ? readdirSync(path.join(store, 'envs')) : [];
  const hooks = recordingHooks();
  await assert.rejects(
    builder.build({ id: randomUUID(), base: 'image:', requirements: 'lattice-no-such-package-3f9a==1.0' }, hooks),
    (err: Error) => {
      assert.ok(err instanceof BuildFailure, `not a BuildFailure: ${err.message}`);
      assert.match(err.message, /^ERROR: Could not find a version that satisfies the requirement lattice-no-such-package-3f9a==1\.0/);
      assert.match(err.message, /No matching distribution found for lattice-no-such-package-3f9a==1\.0/);
      return true;
    },
  );
  assert.deepEqual(existsSync(path.join(store, 'envs')) ? readdirSync(path.join(store, 'envs')) : [], before);
});

test('software on a Spark image: pyspark is pinned to the image\'s Spark, so a list asking for another fails with a message that says why', { timeout: 300_000 }, async () => {
  await assert.rejects(
    builder.build({ id: randomUUID(), base: 'image:lattice/kernel-pyspark:latest', requirements: 'pyspark==3.4.0' }, recordingHooks()),
    (err: Error) => {
      assert.ok(err instanceof BuildFailure, `not a BuildFailure: ${err.message}`);
      assert.match(err.message, /^This environment's image runs Spark 3\.5\.9, so its package list cannot install another pyspark/);
      assert.match(err.message, /The installer said: ERROR: Cannot install pyspark==3\.4\.0/);
      return true;
    },
  );
});
