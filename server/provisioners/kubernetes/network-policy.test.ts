import { test } from 'node:test';
import assert from 'node:assert/strict';
import { projectNetworkPolicies, sparkNetworkPolicies, sparkPolicyNames } from './network-policy';

const config = { platformNamespace: 'lattice-system', internalCidrs: ['10.0.0.0/8', '169.254.0.0/16', 'fc00::/7'], apiServerCidrs: [] };
const DNS = {
  to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
  ports: [
    { protocol: 'UDP', port: 53 },
    { protocol: 'TCP', port: 53 },
  ],
};

test('a project namespace: every pod takes ingress only from the gateway\'s pods on the kernel ports, and has no egress', () => {
  const [isolation] = projectNetworkPolicies('lattice-project-a', config);
  assert.deepEqual(isolation, {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'lattice-project-isolation', namespace: 'lattice-project-a', labels: { 'app.kubernetes.io/managed-by': 'lattice' } },
    spec: {
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        {
          _from: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'lattice-system' } },
              podSelector: { matchLabels: { 'app.kubernetes.io/name': 'lattice-gateway' } },
            },
          ],
          ports: [{ protocol: 'TCP', port: 52700, endPort: 52704 }],
        },
      ],
    },
  });
});

test('`egress` kernels reach DNS and every address outside the internal ranges, per family; `none` kernels nothing more', () => {
  const [, egress] = projectNetworkPolicies('lattice-project-a', config);
  assert.deepEqual(egress, {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'lattice-project-egress', namespace: 'lattice-project-a', labels: { 'app.kubernetes.io/managed-by': 'lattice' } },
    spec: {
      podSelector: { matchLabels: { 'app.kubernetes.io/managed-by': 'lattice', 'lattice.dev/network': 'egress' } },
      policyTypes: ['Egress'],
      egress: [
        DNS,
        { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '169.254.0.0/16'] } }, { ipBlock: { cidr: '::/0', except: ['fc00::/7'] } }] },
      ],
    },
  });
  assert.equal(projectNetworkPolicies('n', config).length, 2, 'nothing selects `none` pods but the isolation policy');
  const open = projectNetworkPolicies('n', { ...config, internalCidrs: [] })[1];
  assert.deepEqual(open.spec?.egress?.[1], { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }, { ipBlock: { cidr: '::/0' } }] }, 'no empty `except`');
});

test('a Spark kernel: driver and executors (same kernel id) reach each other; the driver alone reaches DNS and the API server; both owned by the driver pod', () => {
  const driver = { namespace: 'lattice-project-a', name: 'kernel-k1', uid: 'uid-1', kernelId: 'k1' };
  const [group, api] = sparkNetworkPolicies(driver, { apiServerCidrs: ['10.0.0.1/32'] });
  const owner = [{ apiVersion: 'v1', kind: 'Pod', name: 'kernel-k1', uid: 'uid-1', blockOwnerDeletion: false }];
  const labels = { 'app.kubernetes.io/managed-by': 'lattice', 'lattice.dev/kernel-id': 'k1' };
  assert.deepEqual(sparkPolicyNames('kernel-k1'), { group: 'kernel-k1-spark', driver: 'kernel-k1-spark-driver' });
  assert.deepEqual(group, {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'kernel-k1-spark', namespace: 'lattice-project-a', labels, ownerReferences: owner },
    spec: {
      podSelector: { matchLabels: { 'lattice.dev/kernel-id': 'k1' } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ _from: [{ podSelector: { matchLabels: { 'lattice.dev/kernel-id': 'k1' } } }] }],
      egress: [{ to: [{ podSelector: { matchLabels: { 'lattice.dev/kernel-id': 'k1' } } }] }],
    },
  });
  const apiPorts = [
    { protocol: 'TCP', port: 443 },
    { protocol: 'TCP', port: 6443 },
  ];
  assert.deepEqual(api, {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'kernel-k1-spark-driver', namespace: 'lattice-project-a', labels, ownerReferences: owner },
    spec: {
      podSelector: { matchLabels: { 'lattice.dev/kernel-id': 'k1', 'app.kubernetes.io/component': 'kernel' } },
      policyTypes: ['Egress'],
      egress: [DNS, { to: [{ ipBlock: { cidr: '10.0.0.1/32' } }], ports: apiPorts }],
    },
  });
  const [, anywhere] = sparkNetworkPolicies(driver, { apiServerCidrs: [] });
  assert.deepEqual(anywhere.spec?.egress?.[1], { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }, { ipBlock: { cidr: '::/0' } }], ports: apiPorts }, 'unset: the API server ports anywhere');
});
