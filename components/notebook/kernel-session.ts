import type { Kernel, KernelManager } from '@jupyterlab/services';
import { KERNELSPEC_ALIASES } from '@/common/environment';
import { describeReason, isTerminal } from '@/common/kernel-states';
import { readKernelEvent, type TKernelModel, type TLaunchProgressInfo } from '@/common/kernel-model';
import { isLaunching } from '@/components/kernels/launch-progress';
import { gatewayClient, type GatewayClient } from '@/lib/client/gateway-client';
import { RequestError } from '@/lib/client/request-error';
import { kernelHelp, watchActivity, type TCompletion, type TInspection, type TKernelHelp } from './kernel-help';
import { explainLoss, KernelLostError } from './kernel-loss';
import type { TCellNotice, TStdinRequest } from './notebook-model';
import { quotaHoldersOf } from './quota-refusal';
import type { TQuotaHolder } from '@/common/quota-holder';

/**
 * What the badge shows: the kernel's execution state, or where we are in getting one.
 * `gateway-restarting`: the gateway cannot be reached (killed, restarting); the kernel is
 * presumed alive and is reconnected to once the gateway is back.
 */
export type TKernelStatus = 'no-kernel' | 'connecting' | 'starting' | 'idle' | 'busy' | 'restarting' | 'dead' | 'disconnected' | 'gateway-restarting';

export interface TExecuteReply {
  status: 'ok' | 'error' | 'aborted';
  executionCount: number | null;
  /** The reply's header date and its metadata's `started` (ISO 8601), for the cell's timing. */
  date?: string;
  started?: string;
}

/** The parts of a message header a cell run uses. */
export type TMessageHeader = { date?: string };

/** How long a launch waits for the event stream to open (its first steps come at once); without it the launch goes ahead unwatched. */
const EVENTS_OPEN_WAIT_MS = 2_000;

/**
 * Find-or-start runs one at a time per notebook across sessions of this page: React may
 * mount the editor twice (strict mode, fast refresh), and the second mount must find the
 * first one's kernel rather than start another.
 */
const findOrStartQueue = new Map<string, Promise<unknown>>();

function oneAtATime<T>(key: string, work: () => Promise<T>): Promise<T> {
  const previous = findOrStartQueue.get(key) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(work);
  findOrStartQueue.set(key, next);
  void next.finally(() => findOrStartQueue.get(key) === next && findOrStartQueue.delete(key)).catch(() => undefined);
  return next;
}

/**
 * The session was closed before its kernel was ready (the page left, or the notebook moved to
 * another environment): nothing was sent, so a run may go to the page's next session instead.
 */
export class SessionClosedError extends Error {
  constructor() {
    super('the kernel session was closed');
  }
}

function toStatus(s: Kernel.Status): TKernelStatus {
  switch (s) {
    case 'idle':
    case 'busy':
    case 'starting':
    case 'restarting':
    case 'dead':
      return s;
    case 'autorestarting':
      return 'restarting';
    case 'terminating':
      return 'dead';
    default:
      return 'connecting';
  }
}

/**
 * One page visit's connection to a notebook's kernel through `@jupyterlab/services` (the
 * standard Jupyter client). Reconnects to this user's running kernel of the notebook, else
 * starts one with the notebook's kernelspec and `KERNEL_PROJECT`/`KERNEL_NOTEBOOK`. Keeps the
 * short-lived gateway token fresh. `dispose()` closes the websocket; the kernel keeps running.
 */
export class KernelSession implements TKernelHelp {
  private kernel: Kernel.IKernelConnection | null = null;
  /** Completion and inspection ask the connected kernel only; they never start one. */
  private readonly help = kernelHelp(() => this.kernel);
  private manager: KernelManager | null = null;
  private readonly gateway: GatewayClient = gatewayClient();
  /** Stops the gateway client renewing the token for this session. */
  private releaseToken: (() => void) | null = null;
  private pending: Promise<Kernel.IKernelConnection> | null = null;
  /** Set while the gateway is unreachable and the session waits to reconnect to its kernel. */
  private recovery: Promise<void> | null = null;
  private launchEvents: EventSource | null = null;
  private disposed = false;

