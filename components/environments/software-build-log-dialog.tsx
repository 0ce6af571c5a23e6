'use client';

import { useEffect, useState } from 'react';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { errorMessage } from '@/lib/client/request-error';
import { ZSoftwareBuildLog } from '@/lib/client/software-build-responses';
import { webClient } from '@/lib/client/web-client';
import type { TSoftwareBuildLog } from '@/lib/software/get-software-build-log';
import { SoftwareBuildBadge } from './software-build-badge';

/** The installer's output of a template's build, fetched when opened (logs are never part of lists). */
export function SoftwareBuildLogDialog({ env, onClose }: { env: { id: string; name: string } | null; onClose: () => void }) {
  const [loaded, setLoaded] = useState<{ id: string; data: TSoftwareBuildLog } | { id: string; error: string } | null>(null);

  useEffect(() => {
    if (!env) return;
    let live = true;
    webClient
      .get(`/api/environments/${env.id}/software-build`, ZSoftwareBuildLog)
      .then((data) => live && setLoaded({ id: env.id, data }))
      .catch((err) => live && setLoaded({ id: env.id, error: errorMessage(err, 'Could not load the build log.') }));
    return () => {
      live = false;
    };
  }, [env]);

  const current = env && loaded?.id === env.id ? loaded : null;
  return (
    <Dialog
      open={env !== null}
      onClose={onClose}
      size="lg"
      title={`Build log · ${env?.name ?? ''}`}
      footer={
        <Button variant="secondary" onClick={onClose}>
          Close
        </Button>
      }
    >
      {!current && <p className="text-sm text-slate-500">Loading the build log…</p>}
      {current && 'error' in current && (
        <p className="text-sm text-red-600" role="alert">
          {current.error}
        </p>
      )}
      {current && 'data' in current && (
        <div className="space-y-3">
          {current.data.build ? (
            <>
              <div className="flex items-start gap-3 text-xs text-slate-600">
                <SoftwareBuildBadge build={current.data.build} />
                <span className="ml-auto font-mono">{current.data.build.base}</span>
              </div>
              <pre className="max-h-96 overflow-auto whitespace-pre-wrap break-words rounded bg-slate-900 p-3 font-mono text-[11px] text-slate-100" data-testid="software-build-log">
                {current.data.log || 'No output yet.'}
              </pre>
            </>
          ) : (
            <p className="text-sm text-slate-600">This template runs the platform’s default environment: nothing is built for it.</p>
          )}
        </div>
      )}
    </Dialog>
  );
}
