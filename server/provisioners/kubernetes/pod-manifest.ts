import path from 'node:path';
import type { V1Pod, V1ResourceRequirements, V1Secret, V1SecurityContext } from '@kubernetes/client-node';
import type { TEnvironmentSpec } from '../../../common/environment';
import type { TKubernetesConfig } from '../../config';
import { SPARK_STARTUP_SCRIPT_IN_IMAGE, sparkKernelArgs, sparkPodEnv, type TSparkConf } from '../../spark/spark-conf';
import type { TConnectionInfo } from '../../zmq/connection-info';
import { connectionSecretName, LABELS, labelValue } from './names';
import { ipykernelCommand } from '../../kernels/ipykernel-command';
import { KERNEL_PROJECT_DIR, projectFilesGid } from '../../../common/project-files-location';
import { PROJECT_FILES_CLAIM, SOFTWARE_CLAIM } from './project-volumes';
import { softwareLayerPath, SOFTWARE_MOUNT, SOFTWARE_PYTHONPATH } from './software-layout';

/** Where the connection Secret is mounted in the kernel container. */
export const CONNECTION_DIR = '/etc/lattice';
export const CONNECTION_FILE = `${CONNECTION_DIR}/connection.json`;
export const KERNEL_CONTAINER = 'kernel';
/** The kernel's home, writable (the root filesystem is not). Ephemeral for now; the working directory is the project's files. */
export const KERNEL_HOME = '/home/lattice';
/** A Spark driver reads its executors' pod template from here (a key of the connection Secret). */
export const EXECUTOR_POD_TEMPLATE_FILE = `${CONNECTION_DIR}/executor-pod-template.json`;

/**
 * Kernel ports inside the pod. Fixed: every pod has its own IP, so nothing to collide with,
 * and a restarted kernel (a new pod) listens where the old one did.
 */
export const KERNEL_PORTS = { shell_port: 52700, iopub_port: 52701, stdin_port: 52702, control_port: 52703, hb_port: 52704 } as const;

export interface TKernelPodInput {
  namespace: string;
  podName: string;
  kernelId: string;
  owner: { projectId: string; userId: string };
  environment: TEnvironmentSpec;
  config: Pick<TKubernetesConfig, 'kernelImage' | 'sparkImage' | 'kernelPython' | 'serviceAccount' | 'runAsUser' | 'projectStorage'>;
  /** The client's KERNEL_* variables. */
  env: Record<string, string>;
  /** Spark properties for a Spark kernel (the driver), passed as LATTICE_SPARK_CONF; null otherwise. */
  sparkConf: TSparkConf | null;
}

/** The kernel's image: the environment's own, else the configured default for its kind. */
export function kernelImage(environment: TEnvironmentSpec, config: Pick<TKubernetesConfig, 'kernelImage' | 'sparkImage'>): string {
  return environment.image ?? (environment.spark ? config.sparkImage : config.kernelImage);
}

/** Labels of a kernel's pod (and of its Secret). */
export function kernelLabels(input: Pick<TKernelPodInput, 'kernelId' | 'owner' | 'environment'>): Record<string, string> {
  return {
    [LABELS.name]: 'lattice-kernel',
    [LABELS.managedBy]: 'lattice',
    [LABELS.component]: 'kernel',
    [LABELS.kernelId]: input.kernelId,
    [LABELS.project]: labelValue(input.owner.projectId),
    [LABELS.user]: labelValue(input.owner.userId),
    [LABELS.environment]: labelValue(input.environment.slug),
    // The project's NetworkPolicies select on it (network-policy.ts); older snapshots lack the setting.
    [LABELS.network]: input.environment.network ?? 'egress',
  };
}

/**
 * Requests and limits from the environment. A Spark kernel is the Spark driver: it asks for
 * at least the template's driver cores and memory.
 */