  constructor(
    private readonly opts: { projectId: string; notebookId: string; userId: string; kernelName: string },
    private readonly report: {
      status: (s: TKernelStatus) => void;
      message: (m: string | null) => void;
      /** The launch step while a kernel is on its way (scheduled, waiting for capacity, …); null when none is. */
      progress: (p: TLaunchProgressInfo | null) => void;
      /** Each new connection to the kernel (widgets register their comm target on it). */
      kernel?: (k: Kernel.IKernelConnection) => void;
      /** The kernels holding the slots when a launch was refused by a kernel-count quota; null otherwise. */
      refused?: (holders: TQuotaHolder[] | null) => void;
    },
  ) {}

  dispose(): void {
    this.disposed = true;
    this.endLaunch();
    this.releaseToken?.();
    this.kernel?.dispose();
    this.kernel = null;
    this.manager?.dispose();
    this.manager = null;
  }

  /** The live kernel, connecting or starting one first if needed (one attempt at a time). */
  async ensureKernel(): Promise<Kernel.IKernelConnection> {
    // A cell run while the gateway restarts goes to the same kernel once it is back, not to a new one.
    if (this.recovery) await this.recovery;
    const k = this.kernel;
    if (k && !k.isDisposed && k.status !== 'dead') return k;
    this.pending ??= (async () => {
      try {
        this.report.message(null);
        this.report.refused?.(null);
        const kernel = await this.connectOrStartOnceReachable();
        if (this.disposed) {
          kernel.dispose();
          throw new SessionClosedError();
        }
        this.attach(kernel);
        return kernel;
      } catch (err) {
        if (!this.disposed) {
          this.report.status('no-kernel');
          this.report.message(`Could not start a kernel: ${(err as Error).message}`);
          this.report.refused?.(quotaHoldersOf(err));
        }
        throw err;
      } finally {
        this.pending = null;
      }
    })();
    return this.pending;
  }

  /**
   * Reconnects to this user's running kernel of the notebook if there is one, and never starts
   * one (opening a notebook costs nothing; the first run starts the kernel via `ensureKernel`).
   */
  async attachExisting(): Promise<void> {
    try {
      await this.setUp();
      if (this.kernel || this.pending) return;
      const mine = await this.findMine();
      if (this.disposed || this.kernel || this.pending) return;
      if (mine) await this.ensureKernel();
      else this.report.status('no-kernel');
    } catch {
      // Nothing to reconnect to that we can reach; the first run tries again and says why.
      if (!this.disposed && !this.kernel) this.report.status('no-kernel');
    }
  }

  /**
   * Runs code; `onMessage` gets every iopub message of this request (with its header), and `onInput` the kernel's
   * questions (`input()`, `getpass()`, pdb) with the function that answers them. Rejects with a
   * {@link KernelLostError} when the reply can no longer come (the kernel died, was stopped or
   * restarted, or the connection dropped).
   */
  async execute(
    code: string,
    onMessage: (msgType: string, content: Record<string, unknown>, header: TMessageHeader) => void,
    onInput?: (request: TStdinRequest, answer: (value: string) => void) => void,
  ): Promise<TExecuteReply> {
    const kernel = await this.ensureKernel();
    const future = kernel.requestExecute({ code, stop_on_error: true, store_history: true, allow_stdin: Boolean(onInput) });
    future.onIOPub = (msg) => onMessage(msg.header.msg_type, msg.content as Record<string, unknown>, msg.header);
    if (onInput) {
      future.onStdin = (msg) => {
        if (msg.header.msg_type !== 'input_request') return;
        const { prompt, password } = msg.content as { prompt?: unknown; password?: unknown };
        onInput({ prompt: String(prompt ?? ''), password: password === true }, (value) => future.sendInputReply({ status: 'ok', value }, msg.header as never));
      };
    }
    let restarted = false;
    const watch = (_k: unknown, s: Kernel.Status) => (restarted ||= s === 'restarting' || s === 'autorestarting');
    kernel.statusChanged.connect(watch);
    try {
      const reply = await future.done;
      const content = reply.content as { status: TExecuteReply['status']; execution_count?: number };
      const started = (reply.metadata as { started?: unknown }).started;
      return { status: content.status, executionCount: content.execution_count ?? null, date: reply.header.date, started: typeof started === 'string' ? started : undefined };
    } catch (err) {
      throw new KernelLostError(kernel.id, restarted, err);
    } finally {
      kernel.statusChanged.disconnect(watch);
    }
  }

