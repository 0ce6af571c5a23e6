'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import { gatewayClient } from '@/components/notebook/gateway-client';
import type { TProjectDashboard } from '@/lib/dashboard/get-project-dashboard';
import { applyKernelChange } from './apply-kernel-change';
import { parseKernelEvent, type TKernelChange } from './kernel-events';

/** How often the dashboard re-reads its data (usage samples, CU so far, new kernels). */
const REFRESH_MS = 5_000;
/** Wait before reconnecting a closed event stream (doubles up to the maximum). */
const RETRY_MS = 2_000;
const RETRY_MAX_MS = 30_000;

export type TLiveState = 'connecting' | 'live' | 'polling';

/**
 * The dashboard's data, kept current: kernel events from the gateway's `GET /api/events`
 * (server-sent, this project only) change rows at once and trigger a re-read; the data is
 * also re-read every 5 s for usage samples and compute units. Without the event stream
 * (gateway down, older gateway) it keeps polling and retries the stream with backoff.
 */
export function useDashboardData(initial: TProjectDashboard) {
  const projectId = initial.projectId;
  const [data, setData] = useState(initial);
  const [live, setLive] = useState<TLiveState>('connecting');
  const [error, setError] = useState<string | null>(null);
  const inFlight = useRef(false);
  const soon = useRef<number | null>(null);

  const refresh = useCallback(async () => {
    if (inFlight.current) return;
    inFlight.current = true;
    try {
      const res = await fetch(`/api/projects/${projectId}/dashboard`, { cache: 'no-store' });
      const body = await res.json().catch(() => ({}));
      if (res.status === 401) window.location.assign(`/signin?callbackUrl=${encodeURIComponent(window.location.pathname)}`);
      if (!res.ok) throw new Error(body.message ?? `The dashboard could not be refreshed (${res.status}).`);
      setData(body as TProjectDashboard);
      setError(null);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      inFlight.current = false;
    }
  }, [projectId]);

  const refreshSoon = useCallback(() => {
    if (soon.current) window.clearTimeout(soon.current);
    soon.current = window.setTimeout(() => void refresh(), 300);
  }, [refresh]);

  /** Applies a change made here (a stop just requested) before the server confirms it. */
  const applyLocal = useCallback((change: TKernelChange) => setData((d) => applyKernelChange(d, change)), []);

  useEffect(() => {
    const timer = window.setInterval(() => document.visibilityState === 'visible' && void refresh(), REFRESH_MS);
    const onVisible = () => document.visibilityState === 'visible' && void refresh();
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      window.clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
      if (soon.current) window.clearTimeout(soon.current);
    };
  }, [refresh]);

  useEffect(() => {
    let source: EventSource | null = null;
    let retry: number | null = null;
    let wait = RETRY_MS;
    let stopped = false;
    const onEvent = (e: MessageEvent) => {
      const change = parseKernelEvent(String(e.data));
      if (change) setData((d) => applyKernelChange(d, change));
      refreshSoon();
    };
    const connect = async () => {
      if (stopped) return;
      setLive((l) => (l === 'live' ? l : 'connecting'));
      try {
        source = new EventSource(await gatewayClient().eventsUrl(projectId));
      } catch {
        schedule();
        return;
      }
      if (stopped) return source.close();
      source.onopen = () => {
        wait = RETRY_MS;
        setLive('live');
        refreshSoon();
      };
      source.onmessage = onEvent;
      source.onerror = () => {
        // CONNECTING: the browser reconnects by itself. CLOSED: refused (e.g. expired token) — start over.
        if (source?.readyState === EventSource.CLOSED) {
          source.close();
          schedule();
        } else setLive('polling');
      };
    };
    const schedule = () => {
      setLive('polling');
      if (stopped) return;
      retry = window.setTimeout(() => void connect(), wait);
      wait = Math.min(RETRY_MAX_MS, wait * 2);
    };
    void connect();
    return () => {
      stopped = true;
      if (retry) window.clearTimeout(retry);
      source?.close();
    };
  }, [projectId, refreshSoon]);

  return { data, live, error, refresh, applyLocal };
}
