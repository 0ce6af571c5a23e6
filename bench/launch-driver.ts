import type { PodWatch } from './pod-watch';

/** One launch as the benchmark saw it (`performance.now()` ms); null = never happened. */
export interface TLaunch {
  /** The launch's pod, once the watch saw it. */
  pod: string | null;
  started: number;
  created: number | null;
  scheduled: number | null;
  running: number | null;
  /** Why the launch failed: no Running pod in time, or its request answered with an error (even after the pod ran). */
  error: string | null;
}

/**
 * Launches `count` pods, at most `concurrency` in progress at once, where a launch is in
 * progress from its start until the watch shows its pod Running: both sides of the
 * benchmark get the same definition, whatever their requests do after that (a gateway's
 * POST /api/kernels stays open until the kernel answers, which a simulated pod never does).
 * `launch(i)` starts launch i, whose pod the watch knows by the key `String(i)`; its
 * promise rejecting before the pod runs fails that launch.
 */
export async function driveLaunches(opts: {
  count: number;
  concurrency: number;
  watch: PodWatch;
  launch(i: number): Promise<unknown>;
  /** How long one launch may take to reach Running before it counts as failed. */
  timeoutMs: number;
}): Promise<TLaunch[]> {
  const launches: TLaunch[] = [];
  let next = 0;
  const worker = async () => {
    while (next < opts.count) {
      const i = next++;
      const entry: TLaunch = { pod: null, started: performance.now(), created: null, scheduled: null, running: null, error: null };
      launches[i] = entry;
      const request = opts.launch(i);
      // A request may also fail after its pod ran (the gateway gave up on the kernel): the
      // entry stays live, so callers copy the launches when their measurement window ends.
      request.catch((err: Error) => {
        entry.error ??= err.message;
      });
      try {
        await Promise.race([opts.watch.running(String(i), opts.timeoutMs), request.then(() => new Promise(() => undefined))]);
      } catch (err) {
        entry.error = (err as Error).message;
      }
      const times = opts.watch.pods.get(String(i));
      entry.pod = times?.name ?? null;
      entry.created = times?.created ?? null;
      entry.scheduled = times?.scheduled ?? null;
      entry.running = times?.running ?? null;
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency, opts.count) }, worker));
  return launches;
}