  /** Why `lost`'s kernel went away, as the cell that was running shows it. */
  explainLoss(lost: KernelLostError): Promise<TCellNotice> {
    return explainLoss((id) => this.gateway.getKernel(id), lost);
  }

  complete(code: string, cursor: number, signal: AbortSignal): Promise<TCompletion | null> {
    return this.help.complete(code, cursor, signal);
  }

  inspect(code: string, cursor: number, signal: AbortSignal): Promise<TInspection | null> {
    return this.help.inspect(code, cursor, signal);
  }

  async interrupt(): Promise<void> {
    try {
      await this.kernel?.interrupt();
    } catch (err) {
      this.report.message(`Could not interrupt: ${(err as Error).message}`);
    }
  }

  /** Restarts the kernel; a dead one is replaced by a new kernel. */
  async restart(): Promise<void> {
    this.report.message(null);
    const k = this.kernel;
    try {
      if (k && !k.isDisposed && k.status !== 'dead') await k.restart();
      else {
        k?.dispose();
        this.kernel = null;
        await this.ensureKernel();
      }
    } catch (err) {
      this.report.message(`Could not restart: ${(err as Error).message}`);
    }
  }

  /**
   * Shuts down this user's kernels of the notebook (all environments) — before switching the
   * notebook to another environment, whose kernel the next session then starts.
   */
  async shutdown(): Promise<void> {
    await this.setUp();
    await this.pending?.catch(() => undefined);
    const k = this.kernel;
    this.kernel = null;
    k?.dispose();
    for (const model of await this.listMine()) {
      try {
        await this.gateway.stopKernel(model.id, 'notebook');
      } catch (err) {
        // Gone in the meantime: stopped is what we wanted.
        if (!(err instanceof RequestError && err.status === 404)) throw err;
      }
    }
    this.report.status('no-kernel');
  }

  private async setUp(): Promise<KernelManager> {
    if (this.manager) return this.manager;
    const services = await import('@jupyterlab/services');
    const base = await this.gateway.baseUrl();
    this.releaseToken ??= this.gateway.retain();
    const settings = services.ServerConnection.makeSettings({
      baseUrl: base,
      wsUrl: base.replace(/^http/, 'ws'),
      token: this.gateway.tokenNow(),
      appendToken: true,
      // @jupyterlab/services posts JSON as a string body, which fetch labels text/plain; say what it is.
      init: { cache: 'no-store', headers: { 'Content-Type': 'application/json' } },
    });
    // Every request and websocket (re)connection reads the current token, which the gateway client renews.
    Object.defineProperty(settings, 'token', { get: () => this.gateway.tokenNow(), enumerable: true });
    this.manager = new services.KernelManager({ serverSettings: settings });
    return this.manager;
  }

  /** This user's live kernels of this notebook, on any environment. */
  private async listMine(): Promise<TKernelModel[]> {
    const models = await this.gateway.listKernels(this.opts.projectId);
    return models.filter(
      (m) =>
        m.lattice?.notebookId === this.opts.notebookId &&
        m.lattice.userId === this.opts.userId &&
        !isTerminal(m.lattice.state) &&
        m.lattice.state !== 'stopping',
    );
  }

