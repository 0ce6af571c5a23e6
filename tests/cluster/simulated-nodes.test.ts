// Simulated nodes (scale benchmarks): kwok runs their pods on paper only, while
// pods on the agent's nodes keep being run for real by the pod agent.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type * as k8s from '@kubernetes/client-node';
import { type Cluster, SIMULATED_NODE_PREFIX, SIMULATED_PLACEMENT, startCluster, waitFor } from './cluster';
import { listNetns, netnsName } from './host';

let cluster: Cluster;
const NS = 'simulated-test';

function sleeper(name: string, placement?: typeof SIMULATED_PLACEMENT): k8s.V1Pod {
  return {
    metadata: { name },
    spec: {
      ...placement,
      restartPolicy: 'Never',
      containers: [{ name: 'main', image: 'ignored', command: ['sleep', '600'] }],
    },
  };
}

async function running(name: string): Promise<k8s.V1Pod> {
  return waitFor(`pod ${name} Running`, async () => {
    const pod = await cluster.core.readNamespacedPod({ name, namespace: NS });
    return pod.status?.phase === 'Running' && pod.status.podIP ? pod : null;
  }, 60_000);
}

async function gone(name: string): Promise<void> {
  await waitFor(`pod ${name} deleted`, async () => {
    try {
      await cluster.core.readNamespacedPod({ name, namespace: NS });
      return false;
    } catch (e) {
      return (e as { code?: number }).code === 404;
    }
  }, 60_000);
}

describe('simulated nodes', { timeout: 300_000 }, () => {
  before(async () => {
    cluster = await startCluster({ nodes: 1, simulatedNodes: 3, simulatedNodeCapacity: { cpu: '8', pods: '20' } });
    await cluster.core.createNamespace({ body: { metadata: { name: NS } } });
    await waitFor('default ServiceAccount', () => cluster.core.readNamespacedServiceAccount({ name: 'default', namespace: NS }), 60_000);
  });

  after(async () => {
    await cluster?.stop();
  });

  it('registers the simulated nodes Ready, labelled and tainted, beside the agent node', async () => {
    assert.deepEqual(cluster.nodeNames, ['lattice-node-0']);
    assert.deepEqual(cluster.simulatedNodeNames, [0, 1, 2].map((i) => `${SIMULATED_NODE_PREFIX}${i}`));
    const simulated = await cluster.core.listNode({ labelSelector: 'lattice.dev/simulated=true' });
    assert.equal(simulated.items.length, 3);
    for (const node of simulated.items) {
      assert.equal(node.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
      assert.equal(node.status?.capacity?.cpu, '8');
      assert.deepEqual(node.spec?.taints?.map((t) => `${t.key}=${t.value}:${t.effect}`), ['lattice.dev/simulated=true:NoSchedule']);
      assert.equal(node.metadata?.labels?.['lattice.dev/pod-agent'], undefined);
    }
  });

  it('a pod placed on a simulated node is Running with an IP and no process; deleting it completes', async () => {
    await cluster.core.createNamespacedPod({ namespace: NS, body: sleeper('paper', SIMULATED_PLACEMENT) });
    const pod = await running('paper');
    assert.ok(pod.spec?.nodeName?.startsWith(SIMULATED_NODE_PREFIX), `scheduled on ${pod.spec?.nodeName}`);
    assert.match(pod.status!.podIP!, /^127\.1\.[0-2]\.\d+$/);
    assert.equal(pod.status?.containerStatuses?.[0]?.ready, true);
    assert.ok(pod.status?.containerStatuses?.[0]?.state?.running, 'container reported running');
    // The pod agent never touched it: no network namespace, no log.
    assert.ok(!listNetns().includes(netnsName(pod.metadata!.uid!)));
    await cluster.core.deleteNamespacedPod({ name: 'paper', namespace: NS });
    await gone('paper');
  });

  it('a pod without the toleration lands on the agent node and really runs', async () => {
    await cluster.core.createNamespacedPod({ namespace: NS, body: sleeper('real') });
    const pod = await running('real');
    assert.equal(pod.spec?.nodeName, 'lattice-node-0');
    assert.ok(listNetns().includes(netnsName(pod.metadata!.uid!)), 'the agent created its network namespace');
    assert.match(pod.status?.containerStatuses?.[0]?.containerID ?? '', /^lattice-agent:\/\/\d+$/);
    await cluster.core.deleteNamespacedPod({ name: 'real', namespace: NS, gracePeriodSeconds: 0 });
    await gone('real');
  });
});
