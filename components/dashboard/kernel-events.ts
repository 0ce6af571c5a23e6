import { ZKernelState, type TKernelState } from '@/common/kernel-states';

/** What one gateway event says about one kernel (anything it leaves out is unchanged). */
export interface TKernelChange {
  kernelId: string;
  state?: TKernelState;
  reason?: string | null;
  detail?: string | null;
  usage?: { cpuM: number; memoryMib: number; sampledAt: string } | null;
}

/**
 * Event names the dashboard listens to on `GET /api/events` besides the default `message`:
 * EventSource delivers a named event only to listeners for that name.
 */
export const KERNEL_EVENT_NAMES = ['kernel', 'kernel-state', 'kernel_state', 'state', 'status', 'usage', 'sample'] as const;

const obj = (v: unknown): Record<string, unknown> | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * Reads one event's JSON into a kernel change, tolerating the shapes a Jupyter-style gateway
 * sends: a kernel model (`{id, lattice: {state, reason, detail}}`), an envelope around one
 * (`{type, kernel: …}`), or a flat transition (`{kernelId, from, to|state, reason, detail}`),
 * optionally with a resource sample (`usage: {cpuM, memoryMib, sampledAt}`). Anything else
 * (heartbeats, unknown types) is null — the dashboard then simply re-reads its data.
 */
export function parseKernelEvent(data: string): TKernelChange | null {
  let raw: unknown;
  try {
    raw = JSON.parse(data);
  } catch {
    return null;
  }
  const top = obj(raw);
  if (!top) return null;
  const body = obj(top.kernel) ?? obj(top.data) ?? top;
  const lattice = obj(body.lattice) ?? body;
  const kernelId = str(body.id) ?? str(body.kernelId) ?? str(body.kernel_id) ?? str(top.kernelId) ?? str(top.kernel_id);
  if (!kernelId) return null;
  const change: TKernelChange = { kernelId };
  const state = ZKernelState.safeParse(lattice.state ?? lattice.to ?? lattice.toState ?? lattice.to_state);
  if (state.success) change.state = state.data;
  if ('reason' in lattice) change.reason = str(lattice.reason) ?? null;
  if ('detail' in lattice) change.detail = str(lattice.detail) ?? null;
  const usage = obj(lattice.usage ?? body.usage ?? top.usage);
  if (usage && typeof usage.cpuM === 'number' && typeof usage.memoryMib === 'number') {
    change.usage = { cpuM: usage.cpuM, memoryMib: usage.memoryMib, sampledAt: str(usage.sampledAt) ?? new Date().toISOString() };
  }
  return change;
}
