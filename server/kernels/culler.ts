/** Why a kernel is culled: nothing happened in it (`idle`), or no client was connected (`no-client`). */
export type TCullCause = 'idle' | 'no-client';

/** What the culler reads of one kernel (from the live `ManagedKernel` and its launch snapshot). */
export interface TCullClock {
  /** Idle with no lifecycle operation under way: the only state a kernel is culled in. */
  idle: boolean;
  lastActivityAt: Date;
  /** Since when no websocket client has been connected; null while one is. */
  noClientSince: Date | null;
  idleTimeoutS: number;
  noClientTimeoutS: number;
}

/** The cull a kernel is heading for; `period` names the quiet spell, so it is announced once. */
export interface TCullPlan {
  cause: TCullCause;
  cullAt: Date;
  period: string;
}

export type TCullStep = { action: 'none' } | { action: 'warn'; plan: TCullPlan } | { action: 'cull'; plan: TCullPlan };

/**
 * The earliest cull ahead of an idle kernel, as jupyter_server's `cull_idle_timeout` with
 * `cull_busy = False`, plus a no-client timeout: a kernel nobody is connected to (its tab
 * closed, or started by REST and never connected to) stops costing after that, however
 * recently it ran. Open connections do not keep a kernel alive against the idle timeout: a
 * tab left open overnight must not hold compute (and budget). A busy kernel is never culled.
 */
export function nextCull(clock: TCullClock): TCullPlan | null {
  if (!clock.idle) return null;
  const idle: TCullPlan = {
    cause: 'idle',
    cullAt: new Date(clock.lastActivityAt.getTime() + clock.idleTimeoutS * 1000),
    period: `idle:${clock.lastActivityAt.getTime()}`,
  };
  if (!clock.noClientSince) return idle;
  const noClient: TCullPlan = {
    cause: 'no-client',
    cullAt: new Date(clock.noClientSince.getTime() + clock.noClientTimeoutS * 1000),
    period: `no-client:${clock.noClientSince.getTime()}`,
  };
  return noClient.cullAt < idle.cullAt ? noClient : idle;
}

/** How long ahead a cull is announced: `warnLeadS`, but never more than half the timeout. */
function warnLeadMs(plan: TCullPlan, clock: TCullClock, warnLeadS: number): number {
  const timeoutS = plan.cause === 'idle' ? clock.idleTimeoutS : clock.noClientTimeoutS;
  return Math.min(warnLeadS, timeoutS / 2) * 1000;
}

/**
 * One culling pass's decision for one kernel. `warned` is the period last announced for it:
 * a period is announced once, and a kernel is culled only after its period was announced
 * (if the pass that would have warned was missed, the warning comes first and the cull at
 * the next pass), so an open notebook always gets the chance to keep its kernel.
 */
export function cullStep(clock: TCullClock, now: Date, warnLeadS: number, warned: string | null): TCullStep {
  const plan = nextCull(clock);
  if (!plan) return { action: 'none' };
  const announced = warned === plan.period;
  if (announced && now >= plan.cullAt) return { action: 'cull', plan };
  if (!announced && now.getTime() >= plan.cullAt.getTime() - warnLeadMs(plan, clock, warnLeadS)) return { action: 'warn', plan };
  return { action: 'none' };
}

function span(seconds: number): string {
  return seconds >= 60 ? `${Math.round(seconds / 60)} min` : `${seconds} s`;
}

/** The `detail` of a culled kernel, saying which timeout ended it. */
export function cullDetail(cause: TCullCause, clock: Pick<TCullClock, 'idleTimeoutS' | 'noClientTimeoutS'>): string {
  return cause === 'idle'
    ? `Stopped after ${span(clock.idleTimeoutS)} without activity (the environment's idle timeout); the notebook is unchanged.`
    : `No notebook or client was connected for ${span(clock.noClientTimeoutS)} (the environment's no-client timeout), so the kernel was stopped; the notebook is unchanged.`;
}
