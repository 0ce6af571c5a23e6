// Issue 10 §4 on the real test control plane: the objects the kubernetes provisioner writes —
// project namespace, kernel pods (plain, `none`, Spark driver), the executors' pod template as
// Spark fills it, the connection Secret, the namespace's and a Spark kernel's NetworkPolicies —
// pass a server-side dry run (`dryRun=All`, strict field validation, authorized as the
// gateway's ServiceAccount, Pod Security `restricted` enforced on the namespace); and the
// policies the provisioner actually wrote select the pods it actually launched, admit only the
// gateway's pods, and give no egress to the platform's namespace.
//
// The test cluster has no network plugin, so nothing here *enforces* a policy (the pod agent
// joins every pod to one bridge): what is checked is what a CNI that implements NetworkPolicy
// (Calico, Cilium, …) would be given, by matching the stored selectors against the stored pods
// and namespaces. The local sandbox's network rules are tested for real by its own suite.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CoreV1Api, KubeConfig, NetworkingV1Api } from '@kubernetes/client-node';
import type * as k8s from '@kubernetes/client-node';
import { pino } from 'pino';
import { parseAllDocuments } from 'yaml';
import type { TEnvironmentSpec } from '../../common/environment';
import { environmentSpec } from '../helpers/environment-spec';
import { loadConfig, type TKubernetesConfig } from '../../server/config';
import type { KernelProvisioner } from '../../server/provisioners/provisioner';
import { startKubernetesProvisioning, type TKubernetesProvisioning } from '../../server/provisioners/kubernetes/kubernetes-provisioning';
import { namespaceFor } from '../../server/provisioners/kubernetes/names';
import { projectNetworkPolicies, sparkNetworkPolicies } from '../../server/provisioners/kubernetes/network-policy';
import { connectionSecretManifest, executorPodTemplate, KERNEL_PORTS, kernelLabels, kernelPodManifest } from '../../server/provisioners/kubernetes/pod-manifest';
import { projectNamespaceManifest } from '../../server/provisioners/kubernetes/project-namespace';
import { kubernetesSparkConf } from '../../server/spark/spark-conf';
import { createProject, createUserWithToken } from '../helpers/gateway';
import { until } from '../helpers/kernels';
import { createTestDatabase, type TTestDatabase } from '../helpers/postgres';
import { startCluster, type Cluster } from './cluster';
import { REPO_ROOT } from './config';
import { gatewayKubeconfig, KERNEL_PYTHON } from './kubernetes-gateway';
import { cidrContains, ipBlockAdmits, peerMatchesPod, selectorMatches, type TLabelSelector, type TPolicyPeer } from './label-selector';

const PLATFORM = path.join(REPO_ROOT, 'deploy/kubernetes/platform');

let cluster: Cluster;
let database: TTestDatabase;
let provisioning: TKubernetesProvisioning;
let config: Readonly<TKubernetesConfig>;
let dir: string;
let userId: string;

const environment = environmentSpec({ id: 'net', slug: 'net-egress', name: 'Net' });
const spark = { driverCores: 1, driverMemoryMib: 512, executors: 2, executorCores: 1, executorMemoryMib: 1024 };

/** A policy as the API server stores it (raw JSON: `from`, not client-node's `_from`). */
interface TStoredPolicy {
  metadata: { name: string; namespace: string };
  spec: {
    podSelector: TLabelSelector;
    policyTypes: string[];
    ingress?: { from?: TPolicyPeer[]; ports?: { protocol?: string; port?: number; endPort?: number }[] }[];
    egress?: { to?: TPolicyPeer[]; ports?: { protocol?: string; port?: number }[] }[];
  };
}