  /** The kernel to reconnect to: this user's, of this notebook, on the notebook's environment. */
  private async findMine(): Promise<TKernelModel | undefined> {
    const slug = KERNELSPEC_ALIASES[this.opts.kernelName] ?? this.opts.kernelName;
    return (await this.listMine()).find((m) => m.lattice.environment.slug === slug || m.name === this.opts.kernelName);
  }

  /** A page opened while the gateway is down says so and connects once it is back, instead of failing. */
  private async connectOrStartOnceReachable(): Promise<Kernel.IKernelConnection> {
    for (;;) {
      try {
        return await this.connectOrStart();
      } catch (err) {
        if (this.disposed || !(err instanceof RequestError && err.unreachable)) throw err;
        this.report.status('gateway-restarting');
        await this.gateway.waitUntilReachable(() => this.disposed);
      }
    }
  }

  private connectOrStart(): Promise<Kernel.IKernelConnection> {
    return oneAtATime(this.opts.notebookId, async () => {
      const manager = await this.setUp();
      this.report.status('connecting');
      const mine = await this.findMine();
      if (this.disposed) throw new SessionClosedError();
      if (mine) {
        // A page opened while the kernel is still launching shows where it is and follows it.
        if (mine.lattice.progress) {
          this.report.progress(mine.lattice.progress);
          await this.watchLaunch();
        }
        return manager.connectTo({ model: mine });
      }
      this.report.status('starting');
      await this.watchLaunch();
      try {
        // The gateway answers once the kernel is ready; meanwhile its steps arrive as events.
        // Started through the gateway client (whose errors keep the whole body: a quota refusal's holders), then connected as startNew would.
        const model = await this.gateway.startKernel({ name: this.opts.kernelName, projectId: this.opts.projectId, notebookId: this.opts.notebookId });
        return manager.connectTo({ model });
      } catch (err) {
        this.endLaunch();
        throw err;
      }
    });
  }

  /**
   * Follows this user's launch for this notebook on the gateway's event stream (the kernel id
   * is not known until the start request returns). Resolves once the stream is open, or
   * after a short wait without it.
   */
  private watchLaunch(): Promise<void> {
    this.endLaunch();
    return this.openLaunchEvents();
  }

  private async openLaunchEvents(): Promise<void> {
    const source = new EventSource(await this.gateway.eventsUrl(this.opts.projectId));
    if (this.disposed) return source.close();
    this.launchEvents = source;
    source.onmessage = (e: MessageEvent) => {
      const event = readKernelEvent(String(e.data));
      if (!event || this.launchEvents !== source) return;
      if (event.notebookId !== this.opts.notebookId || event.userId !== this.opts.userId) return;
      if (event.type === 'progress') this.report.progress(event.progress);
      else if (event.type === 'state' && !isLaunching(event.state)) this.endLaunch();
    };
    source.onerror = () => {
      // Closed for good (e.g. the token in its URL expired during a long wait for capacity): reopen with the current token.
      if (source.readyState !== EventSource.CLOSED) return;
      window.setTimeout(() => this.launchEvents === source && void this.openLaunchEvents(), EVENTS_OPEN_WAIT_MS);
    };
    return new Promise<void>((resolve) => {
      const timer = window.setTimeout(resolve, EVENTS_OPEN_WAIT_MS);
      source.onopen = () => {
        window.clearTimeout(timer);
        resolve();
      };
    });
  }

  /** Stops following a launch and clears its step (ready, failed, or the page is closing). */
  private endLaunch(): void {
    if (!this.launchEvents) return;
    this.launchEvents.close();
    this.launchEvents = null;
    if (!this.disposed) this.report.progress(null);
  }

