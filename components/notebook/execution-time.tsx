'use client';

import { useEffect, useState } from 'react';
import { executionSpan, formatDuration } from './execution-timing';
import { useHydrated } from './use-hydrated';
import { useViewPreference } from './view-preferences';

const TIME = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
const DAY = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

/**
 * The line under a code cell: "Started 14:02:11 · took 2.4 s", or "Running for 12 s" while it
 * runs; hidden by the "Show or hide execution times" command.
 */
export function ExecutionTime({ execution, running }: { execution: unknown; running: boolean }) {
  const hydrated = useHydrated();
  const [hidden] = useViewPreference('hide-execution-time');
  const [now, setNow] = useState(() => Date.now());
  const span = execution ? executionSpan({ execution }) : null;
  const live = running && span !== null && span.tookMs === null;
  useEffect(() => {
    if (!live) return;
    setNow(Date.now());
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, [live]);
  // Times are in the reader's time zone, so they are only rendered in the browser.
  if (!hydrated || !span || hidden) return null;
  const today = new Date().toDateString() === span.started.toDateString();
  const started = `${today ? '' : `${DAY.format(span.started)} `}${TIME.format(span.started)}`;
  const text = live
    ? `Running for ${formatDuration(Math.max(0, now - span.started.getTime()))}`
    : `Started ${started}${span.tookMs !== null ? ` · took ${formatDuration(span.tookMs)}` : ''}`;
  return (
    <p className="pl-16 text-[11px] leading-4 text-slate-400" data-testid="execution-time" data-running={live || undefined}>
      {text}
    </p>
  );
}
