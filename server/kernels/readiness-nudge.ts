import { describeExit, KernelStartError, type TExitInfo } from '../provisioners/provisioner';

/** How often the process is polled (and, before any reply, the request re-sent) while starting. */
const POLL_INTERVAL_MS = 500;
/**
 * After the kernel has answered on shell, a silent iopub only means our subscription was not
 * connected yet when the kernel published (ZeroMQ PUB drops for late subscribers): ask again
 * soon, backing off, rather than at the next poll — this gap alone once cost ~0.5 s a launch.
 */
const IOPUB_RETRY_MS = [10, 20, 40, 80, 160, 320];

/** What the nudge needs of the kernel's owner; the owner's sockets stay its own. */
export interface TNudgeTarget {
  /** Sends a kernel_info_request; resolves when its reply arrives, rejects if the sockets close first. */
  requestKernelInfo(): Promise<unknown>;
  /** Subscribes to "an iopub message arrived"; returns the unsubscribe function. */
  onIopub(listener: () => void): () => void;
  /** The process's exit, or null while it runs. */
  poll(): Promise<TExitInfo | null>;
}

/**
 * jupyter_server's "nudge": a kernel is ready only once a kernel_info_reply AND an iopub
 * message have both arrived, which proves the shell answers and our iopub subscription is
 * live (messages published before it was are lost).
 */
export function awaitReadiness(target: TNudgeTarget, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let replied = false;
    let iopubSeen = false;
    let retry = 0;
    let retryTimer: NodeJS.Timeout | null = null;
    let done = false;
    const finish = (err?: Error) => {
      if (done) return;
      done = true;
      clearInterval(poller);
      clearTimeout(deadline);
      if (retryTimer) clearTimeout(retryTimer);
      unsubscribe();
      if (err) reject(err);
      else resolve();
    };
    const ask = () => {
      if (done) return;
      target.requestKernelInfo().then(
        () => {
          replied = true;
          if (iopubSeen) return finish();
          if (!retryTimer && retry < IOPUB_RETRY_MS.length) retryTimer = setTimeout(() => ((retryTimer = null), ask()), IOPUB_RETRY_MS[retry++]);
        },
        // The sockets closed under it (a stop during start): the poll or the deadline decides.
        () => undefined,
      );
    };
    const unsubscribe = target.onIopub(() => {
      iopubSeen = true;
      if (replied) finish();
    });
    const poller = setInterval(async () => {
      const exit = await target.poll();
      if (exit) return finish(new KernelStartError('error', `The kernel process ended (${describeExit(exit)}) before it was ready; see its log.`));
      // A DEALER queues until the kernel listens, so only a silent iopub is worth another request.
      if (!iopubSeen) ask();
    }, POLL_INTERVAL_MS);
    const deadline = setTimeout(
      () => finish(new KernelStartError('timeout', `The kernel did not answer within ${Math.round(timeoutMs / 1000)} s.`)),
      timeoutMs,
    );
    ask();
  });
}
