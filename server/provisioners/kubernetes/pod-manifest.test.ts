import { test } from 'node:test';
import assert from 'node:assert/strict';
import { environmentSpec } from '../../../tests/helpers/environment-spec';
import { connectionSecretManifest, CONNECTION_FILE, executorPodTemplate, KERNEL_PORTS, kernelPodManifest, type TKernelPodInput } from './pod-manifest';
import { namespaceFor } from './names';
import { resourceQuotaHard } from './quota-mirror';
import { projectFilesGid } from '../../../common/project-files-location';

const PROJECT_ID = '6f1c2a9e-4b7d-4c1e-9a3b-2d5e8f0a1b2c';
const PROJECT_GID = projectFilesGid(PROJECT_ID);
const LOCK_HASH = 'ab'.repeat(32);

const environment = environmentSpec({ id: 'env-1', cpuRequestM: 500, cpuLimitM: 1000, memoryRequestMib: 512, memoryLimitMib: 1024 });

/** Every kernel and executor container: exactly this, nothing looser. */
const HARDENED = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

const input = (over: Partial<TKernelPodInput> = {}): TKernelPodInput => ({
  namespace: 'lattice-team',
  podName: 'kernel-1b4e28ba-2fa1-11d2-883f-0016d3cca427',
  kernelId: '1b4e28ba-2fa1-11d2-883f-0016d3cca427',
  owner: { projectId: PROJECT_ID, userId: 'u-1' },
  environment,
  config: {
    kernelImage: 'lattice/kernel-python:1',
    sparkImage: 'lattice/kernel-pyspark:1',
    kernelPython: 'python',
    serviceAccount: 'lattice-kernel',
    runAsUser: 1000,
    projectStorage: { storageClass: null, accessMode: 'ReadWriteMany', bytes: 1024 ** 3 },
  },
  env: { KERNEL_USERNAME: 'ada@example.test' },
  sparkConf: null,
  ...over,
});

test('a kernel pod: labels, image, command, requests/limits, hardened and non-root, never restarted, writable home, /tmp and project files only, connection Secret read-only', () => {
  const pod = kernelPodManifest(input());
  assert.deepEqual(pod.metadata?.labels, {
    'app.kubernetes.io/name': 'lattice-kernel',
    'app.kubernetes.io/managed-by': 'lattice',
    'app.kubernetes.io/component': 'kernel',
    'lattice.dev/kernel-id': '1b4e28ba-2fa1-11d2-883f-0016d3cca427',
    'lattice.dev/project': PROJECT_ID,
    'lattice.dev/user': 'u-1',
    'lattice.dev/environment': 'python-small',
    'lattice.dev/network': 'egress',
  });
  const spec = pod.spec!;
  assert.equal(spec.restartPolicy, 'Never');
  assert.equal(spec.serviceAccountName, 'lattice-kernel');
  assert.equal(spec.automountServiceAccountToken, false, 'a plain kernel has no business with the API server');
  assert.deepEqual(spec.securityContext, { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: PROJECT_GID });
  const [c] = spec.containers;
  assert.equal(c.image, 'lattice/kernel-python:1');
  // ipykernel, plus the start-up line that lets breakpoint() open the debugger and the longer
  // wait for the shared history database (ipykernel-command.ts).
  assert.deepEqual(c.command, [
    'python',
    '-m',
    'ipykernel_launcher',
    '-f',
    CONNECTION_FILE,
    `--IPKernelApp.exec_lines=["__import__('sys').breakpointhook = __import__('sys').__breakpointhook__"]`,
    "--HistoryManager.connection_options={'check_same_thread': False, 'timeout': 60}",
  ]);
  assert.deepEqual(c.resources, { requests: { cpu: '500m', memory: '512Mi' }, limits: { cpu: '1000m', memory: '1024Mi' } });
  assert.deepEqual(c.securityContext, HARDENED);
  assert.equal(c.workingDir, '/project', 'code reads data/sales.csv from the project files');
  assert.deepEqual(c.volumeMounts, [
    { name: 'connection', mountPath: '/etc/lattice', readOnly: true },
    { name: 'home', mountPath: '/home/lattice' },
    { name: 'tmp', mountPath: '/tmp' },
    { name: 'project', mountPath: '/project' },
  ]);
  assert.deepEqual(spec.volumes, [
    { name: 'connection', secret: { secretName: `${pod.metadata!.name}-connection`, defaultMode: 0o440 } },
    { name: 'home', emptyDir: {} },
    { name: 'tmp', emptyDir: {} },
    { name: 'project', persistentVolumeClaim: { claimName: 'lattice-project-files' } },
  ]);
  assert.deepEqual(c.env, [
    { name: 'KERNEL_USERNAME', value: 'ada@example.test' },
    { name: 'KERNEL_ID', value: '1b4e28ba-2fa1-11d2-883f-0016d3cca427' },
    { name: 'HOME', value: '/home/lattice' },
  ]);
  assert.deepEqual(Object.keys(spec).sort(), ['automountServiceAccountToken', 'containers', 'nodeSelector', 'restartPolicy', 'securityContext', 'serviceAccountName', 'tolerations', 'volumes']);
  assert.deepEqual(Object.keys(c).sort(), ['command', 'env', 'image', 'name', 'resources', 'securityContext', 'volumeMounts', 'workingDir']);
});

