'use client';

import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Kernel } from '@jupyterlab/services';
import type { TLaunchProgressInfo } from '@/common/kernel-model';
import type { TQuotaHolder } from '@/common/quota-holder';
import type { TKernelHelp } from './kernel-help';
import { KernelSession, SessionClosedError, type TExecuteReply, type TKernelStatus } from './kernel-session';

export type { TKernelStatus } from './kernel-session';

/**
 * The notebook's kernel for this page (see `KernelSession`): its status, launch step and
 * message for the header, execute / interrupt / restart, and `help` (completion and inspection
 * for the cell editors). Disabled (viewers) = "no kernel", nothing started.
 */
export function useKernel(opts: {
  projectId: string;
  notebookId: string;
  userId: string;
  kernelName: string;
  enabled: boolean;
  /** Opening only reconnects to a running kernel; the first run starts one (platform setting `kernelStartsOnRun`). */
  startOnRun?: boolean;
}) {
  const { projectId, notebookId, userId, kernelName, enabled, startOnRun = false } = opts;
  const [status, setStatus] = useState<TKernelStatus>(enabled ? 'connecting' : 'no-kernel');
  const [message, setMessage] = useState<string | null>(null);
  const [progress, setProgress] = useState<TLaunchProgressInfo | null>(null);
  const [refused, setRefused] = useState<TQuotaHolder[] | null>(null);
  const session = useRef<KernelSession | null>(null);
  const connection = useRef<{ kernel: Kernel.IKernelConnection | null; watchers: Set<(k: Kernel.IKernelConnection | null) => void> }>({ kernel: null, watchers: new Set() });

  useEffect(() => {
    if (!enabled) return;
    const kernel = (k: Kernel.IKernelConnection) => {
      connection.current.kernel = k;
      connection.current.watchers.forEach((w) => w(k));
    };
    const s = new KernelSession({ projectId, notebookId, userId, kernelName }, { status: setStatus, message: setMessage, progress: setProgress, kernel, refused: setRefused });
    session.current = s;
    if (startOnRun) void s.attachExisting();
    else s.ensureKernel().catch(() => undefined);
    return () => {
      s.dispose();
      if (session.current === s) session.current = null;
    };
  }, [enabled, projectId, notebookId, userId, kernelName, startOnRun]);

  const execute = useCallback(async (...args: Parameters<KernelSession['execute']>): Promise<TExecuteReply> => {
    for (;;) {
      const s = session.current;
      if (!s) throw new Error('No kernel for this page.');
      try {
        return await s.execute(...args);
      } catch (err) {
        // Run during an environment switch: the new session's kernel takes it.
        if (!(err instanceof SessionClosedError) || session.current === s) throw err;
      }
    }
  }, []);
  const explainLoss = useCallback(async (...args: Parameters<KernelSession['explainLoss']>) => {
    if (!session.current) return null;
    return session.current.explainLoss(...args);
  }, []);
  const interrupt = useCallback(async () => session.current?.interrupt(), []);
  const restart = useCallback(async () => session.current?.restart(), []);
  /** Shuts this user's kernels of the notebook down (before it moves to another environment). */
  const shutdown = useCallback(async () => session.current?.shutdown(), []);
  /** Calls `watcher` with the current kernel connection and each new one (the widget bridge); returns the unsubscribe. */
  const watchKernel = useCallback((watcher: (k: Kernel.IKernelConnection | null) => void) => {
    connection.current.watchers.add(watcher);
    watcher(connection.current.kernel);
    return () => void connection.current.watchers.delete(watcher);
  }, []);
  /** One object for the page's life, so editors built with it keep asking whichever session is current. */
  const help = useMemo<TKernelHelp>(
    () => ({
      complete: async (code, cursor, signal) => (session.current ? session.current.complete(code, cursor, signal) : null),
      inspect: async (code, cursor, signal) => (session.current ? session.current.inspect(code, cursor, signal) : null),
    }),
    [],
  );

  return { status, message, progress, refused, execute, explainLoss, interrupt, restart, shutdown, help, watchKernel };
}
