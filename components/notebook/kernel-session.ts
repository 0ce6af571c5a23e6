import type { Kernel, KernelManager, ServerConnection } from '@jupyterlab/services';
import { KERNELSPEC_ALIASES } from '@/common/environment';
import { describeReason, isTerminal, type TKernelState } from '@/common/kernel-states';
import { ZKernelEvent, type TKernelModel, type TLaunchProgressInfo } from '@/common/kernel-model';
import { resolveGatewayUrl, type TGatewayToken } from '@/common/gateway-url';
import { isLaunching } from '@/components/kernels/launch-progress';
import { fetchGatewayToken } from './gateway-client';

/** What the badge shows: the kernel's execution state, or where we are in getting one. */
export type TKernelStatus = 'no-kernel' | 'connecting' | 'starting' | 'idle' | 'busy' | 'restarting' | 'dead' | 'disconnected';

export interface TExecuteReply {
  status: 'ok' | 'error' | 'aborted';
  executionCount: number | null;
}

/** A new token is fetched this long before the current one expires. */
const REFRESH_MARGIN_MS = 60_000;

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
export class KernelSession {
  private kernel: Kernel.IKernelConnection | null = null;
  private manager: KernelManager | null = null;
  private settings: ServerConnection.ISettings | null = null;
  private token: TGatewayToken | null = null;
  private base = '';
  private pending: Promise<Kernel.IKernelConnection> | null = null;
  private refreshTimer: number | null = null;
  private launchEvents: EventSource | null = null;
  private disposed = false;

  constructor(
    private readonly opts: { projectId: string; notebookId: string; userId: string; kernelName: string },
    private readonly report: {
      status: (s: TKernelStatus) => void;
      message: (m: string | null) => void;
      /** The launch step while a kernel is on its way (scheduled, waiting for capacity, …); null when none is. */
      progress: (p: TLaunchProgressInfo | null) => void;
    },
  ) {}

  dispose(): void {
    this.disposed = true;
    this.endLaunch();
    if (this.refreshTimer) window.clearTimeout(this.refreshTimer);
    this.kernel?.dispose();
    this.kernel = null;
    this.manager?.dispose();
    this.manager = null;
  }

  /** The live kernel, connecting or starting one first if needed (one attempt at a time). */
  ensureKernel(): Promise<Kernel.IKernelConnection> {
    const k = this.kernel;
    if (k && !k.isDisposed && k.status !== 'dead') return Promise.resolve(k);
    this.pending ??= (async () => {
      try {
        this.report.message(null);
        const kernel = await this.connectOrStart();
        if (this.disposed) {
          kernel.dispose();
          throw new Error('the page was closed');
        }
        this.attach(kernel);
        return kernel;
      } catch (err) {
        if (!this.disposed) {
          this.report.status('no-kernel');
          this.report.message(`Could not start a kernel: ${(err as Error).message}`);
        }
        throw err;
      } finally {
        this.pending = null;
      }
    })();
    return this.pending;
  }

