import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { AppError } from '../../common/errors';
import type { TKernelModel, TStartKernelBody } from '../../common/kernel-model';
import type { TDb } from '../../db/client';
import { admitLaunch, QuotaRefusal } from '../admission/admit-launch';
import { quotaHolders } from '../admission/quota-holders';
import { BudgetWatch } from '../admission/budget-watch';
import { authorizeKernel, kernelNotFound } from '../auth/access';
import type { TCaller } from '../auth/caller';
import { KernelStartError, type KernelProvisioner } from '../provisioners/provisioner';
import { ZConnectionInfo } from '../zmq/connection-info';
import { provisionerFactory, type TProvisionerRegistry } from '../provisioners/registry';
import type { TReplayLimits } from './iopub-replay';
import type { GatewayMetrics } from '../metrics/gateway-metrics';
import type { TKernelState } from '../../common/kernel-states';
import { ActivityTracker } from './activity';
import { KernelEventBus, toStateEvent } from './kernel-event-bus';
import { cullDetail, cullStep, type TCullClock } from './culler';
import { newKernelRecord, type TKernelRecord } from './kernel-record';
import { toEnvironmentSpec } from './kernelspecs';
import { kernelSoftware } from '../software/kernel-software';
import { toKernelModel } from './kernel-model';
import { resolveLaunchTarget } from './launch-target';
import { ManagedKernel, type TManagedKernelDeps } from './managed-kernel';
import { KernelStore } from './state-store';
import { WarmPool } from './warm-pool';
import { sampleKernels } from './usage-sampler';
import { visibleProjectIds } from './visibility';
import { stoppedByDetail, type TStopOrigin } from './stopped-by';

export interface TKernelManagerOptions {
  db: TDb;
  registry: TProvisionerRegistry;
  logger: Logger;
  startTimeoutMs: number;
  shutdownWaitMs: number;
  activityWriteIntervalMs: number;
  pollIntervalMs: number;
  /** CPU/memory samples and `last_seen_at` (usage-sampler.ts). */
  sampleIntervalMs: number;
  /** Culling passes (culler.ts). */
  cullIntervalMs: number;
  /** Seconds before a cull that it is announced on `/api/events` (at most half the timeout). */
  cullWarnLeadS: number;
  /** Monthly-budget checks of running kernels (admission/budget-watch.ts). */
  budgetCheckIntervalMs: number;
  kernelsOnExit: 'stop' | 'keep';
  /** State changes are published here once written (`GET /api/events`); a private bus if unset. */
  events?: KernelEventBus;
  metrics?: GatewayMetrics;
  /** Iopub replay bounds for reconnecting websocket sessions. */
  replayLimits?: TReplayLimits;
  /** Warm pools (warm-pool.ts); none if unset. */
  pool?: { dataDir: string; refreshMs: number; maxStarting: number };
}

/**
 * Owns every kernel this gateway runs (jupyter_server's MultiKernelManager): launch,
 * lookup, interrupt, restart, stop, the liveness loop and reattach. Every public method
 * takes the caller and checks their role itself, so no route can forget to.
 */
export class KernelManager {
  private readonly kernels = new Map<string, ManagedKernel>();
  private readonly store: KernelStore;
  private readonly activity: ActivityTracker;
  private readonly kernelDeps: TManagedKernelDeps;
  private readonly timers: NodeJS.Timeout[];
  private readonly budget: BudgetWatch;
  /** The quiet period last announced for each kernel (culler.ts: announced once, culled only after). */
  private readonly cullWarned = new Map<string, string>();
  /** Identifies this gateway process in `kernels.gateway_id`. */
  readonly gatewayId = randomUUID();
  readonly events: KernelEventBus;
  readonly pool: WarmPool | null;

