import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { eq, inArray, isNull } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { TEnvironmentSpec } from '../../common/environment';
import type { TDb } from '../../db/client';
import { environments, kernels, platformSettings, poolKernels } from '../../db/schema';
import type { GatewayMetrics } from '../metrics/gateway-metrics';
import { provisionerFactory, type TProvisionerRegistry } from '../provisioners/registry';
import { newKernelRecord, type TKernelRecord } from './kernel-record';
import { approvedKernels, toEnvironmentSpec, withApprovedKernel } from './kernelspecs';
import { ManagedKernel, type TManagedKernelDeps } from './managed-kernel';
import { PoolKernelStore, PoolLedger } from './pool-kernel-store';

export interface TWarmPoolOptions {
  db: TDb;
  registry: TProvisionerRegistry;
  logger: Logger;
  /** The gateway's data dir; the ledger lives in `<dataDir>/pool/`. */
  dataDir: string;
  /** How often pool sizes are re-read from `environments.pool_size` and pools refilled. */
  refreshMs: number;
  /** Pool kernels starting at once, across environments. */
  maxStarting: number;
  /** This gateway's id, on the `pool_kernels` rows admins see. */
  gatewayId: string;
  /** The deps every kernel gets, with the store swapped for the pooled kernel's own. */
  kernelDeps: (store: PoolKernelStore) => TManagedKernelDeps;
  metrics?: GatewayMetrics;
}

interface TPoolEntry {
  spec: TEnvironmentSpec;
  target: number;
  ready: Array<{ kernel: ManagedKernel; store: PoolKernelStore }>;
  /** Kernels being started, with their start (which retires them if the pool no longer wants them). */
  starting: Map<ManagedKernel, Promise<void>>;
}

/** A pooled kernel handed to one launch, to be finished with `handOver` (or `discard`). */
export interface TPoolClaim {
  kernel: ManagedKernel;
  store: PoolKernelStore;
}

/** How long the environment of a claimed kernel may take to be set (python kernels). */
const ENV_APPLY_TIMEOUT_MS = 10_000;

/**
 * Warm pools (one per global environment with `pool_size` > 0): kernels started ahead of
 * demand, owned by no one, so that a launch finds one ready at once.
 * - Only admins configure pools: project templates never have one (`withApprovedKernel`), and
 *   all pools together hold at most the platform pool budget (`platform_settings.pool_budget`),
 *   shared out one kernel per environment in turn; a lowered budget retires ready surplus.
 * - Each pool kernel has a `pool_kernels` row while it waits, so admins see it (marked pooled);
 *   the row goes when a launch claims the kernel or the pool retires it.
 * - A launch `take`s a ready kernel synchronously (so exactly one launch gets it), the
 *   manager admits it under the caller (a normal `kernels` row), then `handOver` stamps it
 *   with owner, project and notebook and sets the launch's `KERNEL_*` variables in it.
 * - A pooled kernel is handed out once; after that it is an ordinary kernel and is never
 *   returned to the pool: stopping it ends it.
 * - Pools refill in the background, one kernel at a time by default (LATTICE_POOL_MAX_STARTING),
 *   and follow `pool_size` and template edits (stale kernels are retired) every refresh.
 * - Pool kernels are stopped when the gateway exits; ones a killed gateway left behind are
 *   reaped at start-up from the ledger (see pool-kernel-store.ts).
 */
export class WarmPool {
  private readonly entries = new Map<string, TPoolEntry>();
  private readonly ledger: PoolLedger;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private refreshing: Promise<void> | null = null;
  /** Pool kernels allowed across all environments; re-read every refresh. 0 until first read. */
  private budget = 0;

  constructor(private readonly opts: TWarmPoolOptions) {
    this.ledger = new PoolLedger(path.join(opts.dataDir, 'pool'));
  }

  /** Reaps leftovers of an earlier gateway, then starts the refresh loop. */
  async start(): Promise<void> {
    await this.reapLeftovers();
    this.timer = setInterval(() => void this.refresh(), this.opts.refreshMs);
    this.timer.unref();
    void this.refresh();
  }

