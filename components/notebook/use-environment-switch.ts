'use client';

import { useState, type Dispatch } from 'react';
import type { TPendingSwitch } from '@/components/environments/environment-switch-dialog';
import { ZAttachResult } from '@/lib/client/environment-responses';
import { RequestError } from '@/lib/client/request-error';
import { webClient } from '@/lib/client/web-client';
import type { TAttachResult } from '@/lib/notebooks/attach-environment';
import type { TEditorAction } from './notebook-model';
import type { useKernel } from './use-kernel';
import type { useNotebookSave } from './use-notebook-save';

export interface TNotebookEnvironment {
  id: string | null;
  label: string | null;
  slug: string;
}

/**
 * Choosing another environment for the notebook: a switch that would stop a running kernel
 * or exceed a quota asks first; the attach goes through the save path (pending edits saved
 * first, the version advanced in step); a running kernel is then shut down, and the kernel
 * hook starts the notebook's kernel on the new environment.
 */
export function useEnvironmentSwitch(opts: {
  notebookUrl: string;
  setEnv: (env: TNotebookEnvironment) => void;
  dispatch: Dispatch<TEditorAction>;
  kernel: ReturnType<typeof useKernel>;
  save: ReturnType<typeof useNotebookSave>;
}) {
  const { notebookUrl, setEnv, dispatch, kernel, save } = opts;
  const [pending, setPending] = useState<TPendingSwitch | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function apply(p: TPendingSwitch) {
    setBusy(true);
    setError(null);
    try {
      let attached: TAttachResult | null = null;
      await save.runVersioned(async (baseVersion) => {
        attached = await webClient.send('PUT', `${notebookUrl}/environment`, ZAttachResult, { environmentId: p.fit.environment.id, baseVersion });
        return attached;
      });
      const result = attached as TAttachResult | null;
      if (!result) return;
      dispatch({ type: 'set-kernelspec', kernelspec: result.kernelspec });
      try {
        if (p.running) await kernel.shutdown();
      } finally {
        setEnv({ id: result.environment.id, label: result.environment.hardwareLabel, slug: result.environment.slug });
      }
      setPending(null);
    } catch (err) {
      setError(err instanceof RequestError ? err.message : `Could not switch the environment: ${(err as Error).message}`);
    } finally {
      setBusy(false);
    }
  }

  function choose(fit: TPendingSwitch['fit']) {
    setError(null);
    const p = { fit, running: kernel.status !== 'no-kernel' && kernel.status !== 'dead' };
    if (p.running || !fit.fits) setPending(p);
    else void apply(p);
  }

  return { pending, busy, error, choose, confirm: () => pending && void apply(pending), cancel: () => !busy && setPending(null) };
}
