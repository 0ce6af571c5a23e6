'use client';

import { useEffect, useMemo, useState } from 'react';
import { isTerminal } from '@/common/kernel-states';
import { announceNotebooksChanged } from '@/components/notebook/notebooks-changed';
import { announceRunningNotebooks } from '@/components/notebook/running-notebooks';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { ConfirmDialog } from '@/components/ui/dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { ZLargerEnvironment } from '@/lib/client/dashboard-responses';
import { gatewayClient } from '@/lib/client/gateway-client';
import { webClient } from '@/lib/client/web-client';
import type { TActiveEnvironment } from '@/lib/dashboard/get-active-environments';
import type { TProjectDashboard } from '@/lib/dashboard/get-project-dashboard';
import { ActiveEnvironmentsTable } from './active-environments-table';
import { DailyUnitsChart } from './daily-units-chart';
import { DashboardStats } from './dashboard-stats';
import { IdleReservedPanel } from './idle-reserved-panel';
import { useDashboardData, type TLiveState } from './use-dashboard-data';

const LIVE_LOOK: Record<TLiveState, { label: string; dot: string; title: string }> = {
  live: { label: 'Live', dot: 'bg-emerald-500', title: 'State changes arrive from the kernel gateway as they happen; usage is re-read every 5 s.' },
  connecting: { label: 'Connecting', dot: 'bg-amber-400 animate-pulse', title: 'Connecting to the kernel gateway’s event stream…' },
  polling: { label: 'Refreshing every 5 s', dot: 'bg-slate-400', title: 'The kernel gateway’s event stream is not reachable; the dashboard re-reads its data every 5 s.' },
  'gateway-restarting': {
    label: 'Gateway restarting…',
    dot: 'bg-amber-400 animate-pulse',
    title: 'The kernel gateway does not answer; its kernels keep running and the dashboard reconnects as soon as it is back. Meanwhile it re-reads its data every 5 s.',
  },
};

