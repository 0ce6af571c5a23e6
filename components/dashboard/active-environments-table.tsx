'use client';

import Link from 'next/link';
import { Fragment, useState } from 'react';
import { isTerminal } from '@/common/kernel-states';
import { hardwareSummary } from '@/components/environments/template-labels';
import { executorsSummary } from '@/components/kernels/executor-counts';
import { isLaunching } from '@/components/kernels/launch-progress';
import { LaunchSteps, WaitingForCapacity } from '@/components/kernels/launch-steps';
import { Button } from '@/components/ui/button';
import { cn } from '@/components/ui/cn';
import { TBody, Table } from '@/components/ui/table';
import type { TActiveEnvironment } from '@/lib/dashboard/get-active-environments';
import { ExecutorsList } from './executors-list';
import { formatAgo, formatCu, formatDuration } from './format';
import { KernelStateBadge } from './kernel-state-badge';
import { UsageMeter } from './usage-meter';

/** Denser cells than the shared table primitives: this table has eleven columns. */
const TH = 'whitespace-nowrap bg-slate-50 px-2.5 py-2 text-left text-[11px] font-semibold uppercase tracking-wide text-slate-500';
const TD = 'whitespace-nowrap px-2.5 py-1.5 align-middle text-xs text-slate-700';

/** A usage sample older than this is drawn greyed (the provisioner stopped reporting). */
const STALE_SAMPLE_MS = 60_000;

const cores = (m: number) => String(Math.round(m / 10) / 100);
const gib = (mib: number) => String(Math.round((mib / 1024) * 100) / 100);

/** Uptime now: ticking for running kernels, fixed for ended ones. */
function uptimeOf(k: TActiveEnvironment, now: number): number | null {
  if (!k.startedAt) return null;
  if (isTerminal(k.state)) return k.uptimeS;
  return Math.max(0, (now - new Date(k.startedAt).getTime()) / 1000);
}

/**
 * The "Active environments" table: one row per kernel of the project (running ones, then
 * those that died or failed in the last day) with its notebook, owner, environment and
 * hardware, state and reason, start, last activity, uptime, live CPU and memory against
 * the limits, and compute units so far. Rows the caller may stop carry a checkbox and a
 * Stop button; dead ones a "Restart on a larger environment". A launching kernel shows its
 * steps, and a line under its row while it waits for capacity; a Spark kernel's executors
 * are counted in its row and listed under it on request.
 */
