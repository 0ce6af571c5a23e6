/** An API error as the browser receives it: the `{code, message, fields?}` every route returns. */
export class ApiRequestError extends Error {
  readonly code: string;
  readonly status: number;
  readonly fields: Record<string, string>;

  constructor(status: number, body: { code?: string; message?: string; fields?: Record<string, string> }) {
    super(body.message || `Request failed (${status}).`);
    this.code = body.code ?? 'INTERNAL';
    this.status = status;
    this.fields = body.fields ?? {};
  }
}

/**
 * JSON request from a client component to a Lattice route; throws `ApiRequestError` with the
 * server's message so forms can show it next to the fields. A 401 sends the user to sign in.
 */
export async function apiRequest<T = unknown>(method: string, url: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiRequestError(0, { code: 'NETWORK', message: 'Could not reach the server. Check your connection and try again.' });
  }
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  if (!res.ok) {
    if (res.status === 401) window.location.assign(`/signin?callbackUrl=${encodeURIComponent(window.location.pathname)}`);
    throw new ApiRequestError(res.status, (data as object | null) ?? {});
  }
  return data as T;
}
