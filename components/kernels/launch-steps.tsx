import type { TLaunchProgressInfo } from '@/common/kernel-model';
import { cn } from '@/components/ui/cn';
import { launchSteps, waitingReason } from './launch-progress';

const DOT = { done: 'bg-emerald-500', current: 'bg-amber-400 animate-pulse', todo: 'bg-slate-200' } as const;
const TEXT = { done: 'text-slate-500', current: 'font-medium text-amber-800', todo: 'text-slate-400' } as const;

/**
 * A launching kernel's way to ready: Scheduled → Pulling image → Starting → Ready, the
 * current step highlighted. `compact` (table cells): a dot per step and only the current
 * step's name, the whole path in the tooltip.
 */
export function LaunchSteps({ progress, compact = false, className }: { progress: TLaunchProgressInfo | null; compact?: boolean; className?: string }) {
  const steps = launchSteps(progress);
  return (
    <ol
      className={cn('flex items-center gap-x-1 whitespace-nowrap text-[11px] leading-4', className)}
      aria-label="Launch progress"
      title={compact ? steps.map((s) => `${s.label}${s.status === 'current' ? ' (now)' : ''}`).join(' → ') : undefined}
      data-testid="launch-steps"
      data-step={progress?.step ?? 'requested'}
    >
      {steps.map((s, i) => (
        <li key={s.step} className={cn('inline-flex items-center gap-1', TEXT[s.status])} aria-current={s.status === 'current' ? 'step' : undefined}>
          {i > 0 && !compact && <span className="text-slate-300" aria-hidden>→</span>}
          <span className={cn('h-1.5 w-1.5 shrink-0 rounded-full', DOT[s.status])} aria-hidden />
          <span className={cn(compact && s.status !== 'current' && 'sr-only')}>{s.label}</span>
        </li>
      ))}
    </ol>
  );
}

/** "Waiting for capacity: <the scheduler's reason>", shown prominently while no node has room; nothing otherwise. */
export function WaitingForCapacity({ progress, className }: { progress: TLaunchProgressInfo | null; className?: string }) {
  const reason = waitingReason(progress);
  if (reason === null) return null;
  return (
    <div role="status" className={cn('flex items-start gap-2 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900', className)} data-testid="waiting-for-capacity">
      <svg viewBox="0 0 16 16" className="mt-0.5 h-4 w-4 shrink-0 text-amber-500" fill="none" stroke="currentColor" strokeWidth="1.6" aria-hidden>
        <circle cx="8" cy="8" r="6.25" />
        <path d="M8 4.5V8l2.5 1.5" />
      </svg>
      <span className="whitespace-normal">
        <span className="font-semibold">Waiting for capacity</span>
        {reason && <>: {reason}</>}
        <span className="block text-xs text-amber-700">The kernel starts by itself as soon as the cluster has room; stop it to give up its place.</span>
      </span>
    </div>
  );
}
