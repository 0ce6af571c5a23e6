import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { TLogFormatSetting } from './logging/gateway-logger';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const VENV_PYTHON = path.join(ROOT, '.data/venv/bin/python');

const seconds = (def: number) => z.coerce.number().positive().default(def);
/** A comma-separated list of IPv4/IPv6 CIDR ranges, parsed to an array (empty = none); `prefault`: the default is parsed too. */
const cidrList = z
  .string()
  .transform((v) => v.split(',').map((c) => c.trim()).filter(Boolean))
  .pipe(z.array(z.union([z.cidrv4(), z.cidrv6()], { error: 'must be CIDR ranges such as 10.0.0.0/8 or fc00::/7' })));

/**
 * Every gateway setting: env var → description → default. This is the only file that
 * reads `process.env`; `loadConfig` runs once at start-up and the frozen result is passed down.
 */
export const ZGatewayEnv = z.object({
  /** Postgres connection string (required). */
  DATABASE_URL: z.string().min(1, 'DATABASE_URL is required'),
  /** Interface the gateway listens on. */
  LATTICE_GATEWAY_HOST: z.string().default('127.0.0.1'),
  /** Port the gateway listens on. */
  LATTICE_GATEWAY_PORT: z.coerce.number().int().min(0).max(65535).default(8888),
  /** Python that runs local kernels (ipykernel must be installed in it). */
  LATTICE_PYTHON: z.string().default(existsSync(VENV_PYTHON) ? VENV_PYTHON : 'python3'),
  /** Gateway data: connection files and kernel logs live under `<dir>/kernels/`. */
  LATTICE_DATA_DIR: z.string().default(path.join(ROOT, '.data')),
  /** Comma-separated browser origins allowed for CORS and websocket upgrades. */
  LATTICE_WEB_ORIGINS: z.string().default('http://localhost:3000,http://127.0.0.1:3000'),
  /** pino log level. */
  LATTICE_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Log lines: `auto` (readable on a terminal, JSON when stdout is not a TTY), `pretty`, or `json` (for log collectors). */
  LATTICE_LOG_FORMAT: z.enum(['auto', 'pretty', 'json']).default('auto'),
  /** Seconds a kernel may take from launch to answering kernel_info before it is `failed: timeout`. */
  LATTICE_KERNEL_START_TIMEOUT_S: seconds(60),
  /** Seconds a kernel gets to exit after shutdown_request before it is signalled. */
  LATTICE_KERNEL_SHUTDOWN_WAIT_S: seconds(5),
  /** Seconds between writes of a kernel's last_activity to Postgres (state changes are written at once). */
  LATTICE_ACTIVITY_WRITE_INTERVAL_S: seconds(10),
  /** Seconds between checks that each kernel process is still alive (a child's exit is noticed at once). */
  LATTICE_KERNEL_POLL_INTERVAL_S: seconds(1),
  /** Seconds between CPU/memory samples of each kernel (written to `kernels.usage` with `last_seen_at`). */
  LATTICE_KERNEL_SAMPLE_INTERVAL_S: seconds(5),
  /** Seconds between idle-culling passes (each environment sets its own idle timeout). */
  LATTICE_CULL_INTERVAL_S: seconds(30),
  /** Seconds before a cull that open notebooks are warned ("Keep running"); at most half the timeout. */
  LATTICE_CULL_WARN_LEAD_S: seconds(300),
  /** Seconds between checks of running kernels' monthly budgets (owners are warned once spent). */
  LATTICE_BUDGET_CHECK_INTERVAL_S: seconds(60),
  /** Seconds between re-checks of open websockets and running kernels against revoked tokens, disabled or deleted users, changed roles and archived or deleted projects. */
  LATTICE_REVOCATION_CHECK_S: seconds(2),
  /** How local kernels are limited: `auto` (cgroup v2, else v1, else rlimits), or force one; `none` = unlimited. */
  LATTICE_KERNEL_LIMITS: z.enum(['auto', 'cgroup-v2', 'cgroup-v1', 'rlimit', 'none']).default('auto'),
  /** `on`: every local kernel runs sandboxed (unprivileged uid, namespaces, seccomp); `off` only on purpose, for a single-person machine (every page then says kernels are not isolated). */
  LATTICE_LOCAL_SANDBOX: z.enum(['on', 'off']).default('on'),
  /** First OS uid of sandboxed kernels (the warm pool's; users get the next ones, allocated once and kept in `users.sandbox_uid`). */
  LATTICE_SANDBOX_UID_MIN: z.coerce.number().int().min(1000).default(200000),
  /** Last OS uid of sandboxed kernels. */
  LATTICE_SANDBOX_UID_MAX: z.coerce.number().int().min(1001).default(299999),
  /** cgroup path kernel cgroups are created under (in every hierarchy); default `<gateway's cgroup>/lattice`. */
  LATTICE_CGROUP_PARENT: z.string().startsWith('/').optional(),
  /** Seconds between websocket pings; a client missing one round is disconnected. */
  LATTICE_WS_PING_INTERVAL_S: seconds(30),
  /** MiB of the largest websocket message a client may send; a larger one closes that socket with 1009 (messages carry code and widget buffers; uploads go through the web). */
  LATTICE_WS_MAX_FRAME_MIB: z.coerce.number().int().min(1).max(256).default(32),
  /** MiB a websocket may have sent towards its kernel that ZeroMQ has not yet taken; past it the gateway stops reading that socket until the kernel catches up. */
  LATTICE_WS_MAX_IN_FLIGHT_MIB: z.coerce.number().int().min(1).default(64),
  /** Bearer token Prometheus sends to scrape `GET /metrics`; unset = no metrics endpoint (`npm start` generates one into `<data dir>/metrics-token`). */
  LATTICE_METRICS_TOKEN: z.string().min(16, 'use at least 16 characters').optional(),
  /** `stop`: shut kernels down when the gateway exits; `keep`: leave them running to reattach on restart. */
  LATTICE_KERNELS_ON_EXIT: z.enum(['stop', 'keep']).default('stop'),
  /** Seconds between heartbeat comments on `GET /api/events` streams (and re-checks of what the caller may see). */
  LATTICE_EVENTS_HEARTBEAT_S: seconds(15),
  /** Seconds a websocket session may be gone and still get the iopub messages it missed when it reconnects. */
  LATTICE_WS_REPLAY_WINDOW_S: seconds(60),
  /** Iopub messages kept per kernel for reconnecting sessions. */
  LATTICE_WS_REPLAY_MAX_MESSAGES: z.coerce.number().int().positive().default(1000),
  /** MiB of iopub messages kept per kernel for reconnecting sessions. */
  LATTICE_WS_REPLAY_MAX_MIB: z.coerce.number().positive().default(8),
  /** Seconds between warm-pool passes (pool sizes re-read from `environments.pool_size`, pools refilled). */
  LATTICE_POOL_REFRESH_S: seconds(10),
  /** Warm-pool kernels started at the same time, across environments (user launches are never held back). */
  LATTICE_POOL_MAX_STARTING: z.coerce.number().int().positive().default(1),
  /** Comma-separated provisioners this gateway enables: `local`, `kubernetes` (environments name theirs). */
  LATTICE_PROVISIONERS: z.string().default('local'),
  /** Spark standalone master (`spark://host:7077`) for Spark environments on the `local` provisioner; unset = Spark in local mode inside the kernel. */
  LATTICE_SPARK_MASTER: z.string().regex(/^spark:\/\/[^/\s]+$/, 'must look like spark://host:7077').optional(),
  /** The resolver and installer that builds environments' software (uv); default: the one beside LATTICE_PYTHON, else `uv` on PATH. */
  LATTICE_UV: z.string().optional(),
  /** `off`: this gateway builds no software (other gateways do, or builds are held while the index is down); kernels still start on built environments. */
  LATTICE_SOFTWARE_BUILDS: z.enum(['on', 'off']).default('on'),
  /** Seconds one software build may take before it fails. */
  LATTICE_SOFTWARE_BUILD_TIMEOUT_S: seconds(1800),
  /** Seconds between checks for queued software builds (and for builds whose gateway died). */
  LATTICE_SOFTWARE_POLL_S: seconds(1),
  /** Seconds between garbage collections of software environments no template or kernel uses. */
  LATTICE_SOFTWARE_GC_INTERVAL_S: seconds(60),
  /** Kubernetes: each project's kernels run in namespace `<prefix><project slug>` (created on demand unless disabled). */
  LATTICE_K8S_NAMESPACE_PREFIX: z.string().regex(/^[a-z0-9]([-a-z0-9]*)?$/, 'lowercase letters, digits and -').default('lattice-project-'),
  /** Kubernetes: `false` when namespaces are made by an administrator (the gateway then needs no namespace rights). */
  LATTICE_K8S_CREATE_NAMESPACES: z.enum(['true', 'false']).default('true'),
  /** Kubernetes: kernel pods are named `<prefix><kernel id>`. */
  LATTICE_K8S_POD_NAME_PREFIX: z.string().regex(/^[a-z0-9]([-a-z0-9]*)?$/, 'lowercase letters, digits and -').default('kernel-'),
  /** Kubernetes: image of kernels whose environment names none. */
  LATTICE_K8S_KERNEL_IMAGE: z.string().default('lattice/kernel-python:latest'),
  /** Kubernetes: image of Spark kernels (and their executors) whose environment names none. */
  LATTICE_K8S_SPARK_IMAGE: z.string().default('lattice/kernel-pyspark:latest'),
  /** Kubernetes: the Python inside kernel images (runs `-m ipykernel_launcher`). */
  LATTICE_K8S_KERNEL_PYTHON: z.string().default('python'),
  /** Kubernetes: service account of kernel pods (Spark drivers use it to create executor pods). */
  LATTICE_K8S_SERVICE_ACCOUNT: z.string().default('lattice-kernel'),
  /** Kubernetes: non-root user id kernel pods run as. */
  LATTICE_K8S_RUN_AS_USER: z.coerce.number().int().min(1).default(1000),
  /** Kubernetes: the API server URL as pods see it (Spark drivers' `k8s://` master). */
  LATTICE_K8S_API_URL_FOR_PODS: z.string().url().default('https://kubernetes.default.svc'),
  /** Kubernetes: seconds between sweeps for kernel pods whose kernel is gone or ended. */
  LATTICE_K8S_SWEEP_INTERVAL_S: seconds(60),
  /** Kubernetes: mirror each project's quota into a ResourceQuota in its namespace (`false` to leave them alone). */
  LATTICE_K8S_MIRROR_QUOTAS: z.enum(['true', 'false']).default('true'),
  /** Kubernetes: seconds a kernel pod may wait for a node (or to start) before the launch fails `unschedulable` (or `timeout`). */
  LATTICE_K8S_LAUNCH_TIMEOUT_S: seconds(600),
  /** Kubernetes: the platform's namespace: only its gateway pods reach kernels, and kernels never reach it. */
  LATTICE_K8S_PLATFORM_NAMESPACE: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a namespace name').default('lattice-system'),
  /** Kubernetes: comma-separated ranges `egress` kernels may not reach (pods, Services, nodes, metadata): private, shared, link-local, loopback. */
  LATTICE_K8S_INTERNAL_CIDRS: cidrList.prefault('10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,100.64.0.0/10,169.254.0.0/16,127.0.0.0/8,fc00::/7,fe80::/10'),
  /** Kubernetes: comma-separated addresses of the API server that Spark drivers may reach (443/6443); unset = any address on those ports. */
  LATTICE_K8S_API_SERVER_CIDRS: cidrList.prefault(''),
  /** Kubernetes: StorageClass of each project's files volume (a PersistentVolumeClaim per project namespace); unset = the cluster's default class. */
  LATTICE_K8S_PROJECT_STORAGE_CLASS: z.string().min(1).optional(),
  /** Kubernetes: access mode of project volumes: `ReadWriteMany` (kernels of a project on any node) or `ReadWriteOnce` (they must share a node; see server/provisioners/kubernetes/README.md). */
  LATTICE_K8S_PROJECT_ACCESS_MODE: z.enum(['ReadWriteMany', 'ReadWriteOnce']).default('ReadWriteMany'),
  /** Bytes of storage each project's files get (the web's upload quota; on Kubernetes the size its volume requests). */
  LATTICE_PROJECT_STORAGE_BYTES: z.coerce.number().int().positive().default(10 * 1024 ** 3),
  /** Kubernetes: JSON of a PersistentVolume source holding built software (e.g. `{"nfs":{"server":"10.0.0.5","path":"/lattice-software"}}`); unset = no software builds on Kubernetes. */
  LATTICE_K8S_SOFTWARE_VOLUME: z.string().min(1).optional(),
  /** Kubernetes: where this gateway sees that same software volume (mounted into its pod); build logs and results are read there. */
  LATTICE_K8S_SOFTWARE_DIR: z.string().startsWith('/').default('/var/lib/lattice/software'),
  /** Kubernetes: proxy that build pods reach the package index through (HTTPS_PROXY), for clusters without direct egress; unset = none. */
  LATTICE_K8S_BUILD_PROXY: z.string().url().optional(),
});

