'use client';

import { ConfirmDialog } from '@/components/ui/dialog';
import type { TEnvironmentFit } from '@/lib/quotas/check-environment-fit';

/** A switch waiting for the caller's word: the chosen template and whether a kernel runs now. */
export interface TPendingSwitch {
  fit: TEnvironmentFit;
  /** A kernel of this notebook runs (on the old environment): it is shut down and a new one started. */
  running: boolean;
}

/**
 * Confirms switching a notebook's environment: "Restart on <env>?" when a kernel runs (its
 * state is lost), and a warning naming the limit when the template does not fit the quota now.
 */
export function EnvironmentSwitchDialog({ pending, currentLabel, busy, error, onConfirm, onClose }: {
  pending: TPendingSwitch | null;
  currentLabel: string | null;
  busy: boolean;
  error: string | null;
  onConfirm: () => void;
  onClose: () => void;
}) {
  const env = pending?.fit.environment;
  return (
    <ConfirmDialog
      open={pending !== null}
      title={env ? (pending!.running ? `Restart on ${env.name}?` : `Switch to ${env.name}?`) : ''}
      tone={pending && !pending.fit.fits ? 'danger' : 'primary'}
      confirmLabel={env ? (pending!.running ? `Restart on ${env.name}` : `Switch to ${env.name}`) : 'Switch'}
      busy={busy}
      error={error}
      onConfirm={onConfirm}
      onClose={onClose}
      description={
        pending && env ? (
          <span className="block space-y-2">
            <span className="block">
              {pending.running
                ? `The kernel running on ${currentLabel ?? 'the current environment'} will be shut down — its variables are lost — and a new one started on ${env.hardwareLabel}.`
                : `The notebook will run on ${env.hardwareLabel} from its next kernel on.`}
            </span>
            {!pending.fit.fits && (
              <span className="block rounded-md border border-amber-200 bg-amber-50 px-2 py-1.5 text-amber-900" data-testid="switch-quota-warning">
                This environment does not fit your quota right now, so a kernel will not start on it until capacity frees up:{' '}
                {pending.fit.blocks.map((b) => b.message).join(' ')}
              </span>
            )}
          </span>
        ) : undefined
      }
    />
  );
}
