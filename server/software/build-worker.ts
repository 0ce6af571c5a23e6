import { and, eq, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { TSoftwareBase } from '../../common/software';
import type { TDb } from '../../db/client';
import { softwareBuilds } from '../../db/schema';
import { BuildFailure, type TBuildJob, type TSoftwareBuilder } from './software-builder';

/** The build log a row keeps: its last 64 KiB (installers are chatty; the end says why). */
const MAX_LOG = 64 * 1024;
/** A build whose gateway has not written for this long is taken over (that gateway died). */
const STALE_AFTER_S = 60;
const FLUSH_MS = 1000;

interface TBuildWorkerOptions {
  db: TDb;
  gatewayId: string;
  builders: readonly TSoftwareBuilder[];
  pollMs: number;
  timeoutMs: number;
  logger: Logger;
}

/**
 * Builds queued software environments, one at a time per gateway (a build takes cores and the
 * network; kernels need them more). Templates queue builds (lib/software); any gateway with a
 * builder for the base claims one with `for update skip locked`, so each is built once. The row
 * carries the build's step and log while it runs, its lock and size or the installer's error after.
 */
export class SoftwareBuildWorker {
  private timer: NodeJS.Timeout | null = null;
  private current: { id: string; abort: AbortController; done: Promise<void> } | null = null;
  private stopped = false;

  constructor(private readonly opts: TBuildWorkerOptions) {}

  start(): void {
    const tick = async () => {
      if (this.stopped) return;
      try {
        await this.pollOnce();
      } catch (err) {
        this.opts.logger.warn({ err }, 'software builds: poll failed');
      }
      if (!this.stopped) this.timer = setTimeout(tick, this.opts.pollMs);
    };
    this.timer = setTimeout(tick, 0);
  }

  /** Stops the build in progress and queues it again for whichever gateway runs next. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    const current = this.current;
    if (!current) return;
    current.abort.abort();
    await current.done;
    await this.opts.db
      .update(softwareBuilds)
      .set({ state: 'queued', step: null, builderId: null, heartbeatAt: null })
      .where(and(eq(softwareBuilds.id, current.id), eq(softwareBuilds.state, 'building')));
  }

  /** Takes over dead gateways' builds, then claims and runs one queued build (if any). */
  async pollOnce(): Promise<void> {
    if (this.current) return;
    await this.opts.db.execute(sql`
      update software_builds set state = 'queued', step = null, builder_id = null, heartbeat_at = null
      where state = 'building' and heartbeat_at < now() - make_interval(secs => ${STALE_AFTER_S})`);
    const job = await this.claim();
    if (!job) return;
    const abort = new AbortController();
    const done = this.run(job, abort.signal);
    this.current = { id: job.id, abort, done };
    await done.finally(() => (this.current = null));
  }

  private async claim(): Promise<TBuildJob | null> {
    return this.opts.db.transaction(async (tx) => {
      const queued = await tx.execute<{ id: string; base: TSoftwareBase; requirements: string }>(sql`
        select id, base, requirements from software_builds where state = 'queued'
        order by created_at for update skip locked limit 20`);
      const job = queued.rows.find((r) => this.builderFor(r.base));
      if (!job) return null;
      await tx
        .update(softwareBuilds)
        .set({ state: 'building', step: 'Starting', log: '', error: null, builderId: this.opts.gatewayId, startedAt: new Date(), heartbeatAt: new Date() })
        .where(eq(softwareBuilds.id, job.id));
      return job;
    });
  }

  private builderFor(base: TSoftwareBase): TSoftwareBuilder | undefined {
    return this.opts.builders.find((b) => b.handles(base));
  }

  private async run(job: TBuildJob, signal: AbortSignal): Promise<void> {
    const { db, logger } = this.opts;
    const started = Date.now();
    let log = '';
    let step: string | null = null;
    let dirty = false;
    const flush = async () => {
      if (!dirty) {
        await db.update(softwareBuilds).set({ heartbeatAt: new Date() }).where(eq(softwareBuilds.id, job.id));
        return;
      }
      dirty = false;
      await db.update(softwareBuilds).set({ step, log, heartbeatAt: new Date() }).where(eq(softwareBuilds.id, job.id));
    };
    let flushing: Promise<void> = Promise.resolve();
    const flusher = setInterval(() => {
      flushing = flush().catch((err) => logger.warn({ err, build: job.id }, 'software build: could not write progress'));
    }, FLUSH_MS);
    // The last progress write lands before the outcome, never over it.
    const stopFlushing = async () => {
      clearInterval(flusher);
      await flushing;
    };
    const timeout = AbortSignal.timeout(this.opts.timeoutMs);
    const both = AbortSignal.any([signal, timeout]);
    try {
      const result = await this.builderFor(job.base)!.build(job, {
        step: (text) => {
          step = text;
          dirty = true;
          log = tail(`${log}--- ${text}\n`);
        },
        log: (chunk) => {
          log = tail(log + chunk);
          dirty = true;
        },
        signal: both,
      });
      await stopFlushing();
      await db
        .update(softwareBuilds)
        .set({ state: 'ready', step: null, log, lock: result.lock, lockHash: result.lockHash, sizeBytes: result.sizeBytes, finishedAt: new Date(), heartbeatAt: new Date() })
        .where(eq(softwareBuilds.id, job.id));
      logger.info({ build: job.id, base: job.base, lockHash: result.lockHash, seconds: (Date.now() - started) / 1000 }, 'software environment built');
    } catch (err) {
      await stopFlushing();
      if (signal.aborted) return; // stop() queues it again
      const message = timeout.aborted
        ? `The build took longer than ${Math.round(this.opts.timeoutMs / 60000)} minutes and was stopped.`
        : err instanceof BuildFailure
          ? err.message
          : `The build could not run here: ${(err as Error).message}`;
      if (!(err instanceof BuildFailure)) logger.error({ err, build: job.id }, 'software build: failed to run');
      await db
        .update(softwareBuilds)
        .set({ state: 'failed', step: null, log, error: message, finishedAt: new Date(), heartbeatAt: new Date() })
        .where(eq(softwareBuilds.id, job.id));
      logger.info({ build: job.id, base: job.base }, 'software build failed');
    }
  }
}

function tail(text: string): string {
  return text.length > MAX_LOG ? text.slice(text.length - MAX_LOG) : text;
}
