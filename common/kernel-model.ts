import { z } from 'zod';
import { ZKernelState } from './kernel-states';

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

/** Every event kind `GET /api/events` sends (only `state` so far). */
export const ZKernelEvent = z.discriminatedUnion('type', [ZKernelStateEvent]);
export type TKernelEvent = z.infer<typeof ZKernelEvent>;
