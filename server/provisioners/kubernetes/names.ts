import { createHash } from 'node:crypto';

/** Labels on every object the gateway creates for a kernel; the watch and the sweeper select on them. */
export const LABELS = {
  name: 'app.kubernetes.io/name',
  managedBy: 'app.kubernetes.io/managed-by',
  component: 'app.kubernetes.io/component',
  kernelId: 'lattice.dev/kernel-id',
  project: 'lattice.dev/project',
  user: 'lattice.dev/user',
  environment: 'lattice.dev/environment',
  /** The environment's network setting (`none` | `egress`): the project's NetworkPolicies select on it. */
  network: 'lattice.dev/network',
} as const;

/** Selects kernel pods (not Spark executors, which carry the driver's labels only via Spark's own). */
export const KERNEL_POD_SELECTOR = `${LABELS.managedBy}=lattice,${LABELS.component}=kernel`;

/** Spark on Kubernetes labels the executor pods it creates with these. */
export const SPARK_EXECUTOR_SELECTOR = 'spark-role=executor';
export const SPARK_EXEC_ID_LABEL = 'spark-exec-id';
export const SPARK_APP_LABEL = 'spark-app-selector';

/** The ResourceQuota the gateway keeps in each project namespace (mirrors the project's quota row). */
export const PROJECT_QUOTA_NAME = 'lattice-project-quota';

/** ClusterRole (from deploy/kubernetes) that kernel service accounts get in their namespace: Spark drivers create executors. */
export const SPARK_DRIVER_CLUSTER_ROLE = 'lattice-spark-driver';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const MAX_LABEL = 63;

/**
 * The project's namespace: `<prefix><slug>` when that is a valid DNS-1123 label, else the
 * slug lower-cased, stripped to `[a-z0-9-]` and shortened, plus a hash of the original slug,
 * so two projects never share a namespace and the same project always gets the same one.
 */
export function namespaceFor(prefix: string, projectSlug: string): string {
  const plain = `${prefix}${projectSlug}`;
  if (plain.length <= MAX_LABEL && DNS_LABEL.test(plain)) return plain;
  const hash = createHash('sha256').update(projectSlug).digest('hex').slice(0, 8);
  const cleaned = projectSlug.toLowerCase().replace(/[^a-z0-9-]+/g, '-');
  const room = MAX_LABEL - prefix.length - hash.length - 1;
  const body = cleaned.slice(0, Math.max(0, room)).replace(/^-+|-+$/g, '');
  const name = `${prefix}${body ? `${body}-` : ''}${hash}`;
  // A prefix of 55+ characters leaves no room; the config's regex keeps it sane, the hash keeps it unique.
  return name.replace(/^-+/, '').slice(0, MAX_LABEL);
}

export function podNameFor(prefix: string, kernelId: string): string {
  return `${prefix}${kernelId}`;
}

/** The per-kernel Secret holding the connection file (ports and HMAC key). */
export function connectionSecretName(podName: string): string {
  return `${podName}-connection`;
}

/** A label value: at most 63 of `[A-Za-z0-9._-]`, alphanumeric at both ends (ids and slugs already are). */
export function labelValue(value: string): string {
  return value
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .slice(0, MAX_LABEL)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
}
