import { ApiException } from '@kubernetes/client-node';

/** The HTTP status of a failed API call (null for network errors). */
export function apiStatus(err: unknown): number | null {
  return err instanceof ApiException ? err.code : null;
}

/** The API server's own words (the Status object's `message`), else the error's message. */
export function apiMessage(err: unknown): string {
  if (err instanceof ApiException) {
    const body: unknown = err.body;
    if (typeof body === 'string') {
      try {
        const status = JSON.parse(body) as { message?: unknown };
        if (typeof status.message === 'string') return status.message;
      } catch {
        if (body) return body;
      }
    } else if (body && typeof (body as { message?: unknown }).message === 'string') {
      return (body as { message: string }).message;
    }
    return `HTTP ${err.code}`;
  }
  return (err as Error)?.message ?? String(err);
}

/** Runs a delete (or a create) where "already gone" (404) or "already there" (409) is success. */
export async function tolerate(statuses: number[], call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch (err) {
    if (!statuses.includes(apiStatus(err) ?? -1)) throw err;
  }
}

/**
 * A ResourceQuota refusal (403 "exceeded quota: …") as the part a person needs, e.g.
 * `exceeded quota: small, requested: requests.cpu=1, used: requests.cpu=0, limited: requests.cpu=500m`.
 */
export function quotaRefusal(err: unknown): string | null {
  if (apiStatus(err) !== 403) return null;
  const message = apiMessage(err);
  const at = message.indexOf('exceeded quota');
  return at === -1 ? null : message.slice(at);
}
