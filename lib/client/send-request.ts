import type { z } from 'zod';
import { ZErrorResponse } from '@/common/error-response';
import { ERROR_STATUS } from '@/common/errors';
import { RequestError, type TService } from './request-error';

export interface TRequest {
  service: TService;
  method: string;
  url: string;
  headers?: Record<string, string>;
  /** Sent as JSON, or as multipart when it is `FormData` (the browser sets the boundary). */
  body?: unknown;
}

/** Statuses a reverse proxy (or a server still starting) answers for a backend that is down. */
const PROXY_DOWN = new Set([502, 503, 504]);

/**
 * The one place the browser's clients call `fetch`: sends a request, turns every failure into
 * a `RequestError` and returns the body only once `schema` accepts it (a 204 or empty body is
 * `null`). Both clients (web-client.ts, gateway-client.ts) go through here, so both map
 * errors the same way.
 */
export async function sendRequest<S extends z.ZodType>(req: TRequest, schema: S): Promise<z.output<S>> {
  const form = typeof FormData !== 'undefined' && req.body instanceof FormData;
  const json = req.body !== undefined && !form;
  let res: Response;
  let text: string;
  try {
    res = await fetch(req.url, {
      method: req.method,
      cache: 'no-store',
      headers: { ...(json ? { 'Content-Type': 'application/json' } : {}), ...req.headers },
      body: form ? (req.body as FormData) : json ? JSON.stringify(req.body) : undefined,
    });
    text = await res.text();
  } catch {
    throw RequestError.network(req.service);
  }
  const data = parseJson(text);
  if (!res.ok) throw errorFor(req.service, res.status, data);
  if (data === INVALID_JSON) throw RequestError.invalidResponse(req.service, res.status, 'not JSON');
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw RequestError.invalidResponse(req.service, res.status, `${issue.path.join('.') || 'body'}: ${issue.message}`);
  }
  return parsed.data;
}

const INVALID_JSON = Symbol('invalid JSON');

function parseJson(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return INVALID_JSON;
  }
}

function errorFor(service: TService, status: number, data: unknown): RequestError {
  const body = ZErrorResponse.safeParse(data);
  if (body.success) return new RequestError({ service, status, code: body.data.code, message: body.data.message, fields: body.data.fields, body: data });
  if (PROXY_DOWN.has(status)) return RequestError.unavailable(service, status);
  // No Lattice body (a proxy's page, a route that does not exist): name the status as the servers would.
  const code = Object.entries(ERROR_STATUS).find(([, s]) => s === status)?.[0] ?? 'INTERNAL';
  const who = service === 'gateway' ? 'The kernel gateway' : 'The Lattice server';
  return new RequestError({ service, status, code, message: `${who} answered HTTP ${status} without saying why. Try again; if it keeps happening, contact your administrator.` });
}