before(async () => {
  cluster = await startCluster({ nodes: 1 });
  dir = mkdtempSync(path.join(tmpdir(), 'lattice-k8s-net-'));
  process.env.KUBECONFIG = await gatewayKubeconfig(cluster, dir);
  // The platform namespace as deployed: the policies name it by its labels.
  await cluster.kubectl(['apply', '-f', path.join(PLATFORM, 'namespace.yaml')]);
  database = await createTestDatabase();
  userId = (await createUserWithToken(database.db)).user.id;
  config = loadConfig({ DATABASE_URL: 'postgres://unused', LATTICE_K8S_KERNEL_PYTHON: KERNEL_PYTHON }).kubernetes;
  provisioning = await startKubernetesProvisioning({ config, db: database.db, logger: pino({ level: 'silent' }) });
}, { timeout: 1_200_000 }); // the cluster lock may be held by another run for up to 15 min

after(async () => {
  await provisioning?.close();
  await database?.drop();
  await cluster?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** client-node answers with class instances; the builders make plain objects. */
const plain = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;
const getJson = <T>(p: string) => cluster.client.request<T>('GET', p);
const namespaceLabels = async (name: string) => (await getJson<k8s.V1Namespace>(`/api/v1/namespaces/${name}`)).metadata?.labels ?? {};
const storedPolicies = async (namespace: string) =>
  (await getJson<{ items: TStoredPolicy[] }>(`/apis/networking.k8s.io/v1/namespaces/${namespace}/networkpolicies`)).items;

/** The gateway Deployment's pod labels, from the deploy manifest. */
function gatewayPodLabels(): Record<string, string> {
  const docs = parseAllDocuments(readFileSync(path.join(PLATFORM, 'gateway.yaml'), 'utf8')).map((d) => d.toJS() as { kind: string; spec: { template: { metadata: { labels: Record<string, string> } } } });
  return docs.find((d) => d.kind === 'Deployment')!.spec.template.metadata.labels;
}

test('server-side dry run, as the gateway, under Pod Security "restricted": every object the provisioner writes is accepted; a pod without seccomp is not', { timeout: 120_000 }, async () => {
  const kc = new KubeConfig();
  kc.loadFromFile(process.env.KUBECONFIG!);
  const core = kc.makeApiClient(CoreV1Api);
  const networking = kc.makeApiClient(NetworkingV1Api);
  const dry = { dryRun: 'All', fieldValidation: 'Strict' };
  const project = await createProject(database.db, { ownerId: userId, slug: `dry-${Date.now()}` });
  const namespace = namespaceFor(config.namespacePrefix, project.slug);

  const nsManifest = projectNamespaceManifest(namespace, project.id);
  const dryNs = await core.createNamespace({ body: nsManifest, ...dry });
  assert.equal(dryNs.metadata?.labels?.['pod-security.kubernetes.io/enforce'], 'restricted');
  await assert.rejects(getJson(`/api/v1/namespaces/${namespace}`), /HTTP 404/, 'a dry run persists nothing');
  // Namespaced dry runs need the namespace and the pods' ServiceAccounts (admission checks them);
  // created as the gateway would, plus `default` (executors) from the controller-manager.
  await core.createNamespace({ body: nsManifest });
  await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name: config.serviceAccount } } });
  await until('the default ServiceAccount', () => getJson(`/api/v1/namespaces/${namespace}/serviceaccounts/default`).then(() => true, () => false));

  const kernelId = crypto.randomUUID();
  const podName = `kernel-${kernelId}`;
  const owner = { projectId: project.id, userId };
  const base = { namespace, podName, kernelId, owner, config, env: { KERNEL_USERNAME: 'ada' } };
  const sparkEnv = { ...environment, spark };
  const sparkConf = kubernetesSparkConf(spark, { kernelId, namespace, driverPodName: podName, image: config.sparkImage, apiUrl: config.apiUrlForPods, labels: kernelLabels({ kernelId, owner, environment: sparkEnv }) });
  const pods: Record<string, k8s.V1Pod> = {
    plain: kernelPodManifest({ ...base, environment, sparkConf: null }),
    none: kernelPodManifest({ ...base, environment: { ...environment, network: 'none' }, sparkConf: null }),
    'spark driver': kernelPodManifest({ ...base, environment: sparkEnv, sparkConf }),
  };
  // An executor as Spark builds it from the template: name, labels, image, args, resources, its local dir.
  const template = executorPodTemplate(config, project.id, sparkEnv);
  const [executorContainer] = template.spec!.containers;
  pods['spark executor'] = {
    ...template,
    metadata: { name: `${podName}-exec-1`, labels: { 'spark-role': 'executor', 'lattice.dev/kernel-id': kernelId } },
    spec: {
      ...template.spec!,
      restartPolicy: 'Never',
      containers: [{ ...executorContainer, image: config.sparkImage, args: ['executor'], resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { memory: '1Gi' } }, volumeMounts: [...executorContainer.volumeMounts!, { name: 'spark-local-dir-1', mountPath: '/var/data/spark-1' }] }],
      volumes: [...template.spec!.volumes!, { name: 'spark-local-dir-1', emptyDir: {} }],
    },
  };
  for (const [what, body] of Object.entries(pods)) {
    const answered = await core.createNamespacedPod({ namespace, body, ...dry });
    assert.deepEqual(plain(answered.spec?.containers[0].securityContext), body.spec!.containers[0].securityContext, what);
    assert.equal(answered.spec?.automountServiceAccountToken, what === 'spark driver', `${what}: a token for the Spark driver only`);
  }
  const loose = structuredClone(pods.plain);
  delete loose.spec!.containers[0].securityContext!.seccompProfile;
  await assert.rejects(core.createNamespacedPod({ namespace, body: loose, ...dry }), (err: Error & { body?: string }) => /violates PodSecurity \W*restricted:latest\W*: seccompProfile/.test(String(err.body ?? err.message)));

  const connection = { transport: 'tcp' as const, ip: '0.0.0.0', ...KERNEL_PORTS, key: 'k'.repeat(36), signature_scheme: 'hmac-sha256' as const };
  const uid = crypto.randomUUID();
  await core.createNamespacedSecret({ namespace, body: connectionSecretManifest({ namespace, name: podName, uid, labels: {} }, connection, template), ...dry });
  for (const body of [...projectNetworkPolicies(namespace, config), ...sparkNetworkPolicies({ namespace, name: podName, uid, kernelId }, config)]) {
    const answered = await networking.createNamespacedNetworkPolicy({ namespace, body, ...dry });
    assert.deepEqual(plain(answered.spec), body.spec, body.metadata!.name);
  }
  assert.deepEqual((await cluster.core.listNamespacedPod({ namespace })).items, [], 'nothing was created');
});