  private attach(kernel: Kernel.IKernelConnection): void {
    this.kernel = kernel;
    // Completion must know of a cell run from the moment it is sent, before the kernel says busy.
    watchActivity(kernel);
    this.report.status(toStatus(kernel.status));
    this.report.kernel?.(kernel);
    if (kernel.status === 'idle' || kernel.status === 'busy') this.endLaunch();
    let wasConnected = kernel.connectionStatus === 'connected';
    kernel.statusChanged.connect((_k, s) => {
      if (this.kernel !== kernel) return;
      this.report.status(toStatus(s));
      if (s === 'idle' || s === 'busy' || s === 'dead') this.endLaunch();
      if (s === 'dead') void this.explain(kernel.id);
    });
    kernel.connectionStatusChanged.connect((_k, c) => {
      if (this.kernel !== kernel) return;
      if (c === 'connected') {
        wasConnected = true;
        this.report.status(toStatus(kernel.status));
        return;
      }
      if (c === 'disconnected' && kernel.status !== 'dead') this.report.status('disconnected');
      // An open connection was lost (1001, or abnormally): find out whether the gateway itself went away.
      if (wasConnected && kernel.status !== 'dead') void this.checkGateway(kernel);
    });
    kernel.disposed.connect(() => {
      if (this.kernel === kernel && !this.disposed) {
        this.kernel = null;
        if (kernel.status !== 'dead') this.report.status('no-kernel');
      }
    });
  }

  /**
   * The websocket to `kernel` closed. While `@jupyterlab/services` retries (`connecting`) and
   * the gateway still answers, it is a blip it handles itself (a restart requested by the user
   * reconnects this way too). A gateway that does not answer was killed or is restarting; and
   * after a close it does not retry (1000/1001, `disconnected`) there is no one else to
   * reconnect: in both cases the session takes over.
   */
  private async checkGateway(kernel: Kernel.IKernelConnection): Promise<void> {
    if (this.recovery || this.disposed) return;
    const reachable = await this.gateway.isReachable();
    if (this.kernel !== kernel || this.disposed || this.recovery) return;
    if (reachable && kernel.connectionStatus !== 'disconnected') return;
    this.recovery = this.reconnectToSameKernel(kernel, reachable).finally(() => (this.recovery = null));
  }

  /**
   * Shows "gateway restarting" while the gateway is down and reconnects to the same kernel
   * (same id, variables intact) once it answers, as a restarted gateway reattaches its kernels.
   * `@jupyterlab/services` would mark the kernel dead on some failed probes, gives up after 7
   * attempts (about two minutes) and waits 10–30 s between probes of its own; so its
   * connection is disposed (the kernel keeps running) and a new one is opened instead.
   */
  private async reconnectToSameKernel(lost: Kernel.IKernelConnection, reachable: boolean): Promise<void> {
    this.kernel = null;
    lost.dispose();
    this.report.status(reachable ? 'connecting' : 'gateway-restarting');
    this.report.message(null);
    try {
      await this.gateway.waitUntilReachable(() => this.disposed);
      const model = await this.gateway.getKernel(lost.id);
      if (this.disposed) return;
      if (model.lattice.state === 'stopped') {
        this.report.status('no-kernel');
        this.report.message('The kernel was stopped meanwhile. Run a cell to start a new one.');
        return;
      }
      if (isTerminal(model.lattice.state)) {
        this.report.status('dead');
        await this.explain(model.id);
        return;
      }
      this.attach((await this.setUp()).connectTo({ model }));
    } catch (err) {
      if (this.disposed) return;
      this.report.status('no-kernel');
      this.report.message(
        err instanceof RequestError && err.status === 404
          ? 'The kernel is gone (the gateway did not find it again); its variables are lost. Run a cell to start a new kernel.'
          : `Could not reconnect to the kernel: ${(err as Error).message}`,
      );
    }
  }

  /** Explains a dead or failed kernel with the gateway's reason (e.g. out of memory). */
  private async explain(kernelId: string): Promise<void> {
    try {
      const l = (await this.gateway.getKernel(kernelId)).lattice;
      if (l.state === 'dead' || l.state === 'failed') {
        this.report.message(`The kernel is ${l.state}${l.reason ? `: ${describeReason(l.reason)}` : ''}${l.detail ? ` (${l.detail})` : ''}. Restart to get a new one.`);
      }
    } catch {
      // The badge already says "dead"; the reason is a nicety.
    }
  }
}
