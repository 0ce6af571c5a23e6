'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import { ZProjectDashboard } from '@/lib/client/dashboard-responses';
import { gatewayClient } from '@/lib/client/gateway-client';
import { errorMessage } from '@/lib/client/request-error';
import { webClient } from '@/lib/client/web-client';
import type { TProjectDashboard } from '@/lib/dashboard/get-project-dashboard';
import { applyKernelChange } from './apply-kernel-change';
import { parseKernelEvent, type TKernelChange } from './kernel-events';

/** How often the dashboard re-reads its data (usage samples, CU so far, new kernels). */
const REFRESH_MS = 5_000;
/** Wait before reconnecting a closed event stream (doubles up to the maximum). */
const RETRY_MS = 2_000;
const RETRY_MAX_MS = 30_000;

/** `gateway-restarting`: the gateway does not answer at all (killed, restarting); its kernels are presumed alive. */
export type TLiveState = 'connecting' | 'live' | 'polling' | 'gateway-restarting';

/**
 * The dashboard's data, kept current: kernel events from the gateway's `GET /api/events`
 * (server-sent, this project only) change rows at once and trigger a re-read; the data is
 * also re-read every 5 s for usage samples and compute units (from the web, which works
 * without the gateway). Without the event stream it keeps polling: while the gateway cannot
 * be reached it says the gateway is restarting and reconnects as soon as it answers; a
 * gateway that answers but refuses the stream is retried with backoff.
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
      setData(await webClient.get(`/api/projects/${encodeURIComponent(projectId)}/dashboard`, ZProjectDashboard));
      setError(null);
    } catch (err) {
      setError(errorMessage(err, 'The dashboard could not be refreshed.'));
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
      setLive((l) => (l === 'live' || l === 'gateway-restarting' ? l : 'connecting'));
      let url: string;
      try {
        url = await gatewayClient().eventsUrl(projectId);
      } catch {
        schedule();
        return;
      }
      if (stopped) return;
      const opened = new EventSource(url);
      source = opened;
      opened.onopen = () => {
        wait = RETRY_MS;
        setLive('live');
        refreshSoon();
      };
      opened.onmessage = onEvent;
      // The browser's own reconnection would retry every few seconds, silently; the stream is
      // closed instead and the gateway asked whether it is there at all.
      opened.onerror = () => {
        opened.close();
        if (source === opened) source = null;
        void reconnectWhenReachable();
      };
    };
    const reconnectWhenReachable = async () => {
      const client = gatewayClient();
      if (stopped) return;
      if (await client.isReachable()) return schedule();
      setLive('gateway-restarting');
      try {
        await client.waitUntilReachable(() => stopped);
      } catch {
        return;
      }
      wait = RETRY_MS;
      refreshSoon();
      void connect();
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
