import { waitForMatch } from './wait-for-match';

/** A minimal server-sent-events reader for gateway tests (`GET /api/events`). */
export interface TEventStream {
  status: number;
  headers: Headers;
  /** Parsed `data:` payloads, in order. */
  events: any[];
  /** Comment lines (heartbeats), in order. */
  comments: string[];
  /** Resolves with the first event (already received or future) that matches. */
  waitFor(match: (e: any) => boolean, timeoutMs?: number): Promise<any>;
  close(): void;
}

export async function openEventStream(url: string, headers: Record<string, string> = {}): Promise<TEventStream> {
  const controller = new AbortController();
  const res = await fetch(url, { headers, signal: controller.signal });
  const events: any[] = [];
  const comments: string[] = [];
  const waiters = new Set<() => void>();
  if (res.ok && res.body) {
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    void (async () => {
      let buf = '';
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buf += decoder.decode(value, { stream: true });
          let at: number;
          while ((at = buf.indexOf('\n\n')) >= 0) {
            const block = buf.slice(0, at);
            buf = buf.slice(at + 2);
            for (const line of block.split('\n')) {
              if (line.startsWith('data: ')) events.push(JSON.parse(line.slice(6)));
              else if (line.startsWith(':')) comments.push(line);
            }
          }
          for (const w of [...waiters]) w();
        }
      } catch {
        // aborted
      }
    })();
  }
  return {
    status: res.status,
    headers: res.headers,
    events,
    comments,
    waitFor(match, timeoutMs = 20_000) {
      return waitForMatch(events, waiters, match, timeoutMs, 'an event');
    },
    close() {
      controller.abort();
    },
  };
}
