import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { TKernelReason, TKernelState } from '../../common/kernel-states';
import { IopubReplayBuffer, type TReplayLimits } from './iopub-replay';
import { KernelSocket } from '../zmq/kernel-socket';
import { buildMessage, parentMsgId, parseHeader, type TChannel } from '../zmq/messages';
import type { TWireMessage } from '../zmq/wire';
import type { TConnectionInfo } from '../zmq/connection-info';
import { describeExit, KernelStartError, type KernelProvisioner, type TExitInfo, type TLaunchProgress, type TLaunchSpec } from '../provisioners/provisioner';
import type { ActivityTracker } from './activity';
import { awaitIpcListening } from '../zmq/await-listening';
import { ClientChannels, type TClientChannelHandlers } from './client-channels';
import { awaitReadiness } from './readiness-nudge';
import type { TKernelEvent } from '../../common/kernel-model';
import { toExecutorsEvent, toProgressEvent, toStateEvent, type KernelEventBus } from './kernel-event-bus';
import type { TKernelRecord } from './kernel-record';
import type { KernelStore, TTransition } from './state-store';

/** How long idle ⇄ busy changes gather before one write records them all. */
const EXECUTING_WRITE_DELAY_MS = 200;
/** Grace after SIGTERM (and after SIGKILL) before the gateway gives up waiting. */
const SIGNAL_WAIT_MS = 2000;

export interface TManagedKernelDeps {
  store: KernelStore;
  activity: ActivityTracker;
  logger: Logger;
  startTimeoutMs: number;
  shutdownWaitMs: number;
  /** Where transitions are published once written (`GET /api/events`, metrics); pooled kernels publish nothing. */
  events?: KernelEventBus;
  /** Bounds of the iopub replay for reconnecting websocket sessions (defaults if unset). */
  replayLimits?: TReplayLimits;
}

/** How a kernel went away, for listeners to tell their clients (`dead` + `oom-killed`, …). */
export interface TKernelEnd {
  /** The final state (`stopped`, `dead`, `failed`), or the current one when the gateway just let go (`detach`). */
  state: TKernelState;
  reason: string | null;
  detail: string | null;
}

/** A websocket session (or anything else) that follows a kernel's iopub and its end. */
export interface TKernelListener {
  onIopub(msg: TWireMessage): void;
  /** The kernel stopped or died (or the gateway let go of it); the listener tells and lets go its client. */
  onKernelGone(end: TKernelEnd): void;
}

function sameEndpoints(a: TConnectionInfo | null, b: TConnectionInfo): boolean {
  return a !== null && (['ip', 'shell_port', 'iopub_port', 'stdin_port', 'control_port', 'key'] as const).every((k) => a[k] === b[k]);
}

/**
 * One kernel this gateway runs: its provisioner, its own ZeroMQ sockets (iopub, shared by
 * every websocket session; shell and control for the gateway's own requests), its state
 * and the listeners that relay its iopub. The kernel manager is the only caller.
 */
export class ManagedKernel {
  private conn: TConnectionInfo | null = null;
  private sockets: { iopub: KernelSocket; shell: KernelSocket; control: KernelSocket } | null = null;
  private readonly listeners = new Set<TKernelListener>();
  /** Every websocket session's own sockets: made, moved and closed here (`openClientChannels`). */
  private readonly clientChannels = new Set<ClientChannels>();
  /** The gateway's own requests awaiting their reply, by msg_id. */
  private readonly replyWaiters = new Map<string, { resolve(msg: TWireMessage): void; reject(err: Error): void }>();
  private readonly iopubWaiters = new Set<() => void>();
  /** The gateway's own Jupyter session id, for the requests it sends itself. */
  private readonly session = randomUUID();
  /**
   * msg_ids of the gateway's own ready nudges whose `status: idle` has not come back yet.
   * Matched by id, not by the header's username, which any client can set.
   */
  private readonly pendingNudges = new Set<string>();
  private writes: Promise<void> = Promise.resolve();
  private writesPending = 0;
  /** idle ⇄ busy changes not yet handed to the write chain (see `setState`). */
  private readonly executingChanges: TTransition[] = [];
  private executingFlush: NodeJS.Timeout | null = null;
  /** Stopped, dead, failed or detached: no more listeners, no more sockets. */
  private gone = false;
  /** Set while a start, restart or stop runs: iopub status and the liveness loop leave the state alone. */
  private operation: Promise<unknown> | null = null;
  readonly logger: Logger;
  /** Recent iopub messages for websocket sessions that reconnect with the same session_id. */
  readonly iopubReplay: IopubReplayBuffer;
  /** When the provisioner last reported the process started (launch-latency metrics). */
  launchedAt: Date | null = null;
  /**
   * Since when no websocket client has been connected (null while one is): the no-client
   * timeout counts from here. A kernel nobody has connected to yet counts from its creation.
   */
  noClientSince: Date | null = new Date();

