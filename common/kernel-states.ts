import { z } from 'zod';

/**
 * Kernel lifecycle (DESIGN 4.3). One enum for the gateway, the web and the database.
 * queued → provisioning → starting → idle ⇄ busy → (restarting) → stopping → stopped;
 * `failed` = never became ready, `dead` = was running and went away.
 */
export const KERNEL_STATES = [
  'queued',
  'provisioning',
  'starting',
  'idle',
  'busy',
  'restarting',
  'stopping',
  'stopped',
  'failed',
  'dead',
] as const;
export const ZKernelState = z.enum(KERNEL_STATES);
export type TKernelState = z.infer<typeof ZKernelState>;

/** Why a kernel is `failed` or `dead` (or why it was stopped). */
export const KERNEL_REASONS = [
  'oom-killed',
  'crashed',
  'evicted',
  'culled',
  'exited',
  'error',
  'timeout',
  'unschedulable',
  'image-pull',
  'gateway-lost',
  'quota',
  'user-request',
  'revoked',
] as const;
export const ZKernelReason = z.enum(KERNEL_REASONS);
export type TKernelReason = z.infer<typeof ZKernelReason>;

export const TERMINAL_STATES: ReadonlySet<TKernelState> = new Set(['stopped', 'failed', 'dead']);

/** States in which a kernel holds resources (and counts against quotas). */
export const ACTIVE_STATES: readonly TKernelState[] = KERNEL_STATES.filter((s) => !TERMINAL_STATES.has(s));

export function isTerminal(state: TKernelState): boolean {
  return TERMINAL_STATES.has(state);
}

/**
 * The `execution_state` Jupyter clients understand, derived from a Lattice state.
 * jupyter_server only knows starting/idle/busy/restarting/dead (and `unknown`).
 */
export function toExecutionState(state: TKernelState): string {
  switch (state) {
    case 'queued':
    case 'provisioning':
    case 'starting':
      return 'starting';
    case 'idle':
    case 'busy':
    case 'restarting':
      return state;
    case 'stopping':
      return 'terminating';
    default:
      return 'dead';
  }
}

const REASON_LABELS: Record<TKernelReason, string> = {
  'oom-killed': 'out of memory',
  crashed: 'crashed',
  evicted: 'evicted',
  culled: 'stopped after being idle',
  exited: 'exited',
  error: 'error',
  timeout: 'did not start in time',
  unschedulable: 'waiting for capacity',
  'image-pull': 'image could not be pulled',
  'gateway-lost': 'lost while the gateway was down',
  quota: 'over quota',
  'user-request': 'stopped by a user',
  revoked: 'stopped: no longer allowed to run',
};

/** A phrase a person understands, for badges and tooltips. */
export function describeReason(reason: string | null | undefined): string {
  if (!reason) return '';
  return REASON_LABELS[reason as TKernelReason] ?? reason;
}
