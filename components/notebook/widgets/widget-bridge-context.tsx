'use client';

import type { Kernel } from '@jupyterlab/services';
import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { WidgetBridge } from './widget-bridge';
import type { TWidgetState } from './widget-schemas';
import { savedWidgetState } from './widget-state';

const WidgetBridgeContext = createContext<WidgetBridge | null>(null);

/** Gives the notebook's outputs the page's widget bridge (widget views render through it). */
export function WidgetBridgeProvider({ bridge, children }: { bridge: WidgetBridge; children: ReactNode }) {
  return <WidgetBridgeContext.Provider value={bridge}>{children}</WidgetBridgeContext.Provider>;
}

/** The page's widget bridge, or null outside a notebook page (widget views then show their text). */
export function useWidgetBridgeContext(): WidgetBridge | null {
  return useContext(WidgetBridgeContext);
}

/**
 * The notebook page's widget bridge: starts from the widget state the notebook was opened
 * with, follows the page's kernel connection (`watchKernel` from `useKernel`), and hands each
 * change of the state to `onState` (the page puts it in the notebook's metadata to be saved).
 */
export function useWidgetBridge(opts: {
  metadata: Record<string, unknown>;
  watchKernel: (watcher: (kernel: Kernel.IKernelConnection | null) => void) => () => void;
  onState: (state: TWidgetState) => void;
}): WidgetBridge {
  const onState = useRef(opts.onState);
  onState.current = opts.onState;
  const [bridge] = useState(() => new WidgetBridge(savedWidgetState(opts.metadata), (state) => onState.current(state)));
  const { watchKernel } = opts;
  useEffect(() => {
    const stop = watchKernel((kernel) => bridge.setKernel(kernel));
    return () => {
      stop();
      bridge.dispose();
    };
  }, [bridge, watchKernel]);
  return bridge;
}
