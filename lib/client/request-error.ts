/** Which server a browser request went to: the web app's `/api/**` routes or the kernel gateway. */
export type TService = 'web' | 'gateway';

/**
 * Codes a client adds to the servers' own (common/errors.ts): `NETWORK` — no answer at all
 * (connection refused, DNS, CORS); `UNAVAILABLE` — a 502/503/504 that is not a Lattice error
 * body, i.e. a proxy or a server not up yet; `INVALID_RESPONSE` — an answer of the wrong shape.
 */
export type TClientErrorCode = 'NETWORK' | 'UNAVAILABLE' | 'INVALID_RESPONSE';

const SERVICE_NAME: Record<TService, string> = { web: 'the Lattice server', gateway: 'the kernel gateway' };

/**
 * Every failed request of the browser's two clients (web API and gateway): the server's
 * `{code, message, fields?}` with the HTTP status, or a client code for no answer / a bad one.
 * `status` is 0 when nothing answered.
 */
export class RequestError extends Error {
  readonly service: TService;
  readonly status: number;
  readonly code: string;
  /** Per-field messages of a refused form (empty when none). */
  readonly fields: Record<string, string>;
  /** The server's whole error body, for what a caller reads beyond code and message (a quota refusal's `holders`). */
  readonly body: unknown;

  constructor(opts: { service: TService; status: number; code: string; message: string; fields?: Record<string, string>; body?: unknown }) {
    super(opts.message);
    this.name = 'RequestError';
    this.service = opts.service;
    this.status = opts.status;
    this.code = opts.code;
    this.fields = opts.fields ?? {};
    this.body = opts.body ?? null;
  }

  /** Nothing answered (`NETWORK`). */
  static network(service: TService): RequestError {
    const message = service === 'gateway' ? 'Could not reach the kernel gateway; it may be restarting.' : 'Could not reach the server. Check your connection and try again.';
    return new RequestError({ service, status: 0, code: 'NETWORK', message });
  }

  /** A 502/503/504 without a Lattice error body (`UNAVAILABLE`). */
  static unavailable(service: TService, status: number): RequestError {
    return new RequestError({ service, status, code: 'UNAVAILABLE', message: `${capitalize(SERVICE_NAME[service])} is not answering (HTTP ${status}); it may be restarting.` });
  }

  /** An answer that does not have the shape this client expects (`INVALID_RESPONSE`), e.g. a server of another version. */
  static invalidResponse(service: TService, status: number, what: string): RequestError {
    return new RequestError({
      service,
      status,
      code: 'INVALID_RESPONSE',
      message: `${capitalize(SERVICE_NAME[service])} sent an answer this page does not understand (${what}). Reload the page; if it persists, the server may be of another version.`,
    });
  }

  /** Something other than a request failed (a bug in the page): shown like a server error. */
  static unexpected(service: TService): RequestError {
    return new RequestError({ service, status: 0, code: 'INTERNAL', message: 'Something went wrong on this page. Try again; if it keeps happening, reload the page.' });
  }

  /**
   * The server could not be reached at all or only through a proxy that says it is down:
   * a gateway that is restarting, not a refusal. Clients retry these; they show the others.
   */
  get unreachable(): boolean {
    return this.code === 'NETWORK' || this.code === 'UNAVAILABLE';
  }
}

export function isRequestError(err: unknown): err is RequestError {
  return err instanceof RequestError;
}

/** The message to show for any error a client call threw (`fallback` for non-request errors). */
export function errorMessage(err: unknown, fallback: string): string {
  return err instanceof RequestError ? err.message : fallback;
}

function capitalize(s: string): string {
  return s[0].toUpperCase() + s.slice(1);
}
