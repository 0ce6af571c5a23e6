import { NextResponse, type NextRequest } from 'next/server';
import { getConfig } from '@/lib/config';
import { checkApiRequest } from '@/lib/http/api-request-guard';
import { API_HEADERS, gatewayOrigins, newNonce, PAGE_HEADERS, pageContentSecurityPolicy } from '@/lib/http/page-security-headers';

/**
 * First gate, before any route runs. API requests without a session cookie (or an
 * Authorization header) get a 401 JSON here. Pages get the path they were asked for in
 * `x-lattice-path`, so the layout's sign-in redirect can come back to it (the redirect is not
 * done here: Next rewrites 127.0.0.1 to localhost in middleware redirects, which loses the
 * cookie's host). This only checks that a cookie is present; every layout, page and route
 * handler still verifies the session and re-reads the user. Pages also get their
 * Content-Security-Policy here, with a fresh nonce that Next puts on its own scripts (it reads
 * it from the request's policy header). State-changing API requests from other sites, with
 * bodies other than JSON (or an import's upload) or over the notebook size limit are refused
 * first (lib/http/api-request-guard.ts).
 */
const PUBLIC_API = /^\/api\/auth(\/|$)/;
const SESSION_COOKIE = /^(__Secure-)?next-auth\.session-token(\.\d+)?$/;
const PATH_HEADER = 'x-lattice-path';

export function middleware(req: NextRequest) {
  const { pathname, search } = req.nextUrl;
  const config = getConfig();
  const page = { protocol: req.nextUrl.protocol, host: req.headers.get('host') ?? req.nextUrl.host };
  if (pathname.startsWith('/api/')) return withHeaders(apiGate(req, [`${page.protocol}//${page.host}`, ...webOrigins(config)]), API_HEADERS);
  const csp = pageContentSecurityPolicy({
    nonce: newNonce(),
    gatewayOrigins: gatewayOrigins({ publicUrl: config.LATTICE_GATEWAY_PUBLIC_URL, port: config.LATTICE_GATEWAY_PORT }, page),
    dev: process.env.NODE_ENV === 'development',
  });
  const headers = new Headers(req.headers);
  headers.set(PATH_HEADER, pathname + search);
  headers.set('Content-Security-Policy', csp);
  const res = NextResponse.next({ request: { headers } });
  res.headers.set('Content-Security-Policy', csp);
  return withHeaders(res, PAGE_HEADERS);
}

function apiGate(req: NextRequest, ownOrigins: string[]): NextResponse {
  const refusal = checkApiRequest({ method: req.method, pathname: req.nextUrl.pathname, headers: req.headers, ownOrigins });
  if (refusal) return NextResponse.json({ code: refusal.code, message: refusal.message, reason: refusal.message }, { status: refusal.status });
  if (PUBLIC_API.test(req.nextUrl.pathname) || req.headers.get('authorization')) return NextResponse.next();
  if (req.cookies.getAll().some((c) => SESSION_COOKIE.test(c.name))) return NextResponse.next();
  const message = 'Sign in to continue.';
  return NextResponse.json({ code: 'UNAUTHENTICATED', message, reason: message }, { status: 401 });
}

function webOrigins(config: ReturnType<typeof getConfig>): string[] {
  return config.LATTICE_WEB_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean);
}

function withHeaders(res: NextResponse, headers: Readonly<Record<string, string>>): NextResponse {
  for (const [name, value] of Object.entries(headers)) res.headers.set(name, value);
  return res;
}

// Not the output frames (public/frames): they carry their own sandboxing policy (next.config.mjs).
// Not the streamed file upload: Next would buffer its body for middleware (see its route).
export const config = { matcher: ['/((?!_next/static|_next/image|frames/|favicon.ico|robots.txt|api/projects/[^/]+/files/upload).*)'] };
