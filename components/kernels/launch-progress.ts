import type { TLaunchProgressInfo, TLaunchStep } from '@/common/kernel-model';
import type { TKernelState } from '@/common/kernel-states';

/** The path a launch shows; `waiting` is a pause before `scheduled`, not a step of its own. */
export const SHOWN_STEPS = ['scheduled', 'pulling-image', 'starting', 'ready'] as const;
export type TShownStep = (typeof SHOWN_STEPS)[number];

const LABELS: Record<TShownStep, string> = {
  scheduled: 'Scheduled',
  'pulling-image': 'Pulling image',
  starting: 'Starting',
  ready: 'Ready',
};

export interface TStepView {
  step: TShownStep;
  label: string;
  status: 'done' | 'current' | 'todo';
}

/** States in which a kernel is on its way to ready (where launch progress means something). */
export function isLaunching(state: TKernelState): boolean {
  return state === 'queued' || state === 'provisioning' || state === 'starting' || state === 'restarting';
}

/** Where in SHOWN_STEPS a progress report puts the launch. */
function position(step: TLaunchStep): number {
  return step === 'waiting' ? 0 : SHOWN_STEPS.indexOf(step);
}

/**
 * The steps to draw for a kernel still launching: those before its current step done, its
 * own current (still waiting to be scheduled counts as current at "Scheduled"), the rest to
 * do. Without a report the launch sits at the first step.
 */
export function launchSteps(progress: TLaunchProgressInfo | null): TStepView[] {
  const at = progress ? position(progress.step) : 0;
  return SHOWN_STEPS.map((step, i) => ({ step, label: LABELS[step], status: i < at ? 'done' : i === at ? 'current' : 'todo' }));
}

/** "Pulling image", "Waiting for capacity": the current step in words. */
export function currentStepLabel(progress: TLaunchProgressInfo | null): string {
  if (!progress) return 'Requested';
  return progress.step === 'waiting' ? 'Waiting for capacity' : LABELS[progress.step];
}

/**
 * The scheduler's reason while no node has room ("0/2 nodes are available: 2 Insufficient
 * cpu."; empty if it gave none), else null. The gateway may already start its message with
 * "waiting for capacity:", which is not repeated.
 */
export function waitingReason(progress: TLaunchProgressInfo | null): string | null {
  if (progress?.step !== 'waiting') return null;
  return (progress.message ?? '').replace(/^\s*waiting for capacity\s*:?\s*/i, '').trim();
}