export function kernelResources(environment: TEnvironmentSpec): V1ResourceRequirements {
  const spark = environment.spark;
  const cpuRequestM = Math.max(environment.cpuRequestM, spark ? Math.round(spark.driverCores * 1000) : 0);
  const memoryRequestMib = Math.max(environment.memoryRequestMib, spark?.driverMemoryMib ?? 0);
  const requests: Record<string, string> = { cpu: `${cpuRequestM}m`, memory: `${memoryRequestMib}Mi` };
  const limits: Record<string, string> = {
    cpu: `${Math.max(environment.cpuLimitM, cpuRequestM)}m`,
    memory: `${Math.max(environment.memoryLimitMib, memoryRequestMib)}Mi`,
  };
  if (environment.gpus > 0) {
    // Extended resources: request must equal limit.
    requests['nvidia.com/gpu'] = String(environment.gpus);
    limits['nvidia.com/gpu'] = String(environment.gpus);
  }
  return { requests, limits };
}

/**
 * The kernel's command: the environment's argv with `{connection_file}`, else ipykernel
 * (which, for a Spark driver, first runs the image's Spark startup script).
 */
export function kernelCommand(environment: TEnvironmentSpec, kernelPython: string): string[] {
  if (environment.argv?.length) return environment.argv.map((a) => a.replaceAll('{connection_file}', CONNECTION_FILE));
  return [
    ...ipykernelCommand(kernelPython, CONNECTION_FILE),
    ...(environment.spark ? sparkKernelArgs(SPARK_STARTUP_SCRIPT_IN_IMAGE) : []),
  ];
}

/**
 * Every container of a kernel (kernel, Spark executor): no privilege, no capability, the
 * runtime's default seccomp filter, and nothing written outside its volumes.
 */
export const CONTAINER_SECURITY_CONTEXT: Readonly<V1SecurityContext> = Object.freeze({
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
});

/**
 * `fsGroup`: the project's group (as on the local provisioner) — the kubelet makes the project
 * volume group-owned by it where the volume type supports ownership management, so kernels of
 * every member, whatever uid, write each other's files; the connection file (mode 0440) is
 * readable by this group only.
 */
const podSecurityContext = (runAsUser: number, projectId: string) => ({
  runAsNonRoot: true,
  runAsUser,
  runAsGroup: runAsUser,
  fsGroup: projectFilesGid(projectId),
});

/**
 * With ReadWriteOnce project volumes, a volume is attached to one node at a time: every kernel
 * of the project goes to the node its running kernels are on (the first goes anywhere), so a
 * full node leaves the next kernel Pending with the scheduler's reason instead of starting on
 * another node and hanging on a Multi-Attach error.
 */
function sameNodeAsProject(projectId: string) {
  return {
    podAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: [
        { labelSelector: { matchLabels: { [LABELS.component]: 'kernel', [LABELS.project]: labelValue(projectId) } }, topologyKey: 'kubernetes.io/hostname' },
      ],
    },
  };
}

/**
 * The kernel's volumes beyond its connection, home and /tmp: the project's files read-write (the
 * working directory) and, for an environment with built software, its layer read-only.
 */
function projectAndSoftwareMounts(environment: Pick<TEnvironmentSpec, 'software'>) {
  const software = environment.software ?? null;
  return {
    mounts: [
      { name: 'project', mountPath: KERNEL_PROJECT_DIR },
      ...(software ? [{ name: 'software', mountPath: SOFTWARE_MOUNT, subPath: softwareLayerPath(software.lockHash), readOnly: true }] : []),
    ],
    volumes: [
      { name: 'project', persistentVolumeClaim: { claimName: PROJECT_FILES_CLAIM } },
      ...(software ? [{ name: 'software', persistentVolumeClaim: { claimName: SOFTWARE_CLAIM, readOnly: true } }] : []),
    ],
    // Before the image's own site-packages, so the layer's versions win; ipykernel still loads from the image.
    env: software ? [{ name: 'PYTHONPATH', value: SOFTWARE_PYTHONPATH }] : [],
  };
}

/**
 * One kernel pod: non-root, hardened (read-only root, writable home and /tmp), never restarted
 * by Kubernetes (a restart is the gateway's), the connection file mounted read-only, working in
 * its project's files.
 */