  constructor(
    readonly record: TKernelRecord,
    readonly provisioner: KernelProvisioner,
    private spec: TLaunchSpec,
    private readonly deps: TManagedKernelDeps,
  ) {
    this.logger = deps.logger.child({ kernelId: record.id });
    this.iopubReplay = new IopubReplayBuffer(deps.replayLimits);
  }

  get connections(): number {
    return this.listeners.size;
  }

  /**
   * A client's own shell, control and stdin sockets (its replies and input requests come back
   * to it alone); only while the kernel has a process. The kernel keeps them: it moves them
   * when a relaunch changes the address and closes them when it goes.
   */
  openClientChannels(handlers: TClientChannelHandlers): ClientChannels {
    if (!this.conn || this.gone) throw new Error(`kernel ${this.record.id} has no connection`);
    const channels = new ClientChannels(this.conn, handlers, (c) => this.clientChannels.delete(c));
    this.clientChannels.add(channels);
    return channels;
  }

  /** Idle or busy with no lifecycle operation under way: it can take messages, interrupts, restarts. */
  get isRunning(): boolean {
    return this.operation === null && (this.record.state === 'idle' || this.record.state === 'busy');
  }

  get isBusyWithLifecycle(): boolean {
    return this.operation !== null;
  }

  /** Resolves when the start/restart/stop under way (if any) has finished, however it ended. */
  async operationDone(): Promise<void> {
    await this.operation?.catch(() => undefined);
  }

  /** A listener added after the kernel went away (a racing websocket) is let go at once. */
  addListener(listener: TKernelListener): void {
    if (this.gone) listener.onKernelGone(this.end());
    else {
      this.listeners.add(listener);
      this.noClientSince = null;
    }
  }

  removeListener(listener: TKernelListener): void {
    if (this.listeners.delete(listener) && this.listeners.size === 0) this.noClientSince = new Date();
  }

  /** "Keep running": the idle and no-client clocks start again, as if someone had just used the kernel. */
  keepRunning(): void {
    this.touch();
    if (this.noClientSince) this.noClientSince = new Date();
  }

  /** Records a transition in memory at once and in Postgres in order. */
  private setState(to: TKernelState, extra: Omit<TTransition, 'from' | 'to'> = {}): void {
    const from = this.record.state;
    if (from === to) return;
    Object.assign(this.record, { state: to, reason: extra.reason ?? null, detail: extra.detail ?? null, lastActivityAt: new Date() });
    if (to !== 'provisioning' && to !== 'starting' && to !== 'restarting') this.record.progress = null;
    if (extra.startedAt) this.record.startedAt = extra.startedAt;
    if (extra.stoppedAt) this.record.stoppedAt = extra.stoppedAt;
    // idle ⇄ busy happens twice per executed cell: lifecycle only at info, so a terminal stays readable.
    const executing = (from === 'idle' && to === 'busy') || (from === 'busy' && to === 'idle');
    this.logger[executing ? 'debug' : 'info']({ from, to, reason: extra.reason }, 'kernel state');
    const event = this.record.pooled ? null : toStateEvent(this.record);
    if (executing && this.operation === null) {
      // Off the hot path: published now (after any write still pending, to keep events in
      // order), written with its neighbours in one transaction a moment later. A cell costs
      // no Postgres round trip of its own; the row lags by at most EXECUTING_WRITE_DELAY_MS.
      this.executingChanges.push({ from, to });
      this.executingFlush ??= setTimeout(() => this.writeExecutingChanges(), EXECUTING_WRITE_DELAY_MS);
      if (event) this.publish(event);
      return;
    }
    this.writeExecutingChanges();
    this.persist('state', () => this.deps.store.transition(this.record.id, { from, to, ...extra }), event);
  }