/** Ticks once a second (uptime, "last activity"); starts from the server's instant so hydration matches. */
function useNow(initial: string): number {
  const [now, setNow] = useState(() => new Date(initial).getTime());
  useEffect(() => {
    setNow(Date.now());
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, []);
  return now;
}

/**
 * The project overview dashboard: headline numbers, the live "Active environments" table
 * with per-row and bulk stop and "restart on a larger environment" for dead kernels, the
 * idle-but-reserved panel and the 30-day compute-unit chart. Stops and starts go to the
 * gateway with the browser's gateway token; the gateway enforces the same rights.
 */
export function ProjectDashboard({ initial }: { initial: TProjectDashboard }) {
  const { data, live, error, refresh, applyLocal } = useDashboardData(initial);
  const now = useNow(initial.at);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [busy, setBusy] = useState<Set<string>>(new Set());
  const [confirmStop, setConfirmStop] = useState<TActiveEnvironment[] | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  // Selections only ever name kernels that can still be stopped.
  const stoppable = useMemo(() => new Set(data.active.filter((k) => k.canStop).map((k) => k.kernelId)), [data.active]);
  const chosen = [...selected].filter((id) => stoppable.has(id));
  const running = data.active.filter((k) => !isTerminal(k.state));
  const reserved = running.reduce((s, k) => ({ cpuM: s.cpuM + k.environment.reserved.cpuM, memoryMib: s.memoryMib + k.environment.reserved.memoryMib }), { cpuM: 0, memoryMib: 0 });
  const runningNotebooks = running.flatMap((k) => (k.notebook ? [k.notebook.id] : [])).sort().join(' ');
  useEffect(() => announceRunningNotebooks(runningNotebooks ? runningNotebooks.split(' ') : []), [runningNotebooks]);

  const mark = (ids: string[], on: boolean) =>
    setBusy((b) => {
      const next = new Set(b);
      for (const id of ids) (on ? next.add(id) : next.delete(id));
      return next;
    });

  async function stop(rows: TActiveEnvironment[]) {
    setConfirmStop(null);
    setActionError(null);
    setNotice(null);
    const ids = rows.map((r) => r.kernelId);
    mark(ids, true);
    const failures: string[] = [];
    await Promise.all(
      rows.map(async (r) => {
        try {
          applyLocal({ kernelId: r.kernelId, state: 'stopping' });
          await gatewayClient().stopKernel(r.kernelId, 'dashboard');
        } catch (err) {
          failures.push(`${r.notebook?.name ?? r.kernelId.slice(0, 8)} (${r.owner.name}): ${(err as Error).message}`);
        }
      }),
    );
    mark(ids, false);
    setSelected(new Set());
    if (failures.length) setActionError(`Could not stop ${failures.length === 1 ? 'a kernel' : `${failures.length} kernels`}: ${failures.join(' ')}`);
    else setNotice(rows.length === 1 ? 'Kernel stopped.' : `${rows.length} kernels stopped.`);
    await refresh();
  }

  async function restartLarger(row: TActiveEnvironment) {
    setActionError(null);
    setNotice(null);
    mark([row.kernelId], true);
    try {
      const result = await webClient.send('POST', `/api/projects/${data.projectId}/dashboard/kernels/${row.kernelId}/larger-environment`, ZLargerEnvironment);
      announceNotebooksChanged();
      await gatewayClient().startKernel({ name: result.environment.slug, projectId: data.projectId, notebookId: result.notebookId });
      setNotice(`${row.notebook?.name ?? 'The notebook'} now runs on ${result.environment.hardwareLabel} (more ${result.dimension === 'memory' ? 'memory' : 'CPU'}); a new kernel is starting there.`);
    } catch (err) {
      setActionError(err instanceof Error ? err.message : 'Could not restart the kernel.');
    } finally {
      mark([row.kernelId], false);
      await refresh();
    }
  }

  const look = LIVE_LOOK[live];
  const stopRule = data.canStopAny ? 'You may stop any kernel of this project.' : data.canRun ? 'You may stop your own kernels.' : 'Viewers watch kernels but do not stop them.';
  return (
    <div className="space-y-4" data-testid="project-dashboard">
      <DashboardStats data={data} />

      <Card>
        <CardHeader
          title={`Active environments (${running.length})`}
          description={`Every kernel of this project: who runs it, on what, and what it uses and costs. ${stopRule}`}
          actions={
            <>
              <span className="inline-flex items-center gap-1.5 text-xs text-slate-500" title={look.title} data-testid="live-indicator" data-live={live}>
                <span className={`h-2 w-2 rounded-full ${look.dot}`} aria-hidden />
                {look.label}
              </span>
              {stoppable.size > 0 && (
                <Button
                  size="sm"
                  variant="danger"
                  disabled={chosen.length === 0}
                  onClick={() => setConfirmStop(data.active.filter((k) => chosen.includes(k.kernelId)))}
                  data-testid="stop-selected"
                >
                  Stop selected{chosen.length ? ` (${chosen.length})` : ''}
                </Button>
              )}
            </>
          }
        />
        {error && <Alert tone="warning" className="mx-4 mt-3">{error}</Alert>}
        {actionError && <Alert tone="error" className="mx-4 mt-3">{actionError}</Alert>}
        {notice && <Alert tone="success" className="mx-4 mt-3">{notice}</Alert>}
        {data.active.length === 0 ? (
          <EmptyState title="No kernels running" description="Open a notebook and run a cell: its kernel shows up here with its hardware, state and cost." />
        ) : (
          <ActiveEnvironmentsTable
            projectId={data.projectId}
            rows={data.active}
            now={now}
            selectable={data.canRun}
            selected={selected}
            busy={busy}
            onSelect={(id, on) =>
              setSelected((s) => {
                const next = new Set(s);
                if (on) next.add(id);
                else next.delete(id);
                return next;
              })
            }
            onSelectAll={(on) => setSelected(on ? new Set(stoppable) : new Set())}
            onStop={(row) => setConfirmStop([row])}
            onRestartLarger={(row) => void restartLarger(row)}
          />
        )}
      </Card>

      <div className="grid gap-4 lg:grid-cols-3">
        <Card className="lg:col-span-2">
          <CardHeader title="Compute units per day" description="Last 30 days (UTC), stacked by user. Hover a bar for the day’s numbers." />
          <CardBody>
            <DailyUnitsChart daily={data.daily} />
          </CardBody>
        </Card>
        <Card>
          <CardHeader title="Idle but reserved" description="Capacity held by kernels that are idle: it counts against quotas and costs compute units." />
          <CardBody>
            <IdleReservedPanel idle={data.idle} reserved={reserved} now={now} />
          </CardBody>
        </Card>
      </div>

      <ConfirmDialog
        open={confirmStop !== null}
        title={confirmStop && confirmStop.length > 1 ? `Stop ${confirmStop.length} kernels?` : 'Stop this kernel?'}
        description={
          confirmStop
            ? `${confirmStop.map((k) => `${k.notebook?.name ?? 'a kernel'} (${k.owner.name}, ${k.environment.name})`).join(', ')} will be shut down. Variables in memory are lost; saved notebooks are kept.`
            : undefined
        }
        confirmLabel={confirmStop && confirmStop.length > 1 ? `Stop ${confirmStop.length} kernels` : 'Stop kernel'}
        onConfirm={() => confirmStop && void stop(confirmStop)}
        onClose={() => setConfirmStop(null)}
      />
    </div>
  );
}