/** Settings of the `kubernetes` provisioner (the cluster itself comes from KUBECONFIG or in-cluster). */
export interface TKubernetesConfig {
  namespacePrefix: string;
  createNamespaces: boolean;
  podNamePrefix: string;
  kernelImage: string;
  sparkImage: string;
  kernelPython: string;
  serviceAccount: string;
  runAsUser: number;
  apiUrlForPods: string;
  sweepIntervalMs: number;
  mirrorQuotas: boolean;
  launchTimeoutMs: number;
  platformNamespace: string;
  internalCidrs: readonly string[];
  apiServerCidrs: readonly string[];
  projectStorage: { storageClass: string | null; accessMode: 'ReadWriteMany' | 'ReadWriteOnce'; bytes: number };
  /** The shared software store: its PersistentVolume source (null = no Kubernetes builds), where the gateway sees it, and the build pods' proxy. */
  software: { volumeSource: Record<string, unknown> | null; dir: string; buildProxy: string | null };
}

/** Software environments (server/software): how they are built and kept. */
export interface TSoftwareConfig {
  uv: string;
  builds: boolean;
  buildTimeoutMs: number;
  pollMs: number;
  gcIntervalMs: number;
}

export interface TGatewayConfig {
  databaseUrl: string;
  host: string;
  port: number;
  python: string;
  dataDir: string;
  webOrigins: readonly string[];
  logLevel: string;
  logFormat: TLogFormatSetting;
  kernelStartTimeoutMs: number;
  kernelShutdownWaitMs: number;
  activityWriteIntervalMs: number;
  kernelPollIntervalMs: number;
  kernelSampleIntervalMs: number;
  cullIntervalMs: number;
  cullWarnLeadS: number;
  budgetCheckIntervalMs: number;
  revocationCheckMs: number;
  kernelLimits: 'auto' | 'cgroup-v2' | 'cgroup-v1' | 'rlimit' | 'none';
  cgroupParent: string | null;
  localSandbox: { enabled: boolean; uidMin: number; uidMax: number };
  wsPingIntervalMs: number;
  wsLimits: { maxFrameBytes: number; maxInFlightBytes: number };
  metricsToken: string | null;
  kernelsOnExit: 'stop' | 'keep';
  eventsHeartbeatMs: number;
  wsReplay: { windowMs: number; maxMessages: number; maxBytes: number };
  poolRefreshMs: number;
  poolMaxStarting: number;
  provisioners: readonly string[];
  sparkMaster: string | null;
  kubernetes: Readonly<TKubernetesConfig>;
  software: Readonly<TSoftwareConfig>;
  /** The gateway's variables that local kernels inherit; secrets such as DATABASE_URL are not among them. */
  kernelBaseEnv: Readonly<Record<string, string>>;
}