  /** Queues a Postgres write after every earlier one, then publishes its event. */
  private persist(what: string, write: () => Promise<void>, event: TKernelEvent | null): void {
    this.writesPending++;
    this.writes = this.writes
      .then(write)
      .then(() => {
        if (event) this.deps.events?.publish(event);
      })
      .catch((err) => this.logger.error({ err }, `kernel ${what} write failed`))
      .finally(() => this.writesPending--);
  }

  /** Publishes at once unless earlier events still wait for their writes (then after them). */
  private publish(event: TKernelEvent): void {
    if (this.writesPending === 0) this.deps.events?.publish(event);
    else this.writes = this.writes.then(() => this.deps.events?.publish(event));
  }

  /** Hands the idle ⇄ busy changes gathered so far to the write chain, as one transaction. */
  private writeExecutingChanges(): void {
    if (this.executingFlush) clearTimeout(this.executingFlush);
    this.executingFlush = null;
    if (!this.executingChanges.length) return;
    const batch = this.executingChanges.splice(0);
    this.persist('state', () => this.deps.store.transition(this.record.id, ...batch), null);
  }

  /** Resolves when every state change so far is in Postgres. */
  flushWrites(): Promise<void> {
    this.writeExecutingChanges();
    return this.writes;
  }

  private run<T>(op: () => Promise<T>): Promise<T> {
    const p = op().finally(() => {
      this.operation = null;
    });
    this.operation = p;
    return p;
  }

  /** queued → provisioning → starting → idle; on any failure `failed` and nothing left behind. */
  start(): Promise<void> {
    return this.run(async () => {
      this.setState('provisioning');
      try {
        await this.launchAndAwaitReady();
        this.setState('idle', { startedAt: new Date() });
      } catch (err) {
        const reason = err instanceof KernelStartError ? err.reason : 'error';
        this.logger.warn({ err }, 'kernel failed to start');
        await this.releaseProcess(false);
        this.setState('failed', { reason, detail: (err as Error).message, stoppedAt: new Date() });
        this.goodbye();
        throw err;
      }
    });
  }

  /**
   * Reconnects to a kernel an earlier gateway launched (its process still runs) and waits
   * until it answers, so a reattached kernel is as ready as a fresh one.
   */
  reattach(connection: TConnectionInfo): Promise<void> {
    return this.run(async () => {
      this.openSockets(connection);
      await this.awaitReady();
      this.setState('idle');
    });
  }

  private async launchAndAwaitReady(): Promise<void> {
    let conn: TConnectionInfo;
    try {
      conn = await this.provisioner.launch(this.spec, (step, message) => this.progress(step, message ?? null));
    } catch (err) {
      if (err instanceof KernelStartError) throw err;
      throw new KernelStartError('error', `The kernel could not be launched: ${(err as Error).message}`);
    }
    this.launchedAt = new Date();
    const saved = this.deps.store.saveLaunch(this.record.id, this.provisioner.toInfo(), conn);
    // Local restarts keep address and ports, and ZeroMQ reconnects by itself; a first launch and
    // a pod at a new address get new sockets. A local kernel's are opened once it listens, so
    // that they connect at once; if it never does (it ended, the deadline passed) the
    // readiness check below says why.
    if (!this.sockets || !sameEndpoints(this.conn, conn)) {
      if (conn.transport === 'ipc') {
        const deadline = Date.now() + this.deps.startTimeoutMs;
        await awaitIpcListening(conn, ['shell', 'iopub'], async () => Date.now() > deadline || (await this.provisioner.poll()) !== null);
      }
      const moved = this.sockets !== null;
      this.closeSockets();
      this.openSockets(conn);
      if (moved) for (const channels of this.clientChannels) channels.moveTo(conn);
    }
    await saved;
    await this.awaitReady();
  }