  constructor(private readonly opts: TKernelManagerOptions) {
    this.store = new KernelStore(opts.db);
    this.activity = new ActivityTracker(this.store, opts.activityWriteIntervalMs, opts.logger);
    this.kernelDeps = {
      store: this.store,
      activity: this.activity,
      logger: opts.logger,
      startTimeoutMs: opts.startTimeoutMs,
      shutdownWaitMs: opts.shutdownWaitMs,
      events: (this.events = opts.events ?? new KernelEventBus()),
      replayLimits: opts.replayLimits,
    };
    this.pool = opts.pool
      ? new WarmPool({
          ...opts.pool,
          db: opts.db,
          registry: opts.registry,
          logger: opts.logger,
          metrics: opts.metrics,
          gatewayId: this.gatewayId,
          kernelDeps: (store) => ({ ...this.kernelDeps, store }),
        })
      : null;
    this.budget = new BudgetWatch(opts.db, opts.logger);
    this.timers = [
      setInterval(() => void this.pollAll(), opts.pollIntervalMs),
      setInterval(() => void sampleKernels(opts.db, this.runningKernels(), opts.logger), opts.sampleIntervalMs),
      setInterval(() => void this.cullIdle(), opts.cullIntervalMs),
      setInterval(() => void this.budget.check(this.runningKernels()), opts.budgetCheckIntervalMs),
    ];
    for (const timer of this.timers) timer.unref();
  }

  private runningKernels(): ManagedKernel[] {
    return [...this.kernels.values()].filter((k) => k.isRunning);
  }

  /** A kernel this gateway starts or reattaches: tracked, and its death noticed at once. */
  private track(kernel: ManagedKernel): void {
    this.kernels.set(kernel.record.id, kernel);
    kernel.provisioner.onExit?.(() => void this.pollOne(kernel));
  }

  /**
   * `POST /api/kernels`: resolves project/environment, admits it against quotas (or throws
   * QUOTA_EXCEEDED), launches, answers once the kernel is idle. Everything awaited here is
   * I/O, so many launches proceed at once while other requests are served.
   */
  async start(caller: TCaller, body: TStartKernelBody): Promise<TKernelModel> {
    const requested = Date.now();
    const target = await resolveLaunchTarget(this.opts.db, caller, body);
    // Refused while the template's software is queued, building or failed; kept by the kernel after.
    // The platform default adds no key, so the snapshot still equals a warm pool's spec.
    const software = await kernelSoftware(this.opts.db, target.environment);
    const environment = software ? { ...toEnvironmentSpec(target.environment), software } : toEnvironmentSpec(target.environment);
    const factory = provisionerFactory(this.opts.registry, environment.provisioner);
    // Taken before admission so that exactly this launch owns it; its id becomes the kernel's.
    const pooled = this.pool?.take(environment) ?? null;
    const record = newKernelRecord({
      id: pooled?.kernel.record.id ?? randomUUID(),
      projectId: target.projectId,
      notebookId: target.notebookId,
      userId: caller.userId,
      environment,
      kernelspecName: target.kernelspecName,
    });
    try {
      await admitLaunch(this.opts.db, record, this.gatewayId);
    } catch (err) {
      if (pooled) this.pool?.discard(pooled);
      if (err instanceof AppError && err.code === 'QUOTA_EXCEEDED') {
        this.events.publish(toStateEvent({ ...record, state: 'failed', reason: 'quota', detail: err.message }));
      }
      if (err instanceof QuotaRefusal) {
        const holders = await quotaHolders(this.opts.db, caller, record, err.blocks);
        throw new AppError(err.code, err.message, err.fields, { holders });
      }
      throw err;
    }
    this.events.publish(toStateEvent(record));
    if (pooled) {
      this.track(pooled.kernel);
      try {
        await this.pool!.handOver(pooled, record, target.env);
      } catch (err) {
        this.kernels.delete(record.id);
        await pooled.kernel.stop('error', `The warm-pool kernel could not be handed over: ${(err as Error).message}`).catch(() => undefined);
        throw err;
      }
      await pooled.kernel.flushWrites();
      this.opts.metrics?.observeLaunch('hit', { total: Date.now() - requested });
      return toKernelModel(pooled.kernel.record, pooled.kernel.connections);
    }
    const logger = this.opts.logger.child({ kernelId: record.id });
    const provisioner = factory.create({ kernelId: record.id, logger, owner: { projectId: record.projectId, userId: record.userId }, projectSlug: target.projectSlug });
    const kernel = new ManagedKernel(record, provisioner, { kernelId: record.id, environment, env: target.env }, this.kernelDeps);
    this.track(kernel);
    try {
      await kernel.start();
    } catch (err) {
      this.kernels.delete(record.id);
      await kernel.flushWrites();
      if (err instanceof KernelStartError) throw new AppError(err.reason === 'quota' ? 'QUOTA_EXCEEDED' : 'KERNEL_UNAVAILABLE', err.message);
      throw err;
    }
    await kernel.flushWrites();
    const launched = kernel.launchedAt?.getTime() ?? null;
    this.opts.metrics?.observeLaunch('miss', {
      provision: launched === null ? undefined : launched - record.requestedAt.getTime(),
      ready: launched === null ? undefined : Date.now() - launched,
      total: Date.now() - requested,
    });
    return toKernelModel(kernel.record, kernel.connections);
  }