test('project files: the fsGroup is the project\'s group (as on local kernels), so every member\'s kernel writes them; another project gets another group', () => {
  const other = '0d9e8c7b-6a5f-4e3d-8c2b-1a0f9e8d7c6b';
  assert.equal(kernelPodManifest(input()).spec!.securityContext!.fsGroup, PROJECT_GID);
  assert.equal(kernelPodManifest(input({ owner: { projectId: other, userId: 'u-2' } })).spec!.securityContext!.fsGroup, projectFilesGid(other));
  assert.notEqual(projectFilesGid(other), PROJECT_GID);
  assert.ok(PROJECT_GID >= 1_000_000_000 && PROJECT_GID < 2 ** 31);
});

test('ReadWriteOnce project volumes: kernels of a project go to the node its kernels are on; ReadWriteMany places them freely', () => {
  const rwo = kernelPodManifest(input({ config: { ...input().config, projectStorage: { storageClass: null, accessMode: 'ReadWriteOnce', bytes: 1024 } } }));
  assert.deepEqual(rwo.spec!.affinity, {
    podAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: [
        { labelSelector: { matchLabels: { 'app.kubernetes.io/component': 'kernel', 'lattice.dev/project': PROJECT_ID } }, topologyKey: 'kubernetes.io/hostname' },
      ],
    },
  });
  assert.equal(kernelPodManifest(input()).spec!.affinity, undefined);
});

test('built software: the layer of the snapshot\'s lock mounted read-only (claim and mount) and first on PYTHONPATH; none without it', () => {
  const pod = kernelPodManifest(input({ environment: { ...environment, software: { buildId: 'b-1', lockHash: LOCK_HASH, base: 'image:' } } }));
  const [c] = pod.spec!.containers;
  assert.deepEqual(c.volumeMounts!.at(-1), { name: 'software', mountPath: '/opt/lattice/software', subPath: `envs/${LOCK_HASH}`, readOnly: true });
  assert.deepEqual(pod.spec!.volumes!.at(-1), { name: 'software', persistentVolumeClaim: { claimName: 'lattice-software', readOnly: true } });
  assert.deepEqual(c.env!.find((e) => e.name === 'PYTHONPATH'), { name: 'PYTHONPATH', value: '/opt/lattice/software/site-packages' });
  // The image's Python still runs ipykernel (from the image's own packages).
  assert.equal(c.command![0], 'python');
  const plain = kernelPodManifest(input());
  assert.ok(!plain.spec!.volumes!.some((v) => v.name === 'software'));
  assert.ok(!plain.spec!.containers[0].env!.some((e) => e.name === 'PYTHONPATH'));
  assert.throws(() => kernelPodManifest(input({ environment: { ...environment, software: { buildId: 'b-1', lockHash: '../x', base: 'image:' } } })), /not a software lock hash/);
});

