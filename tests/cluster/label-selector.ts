// Kubernetes label-selector and NetworkPolicy peer matching, for tests that check which pods a
// policy selects and whom it admits (the test cluster has no network plugin to ask). Follows
// the API's rules: an empty selector matches everything, a missing one nothing (peers), and a
// peer with only a podSelector means pods of the policy's own namespace.

export interface TLabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }[];
}

export interface TPolicyPeer {
  podSelector?: TLabelSelector;
  namespaceSelector?: TLabelSelector;
  ipBlock?: { cidr: string; except?: string[] };
}

/** Whether `selector` selects an object with these labels. */
export function selectorMatches(selector: TLabelSelector, labels: Record<string, string> = {}): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) if (labels[key] !== value) return false;
  for (const { key, operator, values = [] } of selector.matchExpressions ?? []) {
    const has = key in labels;
    const ok =
      operator === 'In' ? has && values.includes(labels[key]) :
      operator === 'NotIn' ? !has || !values.includes(labels[key]) :
      operator === 'Exists' ? has : !has;
    if (!ok) return false;
  }
  return true;
}

/** Whether a peer (an ingress `from` / egress `to` entry of a policy in `policyNamespace`) names this pod. */
export function peerMatchesPod(
  peer: TPolicyPeer,
  policyNamespace: string,
  pod: { namespace: string; namespaceLabels: Record<string, string>; labels: Record<string, string> },
): boolean {
  if (peer.ipBlock) return false;
  const namespaceOk = peer.namespaceSelector ? selectorMatches(peer.namespaceSelector, pod.namespaceLabels) : pod.namespace === policyNamespace;
  return namespaceOk && selectorMatches(peer.podSelector ?? {}, pod.labels);
}

function ipv4(address: string): number {
  return address.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}

/** Whether an IPv4 address lies in an IPv4 CIDR (IPv6 ranges never contain it). */
export function cidrContains(cidr: string, address: string): boolean {
  if (cidr.includes(':')) return false;
  const [base, bits] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  return Math.floor(ipv4(address) / size) === Math.floor(ipv4(base) / size);
}

/** Whether an ipBlock peer admits this IPv4 address (inside `cidr`, outside every `except`). */
export function ipBlockAdmits(peer: TPolicyPeer, address: string): boolean {
  if (!peer.ipBlock) return false;
  return cidrContains(peer.ipBlock.cidr, address) && !(peer.ipBlock.except ?? []).some((c) => cidrContains(c, address));
}
