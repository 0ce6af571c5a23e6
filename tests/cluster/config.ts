// Pinned versions, paths and network constants of the test cluster.
// Everything here is test-harness only; nothing in the product imports it.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLUSTER_DIR = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(CLUSTER_DIR, '..', '..');
export const GO_WRAPPER_DIR = path.join(CLUSTER_DIR, 'gobuild', 'kubernetes');

/** Kubernetes release the control plane is built from (k8s.io/kubernetes module). */
export const K8S_VERSION = 'v1.33.13';
/** Published staging-module tag matching K8S_VERSION (k8s.io/api etc.). */
export const K8S_STAGING_VERSION = 'v0.33.13';
/** Release date of K8S_VERSION as the Go module proxy reports it (buildDate ldflag). */
export const K8S_BUILD_DATE = '2026-06-11T16:59:07Z';
/** etcd version Kubernetes v1.33 itself pins in its go.mod. */
export const ETCD_VERSION = 'v3.5.21';
/** kwok release built against k8s.io/* v0.33. */
export const KWOK_VERSION = 'v0.7.0';

export const GO =
  process.env.LATTICE_GO ??
  (existsSync('/usr/local/go/bin/go')
    ? '/usr/local/go/bin/go'
    : (process.env.PATH ?? '').split(':').map((d) => path.join(d, 'go')).find((p) => existsSync(p)) ?? 'go');

export const BINARIES = [
  'kube-apiserver',
  'kube-scheduler',
  'kube-controller-manager',
  'kubectl',
  'etcd',
  'kwok',
  'kwokctl',
] as const;
export type BinaryName = (typeof BINARIES)[number];

/** Bumped whenever build.ts changes how binaries are produced. */
const BUILD_RECIPE = 1;

export function buildKey(): string {
  const h = createHash('sha256');
  h.update(String(BUILD_RECIPE));
  h.update(K8S_VERSION + ETCD_VERSION + KWOK_VERSION + K8S_BUILD_DATE);
  h.update(readFileSync(path.join(GO_WRAPPER_DIR, 'go.mod')));
  h.update(readFileSync(path.join(GO_WRAPPER_DIR, 'go.sum')));
  return `k8s-${K8S_VERSION}-etcd-${ETCD_VERSION}-kwok-${KWOK_VERSION}-${h.digest('hex').slice(0, 10)}`;
}

export function cacheRoot(): string {
  return process.env.LATTICE_CLUSTER_CACHE ?? path.join(os.homedir(), '.cache', 'lattice-cluster');
}

export function binDir(): string {
  return path.join(cacheRoot(), buildKey(), 'bin');
}

export function binPath(name: BinaryName): string {
  return path.join(binDir(), name);
}

export function stampPath(): string {
  return path.join(cacheRoot(), buildKey(), 'stamp.json');
}

/** State of a running cluster (gitignored). */
export function dataDir(): string {
  return process.env.LATTICE_CLUSTER_DATA ?? path.join(REPO_ROOT, '.data', 'cluster');
}

export const CLUSTER_NAME = 'lattice';

// ---- network: a private /16 on a bridge we create; nothing routes it off-host.
export const BRIDGE = 'lattice0';
/** Pod network; the bridge holds .0.1 and node i gets the /24 number i+1. */
export const POD_NET_PREFIX = process.env.LATTICE_CLUSTER_POD_NET ?? '10.244';
export const BRIDGE_IP = `${POD_NET_PREFIX}.0.1`;
export const POD_NET_CIDR = `${POD_NET_PREFIX}.0.0/16`;
/** Network namespaces, veths and cgroups we own are all named with this prefix. */
export const NETNS_PREFIX = 'lattice-pod-';
export const VETH_PREFIX = 'lvp';
export const CGROUP_NAME = 'lattice-cluster';