test('the network setting is a pod label the project\'s NetworkPolicies select on; snapshots without it are `egress`', () => {
  assert.equal(kernelPodManifest(input({ environment: { ...environment, network: 'none' } })).metadata?.labels?.['lattice.dev/network'], 'none');
  const { network: _, ...older } = environment;
  assert.equal(kernelPodManifest(input({ environment: older as typeof environment })).metadata?.labels?.['lattice.dev/network'], 'egress');
});

test('GPUs, placement, an own image and argv come from the environment', () => {
  const pod = kernelPodManifest(
    input({
      environment: {
        ...environment,
        gpus: 2,
        image: 'registry.example/ml:3',
        argv: ['/opt/conda/bin/python', '-m', 'ipykernel_launcher', '-f', '{connection_file}'],
        placement: { nodeSelector: { pool: 'gpu' }, tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }] },
      },
    }),
  );
  const [c] = pod.spec!.containers;
  assert.equal(c.image, 'registry.example/ml:3');
  assert.deepEqual(c.command, ['/opt/conda/bin/python', '-m', 'ipykernel_launcher', '-f', CONNECTION_FILE]);
  assert.equal(c.resources?.requests?.['nvidia.com/gpu'], '2');
  assert.equal(c.resources?.limits?.['nvidia.com/gpu'], '2');
  assert.deepEqual(pod.spec!.nodeSelector, { pool: 'gpu' });
  assert.deepEqual(pod.spec!.tolerations, [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
});

test('a Spark driver: Spark image, driver size, its properties (with the executor template) and pod IP in the env, the service-account token mounted, as hardened', () => {
  const spark = { driverCores: 2, driverMemoryMib: 2048, executors: 3, executorCores: 1, executorMemoryMib: 1024 };
  const pod = kernelPodManifest(input({ environment: { ...environment, spark }, sparkConf: { 'spark.executor.instances': '3' } }));
  const [c] = pod.spec!.containers;
  assert.equal(c.image, 'lattice/kernel-pyspark:1');
  assert.deepEqual(c.resources?.requests, { cpu: '2000m', memory: '2048Mi' });
  assert.deepEqual(c.resources?.limits, { cpu: '2000m', memory: '2048Mi' });
  assert.equal(pod.spec!.automountServiceAccountToken, true, 'the driver creates its executor pods');
  assert.deepEqual(c.securityContext, HARDENED);
  assert.deepEqual(JSON.parse(c.env!.find((e) => e.name === 'LATTICE_SPARK_CONF')!.value!), {
    'spark.executor.instances': '3',
    'spark.kubernetes.executor.podTemplateFile': '/etc/lattice/executor-pod-template.json',
  });
  assert.deepEqual(c.env!.find((e) => e.name === 'LATTICE_POD_IP')!.valueFrom, { fieldRef: { fieldPath: 'status.podIP' } });
});

test('the executors\' pod template: no service-account token, non-root, hardened, a writable /tmp and the project\'s files where the driver has them', () => {
  assert.deepEqual(executorPodTemplate(input().config, PROJECT_ID, environment), {
    apiVersion: 'v1',
    kind: 'Pod',
    spec: {
      automountServiceAccountToken: false,
      securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: PROJECT_GID },
      containers: [
        {
          name: 'executor',
          securityContext: HARDENED,
          workingDir: '/project',
          volumeMounts: [
            { name: 'tmp', mountPath: '/tmp' },
            { name: 'project', mountPath: '/project' },
          ],
        },
      ],
      volumes: [
        { name: 'tmp', emptyDir: {} },
        { name: 'project', persistentVolumeClaim: { claimName: 'lattice-project-files' } },
      ],
    },
  });
});

