import { z } from 'zod';
import { sendRequest } from './send-request';

/**
 * The browser's client for the web app's own API (`/api/**` route handlers under app/):
 * JSON in, zod-checked JSON out, every failure a `RequestError` (request-error.ts) carrying
 * the route's `{code, message, fields?}`. A 401 (session expired) also calls
 * `onUnauthenticated`, which in the browser sends the user to sign in.
 */
export class WebClient {
  constructor(
    private readonly opts: {
      /** Prefix of every path; '' in the browser (same origin), `http://127.0.0.1:<port>` in tests. */
      origin?: string;
      onUnauthenticated?: () => void;
    } = {},
  ) {}

  get<S extends z.ZodType>(path: string, schema: S): Promise<z.output<S>> {
    return this.send('GET', path, schema);
  }

  /** `body` is sent as JSON, or as multipart when it is `FormData` (file uploads). */
  async send<S extends z.ZodType>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, schema: S, body?: unknown): Promise<z.output<S>> {
    try {
      return await sendRequest({ service: 'web', method, url: `${this.opts.origin ?? ''}${path}`, body }, schema);
    } catch (err) {
      if ((err as { status?: number }).status === 401) this.opts.onUnauthenticated?.();
      throw err;
    }
  }
}

/** The page's web API client. */
export const webClient = new WebClient({
  onUnauthenticated: () => window.location.assign(`/signin?callbackUrl=${encodeURIComponent(window.location.pathname)}`),
});

/** For calls whose answer the caller does not read (a rename, a delete): any body, or none, is accepted. */
export const ZUnread = z.unknown();
