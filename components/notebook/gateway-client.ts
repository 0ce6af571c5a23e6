import { resolveGatewayUrl, type TGatewayToken } from '@/common/gateway-url';
import type { TKernelModel } from '@/common/kernel-model';

/** A new token is fetched this long before the current one expires. */
const REFRESH_MARGIN_MS = 60_000;

/** A short-lived gateway token for the signed-in browser (`GET /api/gateway-token`). */
export async function fetchGatewayToken(): Promise<TGatewayToken> {
  const res = await fetch('/api/gateway-token', { cache: 'no-store' });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body.message ?? `Could not get a gateway token (${res.status}).`);
  return body as TGatewayToken;
}

/** A gateway refusal with its `{code, message}`. */
export class GatewayError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The browser's REST access to the gateway outside a notebook (notebook list, dashboard):
 * list, start and stop kernels, and the events URL — with a gateway token fetched on first
 * use and renewed before it expires. One per page (`gatewayClient()`).
 */
export class GatewayClient {
  private token: TGatewayToken | null = null;
  private pending: Promise<TGatewayToken> | null = null;

  /** The current token, fetching a new one when there is none or it is about to expire. */
  async currentToken(): Promise<TGatewayToken> {
    if (this.token && new Date(this.token.expiresAt).getTime() - Date.now() > REFRESH_MARGIN_MS) return this.token;
    this.pending ??= fetchGatewayToken()
      .then((t) => (this.token = t))
      .finally(() => (this.pending = null));
    return this.pending;
  }

  async baseUrl(): Promise<string> {
    return resolveGatewayUrl(await this.currentToken(), window.location);
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const token = await this.currentToken();
    let res: Response;
    try {
      res = await fetch(`${resolveGatewayUrl(token, window.location)}${path}`, {
        method,
        cache: 'no-store',
        headers: { Authorization: `token ${token.token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new GatewayError(0, 'NETWORK', 'Could not reach the kernel gateway. Is it running?');
    }
    const data = res.status === 204 ? null : await res.json().catch(() => null);
    if (!res.ok) {
      const d = (data ?? {}) as { code?: string; message?: string };
      throw new GatewayError(res.status, d.code ?? 'INTERNAL', d.message ?? `The kernel gateway answered ${res.status}.`);
    }
    return data as T;
  }

  /** Non-terminal kernels of a project the caller may see. */
  listKernels(projectId: string): Promise<TKernelModel[]> {
    return this.request('GET', `/api/kernels?project=${encodeURIComponent(projectId)}`);
  }

  /** `DELETE /api/kernels/{id}`: owners stop any kernel of their project, editors their own. */
  async stopKernel(id: string): Promise<void> {
    await this.request('DELETE', `/api/kernels/${encodeURIComponent(id)}`);
  }

  /** Starts a kernel for a notebook on an environment (kernelspec name = the environment's slug). */
  startKernel(opts: { name: string; projectId: string; notebookId: string }): Promise<TKernelModel> {
    return this.request('POST', '/api/kernels', { name: opts.name, env: { KERNEL_PROJECT: opts.projectId, KERNEL_NOTEBOOK: opts.notebookId } });
  }

  /** The server-sent events URL for one project's kernel changes (token in the query, as EventSource sends no headers). */
  async eventsUrl(projectId: string): Promise<string> {
    const token = await this.currentToken();
    const query = new URLSearchParams({ token: token.token, project: projectId });
    return `${resolveGatewayUrl(token, window.location)}/api/events?${query}`;
  }
}

let shared: GatewayClient | null = null;

/** The page's gateway client (created on first use, in the browser only). */
export function gatewayClient(): GatewayClient {
  shared ??= new GatewayClient();
  return shared;
}