  /** Sizes and counts per environment (metrics). */
  stats(): Array<{ environment: string; target: number; ready: number; starting: number }> {
    return [...this.entries.values()].map((e) => ({ environment: e.spec.slug, target: e.target, ready: e.ready.length, starting: e.starting.size }));
  }

  /**
   * A ready kernel of exactly this environment snapshot, removed from the pool; null when
   * the environment has no pool (`off`) or none is ready (`miss`, counted).
   */
  take(spec: TEnvironmentSpec): TPoolClaim | null {
    const entry = this.entries.get(spec.id);
    if (!entry || entry.target === 0) return null;
    if (!sameSpec(entry.spec, spec)) {
      // The template changed since these kernels started: they would run the old hardware.
      this.retireReady(entry);
      entry.spec = spec;
    }
    let claim: TPoolClaim | undefined;
    while ((claim = entry.ready.shift())) {
      if (claim.kernel.isRunning) break;
      void this.retire(claim.kernel);
    }
    void this.refresh();
    if (!claim) {
      this.opts.metrics?.poolMisses.inc({ environment: spec.slug });
      return null;
    }
    this.opts.metrics?.poolHits.inc({ environment: spec.slug });
    return claim;
  }

  /**
   * Makes a taken kernel the launch's: `record` (its row, already admitted with the same id)
   * replaces the pooled identity, the launch's `KERNEL_*` variables are set in the kernel
   * (Python kernels; others keep the pool's environment), and it becomes `idle` at once.
   */
  async handOver(claim: TPoolClaim, record: TKernelRecord, env: Record<string, string>): Promise<void> {
    const { kernel, store } = claim;
    if (kernel.record.environment.language === 'python') await this.applyEnv(kernel, env);
    Object.assign(kernel.record, { ...record, state: 'queued', pooled: false });
    await store.claim(record.id);
    await this.forgetRow(record.id);
    kernel.adoptFromPool();
    kernel.logger.info({ environment: record.environment.slug }, 'warm-pool kernel handed over');
  }

  /** A taken kernel whose launch was refused: stopped, never offered again. */
  discard(claim: TPoolClaim): void {
    void this.retire(claim.kernel);
  }

