'use client';

import { useState } from 'react';
import { ZQuotaHolders, type TQuotaHolder } from '@/common/quota-holder';
import { Button } from '@/components/ui/button';
import { gatewayClient } from '@/lib/client/gateway-client';
import { RequestError } from '@/lib/client/request-error';

/** The kernels a kernel-count quota refusal names (`holders` in its error body); null for any other failure or when it names none. */
export function quotaHoldersOf(err: unknown): TQuotaHolder[] | null {
  if (!(err instanceof RequestError) || err.code !== 'QUOTA_EXCEEDED') return null;
  const parsed = ZQuotaHolders.safeParse(err.body);
  return parsed.success && parsed.data.holders.length ? parsed.data.holders : null;
}

/**
 * Under a launch refused by a concurrent-kernel quota: the kernels holding the slots (notebook,
 * environment, whose, since when), with Stop on those the user may stop, so they can free a
 * slot here instead of hunting for it on the dashboard. The next run then starts the kernel.
 */
export function QuotaRefusal({ holders }: { holders: readonly TQuotaHolder[] }) {
  const [stopped, setStopped] = useState<ReadonlySet<string>>(new Set());
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function stop(kernelId: string) {
    setBusy(kernelId);
    setError(null);
    try {
      await gatewayClient().stopKernel(kernelId, 'notebook');
      setStopped((s) => new Set(s).add(kernelId));
    } catch (err) {
      setError(`Could not stop it: ${(err as Error).message}`);
    } finally {
      setBusy(null);
    }
  }

  return (
    <div className="mb-3 rounded-md border border-amber-200 bg-white px-3 py-2 text-sm" data-testid="quota-holders">
      <p className="font-medium text-slate-800">Kernels using the slots</p>
      <ul className="mt-1 divide-y divide-slate-100">
        {holders.map((h) => (
          <li key={h.kernelId} className="flex items-center gap-3 py-1.5" data-testid="quota-holder">
            <div className="min-w-0 flex-1">
              <span className="font-medium text-slate-800">{h.notebookName ?? 'No notebook (a Jupyter client)'}</span>
              <span className="text-slate-500">
                {' '}· {h.environmentName} · {h.userName} · since {new Date(h.startedAt).toLocaleString()}
              </span>
            </div>
            {stopped.has(h.kernelId) ? (
              <span className="text-xs text-emerald-700">Stopped · run again to start yours</span>
            ) : (
              h.canStop && (
                <Button size="sm" variant="secondary" busy={busy === h.kernelId} onClick={() => void stop(h.kernelId)}>
                  Stop
                </Button>
              )
            )}
          </li>
        ))}
      </ul>
      {error && <p className="mt-1 text-red-700">{error}</p>}
    </div>
  );
}
