'use client';

import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { TLaunchProgressInfo } from '@/common/kernel-model';
import type { TKernelHelp } from './kernel-help';
import { KernelSession, type TExecuteReply, type TKernelStatus, type TMessageHeader } from './kernel-session';

export type { TKernelStatus } from './kernel-session';

/**
 * The notebook's kernel for this page (see `KernelSession`): its status, launch step and
 * message for the header, execute / interrupt / restart, and `help` (completion and inspection
 * for the cell editors). Disabled (viewers) = "no kernel", nothing started.
 */
export function useKernel(opts: { projectId: string; notebookId: string; userId: string; kernelName: string; enabled: boolean }) {
  const { projectId, notebookId, userId, kernelName, enabled } = opts;
  const [status, setStatus] = useState<TKernelStatus>(enabled ? 'connecting' : 'no-kernel');
  const [message, setMessage] = useState<string | null>(null);
  const [progress, setProgress] = useState<TLaunchProgressInfo | null>(null);
  const session = useRef<KernelSession | null>(null);

  useEffect(() => {
    if (!enabled) return;
    const s = new KernelSession({ projectId, notebookId, userId, kernelName }, { status: setStatus, message: setMessage, progress: setProgress });
    session.current = s;
    s.ensureKernel().catch(() => undefined);
    return () => {
      s.dispose();
      if (session.current === s) session.current = null;
    };
  }, [enabled, projectId, notebookId, userId, kernelName]);

  const execute = useCallback(async (code: string, onMessage: (msgType: string, content: Record<string, unknown>, header: TMessageHeader) => void): Promise<TExecuteReply> => {
    if (!session.current) throw new Error('No kernel for this page.');
    return session.current.execute(code, onMessage);
  }, []);
  const interrupt = useCallback(async () => session.current?.interrupt(), []);
  const restart = useCallback(async () => session.current?.restart(), []);
  /** Shuts this user's kernels of the notebook down (before it moves to another environment). */
  const shutdown = useCallback(async () => session.current?.shutdown(), []);
  /** One object for the page's life, so editors built with it keep asking whichever session is current. */
  const help = useMemo<TKernelHelp>(
    () => ({
      complete: async (code, cursor, signal) => (session.current ? session.current.complete(code, cursor, signal) : null),
      inspect: async (code, cursor, signal) => (session.current ? session.current.inspect(code, cursor, signal) : null),
    }),
    [],
  );

  return { status, message, progress, execute, interrupt, restart, shutdown, help };
}