  /** A launch step: kept on the record (and in Postgres) for pages loaded mid-launch, and published. */
  private progress(step: TLaunchProgress, message: string | null): void {
    const previous = this.record.progress;
    if (previous && previous.step === step && previous.message === message) return;
    const progress = { step, message, at: new Date().toISOString() };
    this.record.progress = progress;
    if (message) this.record.detail = message;
    this.persist('progress', () => this.deps.store.saveProgress(this.record.id, progress), this.record.pooled ? null : toProgressEvent(this.record));
    // A restart stays `restarting` until ready; only a first launch shows `starting`.
    if (step === 'starting' && this.record.state === 'provisioning') this.setState('starting');
  }

  /**
   * Called by the sampling loop: re-reads a Spark kernel's executors and, when they changed,
   * stores and publishes them.
   */
  async refreshExecutors(): Promise<void> {
    if (!this.provisioner.executors) return;
    const executors = await this.provisioner.executors();
    if (executors === null || JSON.stringify(executors) === JSON.stringify(this.record.executors)) return;
    this.record.executors = executors;
    this.persist('executors', () => this.deps.store.saveExecutors(this.record.id, executors), this.record.pooled ? null : toExecutorsEvent(this.record));
    await this.writes;
  }

  private openSockets(conn: TConnectionInfo): void {
    this.conn = conn;
    const onRejected = (channel: string) => (err: Error) => this.logger.warn({ channel, err: err.message }, 'dropped kernel message');
    const onReply = (msg: TWireMessage) => {
      const parent = parentMsgId(msg.parts[1]);
      const waiter = parent === null ? undefined : this.replyWaiters.get(parent);
      if (!waiter) return;
      this.replyWaiters.delete(parent!);
      waiter.resolve(msg);
    };
    this.sockets = {
      iopub: new KernelSocket(conn, 'iopub', { onMessage: (m) => this.onIopub(m), onRejected: onRejected('iopub') }),
      shell: new KernelSocket(conn, 'shell', { onMessage: onReply, onRejected: onRejected('shell') }),
      control: new KernelSocket(conn, 'control', { onMessage: onReply, onRejected: onRejected('control') }),
    };
  }

  private closeSockets(): void {
    if (!this.sockets) return;
    for (const s of Object.values(this.sockets)) s.close();
    this.sockets = null;
    const waiters = [...this.replyWaiters.values()];
    this.replyWaiters.clear();
    for (const waiter of waiters) waiter.reject(new Error(`kernel ${this.record.id}: its sockets closed before the reply`));
  }

  /** Sends a message from the gateway's own session, expecting no reply (or not waiting for it). */
  private tell(channel: Extract<TChannel, 'shell' | 'control'>, msgType: string, content: object): string | null {
    if (!this.sockets) return null;
    const { msgId, parts } = buildMessage(msgType, content, this.session);
    this.sockets[channel].send({ parts, buffers: [] });
    return msgId;
  }

  /**
   * Sends a request from the gateway's own session and resolves with its reply: the one way
   * the gateway itself talks to a kernel (the readiness nudge, the warm pool), over this
   * kernel's sockets. Rejects when the sockets close first, or after `timeoutMs` if given.
   */
  request(channel: Extract<TChannel, 'shell' | 'control'>, msgType: string, content: object, timeoutMs?: number): Promise<TWireMessage> {
    return this.ask(channel, msgType, content, timeoutMs).reply;
  }

