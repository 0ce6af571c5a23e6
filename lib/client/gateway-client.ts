import { z } from 'zod';
import { resolveGatewayUrl, ZGatewayToken, type TGatewayToken } from '@/common/gateway-url';
import { ZKernelModel, type TKernelModel } from '@/common/kernel-model';
import { RequestError } from './request-error';
import { sendRequest } from './send-request';
import { webClient, type WebClient } from './web-client';

/** A new token is fetched this long before the current one expires. */
const REFRESH_MARGIN_MS = 60_000;
/** A renewal that failed (web briefly down) is tried again after this long. */
const RENEW_RETRY_MS = 10_000;
/**
 * Waits between probes of a gateway that does not answer: quick at first, since a supervised
 * gateway is back within seconds, then no more than one probe per 5 s.
 */
const PROBE_BACKOFF_MS = [500, 1_000, 2_000, 3_000, 5_000];

const ZGatewayInfo = z.looseObject({ version: z.string() });

type TPage = { protocol: string; hostname: string };

/**
 * The browser's client for the kernel gateway's REST API: kernels (list, read, start, stop),
 * reachability, and the events URL — with the short-lived gateway token that the web issues
 * (`GET /api/gateway-token`), fetched on first use and renewed before it expires. Failures are
 * `RequestError`s; `unreachable` ones mean the gateway is down or restarting. The kernel
 * websocket itself is `@jupyterlab/services`' (kernel-session.ts), which reads the token here.
 */
