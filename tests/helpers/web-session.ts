/**
 * Signing in to the web over plain HTTP, as a browser would, for tests that call route
 * handlers directly: `GET /api/auth/csrf` (csrf cookie + token), then the credentials
 * callback with `json=true`, which answers with the next-auth session cookie.
 */

/** The cookies a test client holds, by name. */
export type TCookieJar = Map<string, string>;

export interface TWebSession {
  email: string;
  cookies: TCookieJar;
}

export interface TWebResponse {
  status: number;
  /** Parsed JSON when the response is JSON, else the text (null when empty). */
  body: any;
  headers: Headers;
}

export interface TWebRequest {
  method?: string;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as application/x-www-form-urlencoded. */
  form?: Record<string, string>;
  /** Sent as multipart/form-data. */
  multipart?: FormData;
  headers?: Record<string, string>;
  /** Keep Set-Cookie answers in the jar (default true; false to leave a session as it is). */
  keepCookies?: boolean;
}

function cookieHeader(jar: TCookieJar): string {
  return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
}

/** Applies Set-Cookie headers to a jar (an expired or emptied cookie is dropped). */
export function storeCookies(jar: TCookieJar, headers: Headers): void {
  for (const line of headers.getSetCookie()) {
    const [pair, ...attrs] = line.split(';');
    const eq = pair.indexOf('=');
    if (eq < 1) continue;
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a) || (/^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]) < Date.now()));
    if (expired || !value) jar.delete(name);
    else jar.set(name, value);
  }
}

/**
 * One request to the web app with a jar's cookies (null = anonymous). Redirects are not
 * followed, so a 30x is seen as it is.
 */
export async function webFetch(baseUrl: string, jar: TCookieJar | null, path: string, req: TWebRequest = {}): Promise<TWebResponse> {
  const headers: Record<string, string> = { ...req.headers };
  if (jar && jar.size) headers.cookie = cookieHeader(jar);
  let body: BodyInit | undefined;
  if (req.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(req.json);
  } else if (req.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(req.form).toString();
  } else if (req.multipart) {
    body = req.multipart;
  }
  const res = await fetch(new URL(path, baseUrl), { method: req.method ?? 'GET', headers, body, redirect: 'manual' });
  if (jar && req.keepCookies !== false) storeCookies(jar, res.headers);
  const text = await res.text();
  let parsed: unknown = text || null;
  if (text && (res.headers.get('content-type') ?? '').includes('json')) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

/** The csrf token next-auth expects in form posts; sets its csrf cookie in the jar. */
/** A JSON request that must succeed: resolves the body of a 2xx answer, else throws with the answer. */
export async function webOk(baseUrl: string, jar: TCookieJar, method: string, path: string, json?: unknown): Promise<any> {
  const res = await webFetch(baseUrl, jar, path, { method, json });
  if (res.status < 200 || res.status >= 300) throw new Error(`${method} ${path} answered ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function csrfToken(baseUrl: string, jar: TCookieJar): Promise<string> {
  const res = await webFetch(baseUrl, jar, '/api/auth/csrf');
  if (res.status !== 200 || typeof res.body?.csrfToken !== 'string') throw new Error(`GET /api/auth/csrf answered ${res.status}`);
  return res.body.csrfToken;
}

/**
 * Signs in with email and password through next-auth's credentials provider; resolves with
 * a session whose jar holds the session cookie. Rejects with next-auth's error otherwise.
 */
export async function signIn(baseUrl: string, credentials: { email: string; password: string }): Promise<TWebSession> {
  const jar: TCookieJar = new Map();
  const token = await csrfToken(baseUrl, jar);
  const res = await webFetch(baseUrl, jar, '/api/auth/callback/credentials', {
    method: 'POST',
    form: { csrfToken: token, email: credentials.email, password: credentials.password, json: 'true', callbackUrl: baseUrl },
  });
  const session = [...jar.keys()].find((name) => /^(__Secure-)?next-auth\.session-token/.test(name));
  if (res.status !== 200 || !session) {
    const error = typeof res.body?.url === 'string' ? new URL(res.body.url, baseUrl).searchParams.get('error') : null;
    throw new Error(`sign-in as ${credentials.email} failed (${res.status}${error ? `: ${error}` : ''})`);
  }
  return { email: credentials.email, cookies: jar };
}

/**
 * A member an admin creates through the API, as that person first signs in: with the
 * admin-set password, replaced by `user.password` at once (admin-set passwords must be). Resolves
 * with the signed-in session that chose it.
 */
export async function createAccount(baseUrl: string, adminJar: TCookieJar, user: { email: string; name: string; password: string }): Promise<TWebSession> {
  const initial = `${user.password}-set-by-admin`;
  await webOk(baseUrl, adminJar, 'POST', '/api/users', { email: user.email, name: user.name, password: initial });
  const session = await signIn(baseUrl, { email: user.email, password: initial });
  await webOk(baseUrl, session.cookies, 'POST', '/api/me/password', { currentPassword: initial, newPassword: user.password });
  return session;
}