const KERNEL_INHERITED_ENV = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR'];

/** LATTICE_K8S_SOFTWARE_VOLUME: one PersistentVolume source, as JSON (its fields are Kubernetes' to check). */
function parseVolumeSource(json: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new Error('Invalid gateway configuration:\n  LATTICE_K8S_SOFTWARE_VOLUME: must be JSON such as {"nfs":{"server":"10.0.0.5","path":"/lattice-software"}}');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value) || Object.keys(value).length !== 1) {
    throw new Error('Invalid gateway configuration:\n  LATTICE_K8S_SOFTWARE_VOLUME: must name exactly one volume source, e.g. {"nfs":{…}} or {"csi":{…}}');
  }
  return value as Record<string, unknown>;
}

/** Parses the environment (default: `process.env`); throws a readable error on a bad value. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Readonly<TGatewayConfig> {
  const parsed = ZGatewayEnv.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid gateway configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return Object.freeze({
    databaseUrl: e.DATABASE_URL,
    host: e.LATTICE_GATEWAY_HOST,
    port: e.LATTICE_GATEWAY_PORT,
    python: e.LATTICE_PYTHON,
    dataDir: path.resolve(e.LATTICE_DATA_DIR),
    webOrigins: Object.freeze(e.LATTICE_WEB_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean)),
    logLevel: e.LATTICE_LOG_LEVEL,
    logFormat: e.LATTICE_LOG_FORMAT,
    kernelStartTimeoutMs: e.LATTICE_KERNEL_START_TIMEOUT_S * 1000,
    kernelShutdownWaitMs: e.LATTICE_KERNEL_SHUTDOWN_WAIT_S * 1000,
    activityWriteIntervalMs: e.LATTICE_ACTIVITY_WRITE_INTERVAL_S * 1000,
    kernelPollIntervalMs: e.LATTICE_KERNEL_POLL_INTERVAL_S * 1000,
    kernelSampleIntervalMs: e.LATTICE_KERNEL_SAMPLE_INTERVAL_S * 1000,
    cullIntervalMs: e.LATTICE_CULL_INTERVAL_S * 1000,
    cullWarnLeadS: e.LATTICE_CULL_WARN_LEAD_S,
    budgetCheckIntervalMs: e.LATTICE_BUDGET_CHECK_INTERVAL_S * 1000,
    revocationCheckMs: e.LATTICE_REVOCATION_CHECK_S * 1000,
    kernelLimits: e.LATTICE_KERNEL_LIMITS,
    localSandbox: { enabled: e.LATTICE_LOCAL_SANDBOX === 'on', uidMin: e.LATTICE_SANDBOX_UID_MIN, uidMax: e.LATTICE_SANDBOX_UID_MAX },
    cgroupParent: e.LATTICE_CGROUP_PARENT ?? null,
    wsPingIntervalMs: e.LATTICE_WS_PING_INTERVAL_S * 1000,
    wsLimits: Object.freeze({ maxFrameBytes: e.LATTICE_WS_MAX_FRAME_MIB * 1024 * 1024, maxInFlightBytes: e.LATTICE_WS_MAX_IN_FLIGHT_MIB * 1024 * 1024 }),
    kernelsOnExit: e.LATTICE_KERNELS_ON_EXIT,
    metricsToken: e.LATTICE_METRICS_TOKEN ?? null,
    eventsHeartbeatMs: e.LATTICE_EVENTS_HEARTBEAT_S * 1000,
    wsReplay: Object.freeze({
      windowMs: e.LATTICE_WS_REPLAY_WINDOW_S * 1000,
      maxMessages: e.LATTICE_WS_REPLAY_MAX_MESSAGES,
      maxBytes: Math.round(e.LATTICE_WS_REPLAY_MAX_MIB * 1024 * 1024),
    }),
    poolRefreshMs: e.LATTICE_POOL_REFRESH_S * 1000,
    poolMaxStarting: e.LATTICE_POOL_MAX_STARTING,
    provisioners: Object.freeze(e.LATTICE_PROVISIONERS.split(',').map((p) => p.trim()).filter(Boolean)),
    sparkMaster: e.LATTICE_SPARK_MASTER ?? null,
    software: Object.freeze({
      uv: e.LATTICE_UV ?? besidePython(e.LATTICE_PYTHON, 'uv'),
      builds: e.LATTICE_SOFTWARE_BUILDS === 'on',
      buildTimeoutMs: e.LATTICE_SOFTWARE_BUILD_TIMEOUT_S * 1000,
      pollMs: e.LATTICE_SOFTWARE_POLL_S * 1000,
      gcIntervalMs: e.LATTICE_SOFTWARE_GC_INTERVAL_S * 1000,
    }),
    kubernetes: Object.freeze({
      namespacePrefix: e.LATTICE_K8S_NAMESPACE_PREFIX,
      createNamespaces: e.LATTICE_K8S_CREATE_NAMESPACES === 'true',
      podNamePrefix: e.LATTICE_K8S_POD_NAME_PREFIX,
      kernelImage: e.LATTICE_K8S_KERNEL_IMAGE,
      sparkImage: e.LATTICE_K8S_SPARK_IMAGE,
      kernelPython: e.LATTICE_K8S_KERNEL_PYTHON,
      serviceAccount: e.LATTICE_K8S_SERVICE_ACCOUNT,
      runAsUser: e.LATTICE_K8S_RUN_AS_USER,
      apiUrlForPods: e.LATTICE_K8S_API_URL_FOR_PODS,
      sweepIntervalMs: e.LATTICE_K8S_SWEEP_INTERVAL_S * 1000,
      mirrorQuotas: e.LATTICE_K8S_MIRROR_QUOTAS === 'true',
      launchTimeoutMs: e.LATTICE_K8S_LAUNCH_TIMEOUT_S * 1000,
      platformNamespace: e.LATTICE_K8S_PLATFORM_NAMESPACE,
      internalCidrs: e.LATTICE_K8S_INTERNAL_CIDRS,
      apiServerCidrs: e.LATTICE_K8S_API_SERVER_CIDRS,
      projectStorage: Object.freeze({
        storageClass: e.LATTICE_K8S_PROJECT_STORAGE_CLASS ?? null,
        accessMode: e.LATTICE_K8S_PROJECT_ACCESS_MODE,
        bytes: e.LATTICE_PROJECT_STORAGE_BYTES,
      }),
      software: Object.freeze({
        volumeSource: e.LATTICE_K8S_SOFTWARE_VOLUME ? parseVolumeSource(e.LATTICE_K8S_SOFTWARE_VOLUME) : null,
        dir: e.LATTICE_K8S_SOFTWARE_DIR,
        buildProxy: e.LATTICE_K8S_BUILD_PROXY ?? null,
      }),
    }),
    kernelBaseEnv: Object.freeze(
      Object.fromEntries(KERNEL_INHERITED_ENV.flatMap((name) => (env[name] ? [[name, env[name] as string]] : []))),
    ),
  });
}

/** A tool installed in the same environment as `python` (its bin dir), else the bare name (PATH). */
function besidePython(python: string, tool: string): string {
  const beside = path.join(path.dirname(python), tool);
  return path.isAbsolute(python) && existsSync(beside) ? beside : tool;
}