export class GatewayClient {
  private token: TGatewayToken | null = null;
  private pending: Promise<TGatewayToken> | null = null;
  private holders = 0;
  private renewal: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly opts: {
      web?: WebClient;
      /** Where the page is (window.location): the gateway is on its host unless configured. */
      page?: () => TPage;
    } = {},
  ) {}

  /** The current token, fetching a new one when there is none or it is about to expire. */
  async currentToken(): Promise<TGatewayToken> {
    if (this.token && new Date(this.token.expiresAt).getTime() - Date.now() > REFRESH_MARGIN_MS) return this.token;
    this.pending ??= (this.opts.web ?? webClient)
      .get('/api/gateway-token', ZGatewayToken)
      .then((t) => {
        this.token = t;
        this.scheduleRenewal();
        return t;
      })
      .finally(() => (this.pending = null));
    return this.pending;
  }

  /**
   * The token as it is now, for readers that cannot wait (a websocket reconnecting reads it
   * synchronously); '' before the first `currentToken()`. Valid while someone `retain()`s.
   */
  tokenNow(): string {
    return this.token?.token ?? '';
  }

  /**
   * Keeps the token renewed ahead of its expiry until the returned function is called — for a
   * long-lived connection (a notebook's kernel websocket) that may reconnect at any time.
   */
  retain(): () => void {
    this.holders++;
    this.scheduleRenewal();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.holders > 0 || !this.renewal) return;
      clearTimeout(this.renewal);
      this.renewal = null;
    };
  }

  async baseUrl(): Promise<string> {
    return resolveGatewayUrl(await this.currentToken(), this.page());
  }

  /** Non-terminal kernels of a project the caller may see. */
  listKernels(projectId: string): Promise<TKernelModel[]> {
    return this.request('GET', `/api/kernels?${new URLSearchParams({ project: projectId })}`, z.array(ZKernelModel));
  }

  /**
   * One kernel, ended ones included with why they ended (Lattice's route: the Jupyter one is a
   * 404 once a kernel has ended); one that does not exist (or that the caller may not see) is
   * a 404 `RequestError`.
   */
  getKernel(id: string): Promise<TKernelModel> {
    return this.request('GET', `/api/lattice/kernels/${encodeURIComponent(id)}`, ZKernelModel);
  }

  /**
   * `DELETE /api/kernels/{id}`: owners stop any kernel of their project, editors their own.
   * `from` is recorded in the kernel's detail ("Stopped by Ada from the dashboard").
   */
  async stopKernel(id: string, from: 'dashboard' | 'notebook'): Promise<void> {
    await this.request('DELETE', `/api/kernels/${encodeURIComponent(id)}?from=${from}`, z.unknown());
  }

  /** `POST /api/kernels/{id}/activity`: "Keep running" on a cull warning (the kernel's idle clocks start again). */
  async keepKernelRunning(id: string): Promise<void> {
    await this.request('POST', `/api/kernels/${encodeURIComponent(id)}/activity`, z.unknown());
  }

  /** Starts a kernel for a notebook on an environment (kernelspec name = the environment's slug). */
  startKernel(opts: { name: string; projectId: string; notebookId: string }): Promise<TKernelModel> {
    return this.request('POST', '/api/kernels', ZKernelModel, { name: opts.name, env: { KERNEL_PROJECT: opts.projectId, KERNEL_NOTEBOOK: opts.notebookId } });
  }

  /** The server-sent events URL for one project's kernel changes (token in the query, as EventSource sends no headers). */
  async eventsUrl(projectId: string): Promise<string> {
    const token = await this.currentToken();
    const query = new URLSearchParams({ token: token.token, project: projectId });
    return `${resolveGatewayUrl(token, this.page())}/api/events?${query}`;
  }

  /**
   * Whether the gateway answers at all (`GET /api`). Any answer counts, a refusal too: only a
   * gateway that cannot be reached, or a proxy saying it is down, is "not reachable".
   */
  async isReachable(): Promise<boolean> {
    try {
      await this.request('GET', '/api', ZGatewayInfo);
      return true;
    } catch (err) {
      if (err instanceof RequestError && err.unreachable) return false;
      return true;
    }
  }

  /**
   * Resolves once the gateway answers again, probing with back-off; rejects only if `cancelled()`
   * turns true (the page moved on). A gateway under a supervisor comes back by itself.
   */
  async waitUntilReachable(cancelled: () => boolean): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      if (cancelled()) throw new Error('cancelled');
      if (await this.isReachable()) return;
      await new Promise((r) => setTimeout(r, PROBE_BACKOFF_MS[Math.min(attempt, PROBE_BACKOFF_MS.length - 1)]));
    }
  }

  /**
   * A 401 means the token died before its time (signed out elsewhere, revoked by an admin): the
   * token is dropped and asked for again once — the web answers a new one, or a 401 of its own
   * that sends this page to sign in.
   */
  private async request<S extends z.ZodType>(method: string, path: string, schema: S, body?: unknown): Promise<z.output<S>> {
    try {
      return await this.send(await this.currentToken(), method, path, schema, body);
    } catch (err) {
      if (!(err instanceof RequestError) || err.status !== 401) throw err;
      this.token = null;
      return this.send(await this.currentToken(), method, path, schema, body);
    }
  }

  private send<S extends z.ZodType>(token: TGatewayToken, method: string, path: string, schema: S, body?: unknown): Promise<z.output<S>> {
    return sendRequest({ service: 'gateway', method, url: `${resolveGatewayUrl(token, this.page())}${path}`, headers: { Authorization: `token ${token.token}` }, body }, schema);
  }

  private page(): TPage {
    return this.opts.page?.() ?? window.location;
  }

  private scheduleRenewal(): void {
    if (!this.token || this.holders === 0 || this.renewal) return;
    const wait = Math.max(RENEW_RETRY_MS, new Date(this.token.expiresAt).getTime() - Date.now() - REFRESH_MARGIN_MS);
    this.renewal = setTimeout(() => void this.renew(), wait);
  }

  private async renew(): Promise<void> {
    this.renewal = null;
    if (this.holders === 0) return;
    try {
      this.token = await (this.opts.web ?? webClient).get('/api/gateway-token', ZGatewayToken);
      this.scheduleRenewal();
    } catch {
      // The current token may still be valid; try again shortly.
      if (this.holders > 0 && !this.renewal) this.renewal = setTimeout(() => void this.renew(), RENEW_RETRY_MS);
    }
  }
}

let shared: GatewayClient | null = null;

/** The page's gateway client (created on first use, in the browser only). */
export function gatewayClient(): GatewayClient {
  shared ??= new GatewayClient();
  return shared;
}