  /** Runs code; `onMessage` gets every iopub message of this request. */
  async execute(code: string, onMessage: (msgType: string, content: Record<string, unknown>) => void): Promise<TExecuteReply> {
    const kernel = await this.ensureKernel();
    const future = kernel.requestExecute({ code, stop_on_error: true, store_history: true, allow_stdin: false });
    future.onIOPub = (msg) => onMessage(msg.header.msg_type, msg.content as Record<string, unknown>);
    const reply = await future.done;
    const content = reply.content as { status: TExecuteReply['status']; execution_count?: number };
    return { status: content.status, executionCount: content.execution_count ?? null };
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
      const res = await fetch(`${this.base}/api/kernels/${model.id}`, { method: 'DELETE', headers: this.authHeaders(), cache: 'no-store' });
      if (!res.ok && res.status !== 404) {
        const body = await res.json().catch(() => ({}));
        throw new Error(body.message ?? `the kernel gateway answered ${res.status}`);
      }
    }
    this.report.status('no-kernel');
  }

  private authHeaders(): Record<string, string> {
    return { Authorization: `token ${this.token?.token ?? ''}` };
  }

  private async setUp(): Promise<KernelManager> {
    if (this.manager) return this.manager;
    const services = await import('@jupyterlab/services');
    this.token = await fetchGatewayToken();
    this.scheduleRefresh();
    this.base = resolveGatewayUrl(this.token, window.location);
    const settings = services.ServerConnection.makeSettings({
      baseUrl: this.base,
      wsUrl: this.base.replace(/^http/, 'ws'),
      token: this.token.token,
      appendToken: true,
      // @jupyterlab/services posts JSON as a string body, which fetch labels text/plain; say what it is.
      init: { cache: 'no-store', headers: { 'Content-Type': 'application/json' } },
    });
    // Every request and websocket (re)connection reads the current token.
    Object.defineProperty(settings, 'token', { get: () => this.token?.token ?? '', enumerable: true });
    this.settings = settings;
    this.manager = new services.KernelManager({ serverSettings: settings });
    return this.manager;
  }

  private scheduleRefresh(): void {
    if (!this.token || this.disposed) return;
    const wait = Math.max(10_000, new Date(this.token.expiresAt).getTime() - Date.now() - REFRESH_MARGIN_MS);
    this.refreshTimer = window.setTimeout(async () => {
      if (this.disposed) return;
      try {
        this.token = await fetchGatewayToken();
      } catch {
        // Try again shortly; the current token may still be valid.
      }
      this.scheduleRefresh();
    }, wait);
  }

  /** This user's live kernels of this notebook, on any environment. */
  private async listMine(): Promise<TKernelModel[]> {
    const query = new URLSearchParams({ project: this.opts.projectId });
    const res = await fetch(`${this.base}/api/kernels?${query}`, { headers: this.authHeaders(), cache: 'no-store' });
    if (!res.ok) {
      const body = await res.json().catch(() => ({}));
      throw new Error(body.message ?? `the kernel gateway answered ${res.status}`);
    }
    const models = (await res.json()) as TKernelModel[];
    return models.filter(
      (m) =>
        m.lattice?.notebookId === this.opts.notebookId &&
        m.lattice.userId === this.opts.userId &&
        !isTerminal(m.lattice.state as TKernelState) &&
        m.lattice.state !== 'stopping',
    );
  }

  /** The kernel to reconnect to: this user's, of this notebook, on the notebook's environment. */
  private async findMine(): Promise<TKernelModel | undefined> {
    const slug = KERNELSPEC_ALIASES[this.opts.kernelName] ?? this.opts.kernelName;
    return (await this.listMine()).find((m) => m.lattice.environment.slug === slug || m.name === this.opts.kernelName);
  }

  private connectOrStart(): Promise<Kernel.IKernelConnection> {
    return oneAtATime(this.opts.notebookId, async () => {
      const manager = await this.setUp();
      this.report.status('connecting');
      const mine = await this.findMine();
      if (this.disposed) throw new Error('the page was closed');
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
        return await manager.startNew({
          name: this.opts.kernelName,
          env: { KERNEL_PROJECT: this.opts.projectId, KERNEL_NOTEBOOK: this.opts.notebookId },
        } as never);
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

  private openLaunchEvents(): Promise<void> {
    const query = new URLSearchParams({ token: this.token?.token ?? '', project: this.opts.projectId });
    const source = new EventSource(`${this.base}/api/events?${query}`);
    this.launchEvents = source;
    source.onmessage = (e: MessageEvent) => {
      let raw: unknown;
      try {
        raw = JSON.parse(String(e.data));
      } catch {
        return;
      }
      const parsed = ZKernelEvent.safeParse(raw);
      if (!parsed.success || this.launchEvents !== source) return;
      const event = parsed.data;
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
    this.report.status(toStatus(kernel.status));
    if (kernel.status === 'idle' || kernel.status === 'busy') this.endLaunch();
    kernel.statusChanged.connect((_k, s) => {
      if (this.kernel !== kernel) return;
      this.report.status(toStatus(s));
      if (s === 'idle' || s === 'busy' || s === 'dead') this.endLaunch();
      if (s === 'dead') void this.explain(kernel.id);
    });
    kernel.connectionStatusChanged.connect((_k, c) => {
      if (this.kernel !== kernel) return;
      if (c === 'disconnected' && kernel.status !== 'dead') this.report.status('disconnected');
      else if (c === 'connected') this.report.status(toStatus(kernel.status));
    });
    kernel.disposed.connect(() => {
      if (this.kernel === kernel && !this.disposed) {
        this.kernel = null;
        if (kernel.status !== 'dead') this.report.status('no-kernel');
      }
    });
  }

  /** Explains a dead or failed kernel with the gateway's reason (e.g. out of memory). */
  private async explain(kernelId: string): Promise<void> {
    try {
      const res = await fetch(`${this.base}/api/kernels/${kernelId}`, { headers: this.authHeaders(), cache: 'no-store' });
      if (!res.ok) return;
      const l = ((await res.json()) as Partial<TKernelModel>).lattice;
      if (l && (l.state === 'dead' || l.state === 'failed')) {
        this.report.message(`The kernel is ${l.state}${l.reason ? `: ${describeReason(l.reason)}` : ''}${l.detail ? ` (${l.detail})` : ''}. Restart to get a new one.`);
      }
    } catch {
      // The badge already says "dead"; the reason is a nicety.
    }
  }
}