export function kernelPodManifest(input: TKernelPodInput): V1Pod {
  const { environment, config } = input;
  const layered = projectAndSoftwareMounts(environment);
  const env = [
    ...Object.entries(input.env).map(([name, value]) => ({ name, value })),
    { name: 'KERNEL_ID', value: input.kernelId },
    // Images set HOME for their own user; runAsUser may be another, and the home must be the volume.
    { name: 'HOME', value: KERNEL_HOME },
    ...layered.env,
    // The properties (executors from the hardened template), and the pod IP the driver advertises.
    ...(input.sparkConf ? sparkPodEnv({ ...input.sparkConf, 'spark.kubernetes.executor.podTemplateFile': EXECUTOR_POD_TEMPLATE_FILE }) : []),
  ];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: input.podName, namespace: input.namespace, labels: kernelLabels(input) },
    spec: {
      restartPolicy: 'Never',
      serviceAccountName: config.serviceAccount,
      // Only a Spark driver talks to the API server (to create its executors).
      automountServiceAccountToken: input.sparkConf !== null,
      nodeSelector: environment.placement?.nodeSelector ?? {},
      tolerations: environment.placement?.tolerations ?? [],
      ...(config.projectStorage.accessMode === 'ReadWriteOnce' ? { affinity: sameNodeAsProject(input.owner.projectId) } : {}),
      securityContext: podSecurityContext(config.runAsUser, input.owner.projectId),
      containers: [
        {
          name: KERNEL_CONTAINER,
          image: kernelImage(environment, config),
          command: kernelCommand(environment, config.kernelPython),
          workingDir: KERNEL_PROJECT_DIR,
          env,
          resources: kernelResources(environment),
          securityContext: { ...CONTAINER_SECURITY_CONTEXT },
          volumeMounts: [
            { name: 'connection', mountPath: CONNECTION_DIR, readOnly: true },
            { name: 'home', mountPath: KERNEL_HOME },
            { name: 'tmp', mountPath: '/tmp' },
            ...layered.mounts,
          ],
        },
      ],
      volumes: [
        { name: 'connection', secret: { secretName: connectionSecretName(input.podName), defaultMode: 0o440 } },
        { name: 'home', emptyDir: {} },
        { name: 'tmp', emptyDir: {} },
        ...layered.volumes,
      ],
    },
  };
}

/**
 * What Spark starts every executor pod from (`spark.kubernetes.executor.podTemplateFile`); Spark
 * adds the image, command, resources, labels and its local-dir volume. Executors never call the
 * API server, so they get no token; the JVM and the Python workers write only to /tmp, Spark's
 * local dirs and the project's files, which they see where the driver does (so
 * `spark.read.csv("data/sales.csv")` finds the file on every executor), with the driver's
 * software layer on their Python workers' path.
 */
export function executorPodTemplate(
  config: Pick<TKubernetesConfig, 'runAsUser' | 'projectStorage'>,
  projectId: string,
  environment: Pick<TEnvironmentSpec, 'software'>,
): V1Pod {
  const layered = projectAndSoftwareMounts(environment);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    spec: {
      automountServiceAccountToken: false,
      securityContext: podSecurityContext(config.runAsUser, projectId),
      ...(config.projectStorage.accessMode === 'ReadWriteOnce' ? { affinity: sameNodeAsProject(projectId) } : {}),
      containers: [
        {
          name: 'executor',
          securityContext: { ...CONTAINER_SECURITY_CONTEXT },
          workingDir: KERNEL_PROJECT_DIR,
          ...(layered.env.length ? { env: layered.env } : {}),
          volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }, ...layered.mounts],
        },
      ],
      volumes: [{ name: 'tmp', emptyDir: {} }, ...layered.volumes],
    },
  };
}

/**
 * The connection file as a Secret owned by the pod, so the garbage collector removes it with
 * the pod. The kernel binds 0.0.0.0 in its pod; the gateway connects to the pod IP. A Spark
 * driver's also holds its executors' pod template.
 */
export function connectionSecretManifest(
  pod: { namespace: string; name: string; uid: string; labels: Record<string, string> },
  connection: TConnectionInfo,
  executorTemplate: V1Pod | null = null,
): V1Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'Opaque',
    metadata: {
      name: connectionSecretName(pod.name),
      namespace: pod.namespace,
      labels: pod.labels,
      ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: pod.name, uid: pod.uid, blockOwnerDeletion: false }],
    },
    stringData: {
      'connection.json': JSON.stringify({ ...connection, ip: '0.0.0.0' }),
      ...(executorTemplate ? { [path.basename(EXECUTOR_POD_TEMPLATE_FILE)]: JSON.stringify(executorTemplate) } : {}),
    },
  };
}
