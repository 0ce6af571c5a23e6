import { z } from 'zod';
import { ZKernelState } from './kernel-states';

/**
 * Launch progress while a kernel is provisioning (DESIGN 4.2): `scheduled` (placed, or a local
 * process being prepared), `waiting` (no capacity yet: `message` holds the scheduler's words),
 * `pulling-image`, `starting` (the process runs; the gateway waits for kernel_info).
 */
export const LAUNCH_STEPS = ['scheduled', 'waiting', 'pulling-image', 'starting'] as const;
export const ZLaunchStep = z.enum(LAUNCH_STEPS);
export type TLaunchStep = z.infer<typeof ZLaunchStep>;

export const ZLaunchProgress = z.object({
  step: ZLaunchStep,
  /** For people: "waiting for capacity: 0/2 nodes are available: 2 Insufficient cpu." */
  message: z.string().nullable(),
  /** ISO 8601. */
  at: z.string(),
});
export type TLaunchProgressInfo = z.infer<typeof ZLaunchProgress>;

/** A Spark executor of a kernel (an executor pod on Kubernetes, an executor on a standalone worker). */
export const ZExecutor = z.object({
  /** Spark's executor id when known, else the pod name. */
  id: z.string(),
  state: z.enum(['pending', 'running', 'succeeded', 'failed', 'unknown']),
  /** Why it is pending or failed: the scheduler's message, `OOMKilled`, … */
  reason: z.string().nullable(),
  /** Pod IP or worker host. */
  host: z.string().nullable(),
  cores: z.number(),
  memoryMib: z.number(),
});
export type TExecutor = z.infer<typeof ZExecutor>;

/**
 * The kernel model of the gateway API (`GET /api/kernels`, `GET /api/kernels/{id}`, the
 * `POST /api/kernels` response): jupyter_server's fields plus a `lattice` section.
 */
export const ZKernelModel = z.object({
  id: z.string(),
  /** The kernelspec name the kernel was started with (an environment slug or an alias). */
  name: z.string(),
  /** ISO 8601 with milliseconds and `Z`, as jupyter_server writes it. */
  last_activity: z.string(),
  /** What Jupyter clients understand: starting, idle, busy, restarting, terminating, dead. */
  execution_state: z.string(),
  /** Open websocket connections to this kernel. */
  connections: z.number().int().min(0),
  /** Why a `failed`/`dead` kernel ended. */
  reason: z.string().optional(),
  lattice: z.object({
    state: ZKernelState,
    reason: z.string().nullable(),
    detail: z.string().nullable(),
    projectId: z.string(),
    notebookId: z.string().nullable(),
    userId: z.string(),
    environment: z.object({
      slug: z.string(),
      name: z.string(),
      cpuLimitM: z.number(),
      memoryLimitMib: z.number(),
      gpus: z.number(),
      computeUnitsPerHour: z.number(),
    }),
    startedAt: z.string().nullable(),
    /** Set while the kernel is being provisioned; null once it is ready. */
    progress: ZLaunchProgress.nullable(),
    /** Spark executors (null for kernels without Spark). */
    executors: z.array(ZExecutor).nullable(),
  }),
});
export type TKernelModel = z.infer<typeof ZKernelModel>;

/** `KERNEL_*` variables as Enterprise Gateway clients send them; Lattice reads two of them. */
export const ZKernelEnv = z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string().max(4096));

/** Body of `POST /api/kernels`. Unknown fields (sent by some clients) are ignored. */
export const ZStartKernelBody = z.looseObject({
  /** Kernelspec name: an environment slug, `default` or `python3`; omitted = default. */
  name: z.string().min(1).max(200).optional(),
  /** The notebook path some clients send; informational. */
  path: z.string().max(4096).optional(),
  /** `KERNEL_PROJECT` (project id or slug), `KERNEL_NOTEBOOK` (notebook id), other `KERNEL_*` pass through. */
  env: ZKernelEnv.optional(),
});
export type TStartKernelBody = z.infer<typeof ZStartKernelBody>;

/**
 * One message of the gateway's `GET /api/events` stream (server-sent events, one JSON
 * `data:` line each). `type: 'state'` is sent for every state transition the caller may
 * see, also when a warm-pool kernel is handed to a notebook (its current state).
 * The web reads it with `EventSource(<gateway>/api/events?token=…&project=<id>)`.
 */
export const ZKernelStateEvent = z.object({
  type: z.literal('state'),
  kernelId: z.string(),
  projectId: z.string(),
  notebookId: z.string().nullable(),
  userId: z.string(),
  state: ZKernelState,
  reason: z.string().nullable(),
  detail: z.string().nullable(),
  /** ISO 8601 instant of the transition. */
  at: z.string(),
  /** The same state in Jupyter's words (`starting`, `idle`, `busy`, `restarting`, `terminating`, `dead`). */
  executionState: z.string(),
});
export type TKernelStateEvent = z.infer<typeof ZKernelStateEvent>;

const ZKernelRef = {
  kernelId: z.string(),
  projectId: z.string(),
  notebookId: z.string().nullable(),
  userId: z.string(),
};

/** A launch step while the kernel is `provisioning`/`starting` (pod scheduled, waiting for capacity, …). */
export const ZKernelProgressEvent = z.object({
  type: z.literal('progress'),
  ...ZKernelRef,
  progress: ZLaunchProgress,
});
export type TKernelProgressEvent = z.infer<typeof ZKernelProgressEvent>;

/** A Spark kernel's executors changed (count or states); carries the whole list. */
export const ZKernelExecutorsEvent = z.object({
  type: z.literal('executors'),
  ...ZKernelRef,
  executors: z.array(ZExecutor),
  /** ISO 8601. */
  at: z.string(),
});
export type TKernelExecutorsEvent = z.infer<typeof ZKernelExecutorsEvent>;

/**
 * A kernel is about to be culled (the gateway's warn lead ahead, once per quiet spell): `idle`
 * = no activity for the environment's idle timeout, `no-client` = no websocket client for its
 * no-client timeout. `POST /api/kernels/{id}/activity` ("Keep running") postpones it.
 */
export const ZKernelCullWarningEvent = z.object({
  type: z.literal('cull-warning'),
  ...ZKernelRef,
  cause: z.enum(['idle', 'no-client']),
  /** ISO 8601: when the kernel is culled unless someone keeps it. */
  cullAt: z.string(),
});
export type TKernelCullWarningEvent = z.infer<typeof ZKernelCullWarningEvent>;

/** Someone kept a warned kernel running (its clocks were reset): pages drop their warning. */
export const ZKernelKeptEvent = z.object({
  type: z.literal('kept'),
  ...ZKernelRef,
  /** ISO 8601. */
  at: z.string(),
});
export type TKernelKeptEvent = z.infer<typeof ZKernelKeptEvent>;

/** Every event kind `GET /api/events` sends. */
export const ZKernelEvent = z.discriminatedUnion('type', [ZKernelStateEvent, ZKernelProgressEvent, ZKernelExecutorsEvent, ZKernelCullWarningEvent, ZKernelKeptEvent]);
export type TKernelEvent = z.infer<typeof ZKernelEvent>;

/** One `data:` line of the `GET /api/events` stream, or null for a malformed line or an event kind this client does not know. */
export function readKernelEvent(data: string): TKernelEvent | null {
  let raw: unknown;
  try {
    raw = JSON.parse(data);
  } catch {
    return null;
  }
  const parsed = ZKernelEvent.safeParse(raw);
  return parsed.success ? parsed.data : null;
}
