/**
 * A code cell's execution timing, recorded in `metadata.execution` exactly as JupyterLab's
 * `recordTiming` does: the kernel's own timestamps (message header dates, ISO 8601) of
 * `iopub.status.busy`, `iopub.execute_input`, `shell.execute_reply.started` (the reply's
 * metadata), `shell.execute_reply` and `iopub.status.idle`.
 */

type TMetadata = Record<string, unknown>;
export type TExecutionTiming = Record<string, string>;

export const TIMING_KEYS = ['iopub.status.busy', 'iopub.execute_input', 'shell.execute_reply.started', 'shell.execute_reply', 'iopub.status.idle'] as const;

/** The timing entry an iopub message of the run gives (status and execute_input), or null. */
export function timingFromIOPub(msgType: string, content: Record<string, unknown>, date: string | undefined): TExecutionTiming | null {
  if (!date) return null;
  if (msgType === 'execute_input') return { 'iopub.execute_input': date };
  if (msgType === 'status' && typeof content.execution_state === 'string') return { [`iopub.status.${content.execution_state}`]: date };
  return null;
}

/** The entries the execute_reply gives: when the kernel started the request (its metadata's `started`) and replied. */
export function timingFromReply(reply: { date?: string; started?: string }): TExecutionTiming {
  return {
    ...(reply.started ? { 'shell.execute_reply.started': reply.started } : {}),
    // JupyterLab falls back to the browser's clock when the reply has no date.
    'shell.execute_reply': reply.date || new Date().toISOString(),
  };
}

function timingOf(metadata: TMetadata): TExecutionTiming {
  const e = metadata.execution;
  if (typeof e !== 'object' || e === null || Array.isArray(e)) return {};
  return Object.fromEntries(Object.entries(e).filter((kv): kv is [string, string] => typeof kv[1] === 'string'));
}

/** Metadata with these timing entries added to `execution`. */
export function withTiming(metadata: TMetadata, entries: TExecutionTiming): TMetadata {
  return { ...metadata, execution: { ...timingOf(metadata), ...entries } };
}

/** Metadata without a previous run's timing (a new run starts). */
export function withoutTiming(metadata: TMetadata): TMetadata {
  if (!('execution' in metadata)) return metadata;
  const { execution: _old, ...rest } = metadata;
  return rest;
}

/** When the run started (the kernel took the code) and how long it took; `tookMs` null while it runs. */
export function executionSpan(metadata: TMetadata): { started: Date; tookMs: number | null } | null {
  const t = timingOf(metadata);
  const start = t['iopub.execute_input'] ?? t['iopub.status.busy'] ?? t['shell.execute_reply.started'];
  if (!start || Number.isNaN(Date.parse(start))) return null;
  const end = t['shell.execute_reply'];
  const tookMs = end && !Number.isNaN(Date.parse(end)) ? Math.max(0, Date.parse(end) - Date.parse(start)) : null;
  return { started: new Date(start), tookMs };
}

/** "0.3 s", "12.4 s", "2 min 5 s", "1 h 3 min". */
export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}
