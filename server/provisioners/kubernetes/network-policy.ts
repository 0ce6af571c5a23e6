import type { V1NetworkPolicy, V1NetworkPolicyPeer, V1NetworkPolicyPort } from '@kubernetes/client-node';
import type { TKubernetesConfig } from '../../config';
import { LABELS } from './names';
import { KERNEL_PORTS } from './pod-manifest';

/**
 * NetworkPolicies of a project namespace (DESIGN §6, issue 10 §4). Policies only allow; a pod
 * that any policy selects for a direction gets exactly the union of what those policies allow.
 *
 *  - `lattice-project-isolation` selects every pod of the namespace (kernels, Spark executors,
 *    and any pod a Spark driver creates itself) for both directions: ingress only from the
 *    gateway's pods in the platform namespace, on the kernel ports; egress nothing.
 *  - `lattice-project-egress` adds, for pods labelled `lattice.dev/network=egress` (`LABELS.network`), DNS and every
 *    address outside the cluster's internal ranges (`LATTICE_K8S_INTERNAL_CIDRS`); the platform's
 *    pods are inside those ranges, and no rule names a pod in the platform namespace.
 *  - per Spark kernel, owned by its driver pod: the driver and its executors (same kernel id)
 *    reach each other, and the driver alone reaches DNS and the API server (executor pods).
 *
 * A `none` kernel therefore has no egress at all (no DNS either: a resolver is a way out).
 */

/** Labels of the gateway's pods (deploy/kubernetes/platform/gateway.yaml), in the platform namespace. */
export const GATEWAY_POD_LABELS: Readonly<Record<string, string>> = { [LABELS.name]: 'lattice-gateway' };

export const PROJECT_ISOLATION_POLICY = 'lattice-project-isolation';
export const PROJECT_EGRESS_POLICY = 'lattice-project-egress';

/** The API server sets this label on every namespace, to its name: unlike others, nobody can forge it. */
const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** CoreDNS / kube-dns pods, as kubeadm, GKE, EKS and AKS label them. */
const DNS_PEER: V1NetworkPolicyPeer = {
  namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: 'kube-system' } },
  podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
};
const DNS_PORTS: V1NetworkPolicyPort[] = [
  { protocol: 'UDP', port: 53 },
  { protocol: 'TCP', port: 53 },
];

/** Where the API server listens on most clusters (the `kubernetes` Service's target port). */
const API_SERVER_PORTS: V1NetworkPolicyPort[] = [
  { protocol: 'TCP', port: 443 },
  { protocol: 'TCP', port: 6443 },
];

const isV6 = (cidr: string) => cidr.includes(':');

// Note: client-node spells an ingress rule's `from` as `_from` (a reserved word in its generator)
// and its serializer writes only the names it knows: a plain `from` would be dropped, leaving a
// rule that admits everyone. Objects here go through that serializer.

/** `0.0.0.0/0` and `::/0`, each minus the given ranges of its family. */
function everywhereExcept(cidrs: readonly string[]): V1NetworkPolicyPeer[] {
  const v4 = cidrs.filter((c) => !isV6(c));
  const v6 = cidrs.filter(isV6);
  return [
    { ipBlock: { cidr: '0.0.0.0/0', ...(v4.length ? { except: v4 } : {}) } },
    { ipBlock: { cidr: '::/0', ...(v6.length ? { except: v6 } : {}) } },
  ];
}

const projectLabels = { [LABELS.managedBy]: 'lattice' };

/** The namespace-wide policies; the gateway writes them when it sets a project namespace up. */
export function projectNetworkPolicies(
  namespace: string,
  config: Pick<TKubernetesConfig, 'platformNamespace' | 'internalCidrs'>,
): V1NetworkPolicy[] {
  const isolation: V1NetworkPolicy = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: PROJECT_ISOLATION_POLICY, namespace, labels: projectLabels },
    spec: {
      // Every pod, not only ours: a Spark driver may create pods with any labels here.
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        {
          _from: [
            {
              namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: config.platformNamespace } },
              podSelector: { matchLabels: { ...GATEWAY_POD_LABELS } },
            },
          ],
          ports: [{ protocol: 'TCP', port: KERNEL_PORTS.shell_port, endPort: KERNEL_PORTS.hb_port }],
        },
      ],
      // Egress in policyTypes and no egress rule: nothing may leave (the API server stores no empty list).
    },
  };
  const egress: V1NetworkPolicy = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: PROJECT_EGRESS_POLICY, namespace, labels: projectLabels },
    spec: {
      podSelector: { matchLabels: { [LABELS.managedBy]: 'lattice', [LABELS.network]: 'egress' } },
      policyTypes: ['Egress'],
      egress: [{ to: [DNS_PEER], ports: DNS_PORTS }, { to: everywhereExcept(config.internalCidrs) }],
    },
  };
  return [isolation, egress];
}

/** Names of a Spark kernel's own policies. */
export function sparkPolicyNames(podName: string): { group: string; driver: string } {
  return { group: `${podName}-spark`, driver: `${podName}-spark-driver` };
}

/**
 * A Spark kernel's policies, owned by its driver pod so they go with it: the driver and its
 * executors (Spark labels executors with the kernel's labels) reach each other both ways, and
 * the driver reaches DNS (the API URL is a Service name) and the API server, to create executor
 * pods — at `LATTICE_K8S_API_SERVER_CIDRS`, or, unset, any address on the API server ports.
 */
export function sparkNetworkPolicies(
  driver: { namespace: string; name: string; uid: string; kernelId: string },
  config: Pick<TKubernetesConfig, 'apiServerCidrs'>,
): V1NetworkPolicy[] {
  const names = sparkPolicyNames(driver.name);
  const group = { matchLabels: { [LABELS.kernelId]: driver.kernelId } };
  const metadata = (name: string) => ({
    name,
    namespace: driver.namespace,
    labels: { ...projectLabels, [LABELS.kernelId]: driver.kernelId },
    ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: driver.name, uid: driver.uid, blockOwnerDeletion: false }],
  });
  const apiServer: V1NetworkPolicyPeer[] = config.apiServerCidrs.length
    ? config.apiServerCidrs.map((cidr) => ({ ipBlock: { cidr } }))
    : everywhereExcept([]);
  return [
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: metadata(names.group),
      spec: {
        podSelector: group,
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ _from: [{ podSelector: group }] }],
        egress: [{ to: [{ podSelector: group }] }],
      },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: metadata(names.driver),
      spec: {
        podSelector: { matchLabels: { [LABELS.kernelId]: driver.kernelId, [LABELS.component]: 'kernel' } },
        policyTypes: ['Egress'],
        egress: [
          { to: [DNS_PEER], ports: DNS_PORTS },
          { to: apiServer, ports: API_SERVER_PORTS },
        ],
      },
    },
  ];
}
