/**
 * The Content-Security-Policy and companion headers of the app's own pages (middleware.ts).
 * Pure, so every directive is asserted in page-security-headers.test.ts. Active output content
 * never runs under this policy: it lives in sandboxed frames with their own (next.config.mjs).
 */

export interface TPageRequest {
  /** `http:` or `https:`, as the browser reached the page. */
  protocol: string;
  /** The Host header the browser sent (`127.0.0.1:3000`, `[::1]:3000`, `lattice.example`). */
  host: string;
}

/**
 * Where the browser talks to the gateway (HTTP and websocket), as `gatewayClient()` finds it
 * (common/gateway-url.ts): the configured public URL, else the page's own host on the
 * gateway's port.
 */
export function gatewayOrigins(gateway: { publicUrl?: string; port: number }, page: TPageRequest): string[] {
  const hostname = page.host.replace(/:\d+$/, '');
  const http = gateway.publicUrl ? new URL(gateway.publicUrl).origin : `${page.protocol}//${hostname}:${gateway.port}`;
  return [http, http.replace(/^http/, 'ws')];
}

/**
 * The policy: scripts only from Lattice and only through Next's nonce (`strict-dynamic` lets
 * the chunks those scripts load run); inline styles allowed because CodeMirror and KaTeX set
 * them; no plugins, no `<base>` tricks, no forms posting elsewhere, and no one may frame the
 * app. Development builds need `eval` for React's dev tooling.
 */
export function pageContentSecurityPolicy(opts: { nonce: string; gatewayOrigins: string[]; dev: boolean }): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${opts.nonce}' 'strict-dynamic'${opts.dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self' ${opts.gatewayOrigins.join(' ')}`,
    "frame-src 'self'",
    "frame-ancestors 'none'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
  ].join('; ');
}

/** A fresh nonce for one page response (128 random bits, base64). */
export function newNonce(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
}

/** The headers every API response carries: JSON is never sniffed into something a browser runs. */
export const API_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
};

/** The headers every page response carries besides the policy. */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  ...API_HEADERS,
  'Referrer-Policy': 'strict-origin-when-cross-origin',
};
