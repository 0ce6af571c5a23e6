/**
 * Where to send a user after sign-in (or back to sign-in), from a `callbackUrl` anyone can
 * put in a link. Every reader of a callback (the sign-in page, requirePageUser's redirect,
 * next-auth's `redirect` callback) goes through here, so Lattice never forwards to another
 * site. Pure; asserted in safe-callback-path.test.ts.
 */

/** Where a missing or refused callback leads. */
export const DEFAULT_CALLBACK = '/projects';

/** A fixed origin to resolve against: only same-origin results are kept, so the host does not matter. */
const BASE = 'http://lattice.invalid';

/**
 * The path, query and hash of `value` when it names a page of this app, else `/projects`.
 * Browsers drop tabs and newlines inside URLs and read `\` as `/`, so `/\t/evil.example` or
 * `/\evil.example` would lead off-site: any control character or backslash is refused outright,
 * as are absolute URLs (`http://…`, `//host`) — also those to the app's own origin, since
 * behind a proxy it cannot tell its public origin reliably. `ownOrigin`, when given,
 * additionally accepts absolute URLs on that origin (next-auth passes them).
 */
export function safeCallbackPath(value: unknown, ownOrigin?: string): string {
  const v = Array.isArray(value) ? value[0] : value;
  if (typeof v !== 'string' || v === '' || v.length > 2000) return DEFAULT_CALLBACK;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(v)) return DEFAULT_CALLBACK;
  const relative = v.startsWith('/') && !v.startsWith('//');
  const base = relative ? BASE : ownOrigin;
  if (!base) return DEFAULT_CALLBACK;
  let url: URL;
  try {
    url = new URL(v, base);
  } catch {
    return DEFAULT_CALLBACK;
  }
  if (url.origin !== new URL(base).origin) return DEFAULT_CALLBACK;
  const path = url.pathname + url.search + url.hash;
  return path.startsWith('//') ? DEFAULT_CALLBACK : path;
}