  /** Re-reads pool sizes, drops dead or surplus kernels, starts missing ones. */
  refresh(): Promise<void> {
    this.refreshing ??= this.refreshOnce().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async refreshOnce(): Promise<void> {
    if (this.closed) return;
    let rows: Array<typeof environments.$inferSelect>;
    try {
      rows = await this.opts.db.select().from(environments).where(isNull(environments.archivedAt));
      this.budget = await this.readBudget();
    } catch (err) {
      this.opts.logger.warn({ err }, 'warm pool: could not read environments or the pool budget');
      return;
    }
    const globals = approvedKernels(rows);
    const seen = new Set<string>();
    for (const row of rows) {
      // Only local kernels can wait unowned: a pod lives in its project's namespace. Nor do
      // templates with software of their own: a pooled kernel has no user, so no user layer.
      if (row.provisioner !== 'local' || !this.opts.registry.has(row.provisioner) || row.softwareBuildId) continue;
      let spec: TEnvironmentSpec;
      try {
        // A project template's row may carry a pool size (from before only admins set it): never used.
        const approved = withApprovedKernel(row, globals);
        if (!approved) continue;
        spec = toEnvironmentSpec(approved);
      } catch {
        continue;
      }
      seen.add(spec.id);
      const entry = this.entries.get(spec.id);
      if (!entry) {
        if (spec.poolSize > 0) this.entries.set(spec.id, { spec, target: spec.poolSize, ready: [], starting: new Map() });
        continue;
      }
      entry.target = spec.poolSize;
      if (!sameSpec(entry.spec, spec)) {
        this.retireReady(entry);
        entry.spec = spec;
      }
    }
    for (const [id, entry] of this.entries) if (!seen.has(id)) entry.target = 0;

    for (const [id, entry] of this.entries) {
      for (const claim of [...entry.ready]) {
        if ((await claim.kernel.provisioner.poll().catch(() => null)) !== null || !claim.kernel.isRunning) {
          entry.ready.splice(entry.ready.indexOf(claim), 1);
          void this.retire(claim.kernel);
        }
      }
      while (entry.ready.length > 0 && entry.ready.length + entry.starting.size > entry.target) void this.retire(entry.ready.pop()!.kernel);
    }
    // Over the budget (it was lowered): retire ready kernels from the largest pools first.
    for (let excess = this.pooledCount() - this.budget; excess > 0; excess--) {
      const largest = [...this.entries.values()].filter((e) => e.ready.length > 0).sort((a, b) => b.ready.length + b.starting.size - (a.ready.length + a.starting.size))[0];
      if (!largest) break;
      void this.retire(largest.ready.pop()!.kernel);
    }
    for (const [id, entry] of this.entries) if (entry.target === 0 && entry.ready.length === 0 && entry.starting.size === 0) this.entries.delete(id);
    this.fill();
  }

  /** Ready and starting pool kernels, across environments: what the pool budget bounds. */
  private pooledCount(): number {
    return [...this.entries.values()].reduce((n, e) => n + e.ready.length + e.starting.size, 0);
  }

  /** The platform pool budget (the settings row is created with its defaults if missing, as the web does). */
  private async readBudget(): Promise<number> {
    await this.opts.db.insert(platformSettings).values({ id: 1 }).onConflictDoNothing({ target: platformSettings.id });
    const [row] = await this.opts.db.select({ poolBudget: platformSettings.poolBudget }).from(platformSettings).limit(1);
    return row.poolBudget;
  }

  /**
   * Starts kernels where pools are short, up to maxStarting at once and within the pool
   * budget, one per short environment in turn so that one large pool cannot take it all.
   */
  private fill(): void {
    const startingNow = () => [...this.entries.values()].reduce((n, e) => n + e.starting.size, 0);
    const short = (e: TPoolEntry) => e.ready.length + e.starting.size < e.target;
    let progressed = true;
    while (progressed && !this.closed) {
      progressed = false;
      for (const entry of this.entries.values()) {
        if (!short(entry) || startingNow() >= this.opts.maxStarting || this.pooledCount() >= this.budget) continue;
        this.startOne(entry);
        progressed = true;
      }
    }
  }

  private startOne(entry: TPoolEntry): void {
    const spec = entry.spec;
    const factory = provisionerFactory(this.opts.registry, spec.provisioner);
    const id = randomUUID();
    const logger = this.opts.logger.child({ kernelId: id, pool: spec.slug });
    // Owner and project are set when a launch claims it; until then it is in no one's view.
    const record = newKernelRecord({ id, projectId: '', notebookId: null, userId: '', environment: spec, kernelspecName: spec.slug, pooled: true });
    const store = new PoolKernelStore(this.opts.db, this.ledger, spec.provisioner);
    const kernel = new ManagedKernel(record, factory.create({ kernelId: id, logger }), { kernelId: id, environment: spec, env: {} }, this.opts.kernelDeps(store));
    const began = Date.now();
    // The row is written before the kernel starts, so it is never left behind by a later delete.
    const started = this.recordRow(id, spec.id).then(() => kernel.start()).then(
      async () => {
        entry.starting.delete(kernel);
        if (this.closed || entry.spec !== spec || entry.ready.length >= entry.target) {
          await this.retire(kernel);
        } else {
          entry.ready.push({ kernel, store });
          logger.info({ ms: Date.now() - began }, 'warm-pool kernel ready');
          await this.opts.db
            .update(poolKernels)
            .set({ state: 'ready', readyAt: new Date() })
            .where(eq(poolKernels.id, id))
            .catch((err) => logger.warn({ err }, 'could not mark the pool kernel ready'));
        }
        this.fill();
      },
      async (err: Error) => {
        entry.starting.delete(kernel);
        await this.ledger.remove(id);
        await this.forgetRow(id);
        // Not retried until the next refresh: a broken template must not spin.
        logger.warn({ err: err.message }, 'warm-pool kernel failed to start');
      },
    );
    entry.starting.set(kernel, started);
  }

  private retireReady(entry: TPoolEntry): void {
    for (const { kernel } of entry.ready.splice(0)) void this.retire(kernel);
  }

  /** Stops a pool kernel for good and forgets it. */
  private async retire(kernel: ManagedKernel): Promise<void> {
    await kernel.operationDone();
    await kernel.stop(null, 'Warm-pool kernel retired.').catch((err) => kernel.logger.warn({ err }, 'warm-pool kernel stop failed'));
    await this.ledger.remove(kernel.record.id);
    await this.forgetRow(kernel.record.id);
  }

  /** The `pool_kernels` row admins see; a failed write costs visibility, never the kernel. */
  private async recordRow(id: string, environmentId: string): Promise<void> {
    await this.opts.db
      .insert(poolKernels)
      .values({ id, environmentId, gatewayId: this.opts.gatewayId })
      .catch((err) => this.opts.logger.warn({ err, kernelId: id }, 'could not record the pool kernel'));
  }

  private async forgetRow(...ids: string[]): Promise<void> {
    if (!ids.length) return;
    await this.opts.db
      .delete(poolKernels)
      .where(inArray(poolKernels.id, ids))
      .catch((err) => this.opts.logger.warn({ err }, 'could not delete pool kernel rows'));
  }

  /**
   * Sets the launch's variables in a Python kernel's `os.environ` with a silent execute
   * (no history, no output): the pooled process was started before anyone asked for it.
   */
  private async applyEnv(kernel: ManagedKernel, env: Record<string, string>): Promise<void> {
    const code = `import os as __lattice_os\n__lattice_os.environ.update(${JSON.stringify(env)})\ndel __lattice_os`;
    try {
      await kernel.request(
        'shell',
        'execute_request',
        { code, silent: true, store_history: false, user_expressions: {}, allow_stdin: false, stop_on_error: false },
        ENV_APPLY_TIMEOUT_MS,
      );
    } catch (err) {
      kernel.logger.warn({ err: (err as Error).message }, 'could not set the launch environment in a warm-pool kernel');
    }
  }

  /** Pool kernels a killed gateway left behind: stopped, unless a launch had claimed them. */
  private async reapLeftovers(): Promise<void> {
    const leftovers = await this.ledger.leftovers();
    await this.forgetRow(...leftovers.map((l) => l.kernelId));
    for (const left of leftovers) {
      const [row] = await this.opts.db.select({ id: kernels.id }).from(kernels).where(eq(kernels.id, left.kernelId));
      if (!row && this.opts.registry.has(left.provisioner)) {
        const logger = this.opts.logger.child({ kernelId: left.kernelId });
        try {
          const provisioner = provisionerFactory(this.opts.registry, left.provisioner).fromInfo(left.info, { kernelId: left.kernelId, logger });
          if ((await provisioner.poll()) === null) await provisioner.kill({ restart: false });
          await provisioner.cleanup({ restart: false });
          logger.info('reaped a warm-pool kernel left by an earlier gateway');
        } catch (err) {
          logger.warn({ err: (err as Error).message }, 'could not reap a leftover warm-pool kernel');
        }
      }
      await this.ledger.remove(left.kernelId);
    }
  }

  /** Gateway exit: pool kernels are cheap to make again, so they are always stopped. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await this.refreshing;
    const ready = [...this.entries.values()].flatMap((e) => e.ready.splice(0).map((c) => c.kernel));
    const starting = [...this.entries.values()].flatMap((e) => [...e.starting.values()]);
    await Promise.all([...ready.map((kernel) => this.retire(kernel)), ...starting]);
    this.entries.clear();
  }
}

function sameSpec(a: TEnvironmentSpec, b: TEnvironmentSpec): boolean {
  // poolSize is not part of what a kernel runs with.
  return JSON.stringify({ ...a, poolSize: 0 }) === JSON.stringify({ ...b, poolSize: 0 });
}