  /** Starts the warm pools (after `reattach`, so a claimed kernel is never reaped as a leftover). */
  async startWarmPool(): Promise<void> {
    await this.pool?.start();
  }

  /** Kernels this gateway runs, by state (metrics). */
  countByState(): Map<TKernelState, number> {
    const counts = new Map<TKernelState, number>();
    for (const kernel of this.kernels.values()) counts.set(kernel.record.state, (counts.get(kernel.record.state) ?? 0) + 1);
    return counts;
  }

  /** `GET /api/kernels/{id}`: the live record if this gateway runs it, else the stored one. */
  async get(caller: TCaller, id: string): Promise<TKernelModel> {
    const managed = this.kernels.get(id);
    const record = managed?.record ?? (await this.store.get(id));
    if (!record) throw kernelNotFound(id);
    await authorizeKernel(this.opts.db, caller, record, 'view');
    return toKernelModel(record, managed?.connections ?? 0);
  }

  /** `GET /api/kernels`: non-terminal kernels in projects the caller may see. */
  async list(caller: TCaller, projectId?: string): Promise<TKernelModel[]> {
    const visible = await visibleProjectIds(this.opts.db, caller);
    let projects = visible === 'all' ? undefined : visible;
    if (projectId) projects = projects ? projects.filter((p) => p === projectId) : [projectId];
    const records = await this.store.listActive(projects);
    return records.map((stored) => {
      const managed = this.kernels.get(stored.id);
      return toKernelModel(managed?.record ?? stored, managed?.connections ?? 0);
    });
  }

  /** A kernel this gateway runs that the caller may act on; 404/403/409 otherwise. */
  private async running(caller: TCaller, id: string, action: 'run' | 'stop'): Promise<ManagedKernel> {
    const kernel = this.kernels.get(id);
    const record = kernel?.record ?? (await this.store.get(id));
    if (!record) throw kernelNotFound(id);
    await authorizeKernel(this.opts.db, caller, record, action);
    if (!kernel) throw kernelNotFound(id);
    return kernel;
  }

  async interrupt(caller: TCaller, id: string): Promise<void> {
    const kernel = await this.running(caller, id, 'run');
    if (!kernel.isRunning) throw busyWithLifecycle(kernel);
    await kernel.interrupt();
  }

  async restart(caller: TCaller, id: string): Promise<TKernelModel> {
    const kernel = await this.running(caller, id, 'run');
    if (!kernel.isRunning) throw busyWithLifecycle(kernel);
    try {
      await kernel.restart();
    } catch (err) {
      this.kernels.delete(id);
      await kernel.flushWrites();
      throw new AppError('KERNEL_UNAVAILABLE', `The kernel could not be restarted: ${(err as Error).message}`);
    }
    await kernel.flushWrites();
    return toKernelModel(kernel.record, kernel.connections);
  }

  /**
   * `DELETE /api/kernels/{id}`: stopping → stopped, reason user-request, with `detail` naming
   * who stopped it and from where ("Stopped by Ada Lovelace from the dashboard"), so the
   * kernel's notebook can say why its kernel went away.
   */
  async shutdown(caller: TCaller, id: string, from: TStopOrigin): Promise<void> {
    const kernel = await this.running(caller, id, 'stop');
    if (kernel.isBusyWithLifecycle) throw busyWithLifecycle(kernel);
    await this.stopKernel(kernel, 'user-request', await stoppedByDetail(this.opts.db, caller, from));
  }

