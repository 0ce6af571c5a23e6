/**
 * What middleware.ts checks on every `/api/*` request before a route runs: that a
 * state-changing request comes from Lattice's own pages (not a form or script on another
 * site riding the user's session cookie), that its body is a kind the routes parse, and that
 * the body is not over the one size limit. Pure, so every rule is asserted in
 * api-request-guard.test.ts.
 */

import { formatBytes, MAX_NOTEBOOK_BYTES } from '../notebooks/notebook-size-limit';

/**
 * The largest request body any `/api/*` route accepts: the notebook limit, so a save or import
 * over it is refused before anything parses it (a body under it holds a notebook under it).
 * next.config.mjs lets middleware pass bodies this large (Next's own default cuts them at
 * 10 MB, which made the notebook limit unreachable).
 */
export const MAX_API_BODY_BYTES = MAX_NOTEBOOK_BYTES;

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** next-auth's own routes post `application/x-www-form-urlencoded` (and carry their own CSRF token). */
const NEXT_AUTH = /^\/api\/auth(\/|$)/;
const JSON_TYPE = /^application\/json\s*(;\s*charset=("?)utf-8\2\s*)?$/i;
/** Notebook import uploads an .ipynb file (lib/client/send-request.ts sends `FormData`). */
const MULTIPART_TYPE = /^multipart\/form-data\s*;/i;

export interface TApiRequest {
  method: string;
  pathname: string;
  headers: { get(name: string): string | null };
  /** Origins that are the app itself: the request's own (`http://<Host>`) plus any configured. */
  ownOrigins: readonly string[];
}

export interface TRefusal {
  status: 403 | 413 | 415;
  code: 'CROSS_SITE' | 'PAYLOAD_TOO_LARGE' | 'UNSUPPORTED_MEDIA_TYPE';
  message: string;
}

/** The refusal for a request that must not reach its route, or null to let it through. */
export function checkApiRequest(req: TApiRequest): TRefusal | null {
  if (!STATE_CHANGING.has(req.method.toUpperCase())) return null;
  return crossSiteRefusal(req) ?? bodySizeRefusal(req) ?? contentTypeRefusal(req);
}

/**
 * Browsers send `Origin` on every cross-origin and every non-GET fetch or form post, and
 * `Sec-Fetch-Site` on all of them in current engines; a request with neither did not come
 * from a browser page (curl, a script with a token) and goes on to the usual session checks.
 */
export function crossSiteRefusal(req: Pick<TApiRequest, 'headers' | 'ownOrigins'>): TRefusal | null {
  const origin = req.headers.get('origin');
  if (origin !== null) {
    if (req.ownOrigins.some((o) => sameOrigin(o, origin))) return null;
    return {
      status: 403,
      code: 'CROSS_SITE',
      message: `This request came from a page on ${origin}, not from Lattice, so it was refused. Make the change from Lattice itself; if Lattice is served under that address, add it to LATTICE_WEB_ORIGINS.`,
    };
  }
  const site = req.headers.get('sec-fetch-site');
  if (site === null || site === 'same-origin' || site === 'none') return null;
  return {
    status: 403,
    code: 'CROSS_SITE',
    message: `This request came from another site (Sec-Fetch-Site: ${site}), not from Lattice, so it was refused. Make the change from Lattice itself.`,
  };
}

function bodySizeRefusal(req: TApiRequest): TRefusal | null {
  const length = Number(req.headers.get('content-length') ?? 0);
  if (!(length > MAX_API_BODY_BYTES)) return null;
  return {
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
    message: `This request is ${formatBytes(length)}; the limit for a notebook is ${formatBytes(MAX_API_BODY_BYTES)}. Clear large outputs (Kernel → Clear all outputs in Jupyter) and try again.`,
  };
}

function contentTypeRefusal(req: TApiRequest): TRefusal | null {
  if (NEXT_AUTH.test(req.pathname) || !hasBody(req)) return null;
  const type = (req.headers.get('content-type') ?? '').trim();
  if (JSON_TYPE.test(type) || MULTIPART_TYPE.test(type)) return null;
  return {
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: `Send the request body as JSON with "Content-Type: application/json" (it was ${type ? `"${type}"` : 'not given'}).`,
  };
}

function hasBody(req: TApiRequest): boolean {
  const length = req.headers.get('content-length');
  return length !== null ? Number(length) > 0 : req.headers.get('transfer-encoding') !== null;
}

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}