  private ask(channel: Extract<TChannel, 'shell' | 'control'>, msgType: string, content: object, timeoutMs?: number): { msgId: string | null; reply: Promise<TWireMessage> } {
    const msgId = this.tell(channel, msgType, content);
    if (msgId === null) return { msgId, reply: Promise.reject(new Error(`kernel ${this.record.id} has no sockets`)) };
    const reply = new Promise<TWireMessage>((resolve, reject) => {
      const timer = timeoutMs === undefined ? null : setTimeout(() => {
        this.replyWaiters.delete(msgId);
        reject(new Error(`no ${msgType.replace(/_request$/, '_reply')} within ${timeoutMs} ms`));
      }, timeoutMs);
      const settle = () => timer && clearTimeout(timer);
      this.replyWaiters.set(msgId, { resolve: (m) => (settle(), resolve(m)), reject: (e) => (settle(), reject(e)) });
    });
    return { msgId, reply };
  }

  private onIopub(msg: TWireMessage): void {
    this.touch();
    for (const waiter of this.iopubWaiters) waiter();
    let header;
    try {
      header = parseHeader(msg.parts[0]);
    } catch {
      this.logger.warn('dropped iopub message with an unreadable header');
      return;
    }
    // The kernel working on the gateway's own requests (late ready nudges) is not user activity.
    if (header.msg_type === 'status' && !this.answersNudge(msg) && this.operation === null) this.onStatus(msg.parts[3]);
    this.iopubReplay.record(msg);
    for (const listener of this.listeners) listener.onIopub(msg);
  }

  /** True for a status about one of our nudges; its final `idle` retires the id. */
  private answersNudge(msg: TWireMessage): boolean {
    const parent = this.pendingNudges.size ? parentMsgId(msg.parts[1]) : null;
    if (parent === null || !this.pendingNudges.has(parent)) return false;
    if (msg.parts[3].includes('"idle"')) this.pendingNudges.delete(parent);
    return true;
  }

  /** iopub `status` drives idle ⇄ busy; only its tiny content is parsed. */
  private onStatus(content: Buffer): void {
    if (this.record.state !== 'idle' && this.record.state !== 'busy') return;
    let state: unknown;
    try {
      state = (JSON.parse(content.toString('utf8')) as { execution_state?: unknown }).execution_state;
    } catch {
      return;
    }
    if (state === 'busy' || state === 'idle') this.setState(state);
  }

  /** Records activity (a client message or kernel output); written to Postgres throttled. */
  touch(): void {
    const now = new Date();
    this.record.lastActivityAt = now;
    this.deps.activity.touch(this.record.id, now);
  }

  /** Ready once the kernel answers on shell and our iopub subscription is live (`readiness-nudge.ts`). */
  private awaitReady(): Promise<void> {
    return awaitReadiness(
      {
        requestKernelInfo: () => {
          const { msgId, reply } = this.ask('shell', 'kernel_info_request', {});
          // Its busy/idle on iopub is the gateway's own doing, not user activity.
          if (msgId) this.pendingNudges.add(msgId);
          return reply;
        },
        onIopub: (listener) => {
          this.iopubWaiters.add(listener);
          return () => this.iopubWaiters.delete(listener);
        },
        poll: () => this.provisioner.poll(),
      },
      this.deps.startTimeoutMs,
    );
  }

  /** SIGINT to the process group for local kernels, interrupt_request on control otherwise. */
  async interrupt(): Promise<void> {
    if (this.provisioner.interruptMode === 'signal') {
      await this.provisioner.interrupt();
      return;
    }
    this.tell('control', 'interrupt_request', {});
  }

  /** restarting → idle: same id, same connection info, a fresh process (state is gone). */
  restart(): Promise<void> {
    return this.run(async () => {
      // No iopub `status: restarting` here: jupyter_server sends it only for automatic
      // restarts after a death, and JupyterLab reads it as "the kernel died" (a false dialog
      // on every requested restart). The requesting client knows; the state event tells others.
      this.setState('restarting');
      try {
        await this.releaseProcess(true);
        await this.launchAndAwaitReady();
        this.setState('idle');
      } catch (err) {
        this.logger.warn({ err }, 'kernel failed to restart');
        await this.releaseProcess(false);
        this.setState('dead', { reason: 'error', detail: `Restart failed: ${(err as Error).message}`, stoppedAt: new Date() });
        this.goodbye();
        throw err;
      }
    });
  }

