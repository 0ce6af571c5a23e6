import type { TExecutor } from '@/common/kernel-model';
import { cn } from '@/components/ui/cn';
import { formatCores, formatMib } from './format';

const STATE_LOOK: Record<TExecutor['state'], { label: string; dot: string; text: string }> = {
  pending: { label: 'Pending', dot: 'bg-amber-400 animate-pulse', text: 'text-amber-800' },
  running: { label: 'Running', dot: 'bg-emerald-500', text: 'text-emerald-700' },
  succeeded: { label: 'Finished', dot: 'bg-slate-300', text: 'text-slate-500' },
  failed: { label: 'Failed', dot: 'bg-red-500', text: 'text-red-700' },
  unknown: { label: 'Unknown', dot: 'bg-slate-400', text: 'text-slate-600' },
};

const TH = 'px-2 py-1 text-left text-[10px] font-semibold uppercase tracking-wide text-slate-500';
const TD = 'px-2 py-1 align-top text-xs text-slate-700';

/** A Spark kernel's executors, one line each: id, state, host, cores, memory and why it is pending or failed. */
export function ExecutorsList({ executors }: { executors: readonly TExecutor[] }) {
  if (executors.length === 0) return <p className="px-2 py-1 text-xs text-slate-500">No executors have been requested yet.</p>;
  return (
    <table className="min-w-full" data-testid="executors-list">
      <thead>
        <tr>
          <th scope="col" className={TH}>Executor</th>
          <th scope="col" className={TH}>State</th>
          <th scope="col" className={TH}>Host</th>
          <th scope="col" className={cn(TH, 'text-right')}>Cores</th>
          <th scope="col" className={cn(TH, 'text-right')}>Memory</th>
          <th scope="col" className={TH}>Reason</th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {executors.map((e) => {
          const look = STATE_LOOK[e.state];
          return (
            <tr key={e.id} data-testid="executor-row" data-state={e.state}>
              <td className={cn(TD, 'font-mono')}>{e.id}</td>
              <td className={TD}>
                <span className={cn('inline-flex items-center gap-1.5 font-medium', look.text)}>
                  <span className={cn('h-1.5 w-1.5 rounded-full', look.dot)} aria-hidden />
                  {look.label}
                </span>
              </td>
              <td className={cn(TD, 'font-mono')}>{e.host ?? '—'}</td>
              <td className={cn(TD, 'text-right tabular-nums')}>{formatCores(e.cores * 1000).replace(' vCPU', '')}</td>
              <td className={cn(TD, 'text-right tabular-nums')}>{formatMib(e.memoryMib)}</td>
              <td className={cn(TD, 'whitespace-normal', e.state === 'failed' ? 'text-red-700' : 'text-slate-600')} data-testid="executor-reason">
                {e.reason ?? '—'}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
