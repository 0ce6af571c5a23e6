import { fileURLToPath } from 'node:url';
import { reservedExecutors, type TSparkSpec } from '../../common/environment';

/**
 * Spark properties for a Spark kernel (the driver), built from its environment's `spark`
 * section. The kernel's startup script (`lattice-spark-startup.py`) reads them from
 * `LATTICE_SPARK_CONF` and builds the session, so both provisioners launch Spark kernels the
 * same way: `sparkKernelEnv(conf)` (or `sparkPodEnv(conf)` in a pod) plus `sparkKernelArgs(script)`.
 */
export type TSparkConf = Record<string, string>;

/** This checkout's startup script: kernels on this host (the `local` provisioner) run it. */
export const SPARK_STARTUP_SCRIPT = fileURLToPath(new URL('./lattice-spark-startup.py', import.meta.url));

/** Where the PySpark kernel image holds a copy of `lattice-spark-startup.py` (deploy/ copies it there). */
export const SPARK_STARTUP_SCRIPT_IN_IMAGE = '/opt/lattice/lattice-spark-startup.py';

/** Driver ports inside a kernel pod: fixed, as every pod has its own IP (Spark's own k8s defaults). */
const POD_DRIVER_PORT = 7078;
const POD_BLOCK_MANAGER_PORT = 7079;
const POD_UI_PORT = 4040;

/**
 * The service-account mount Kubernetes gives pods: the driver (the kernel pod's service account)
 * authenticates with it to create executors. Executors keep the namespace's default account:
 * they never call the API server.
 */
const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * Spark's task slots are whole cores; a template's fractional executor cores (0.5) still give
 * each executor one slot, while Kubernetes requests the exact millicores.
 */
function taskSlots(cores: number): number {
  return Math.max(1, Math.ceil(cores));
}

function mib(n: number): string {
  return `${n}m`;
}

/** The app name shows in Spark's UIs and the standalone master's list; the kernel id ties it back. */
function appName(kernelId: string): string {
  return `lattice-kernel-${kernelId}`;
}

/** Driver and executor sizing: the same on every master. */
function commonConf(spark: TSparkSpec, kernelId: string): TSparkConf {
  return {
    'spark.app.name': appName(kernelId),
    'spark.submit.deployMode': 'client',
    'spark.driver.cores': String(taskSlots(spark.driverCores)),
    'spark.driver.memory': mib(spark.driverMemoryMib),
    'spark.executor.cores': String(taskSlots(spark.executorCores)),
    // The console progress bar redraws with carriage returns: noise in a notebook's stderr.
    'spark.ui.showConsoleProgress': 'false',
  };
}

/** Dynamic allocation when the template asks for it (masters with executors only). */
function dynamicAllocationConf(spark: TSparkSpec): TSparkConf {
  const dynamic = spark.dynamicAllocation;
  if (!dynamic) return {};
  return {
    'spark.dynamicAllocation.enabled': 'true',
    'spark.dynamicAllocation.minExecutors': String(dynamic.minExecutors),
    'spark.dynamicAllocation.maxExecutors': String(dynamic.maxExecutors),
    'spark.dynamicAllocation.initialExecutors': String(Math.min(Math.max(spark.executors, dynamic.minExecutors), dynamic.maxExecutors)),
    // No external shuffle service on either master: executors holding shuffle data stay until it is unused.
    'spark.dynamicAllocation.shuffleTracking.enabled': 'true',
  };
}

/**
 * A Spark kernel on this host against a standalone master. The driver listens on loopback, so
 * the master's workers must run on this host too (as in the tests); `spark.cores.max` caps the
 * app at the executors admission reserved (the maximum under dynamic allocation).
 */
export function standaloneSparkConf(spark: TSparkSpec, opts: { kernelId: string; master: string; uiPort: number }): TSparkConf {
  return {
    ...commonConf(spark, opts.kernelId),
    ...dynamicAllocationConf(spark),
    'spark.master': opts.master,
    'spark.executor.memory': mib(spark.executorMemoryMib),
    'spark.cores.max': String(reservedExecutors(spark) * taskSlots(spark.executorCores)),
    'spark.driver.host': '127.0.0.1',
    'spark.driver.bindAddress': '127.0.0.1',
    'spark.ui.port': String(opts.uiPort),
  };
}

/**
 * A Spark kernel on this host with no master configured: Spark's local mode, executors as
 * threads of the driver JVM, one per core the template gives its executors. The kernel's own
 * CPU and memory limits hold the whole thing; Spark reports no executors.
 */
export function localModeSparkConf(spark: TSparkSpec, opts: { kernelId: string; uiPort: number }): TSparkConf {
  const threads = Math.max(1, reservedExecutors(spark) * taskSlots(spark.executorCores));
  return {
    ...commonConf(spark, opts.kernelId),
    'spark.master': `local[${threads}]`,
    'spark.driver.host': '127.0.0.1',
    'spark.driver.bindAddress': '127.0.0.1',
    'spark.ui.port': String(opts.uiPort),
  };
}

/** Spark's own floor for an explicitly unset overhead (`spark.executor.memoryOverhead`). */
const MIN_OVERHEAD_MIB = 384;
/** Below this heap Spark's executors refuse to start (300 MiB reserved × 1.5). */
const MIN_EXECUTOR_HEAP_MIB = 450;

