import type { ChildProcess } from 'node:child_process';

export interface TBackoffPolicy {
  /** Wait before the first restart. */
  initialMs: number;
  /** Longest wait: a child that keeps failing is retried this often, forever. */
  maxMs: number;
  /** A child that ran this long was healthy: its next restart waits `initialMs` again. */
  healthyAfterMs: number;
}

export const DEFAULT_BACKOFF: TBackoffPolicy = { initialMs: 500, maxMs: 10_000, healthyAfterMs: 30_000 };

/**
 * The wait before restarting a child that ran for `ranForMs` after the previous wait was
 * `previousMs` (null: never restarted): doubling while it keeps dying young, reset once it has
 * run a while, so a crash loop does not spin and a rare crash is repaired at once.
 */
export function nextRestartDelay(previousMs: number | null, ranForMs: number, policy: TBackoffPolicy = DEFAULT_BACKOFF): number {
  if (previousMs === null || ranForMs >= policy.healthyAfterMs) return policy.initialMs;
  return Math.min(previousMs * 2, policy.maxMs);
}

/** How an exit reads in the log: `signal SIGKILL`, `code 1`. */
export function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `signal ${signal}` : `code ${code}`;
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}

export interface TSupervisorOptions {
  /** Names the child in log lines (`gateway exited …`). */
  name: string;
  /** Starts one instance of the child; called again for every restart. */
  start: () => ChildProcess;
  log: (line: string) => void;
  backoff?: TBackoffPolicy;
  /** SIGTERM → SIGKILL grace when stopping. */
  stopGraceMs?: number;
}

/**
 * Keeps one child process running: whenever it exits — crash, OOM kill, `kill -9` — it is
 * started again after a back-off ({@link nextRestartDelay}), without giving up. `stop()` ends
 * that: no restart is scheduled afterwards, a pending one is cancelled, the running child
 * is stopped. The gateway needs nothing more to recover, since it reattaches its kernels at
 * start-up (server/kernels/kernel-manager.ts).
 */
export class ProcessSupervisor {
  private current: ChildProcess;
  private startedAt = Date.now();
  private lastDelayMs: number | null = null;
  private restartTimer: NodeJS.Timeout | null = null;
  private stopping = false;
  private readonly backoff: TBackoffPolicy;

  constructor(private readonly opts: TSupervisorOptions) {
    this.backoff = opts.backoff ?? DEFAULT_BACKOFF;
    this.current = this.launch();
  }

  /** The child running now (a new object after every restart). */
  get child(): ChildProcess {
    return this.current;
  }

  /** Stops supervising and stops the child: SIGTERM, SIGKILL after the grace period. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    await stopChild(this.current, this.opts.stopGraceMs ?? 8000);
  }

  private launch(): ChildProcess {
    const child = this.opts.start();
    this.startedAt = Date.now();
    let handled = false;
    const onEnd = (why: string) => {
      if (handled) return;
      handled = true;
      this.scheduleRestart(why);
    };
    child.once('exit', (code, signal) => onEnd(describeExit(code, signal)));
    // A child that could not be spawned at all (ENOENT, EAGAIN) emits 'error' and no 'exit'.
    child.once('error', (err) => {
      if (child.pid === undefined) onEnd(`failed to start: ${err.message}`);
    });
    return child;
  }

  private scheduleRestart(why: string): void {
    if (this.stopping) return;
    const delay = nextRestartDelay(this.lastDelayMs, Date.now() - this.startedAt, this.backoff);
    this.lastDelayMs = delay;
    this.opts.log(`${this.opts.name} exited (${why}); restarting in ${formatSeconds(delay)}`);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (this.stopping) return;
      this.current = this.launch();
      this.opts.log(`${this.opts.name} restarted (pid ${this.current.pid ?? 'none'})`);
    }, delay);
  }
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the child has exited (at once if it had). */
export function stopChild(child: ChildProcess, graceMs = 8000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
