'use client';

import { useEffect, useState } from 'react';
import type { TKernelCullWarningEvent } from '@/common/kernel-model';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { gatewayClient } from '@/lib/client/gateway-client';
import type { TKernelNotices } from './use-kernel-notices';

const CAUSE: Record<TKernelCullWarningEvent['cause'], string> = {
  idle: 'no activity',
  'no-client': 'no notebook connected',
};

function remaining(cullAt: string, now: number): string {
  const s = Math.max(0, Math.round((Date.parse(cullAt) - now) / 1000));
  return s >= 60 ? `${Math.round(s / 60)} min` : `${s} s`;
}

/**
 * "This kernel will be stopped in 5 min (no activity) · Keep running": shown while the gateway
 * has announced a cull of this user's kernel of this notebook. Keeping it, running a cell (the
 * kernel turns busy) or the kernel ending takes the banner away.
 */
export function CullWarningBanner({ notices, notebookId, userId }: { notices: TKernelNotices; notebookId: string; userId: string }) {
  const [warning, setWarning] = useState<TKernelCullWarningEvent | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(
    () =>
      notices.subscribe((e) => {
        if (e.notebookId !== notebookId || e.userId !== userId) return;
        if (e.type === 'cull-warning') {
          setError(null);
          setWarning(e);
        } else if (e.type === 'kept' || (e.type === 'state' && e.state !== 'idle')) {
          setWarning((w) => (w && w.kernelId === e.kernelId ? null : w));
        }
      }),
    [notices, notebookId, userId],
  );

  useEffect(() => {
    if (!warning) return;
    setNow(Date.now());
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, [warning]);

  if (!warning) return null;

  async function keep(kernelId: string) {
    setBusy(true);
    try {
      await gatewayClient().keepKernelRunning(kernelId);
      setWarning((w) => (w?.kernelId === kernelId ? null : w));
    } catch (err) {
      setError(`Could not keep it running: ${(err as Error).message}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Alert tone="warning" className="mb-3">
      <div className="flex flex-wrap items-center gap-2" data-testid="cull-warning">
        <span>
          This kernel will be stopped in {remaining(warning.cullAt, now)} ({CAUSE[warning.cause]}).
        </span>
        <Button size="sm" variant="secondary" busy={busy} onClick={() => void keep(warning.kernelId)}>
          Keep running
        </Button>
        {error && <span className="text-red-700">{error}</span>}
      </div>
    </Alert>
  );
}
