import { NextResponse, type NextRequest } from 'next/server';

/**
 * First gate, before any route runs. API requests without a session cookie (or an
 * Authorization header) get a 401 JSON here. Pages get the path they were asked for in
 * `x-lattice-path`, so the layout's sign-in redirect can come back to it (the redirect is not
 * done here: Next rewrites 127.0.0.1 to localhost in middleware redirects, which loses the
 * cookie's host). This only checks that a cookie is present; every layout, page and route
 * handler still verifies the session and re-reads the user.
 */
const PUBLIC_API = /^\/api\/auth(\/|$)/;
const SESSION_COOKIE = /^(__Secure-)?next-auth\.session-token(\.\d+)?$/;
const PATH_HEADER = 'x-lattice-path';

export function middleware(req: NextRequest) {
  const { pathname, search } = req.nextUrl;
  if (pathname.startsWith('/api/')) {
    if (PUBLIC_API.test(pathname) || req.headers.get('authorization')) return NextResponse.next();
    if (req.cookies.getAll().some((c) => SESSION_COOKIE.test(c.name))) return NextResponse.next();
    const message = 'Sign in to continue.';
    return NextResponse.json({ code: 'UNAUTHENTICATED', message, reason: message }, { status: 401 });
  }
  const headers = new Headers(req.headers);
  headers.set(PATH_HEADER, pathname + search);
  return NextResponse.next({ request: { headers } });
}

export const config = { matcher: ['/((?!_next/static|_next/image|favicon.ico|robots.txt).*)'] };