/**
 * How a template's `executorMemoryMib` becomes an executor pod: it is the pod's whole memory
 * (request = limit, what admission reserved), split as Spark would split it by default —
 * overhead max(384 MiB, 10 %), the rest JVM heap (`spark.executor.memory`). Spark sizes the pod
 * as heap + overhead, so the pod asks for exactly the template's memory.
 */
export function executorMemorySplit(executorMemoryMib: number): { heapMib: number; overheadMib: number } {
  const overheadMib = Math.max(MIN_OVERHEAD_MIB, Math.ceil(executorMemoryMib * 0.1));
  const heapMib = executorMemoryMib - overheadMib;
  if (heapMib < MIN_EXECUTOR_HEAP_MIB) {
    throw new Error(
      `Spark executors on Kubernetes need at least ${MIN_EXECUTOR_HEAP_MIB + MIN_OVERHEAD_MIB} MiB each ` +
        `(${MIN_EXECUTOR_HEAP_MIB} MiB heap + ${MIN_OVERHEAD_MIB} MiB overhead); the environment gives them ${executorMemoryMib} MiB.`,
    );
  }
  return { heapMib, overheadMib };
}

export interface TKubernetesSparkOptions {
  kernelId: string;
  namespace: string;
  /** The kernel pod: executors get an ownerReference to it, so they go when it goes. */
  driverPodName: string;
  /** Image of the executors (the kernel's image: same Spark, same Python). */
  image: string;
  /** The API server as pods reach it (`config.kubernetes.apiUrlForPods`). */
  apiUrl: string;
  /** Extra labels for executor pods (the kernel's `lattice.dev/*` labels). */
  labels: Record<string, string>;
}

/**
 * Spark on Kubernetes in client mode, the driver being the kernel in its pod. The driver's
 * address (its pod IP) is not known when the pod is created: the startup script sets
 * `spark.driver.host` from `LATTICE_POD_IP` (downward API, see `sparkPodEnv`).
 * Throws when the executor memory is too small for Spark (see `executorMemorySplit`).
 */
export function kubernetesSparkConf(spark: TSparkSpec, opts: TKubernetesSparkOptions): TSparkConf {
  const { heapMib, overheadMib } = executorMemorySplit(spark.executorMemoryMib);
  const executorMillicores = `${Math.round(spark.executorCores * 1000)}m`;
  const conf: TSparkConf = {
    ...commonConf(spark, opts.kernelId),
    ...dynamicAllocationConf(spark),
    'spark.master': `k8s://${opts.apiUrl}`,
    'spark.kubernetes.namespace': opts.namespace,
    'spark.kubernetes.driver.pod.name': opts.driverPodName,
    // Executor pods are `<kernel pod>-exec-<n>` (Spark allows a prefix of at most 47 characters).
    'spark.kubernetes.executor.podNamePrefix': opts.driverPodName.slice(0, 47).replace(/-+$/, ''),
    'spark.kubernetes.container.image': opts.image,
    'spark.kubernetes.authenticate.caCertFile': `${SERVICE_ACCOUNT_DIR}/ca.crt`,
    'spark.kubernetes.authenticate.oauthTokenFile': `${SERVICE_ACCOUNT_DIR}/token`,
    'spark.executor.instances': String(spark.executors),
    'spark.kubernetes.executor.request.cores': executorMillicores,
    'spark.kubernetes.executor.limit.cores': executorMillicores,
    'spark.executor.memory': mib(heapMib),
    'spark.executor.memoryOverhead': mib(overheadMib),
    'spark.driver.bindAddress': '0.0.0.0',
    'spark.driver.port': String(POD_DRIVER_PORT),
    'spark.driver.blockManager.port': String(POD_BLOCK_MANAGER_PORT),
    'spark.blockManager.port': String(POD_BLOCK_MANAGER_PORT),
    'spark.ui.port': String(POD_UI_PORT),
  };
  for (const [key, value] of Object.entries(opts.labels)) conf[`spark.kubernetes.executor.label.${key}`] = value;
  return conf;
}

/** The kernel process's extra environment on this host: the properties for the startup script. */
export function sparkKernelEnv(conf: TSparkConf): Record<string, string> {
  return { LATTICE_SPARK_CONF: JSON.stringify(conf) };
}

/** A container env entry, as in a pod spec. */
export interface TPodEnvVar {
  name: string;
  value?: string;
  valueFrom?: { fieldRef: { fieldPath: string } };
}

/** The kernel container's extra env in a pod: the properties, and the pod IP the driver advertises. */
export function sparkPodEnv(conf: TSparkConf): TPodEnvVar[] {
  return [
    ...Object.entries(sparkKernelEnv(conf)).map(([name, value]) => ({ name, value })),
    { name: 'LATTICE_POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
  ];
}

/**
 * Appended to an IPython kernel's command line: runs the startup script in the user namespace
 * before the kernel answers its first request, so a kernel is ready only once `spark` is.
 */
export function sparkKernelArgs(startupScript: string): string[] {
  return [`--IPKernelApp.exec_files=${JSON.stringify([startupScript])}`];
}