  /**
   * stopping → stopped (or → `dead` for a kernel the platform ended, such as `culled`); the
   * process group and connection file are gone afterwards.
   */
  stop(reason: TKernelReason | null, detail: string | null = null, final: 'stopped' | 'dead' = 'stopped'): Promise<void> {
    return this.run(async () => {
      this.setState('stopping', { reason });
      await this.releaseProcess(false);
      this.setState(final, { reason, detail, stoppedAt: new Date() });
      this.goodbye();
    });
  }

  /**
   * A notice for the kernel's owner that changes nothing about the kernel (its monthly
   * budget is spent, say): kept as its `detail` and as a `kernel_events` row (from = to).
   */
  notice(reason: TKernelReason, detail: string): void {
    this.record.detail = detail;
    const state = this.record.state;
    this.persist('notice', () => this.deps.store.notice(this.record.id, state, reason, detail), null);
  }

  /** The liveness loop found the process gone: `dead` with the provisioner's reason. */
  async markDead(exit: TExitInfo): Promise<void> {
    await this.run(async () => {
      await this.provisioner.cleanup({ restart: false });
      this.setState('dead', { reason: exit.reason, detail: `The kernel process ended (${describeExit(exit)}).`, stoppedAt: new Date() });
      this.goodbye();
    });
  }

  /** Lets go of the kernel without stopping it (a gateway exiting with kernels kept for reattach). */
  detach(): void {
    this.goodbye();
  }

  /** Asks the kernel to shut down, then escalates SIGTERM → SIGKILL; cleans up after. */
  private async releaseProcess(restart: boolean): Promise<void> {
    if (this.sockets && (await this.provisioner.poll()) === null) {
      this.tell('control', 'shutdown_request', { restart });
      if (!(await this.waitForExit(this.deps.shutdownWaitMs))) {
        await this.provisioner.terminate({ restart });
        if (!(await this.waitForExit(SIGNAL_WAIT_MS))) {
          await this.provisioner.kill({ restart });
          await this.waitForExit(SIGNAL_WAIT_MS);
        }
      }
    }
    await this.provisioner.cleanup({ restart });
  }

  private async waitForExit(ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      if ((await this.provisioner.poll()) !== null) return true;
      await new Promise((r) => setTimeout(r, 100));
    }
    return (await this.provisioner.poll()) !== null;
  }

  private end(): TKernelEnd {
    return { state: this.record.state, reason: this.record.reason, detail: this.record.detail };
  }

  /**
   * A `status` message the gateway itself publishes on iopub (jupyter_server does the same),
   * so clients learn of a death that the kernel cannot announce.
   */
  private publishStatus(executionState: 'dead'): void {
    const { parts } = buildMessage('status', { execution_state: executionState }, this.session);
    const msg: TWireMessage = { parts, buffers: [] };
    this.iopubReplay.record(msg);
    for (const listener of this.listeners) listener.onIopub(msg);
  }

  /**
   * The warm pool hands this kernel to a launch whose row (state `queued`) now exists:
   * from here on it is an ordinary kernel, ready at once.
   */
  adoptFromPool(): void {
    this.record.pooled = false;
    this.provisioner.adopt?.({ projectId: this.record.projectId, userId: this.record.userId });
    this.setState('idle', { startedAt: new Date() });
  }

  private goodbye(): void {
    if (this.record.state === 'dead') this.publishStatus('dead');
    this.gone = true;
    this.closeSockets();
    this.deps.activity.forget(this.record.id);
    const end = this.end();
    for (const listener of [...this.listeners]) listener.onKernelGone(end);
    this.listeners.clear();
    for (const channels of [...this.clientChannels]) channels.close();
  }
}
