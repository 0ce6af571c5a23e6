// Tests of the test cluster itself: a real API server, scheduler and
// controllers (kwok for nodes) with the pod agent actually running pods.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type * as k8s from '@kubernetes/client-node';
import { type Cluster, sleep, startCluster, waitFor } from './cluster';
import { K8S_VERSION } from './config';
import { listNetns, netnsName } from './host';
import type { KubeError } from './kube';

let cluster: Cluster;
const NS = 'cluster-test';

async function getPod(name: string, ns = NS): Promise<k8s.V1Pod> {
  return cluster.core.readNamespacedPod({ name, namespace: ns });
}

async function waitPod(name: string, what: string, pred: (p: k8s.V1Pod) => boolean, timeoutMs = 60_000, ns = NS): Promise<k8s.V1Pod> {
  return waitFor(`pod ${name} ${what}`, async () => {
    const p = await getPod(name, ns);
    return pred(p) ? p : null;
  }, timeoutMs);
}

async function podGone(name: string, ns = NS): Promise<boolean> {
  try {
    await getPod(name, ns);
    return false;
  } catch (e) {
    return (e as { code?: number }).code === 404;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('test Kubernetes cluster', { timeout: 600_000 }, () => {
  before(async () => {
    cluster = await startCluster({ nodes: 2, nodeCpu: '2', nodeMemory: '4Gi', nodeGpus: 1 });
    await cluster.core.createNamespace({ body: { metadata: { name: NS } } });
    await waitFor('default ServiceAccount in test namespace', () => cluster.core.readNamespacedServiceAccount({ name: 'default', namespace: NS }), 60_000);
  });

  after(async () => {
    await cluster?.stop();
  });

  it('comes up with Ready nodes; kubectl with the written kubeconfig works', async () => {
    const version = JSON.parse(await cluster.kubectl(['version', '-o', 'json'])) as { serverVersion: { gitVersion: string } };
    assert.equal(version.serverVersion.gitVersion, K8S_VERSION);
    const nodes = JSON.parse(await cluster.kubectl(['get', 'nodes', '-o', 'json'])) as { items: k8s.V1Node[] };
    assert.equal(nodes.items.length, 2);
    for (const n of nodes.items) {
      assert.equal(n.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True', `node ${n.metadata?.name} Ready`);
      assert.equal(n.status?.capacity?.['nvidia.com/gpu'], '1');
      assert.equal(n.status?.capacity?.cpu, '2');
    }
    // The control plane components are real and healthy.
    const ready = await cluster.kubectl(['get', '--raw', '/readyz']);
    assert.equal(ready.trim(), 'ok');
    // The scheduler and controller manager hold their leader leases.
    const leases = await waitFor('leader leases', async () => {
      const out = await cluster.kubectl(['get', 'lease', '-n', 'kube-system', '-o', 'name']);
      return /kube-scheduler/.test(out) && /kube-controller-manager/.test(out) ? out : null;
    }, 60_000);
    assert.match(leases, /lease.coordination.k8s.io\/kube-scheduler/);
  });

  it('runs python3 -m http.server as a pod reachable at podIP:8000; deleting the pod stops the process', async () => {
    await cluster.core.createNamespacedSecret({
      namespace: NS,
      body: { metadata: { name: 'web-secret' }, stringData: { token: 's3cret-value' } },
    });
    await cluster.core.createNamespacedPod({
      namespace: NS,
      body: {
        metadata: { name: 'web' },
        spec: {
          restartPolicy: 'Never',
          terminationGracePeriodSeconds: 5,
          containers: [
            {
              name: 'web',
              image: 'python:3',
              command: ['python3', '-m', 'http.server', '8000'],
              args: ['--directory', '/etc/web-secret'],
              env: [{ name: 'GREETING', value: 'hello' }],
              volumeMounts: [{ name: 'sec', mountPath: '/etc/web-secret' }],
              resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '256Mi' } },
            },
          ],
          volumes: [{ name: 'sec', secret: { secretName: 'web-secret' } }],
        },
      },
    });
    const pod = await waitPod('web', 'Running', (p) => p.status?.phase === 'Running' && !!p.status.podIP);
    const ip = pod.status!.podIP!;
    assert.match(ip, /^10\.244\.\d+\.\d+$/);
    assert.ok(cluster.nodeNames.includes(pod.spec!.nodeName!), 'scheduled onto one of our nodes');
    // The server serves the mounted Secret file.
    const body = await waitFor(`http://${ip}:8000/token`, async () => {
      const r = await fetch(`http://${ip}:8000/token`, { signal: AbortSignal.timeout(2000) });
      return r.ok ? r.text() : null;
    }, 30_000);
    assert.equal(body, 's3cret-value');
    const pid = Number(/lattice-agent:\/\/(\d+)/.exec(pod.status!.containerStatuses![0]!.containerID ?? '')?.[1]);
    assert.ok(pid > 0 && pidAlive(pid), 'container process is running on the host');

    await cluster.core.deleteNamespacedPod({ name: 'web', namespace: NS });
    await waitFor('pod web removed', () => podGone('web'), 30_000);
    assert.equal(pidAlive(pid), false, 'process killed when the pod was deleted');
    assert.ok(!listNetns().includes(netnsName(pod.metadata!.uid!)), 'network namespace removed');
    await assert.rejects(fetch(`http://${ip}:8000/`, { signal: AbortSignal.timeout(1500) }));
  });

  it('keeps a pod whose requests exceed every node Pending with the scheduler reason', async () => {
    await cluster.core.createNamespacedPod({
      namespace: NS,
      body: {
        metadata: { name: 'too-big' },
        spec: {
          restartPolicy: 'Never',
          containers: [{ name: 'c', image: 'none', command: ['sleep', '600'], resources: { requests: { cpu: '64', memory: '1Gi' } } }],
        },
      },
    });
    const pod = await waitPod('too-big', 'unschedulable', (p) =>
      !!p.status?.conditions?.some((c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable'),
    );
    const cond = pod.status!.conditions!.find((c) => c.type === 'PodScheduled')!;
    assert.equal(pod.status?.phase, 'Pending');
    assert.match(cond.message ?? '', /0\/2 nodes are available: .*Insufficient cpu/);
    // Still pending a little later.
    await sleep(2000);
    const again = await getPod('too-big');
    assert.equal(again.status?.phase, 'Pending');
    assert.equal(again.spec?.nodeName, undefined);
    await cluster.core.deleteNamespacedPod({ name: 'too-big', namespace: NS, gracePeriodSeconds: 0 });
  });

  it('refuses a pod over the namespace ResourceQuota with the API server message', async () => {
    const ns = 'quota-test';
    await cluster.core.createNamespace({ body: { metadata: { name: ns } } });
    await waitFor('default ServiceAccount in quota namespace', () => cluster.core.readNamespacedServiceAccount({ name: 'default', namespace: ns }), 60_000);
    await cluster.core.createNamespacedResourceQuota({
      namespace: ns,
      body: { metadata: { name: 'small' }, spec: { hard: { 'requests.cpu': '500m', 'requests.memory': '256Mi', pods: '5' } } },
    });
    // The quota controller must have computed status.used before admission enforces it.
    await waitFor('quota status', async () => {
      const q = await cluster.core.readNamespacedResourceQuota({ name: 'small', namespace: ns });
      return q.status?.hard?.['requests.cpu'] !== undefined;
    }, 30_000);
    const err = await cluster.core
      .createNamespacedPod({
        namespace: ns,
        body: {
          metadata: { name: 'greedy' },
          spec: { containers: [{ name: 'c', image: 'none', command: ['sleep', '60'], resources: { requests: { cpu: '1', memory: '128Mi' } } }] },
        },
      })
      .then(
        () => null,
        (e: KubeError) => e,
      );
    assert.ok(err, 'pod creation must be refused');
    assert.equal(err.code, 403);
    const status = err.status!;
    assert.equal(status.reason, 'Forbidden');
    assert.match(status.message ?? '', /exceeded quota: small, requested: requests\.cpu=1, used: requests\.cpu=0, limited: requests\.cpu=500m/);
    // A pod within the quota is admitted.
    await cluster.core.createNamespacedPod({
      namespace: ns,
      body: {
        metadata: { name: 'modest' },
        spec: { containers: [{ name: 'c', image: 'none', command: ['sleep', '60'], resources: { requests: { cpu: '100m', memory: '64Mi' } } }] },
      },
    });
    await cluster.core.deleteNamespace({ name: ns });
  });

  it('ends a pod whose process allocates past its memory limit with reason OOMKilled', async () => {
    await cluster.core.createNamespacedPod({
      namespace: NS,
      body: {
        metadata: { name: 'hog' },
        spec: {
          restartPolicy: 'Never',
          containers: [
            {
              name: 'hog',
              image: 'python:3',
              command: ['python3', '-c'],
              args: ['import time\nchunks = []\nwhile True:\n    chunks.append(bytearray(8 * 1024 * 1024))\n    time.sleep(0.01)'],
              resources: { limits: { memory: '64Mi' }, requests: { memory: '64Mi' } },
            },
          ],
        },
      },
    });
    const pod = await waitPod('hog', 'Failed', (p) => p.status?.phase === 'Failed', 60_000);
    const term = pod.status!.containerStatuses![0]!.state!.terminated!;
    assert.equal(term.reason, 'OOMKilled');
    assert.equal(term.exitCode, 137);
    assert.ok(existsSync(cluster.containerLog(NS, 'hog', 'hog')));
    await cluster.core.deleteNamespacedPod({ name: 'hog', namespace: NS });
    await waitFor('pod hog removed', () => podGone('hog'), 30_000);
  });

  it('runs init containers, waits for a Secret created later, restarts OnFailure', async () => {
    await cluster.core.createNamespacedPod({
      namespace: NS,
      body: {
        metadata: { name: 'late' },
        spec: {
          restartPolicy: 'OnFailure',
          initContainers: [{ name: 'init', image: 'none', command: ['sh', '-c', 'echo from-init > /scratch/init.txt'], volumeMounts: [{ name: 'scratch', mountPath: '/scratch' }] }],
          containers: [
            {
              name: 'main',
              image: 'none',
              // Fails on the first run, succeeds on the restart.
              command: ['sh', '-c', 'cat /scratch/init.txt /conf/key; echo " env=$KEY"; if [ -e /scratch/ran ]; then exit 0; fi; touch /scratch/ran; exit 1'],
              env: [{ name: 'KEY', valueFrom: { secretKeyRef: { name: 'late-secret', key: 'key' } } }],
              volumeMounts: [
                { name: 'scratch', mountPath: '/scratch' },
                { name: 'conf', mountPath: '/conf' },
              ],
            },
          ],
          volumes: [
            { name: 'scratch', emptyDir: {} },
            { name: 'conf', secret: { secretName: 'late-secret' } },
          ],
        },
      },
    });
    await waitPod('late', 'waiting for its Secret', (p) =>
      /late-secret/.test(p.status?.initContainerStatuses?.[0]?.state?.waiting?.message ?? ''),
    );
    await cluster.core.createNamespacedSecret({ namespace: NS, body: { metadata: { name: 'late-secret' }, stringData: { key: 'v1' } } });
    const pod = await waitPod('late', 'Succeeded', (p) => p.status?.phase === 'Succeeded', 60_000);
    const st = pod.status!.containerStatuses![0]!;
    assert.equal(st.restartCount, 1);
    assert.equal(st.state?.terminated?.exitCode, 0);
    assert.equal(st.lastState?.terminated?.exitCode, 1);
    assert.equal(pod.status!.initContainerStatuses![0]!.state?.terminated?.exitCode, 0);
    const log = readFileSync(cluster.containerLog(NS, 'late', 'main'), 'utf8');
    assert.match(log, /from-init\nv1 env=v1/);
    await cluster.core.deleteNamespacedPod({ name: 'late', namespace: NS });
  });

  it('honours env, runAsUser and reports exit codes of completed pods', async () => {
    await cluster.core.createNamespacedPod({
      namespace: NS,
      body: {
        metadata: { name: 'job' },
        spec: {
          restartPolicy: 'Never',
          securityContext: { runAsUser: 1000, runAsGroup: 1000 },
          containers: [
            {
              name: 'job',
              image: 'none',
              command: ['sh', '-c', 'echo "user=$(id -u) greeting=$GREETING pod=$POD_NAME ip=$POD_IP"; exit 3'],
              env: [
                { name: 'GREETING', value: 'hi' },
                { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
              ],
            },
          ],
        },
      },
    });
    const pod = await waitPod('job', 'Failed', (p) => p.status?.phase === 'Failed');
    const term = pod.status!.containerStatuses![0]!.state!.terminated!;
    assert.equal(term.exitCode, 3);
    assert.equal(term.reason, 'Error');
    const log = readFileSync(cluster.containerLog(NS, 'job', 'job'), 'utf8');
    assert.match(log, new RegExp(`user=1000 greeting=hi pod=job ip=${pod.status!.podIP!.replace(/\./g, '\\.')}`));
    await cluster.core.deleteNamespacedPod({ name: 'job', namespace: NS });
  });
});