  /** Kernels this gateway runs for someone (pooled ones are no one's yet): the revocation sweep's to check. */
  ownedKernels(): ManagedKernel[] {
    return [...this.kernels.values()].filter((k) => !k.record.pooled);
  }

  /**
   * Stops a kernel its owner or project may no longer run (revocation-sweep.ts), the normal
   * way, with `detail` saying why; one starting or restarting is stopped once that is done.
   */
  async stopRevoked(kernel: ManagedKernel, detail: string): Promise<void> {
    await kernel.operationDone();
    if (this.kernels.get(kernel.record.id) !== kernel) return;
    kernel.logger.info({ detail }, 'stopping a kernel that may no longer run');
    await this.stopKernel(kernel, 'revoked', detail);
  }

  private async stopKernel(
    kernel: ManagedKernel,
    reason: 'user-request' | 'culled' | 'revoked' | null,
    detail: string | null = null,
    final: 'stopped' | 'dead' = 'stopped',
  ): Promise<void> {
    await kernel.stop(reason, detail, final);
    this.kernels.delete(kernel.record.id);
    this.budget.forget(kernel.record.id);
    this.cullWarned.delete(kernel.record.id);
    await kernel.flushWrites();
  }

  /**
   * The culling pass: a kernel past its environment's idle or no-client timeout becomes
   * `dead: culled`, after a `cull-warning` event announced it (culler.ts).
   */
  private async cullIdle(): Promise<void> {
    const now = new Date();
    for (const kernel of [...this.kernels.values()]) {
      const clock = cullClock(kernel);
      const step = cullStep(clock, now, this.opts.cullWarnLeadS, this.cullWarned.get(kernel.record.id) ?? null);
      if (step.action === 'warn') {
        this.cullWarned.set(kernel.record.id, step.plan.period);
        const { id, projectId, notebookId, userId } = kernel.record;
        this.events.publish({ type: 'cull-warning', kernelId: id, projectId, notebookId, userId, cause: step.plan.cause, cullAt: step.plan.cullAt.toISOString() });
      } else if (step.action === 'cull') {
        kernel.logger.info({ cause: step.plan.cause, idleTimeoutS: clock.idleTimeoutS, noClientTimeoutS: clock.noClientTimeoutS }, 'culling kernel');
        await this.stopKernel(kernel, 'culled', cullDetail(step.plan.cause, clock), 'dead').catch((err) => kernel.logger.warn({ err }, 'culling failed'));
      }
    }
  }

  /**
   * `POST /api/kernels/{id}/activity` ("Keep running" on a cull warning): the kernel's idle and
   * no-client clocks start again; pages showing the warning drop it.
   */
  async keepRunning(caller: TCaller, id: string): Promise<void> {
    const kernel = await this.running(caller, id, 'run');
    if (!kernel.isRunning) throw busyWithLifecycle(kernel);
    kernel.keepRunning();
    this.cullWarned.delete(id);
    const { projectId, notebookId, userId } = kernel.record;
    this.events.publish({ type: 'kept', kernelId: id, projectId, notebookId, userId, at: new Date().toISOString() });
  }

  /** For the websocket upgrade: a running kernel the caller may run code on. */
  async connect(caller: TCaller, id: string): Promise<ManagedKernel> {
    const kernel = await this.running(caller, id, 'run');
    if (!kernel.isRunning && kernel.record.state !== 'restarting') throw busyWithLifecycle(kernel);
    return kernel;
  }

  /** The liveness loop: a running kernel whose process is gone becomes `dead`. */
  private async pollAll(): Promise<void> {
    for (const kernel of [...this.kernels.values()]) await this.pollOne(kernel);
  }

  /** Also called at once when a provisioner reports its process ended (onExit). */
  private async pollOne(kernel: ManagedKernel): Promise<void> {
    if (!kernel.isRunning) return;
    const exit = await kernel.provisioner.poll().catch(() => null);
    if (!exit || !kernel.isRunning || this.kernels.get(kernel.record.id) !== kernel) return;
    kernel.logger.warn({ exit }, 'kernel process ended');
    this.kernels.delete(kernel.record.id);
    this.budget.forget(kernel.record.id);
    await kernel.markDead(exit);
  }