export function ActiveEnvironmentsTable({ projectId, rows, now, selectable, selected, busy, onSelect, onSelectAll, onStop, onRestartLarger }: {
  projectId: string;
  /** The caller may stop some kernels (editors, owners): show the selection column. */
  selectable: boolean;
  rows: TActiveEnvironment[];
  now: number;
  selected: ReadonlySet<string>;
  /** Kernel ids with an action in progress. */
  busy: ReadonlySet<string>;
  onSelect: (kernelId: string, on: boolean) => void;
  onSelectAll: (on: boolean) => void;
  onStop: (row: TActiveEnvironment) => void;
  onRestartLarger: (row: TActiveEnvironment) => void;
}) {
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const toggle = (kernelId: string) =>
    setExpanded((e) => {
      const next = new Set(e);
      if (!next.delete(kernelId)) next.add(kernelId);
      return next;
    });
  const columns = selectable ? 11 : 10;
  const stoppable = rows.filter((r) => r.canStop);
  const allSelected = stoppable.length > 0 && stoppable.every((r) => selected.has(r.kernelId));
  return (
    <Table>
      <thead>
        <tr>
          {selectable && (
            <th scope="col" className={cn(TH, 'w-8')}>
              <input
                type="checkbox"
                className="h-3.5 w-3.5 rounded border-slate-300 text-indigo-600 focus:ring-indigo-500 disabled:opacity-40"
                aria-label="Select every kernel you may stop"
                data-testid="select-all-kernels"
                checked={allSelected}
                disabled={stoppable.length === 0}
                onChange={(e) => onSelectAll(e.target.checked)}
              />
            </th>
          )}
          <th scope="col" className={TH}>Notebook</th>
          <th scope="col" className={TH}>Owner</th>
          <th scope="col" className={TH}>Environment</th>
          <th scope="col" className={TH}>State</th>
          <th scope="col" className={cn(TH, 'text-right')}>Uptime</th>
          <th scope="col" className={TH}>Last activity</th>
          <th scope="col" className={TH}>CPU</th>
          <th scope="col" className={TH}>Memory</th>
          <th scope="col" className={cn(TH, 'text-right')} title="Compute units metered so far">CU used</th>
          <th scope="col" className={cn(TH, 'relative text-right')}>
            <span className="sr-only">Actions</span>
          </th>
        </tr>
      </thead>
      <TBody>
        {rows.map((k) => {
          const ended = isTerminal(k.state);
          const stale = k.usage ? now - new Date(k.usage.sampledAt).getTime() > STALE_SAMPLE_MS : false;
          const name = k.notebook?.name ?? 'No notebook';
          const launching = !ended && isLaunching(k.state);
          const waiting = launching && k.progress?.step === 'waiting';
          const open = expanded.has(k.kernelId);
          return (
            <Fragment key={k.kernelId}>
              <tr
                className={cn('hover:bg-slate-50/70', ended && 'bg-red-50/30')}
                data-testid="active-kernel-row"
                data-kernel-id={k.kernelId}
                data-state={k.state}
                data-owner={k.owner.email}
              >
                {selectable && (
                  <td className="px-2.5 py-1.5">
                    {k.canStop && (
                      <input
                        type="checkbox"
                        className="h-3.5 w-3.5 rounded border-slate-300 text-indigo-600 focus:ring-indigo-500"
                        aria-label={`Select kernel of ${name} (${k.owner.name})`}
                        data-testid="select-kernel"
                        checked={selected.has(k.kernelId)}
                        onChange={(e) => onSelect(k.kernelId, e.target.checked)}
                      />
                    )}
                  </td>
                )}
                <td className={cn(TD, 'max-w-[14rem]')}>
                  {k.notebook ? (
                    <Link href={`/projects/${projectId}/notebooks/${k.notebook.id}`} className="block truncate font-medium text-indigo-700 hover:underline">
                      {k.notebook.name}
                    </Link>
                  ) : (
                    <span className="italic text-slate-500">No notebook</span>
                  )}
                  <div className="font-mono text-[10px] text-slate-400" title={k.kernelId}>
                    {k.kernelId.slice(0, 8)}
                  </div>
                </td>
                <td className={cn(TD, 'max-w-[9rem] truncate')} title={k.owner.email}>
                  {k.owner.name}
                </td>
                <td className={cn(TD, 'max-w-[15rem]')}>
                  <div className="truncate font-medium text-slate-800">{k.environment.name}</div>
                  <div className="truncate text-[11px] text-slate-500" title={hardwareSummary(k.environment)}>
                    {hardwareSummary(k.environment)} · {Math.round(k.environment.computeUnitsPerHour * 100) / 100} CU/h
                  </div>
                  {k.environment.spark && !ended && (
                    <button
                      type="button"
                      onClick={() => toggle(k.kernelId)}
                      aria-expanded={open}
                      aria-controls={`executors-${k.kernelId}`}
                      data-testid="executors-toggle"
                      className="mt-0.5 inline-flex items-center gap-1 rounded text-[11px] font-medium text-indigo-700 hover:text-indigo-900 hover:underline focus-visible:outline focus-visible:outline-2 focus-visible:outline-indigo-500"
                    >
                      <svg viewBox="0 0 16 16" className={cn('h-3 w-3 transition-transform', open && 'rotate-90')} fill="none" stroke="currentColor" strokeWidth="2" aria-hidden>
                        <path d="M6 4l4 4-4 4" />
                      </svg>
                      {executorsSummary(k.executors ?? [], k.environment.spark.executors)}
                    </button>
                  )}
                </td>
                <td className={TD}>
                  <KernelStateBadge state={k.state} reasonLabel={k.reasonLabel} detail={k.detail} />
                  {launching && <LaunchSteps progress={k.progress} compact className="mt-1" />}
                  {k.canRestartLarger && (
                    <button
                      type="button"
                      disabled={busy.has(k.kernelId)}
                      onClick={() => onRestartLarger(k)}
                      title={
                        k.reason === 'oom-killed'
                          ? 'Attach the next environment with more memory that fits your quota to the notebook, and start a kernel there'
                          : 'Attach the next environment with more CPU that fits your quota to the notebook, and start a kernel there'
                      }
                      data-testid="restart-larger"
                      className="mt-1 inline-flex items-center gap-1 rounded text-[11px] font-medium text-indigo-700 hover:text-indigo-900 hover:underline focus-visible:outline focus-visible:outline-2 focus-visible:outline-indigo-500 disabled:cursor-wait disabled:text-slate-400"
                    >
                      <svg viewBox="0 0 16 16" className="h-3 w-3" fill="none" stroke="currentColor" strokeWidth="1.8" aria-hidden>
                        <path d="M13 8a5 5 0 11-1.5-3.6M13 2.5v3h-3" />
                      </svg>
                      {busy.has(k.kernelId) ? 'Restarting…' : 'Restart on a larger environment'}
                    </button>
                  )}
                </td>
                <td className={cn(TD, 'text-right tabular-nums')}>
                  <div className="text-slate-800" data-testid="kernel-uptime">
                    {formatDuration(uptimeOf(k, now))}
                  </div>
                  <div className="text-[11px] text-slate-400">
                    {k.startedAt ? (
                      <time dateTime={k.startedAt} title={`Started ${k.startedAt}`} suppressHydrationWarning>
                        since {new Date(k.startedAt).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })}
                      </time>
                    ) : (
                      'not started'
                    )}
                  </div>
                </td>
                <td className={cn(TD, 'text-slate-600')} suppressHydrationWarning>
                  <span title={k.lastActivityAt}>{formatAgo(k.lastActivityAt, now)}</span>
                </td>
                <td className={TD}>
                  {ended ? <span className="text-slate-400">—</span> : <UsageMeter label="CPU" used={k.usage?.cpuM ?? null} limit={k.environment.cpuLimitM} format={cores} unit="vCPU" stale={stale} />}
                </td>
                <td className={TD}>
                  {ended ? <span className="text-slate-400">—</span> : <UsageMeter label="Memory" used={k.usage?.memoryMib ?? null} limit={k.environment.memoryLimitMib} format={gib} unit="GiB" stale={stale} />}
                </td>
                <td className={cn(TD, 'text-right font-medium tabular-nums text-slate-900')} data-testid="kernel-units">
                  {formatCu(k.unitsSoFar)}
                </td>
                <td className={cn(TD, 'text-right')}>
                  {k.canStop && (
                    <Button size="sm" variant="secondary" className="h-6 px-2 text-red-700" busy={busy.has(k.kernelId)} onClick={() => onStop(k)} aria-label={`Stop kernel of ${name} (${k.owner.name})`} data-testid="stop-kernel">
                      Stop
                    </Button>
                  )}
                </td>
              </tr>
              {waiting && (
                <tr data-testid="waiting-row" data-kernel-id={k.kernelId}>
                  <td colSpan={columns} className="px-2.5 pb-2 pt-0">
                    <WaitingForCapacity progress={k.progress} />
                  </td>
                </tr>
              )}
              {open && k.environment.spark && !ended && (
                <tr id={`executors-${k.kernelId}`} data-kernel-id={k.kernelId}>
                  <td colSpan={columns} className="bg-slate-50/60 px-6 pb-2 pt-1">
                    <ExecutorsList executors={k.executors ?? []} />
                  </td>
                </tr>
              )}
            </Fragment>
          );
        })}
      </TBody>
    </Table>
  );
}
