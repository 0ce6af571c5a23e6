import type { TKernelState } from '@/common/kernel-states';
import { cn } from '@/components/ui/cn';

const LOOK: Record<TKernelState, { label: string; dot: string; text: string }> = {
  queued: { label: 'Queued', dot: 'bg-slate-400 animate-pulse', text: 'text-slate-700' },
  provisioning: { label: 'Provisioning', dot: 'bg-amber-400 animate-pulse', text: 'text-amber-700' },
  starting: { label: 'Starting', dot: 'bg-amber-400 animate-pulse', text: 'text-amber-700' },
  idle: { label: 'Idle', dot: 'bg-emerald-500', text: 'text-emerald-700' },
  busy: { label: 'Busy', dot: 'bg-indigo-500 animate-pulse', text: 'text-indigo-700' },
  restarting: { label: 'Restarting', dot: 'bg-amber-400 animate-pulse', text: 'text-amber-700' },
  stopping: { label: 'Stopping', dot: 'bg-slate-400 animate-pulse', text: 'text-slate-600' },
  stopped: { label: 'Stopped', dot: 'bg-slate-300', text: 'text-slate-500' },
  failed: { label: 'Failed', dot: 'bg-red-500', text: 'text-red-700' },
  dead: { label: 'Dead', dot: 'bg-red-500', text: 'text-red-700' },
};

/** A kernel's lifecycle state with a coloured dot; the reason (in words) underneath when there is one. */
export function KernelStateBadge({ state, reasonLabel, detail }: { state: TKernelState; reasonLabel?: string; detail?: string | null }) {
  const look = LOOK[state];
  return (
    <div className="min-w-0" data-testid="kernel-state" data-state={state} title={detail ?? undefined}>
      <span className={cn('inline-flex items-center gap-1.5 text-xs font-medium', look.text)}>
        <span className={cn('h-2 w-2 shrink-0 rounded-full', look.dot)} aria-hidden />
        {look.label}
      </span>
      {reasonLabel && (
        <div className={cn('mt-0.5 max-w-[12rem] truncate text-[11px]', state === 'dead' || state === 'failed' ? 'text-red-600' : 'text-slate-500')} data-testid="kernel-reason">
          {reasonLabel}
        </div>
      )}
    </div>
  );
}