  /**
   * After a gateway restart: kernels Postgres says are alive get their provisioner rebuilt
   * from `provisioner_state` and are reconnected; those that cannot be are `dead: gateway-lost`.
   */
  async reattach(): Promise<void> {
    for (const { record, provisionerState, lastSeenAlive } of await this.store.listForReattach()) {
      const logger = this.opts.logger.child({ kernelId: record.id });
      // Ended while no gateway watched: it ran at least until last seen, and that is what is metered.
      const lost = async (why: string, reason: 'gateway-lost' | 'crashed' | 'oom-killed' = 'gateway-lost') => {
        logger.warn({ why, reason }, 'kernel lost while the gateway was down');
        await this.store.transition(record.id, {
          from: record.state,
          to: 'dead',
          reason,
          detail: why,
          stoppedAt: lastSeenAlive,
        });
        this.events.publish(toStateEvent({ ...record, state: 'dead', reason, detail: why }));
      };
      if (!this.opts.registry.has(record.provisioner)) {
        await lost(`provisioner ${record.provisioner} is not enabled`);
        continue;
      }
      let provisioner: KernelProvisioner | null = null;
      try {
        provisioner = provisionerFactory(this.opts.registry, record.provisioner).fromInfo(provisionerState, {
          kernelId: record.id,
          logger,
          owner: { projectId: record.projectId, userId: record.userId },
        });
        const exit = await provisioner.poll();
        if (exit !== null) {
          await provisioner.cleanup({ restart: false });
          const reason = exit.reason === 'oom-killed' ? 'oom-killed' : 'gateway-lost';
          await lost(`The kernel process ended while the gateway was down${reason === 'oom-killed' ? ' (out of memory)' : ''}; last seen alive ${lastSeenAlive.toISOString()}.`, reason);
          continue;
        }
        const connection = ZConnectionInfo.parse((provisionerState as { connection?: unknown })?.connection);
        const spec = { kernelId: record.id, environment: record.environment, env: { KERNEL_PROJECT: record.projectId } };
        const kernel = new ManagedKernel(record, provisioner, spec, this.kernelDeps);
        this.track(kernel);
        await kernel.reattach(connection);
        await kernel.flushWrites();
        logger.info('kernel reattached');
      } catch (err) {
        this.kernels.get(record.id)?.detach();
        this.kernels.delete(record.id);
        logger.warn({ err }, 'reattach failed');
        // A process that does not answer is of no use to anyone; do not leave it running.
        await provisioner?.kill({ restart: false }).catch(() => undefined);
        await provisioner?.cleanup({ restart: false }).catch(() => undefined);
        await lost(`could not reattach: ${(err as Error).message}`);
      }
    }
  }

  /** Stops every kernel this gateway runs (tests, and a gateway exiting with `stop`). */
  async shutdownAll(): Promise<void> {
    await Promise.all(
      [...this.kernels.values()].map(async (kernel) => {
        await kernel.operationDone();
        if (this.kernels.has(kernel.record.id)) await this.stopKernel(kernel, null, 'The gateway shut down.');
      }),
    );
  }

  /** Gateway exit: stop or detach kernels (LATTICE_KERNELS_ON_EXIT), flush activity. */
  async close(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    await this.pool?.close();
    if (this.opts.kernelsOnExit === 'stop') await this.shutdownAll();
    // Detached kernels keep running for the next gateway, which reads their state from Postgres.
    await Promise.all([...this.kernels.values()].map((kernel) => kernel.flushWrites()));
    for (const kernel of this.kernels.values()) kernel.detach();
    this.kernels.clear();
    await this.activity.close();
  }
}

function cullClock(kernel: ManagedKernel): TCullClock {
  return {
    idle: kernel.isRunning && kernel.record.state === 'idle',
    lastActivityAt: kernel.record.lastActivityAt,
    noClientSince: kernel.noClientSince,
    idleTimeoutS: kernel.record.environment.idleTimeoutS,
    noClientTimeoutS: kernel.record.environment.noClientTimeoutS,
  };
}

function busyWithLifecycle(kernel: ManagedKernel): AppError {
  return new AppError('CONFLICT', `The kernel is ${kernel.record.state}; try again in a moment.`);
}