test('executors of a driver with built software: the same read-only layer on their Python workers\' path; co-located with ReadWriteOnce volumes', () => {
  const software = { buildId: 'b-1', lockHash: LOCK_HASH, base: 'image:' };
  const template = executorPodTemplate(input().config, PROJECT_ID, { software });
  const [c] = template.spec!.containers;
  assert.deepEqual(c.env, [{ name: 'PYTHONPATH', value: '/opt/lattice/software/site-packages' }]);
  assert.deepEqual(c.volumeMounts!.at(-1), { name: 'software', mountPath: '/opt/lattice/software', subPath: `envs/${LOCK_HASH}`, readOnly: true });
  assert.deepEqual(template.spec!.volumes!.at(-1), { name: 'software', persistentVolumeClaim: { claimName: 'lattice-software', readOnly: true } });
  const rwo = executorPodTemplate({ ...input().config, projectStorage: { storageClass: null, accessMode: 'ReadWriteOnce', bytes: 1 } }, PROJECT_ID, { software: null });
  assert.equal(rwo.spec!.affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.[0]?.topologyKey, 'kubernetes.io/hostname');
});

test('the connection Secret is owned by the pod and tells the kernel to bind 0.0.0.0', () => {
  const connection = { transport: 'tcp' as const, ip: '10.244.1.5', ...KERNEL_PORTS, key: 'k'.repeat(36), signature_scheme: 'hmac-sha256' as const };
  const secret = connectionSecretManifest({ namespace: 'lattice-team', name: 'kernel-x', uid: 'uid-1', labels: { a: 'b' } }, connection);
  assert.equal(secret.metadata?.name, 'kernel-x-connection');
  assert.deepEqual(secret.metadata?.ownerReferences, [{ apiVersion: 'v1', kind: 'Pod', name: 'kernel-x', uid: 'uid-1', blockOwnerDeletion: false }]);
  assert.deepEqual(JSON.parse(secret.stringData!['connection.json']), { ...connection, ip: '0.0.0.0' });
  assert.deepEqual(Object.keys(secret.stringData!), ['connection.json'], 'only a Spark driver\'s holds an executor template');
  const template = executorPodTemplate(input().config, PROJECT_ID, environment);
  const driver = connectionSecretManifest({ namespace: 'lattice-team', name: 'kernel-x', uid: 'uid-1', labels: {} }, connection, template);
  assert.deepEqual(JSON.parse(driver.stringData!['executor-pod-template.json']), template);
});

test('namespaces: prefix + slug when valid; otherwise a valid, deterministic, distinct DNS-1123 label', () => {
  assert.equal(namespaceFor('lattice-', 'team-a'), 'lattice-team-a');
  const long = 'a-very-long-project-slug-that-goes-on-and-on-and-on-beyond-sixty-three';
  const odd = 'Data_Science.Team';
  for (const slug of [long, odd, '---', 'ÄÖÜ']) {
    const ns = namespaceFor('lattice-', slug);
    assert.match(ns, /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, ns);
    assert.ok(ns.length <= 63, ns);
    assert.equal(namespaceFor('lattice-', slug), ns, 'deterministic');
  }
  assert.notEqual(namespaceFor('lattice-', `${long}-1`), namespaceFor('lattice-', `${long}-2`));
});

test('ResourceQuota mirror: CPU and memory as requests and limits, GPUs as requests, nothing for unlimited', () => {
  assert.deepEqual(resourceQuotaHard({ cpuM: 4000, memoryMib: 8192, gpus: 1 }), {
    'requests.cpu': '4000m',
    'limits.cpu': '4000m',
    'requests.memory': '8192Mi',
    'limits.memory': '8192Mi',
    'requests.nvidia.com/gpu': '1',
  });
  assert.deepEqual(resourceQuotaHard({ cpuM: null, memoryMib: 2048, gpus: null }), { 'requests.memory': '2048Mi', 'limits.memory': '2048Mi' });
  assert.deepEqual(resourceQuotaHard({ cpuM: null, memoryMib: null, gpus: null }), {});
});
