'use client';

import { useEffect, useMemo, useRef } from 'react';
import { readKernelEvent, type TKernelEvent } from '@/common/kernel-model';
import { gatewayClient } from '@/lib/client/gateway-client';

/** Wait before reopening a stream the browser gave up on (its token expired, the gateway restarted). */
const REOPEN_MS = 2_000;

export type TKernelNoticeListener = (event: TKernelEvent) => void;

/** The project's kernel events for whoever on the page wants them (cull warnings, "stopped by …"). */
export interface TKernelNotices {
  /** Calls `listener` with every event until the returned function is called. */
  subscribe(listener: TKernelNoticeListener): () => void;
}

/**
 * One subscription to the gateway's `GET /api/events` for the project while the notebook page
 * is open (the kernel session follows the stream only during launches). EventSource retries
 * by itself after a dropped connection; when it gives up for good (the token in its URL has
 * expired) the stream is reopened with a fresh token.
 */
export function useKernelNotices(projectId: string, enabled: boolean): TKernelNotices {
  const listeners = useRef(new Set<TKernelNoticeListener>()).current;

  useEffect(() => {
    if (!enabled) return;
    const gateway = gatewayClient();
    const release = gateway.retain();
    let source: EventSource | null = null;
    let reopen: number | undefined;
    let closed = false;
    const again = () => {
      if (!closed) reopen = window.setTimeout(() => void open(), REOPEN_MS);
    };
    const open = async () => {
      let url: string;
      try {
        url = await gateway.eventsUrl(projectId);
      } catch {
        return again();
      }
      if (closed) return;
      const s = (source = new EventSource(url));
      s.onmessage = (e: MessageEvent) => {
        const event = readKernelEvent(String(e.data));
        if (event) for (const listener of [...listeners]) listener(event);
      };
      s.onerror = () => {
        if (s.readyState !== EventSource.CLOSED || source !== s) return;
        again();
      };
    };
    void open();
    return () => {
      closed = true;
      window.clearTimeout(reopen);
      source?.close();
      release();
    };
  }, [projectId, enabled, listeners]);

  return useMemo(
    () => ({
      subscribe: (listener: TKernelNoticeListener) => {
        listeners.add(listener);
        return () => void listeners.delete(listener);
      },
    }),
    [listeners],
  );
}
