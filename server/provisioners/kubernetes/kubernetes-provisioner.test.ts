// The kubernetes provisioner against an in-memory API server and kubelet (in-memory-pod-api.ts)
// whose pods run real ipykernel processes: the shared contract without a cluster, plus what
// the provisioner owes beyond it. tests/cluster/kubernetes-contract.test.ts runs the same
// contract against a real control plane.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { V1Pod, V1Secret } from '@kubernetes/client-node';
import { pino } from 'pino';
import { environmentSpec } from '../../../tests/helpers/environment-spec';
import { createProject, createUserWithToken } from '../../../tests/helpers/gateway';
import { createTestDatabase, type TTestDatabase } from '../../../tests/helpers/postgres';
import { testPython } from '../../../tests/helpers/python';
import { loadConfig } from '../../config';
import { KernelStartError, type TProvisionerContext } from '../provisioner';
import { provisionerContract } from '../provisioner-contract';
import { InMemoryPodApi } from './in-memory-pod-api';
import { startKubernetesProvisioning, type TKubernetesProvisioning } from './kubernetes-provisioning';
import { connectionSecretName, namespaceFor, podNameFor } from './names';
import { PROJECT_EGRESS_POLICY, PROJECT_ISOLATION_POLICY } from './network-policy';

const { kubernetes: config } = loadConfig({ DATABASE_URL: 'postgres://unused', LATTICE_K8S_KERNEL_PYTHON: testPython() });
const api = new InMemoryPodApi();
const environment = environmentSpec();
let database: TTestDatabase;
let provisioning: TKubernetesProvisioning;
const context = { owner: { projectId: '', userId: '' }, projectSlug: '' };
const ctx = (kernelId: string, over: Partial<TProvisionerContext> = {}): TProvisionerContext => ({ kernelId, logger: pino({ level: 'silent' }), ...context, ...over });

before(async () => {
  database = await createTestDatabase();
  const { user } = await createUserWithToken(database.db);
  const project = await createProject(database.db, { ownerId: user.id, slug: `unit-${Date.now()}` });
  Object.assign(context.owner, { projectId: project.id, userId: user.id });
  context.projectSlug = project.slug;
  provisioning = await startKubernetesProvisioning({ config, db: database.db, logger: pino({ level: 'silent' }), api });
});

after(async () => {
  await provisioning?.close();
  await database?.drop();
});

provisionerContract({ factory: () => provisioning.factory, environment, context });

test('kubernetes: the pod, its Secret and the namespace set-up land in the namespace named after the context’s project slug', async () => {
  const kernelId = crypto.randomUUID();
  const p = provisioning.factory.create(ctx(kernelId));
  try {
    await p.launch({ kernelId, environment, env: {} }, () => undefined);
    const namespace = namespaceFor(config.namespacePrefix, context.projectSlug);
    const podName = podNameFor(config.podNamePrefix, kernelId);
    const pod = api.stored<V1Pod>('Pod', namespace, podName);
    assert.ok(pod, `pod ${podName} in ${namespace}`);
    assert.equal(pod.metadata?.labels?.['lattice.dev/project'], context.owner.projectId);
    const secret = api.stored<V1Secret>('Secret', namespace, connectionSecretName(podName));
    assert.deepEqual(secret?.metadata?.ownerReferences?.map((o) => o.uid), [pod.metadata?.uid], 'the Secret goes with its pod');
    assert.ok(api.stored('Namespace', null, namespace));
    for (const name of [PROJECT_ISOLATION_POLICY, PROJECT_EGRESS_POLICY]) assert.ok(api.stored('NetworkPolicy', namespace, name), `NetworkPolicy ${name}`);
    const info = p.toInfo();
    assert.deepEqual([info.namespace, info.podName], [namespace, podName], 'what a reattach finds it by');
  } finally {
    await p.kill({ restart: false });
    await p.cleanup({ restart: false });
  }
});

test('kubernetes: a launch whose context names no project slug fails saying so, creating nothing', async () => {
  const kernelId = crypto.randomUUID();
  const p = provisioning.factory.create(ctx(kernelId, { projectSlug: undefined }));
  await assert.rejects(p.launch({ kernelId, environment, env: {} }, () => undefined), (err: Error) => {
    assert.ok(err instanceof KernelStartError);
    assert.match(err.message, /project's slug/);
    return true;
  });
  assert.deepEqual(await api.listPods(`lattice.dev/kernel-id=${kernelId}`), []);
  await p.cleanup({ restart: false });
});

test('kubernetes: a kernel pod whose process dies is reported at once (onExit) and polled as crashed with its exit code', async () => {
  const kernelId = crypto.randomUUID();
  const p = provisioning.factory.create(ctx(kernelId));
  try {
    await p.launch({ kernelId, environment, env: {} }, () => undefined);
    const exited = new Promise<void>((resolve) => p.onExit?.(resolve));
    const pod = api.stored<V1Pod>('Pod', namespaceFor(config.namespacePrefix, context.projectSlug), podNameFor(config.podNamePrefix, kernelId));
    const pid = Number(pod?.status?.containerStatuses?.[0]?.containerID?.replace('in-memory://', ''));
    assert.ok(pid > 0, 'the container runs as a local process');
    process.kill(pid, 'SIGKILL');
    await exited;
    assert.deepEqual(await p.poll(), { exitCode: 137, signal: null, reason: 'crashed' });
  } finally {
    await p.kill({ restart: false });
    await p.cleanup({ restart: false });
  }
});