test('the policies the provisioner wrote select the pods it launched: ingress from the gateway\'s pods only, no egress to the platform; `none` has no egress', { timeout: 180_000 }, async () => {
  const project = await createProject(database.db, { ownerId: userId, slug: `net-${Date.now()}` });
  const owner = { projectId: project.id, userId };
  const launched: KernelProvisioner[] = [];
  const launch = async (env: TEnvironmentSpec) => {
    const kernelId = crypto.randomUUID();
    const p = provisioning.factory.create({ kernelId, logger: pino({ level: 'silent' }), owner, projectSlug: project.slug });
    launched.push(p);
    const connection = await p.launch({ kernelId, environment: env, env: {} }, () => undefined);
    const { namespace, podName } = p.toInfo() as { namespace: string; podName: string };
    return { connection, pod: await getJson<k8s.V1Pod>(`/api/v1/namespaces/${namespace}/pods/${podName}`) };
  };
  try {
    const egress = await launch(environment);
    const none = await launch({ ...environment, slug: 'net-none', network: 'none' });
    const namespace = egress.pod.metadata!.namespace!;
    assert.equal(none.pod.metadata!.namespace, namespace);
    assert.equal(egress.pod.metadata!.labels!['lattice.dev/network'], 'egress');
    assert.equal(none.pod.metadata!.labels!['lattice.dev/network'], 'none');

    const policies = await storedPolicies(namespace);
    assert.deepEqual(policies.map((p) => p.metadata.name).sort(), ['lattice-project-egress', 'lattice-project-isolation']);
    const projectNsLabels = await namespaceLabels(namespace);
    const platformNsLabels = await namespaceLabels(config.platformNamespace);
    const gateway = { namespace: config.platformNamespace, namespaceLabels: platformNsLabels, labels: gatewayPodLabels() };
    const selecting = (pod: k8s.V1Pod, type: 'Ingress' | 'Egress') =>
      policies.filter((p) => p.spec.policyTypes.includes(type) && selectorMatches(p.spec.podSelector, pod.metadata!.labels));

    for (const { pod, connection } of [egress, none]) {
      const what = pod.metadata!.labels!['lattice.dev/network'];
      const ingress = selecting(pod, 'Ingress');
      assert.deepEqual(ingress.map((p) => p.metadata.name), ['lattice-project-isolation'], `${what}: isolated for ingress`);
      const rules = ingress.flatMap((p) => p.spec.ingress ?? []);
      assert.ok(rules.length > 0 && rules.every((r) => (r.from ?? []).length > 0), `${what}: every ingress rule names its peers (a rule without \`from\` admits everyone)`);
      for (const rule of rules) {
        for (const peer of rule.from!) {
          assert.ok(peerMatchesPod(peer, namespace, gateway), `${what}: the gateway's pods are admitted`);
          // Not a kernel of the same project, nor a look-alike pod anywhere else.
          assert.ok(!peerMatchesPod(peer, namespace, { namespace, namespaceLabels: projectNsLabels, labels: egress.pod.metadata!.labels! }), `${what}: another kernel is not`);
          assert.ok(!peerMatchesPod(peer, namespace, { namespace, namespaceLabels: projectNsLabels, labels: gatewayPodLabels() }), `${what}: a pod labelled as the gateway in the project namespace is not`);
        }
        for (const port of [connection.shell_port, connection.iopub_port, connection.stdin_port, connection.control_port, connection.hb_port]) {
          assert.ok((rule.ports ?? []).some((p) => p.protocol === 'TCP' && p.port! <= port && port <= (p.endPort ?? p.port!)), `${what}: kernel port ${port} open to the gateway`);
        }
      }

      const egressRules = selecting(pod, 'Egress').flatMap((p) => p.spec.egress ?? []);
      const peers = egressRules.flatMap((r) => r.to ?? []);
      assert.ok(egressRules.every((r) => (r.to ?? []).length > 0), `${what}: no egress rule without \`to\` (it would allow everything)`);
      assert.ok(!peers.some((peer) => peerMatchesPod(peer, namespace, gateway)), `${what}: no rule reaches the platform's pods by selector`);
      // Pod IPs (the platform's included), a ClusterIP, the node, the cloud metadata service.
      for (const internal of [egress.pod.status!.podIP!, '10.96.0.1', egress.pod.status!.hostIP!, '169.254.169.254']) {
        assert.ok(!peers.some((peer) => ipBlockAdmits(peer, internal)), `${what}: ${internal} is not reachable`);
      }
      if (what === 'none') {
        assert.deepEqual(peers, [], 'none: no egress at all');
      } else {
        assert.ok(peers.some((peer) => ipBlockAdmits(peer, '1.1.1.1')), 'egress: addresses outside the cluster are reachable');
        assert.ok(peers.some((peer) => peerMatchesPod(peer, namespace, { namespace: 'kube-system', namespaceLabels: { 'kubernetes.io/metadata.name': 'kube-system' }, labels: { 'k8s-app': 'kube-dns' } })), 'egress: DNS');
      }
    }
    assert.ok(cidrContains('10.0.0.0/8', egress.pod.status!.podIP!), 'the test cluster\'s pod range is among the default internal ranges');
  } finally {
    for (const p of launched) {
      await p.kill({ restart: false }).catch(() => undefined);
      await p.cleanup({ restart: false }).catch(() => undefined);
    }
  }
});
