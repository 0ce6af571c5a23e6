'use client';

import { useEffect, useMemo, useRef, useSyncExternalStore, type ReactNode } from 'react';
import type { TMimeBundle } from '@/common/nbformat/schema';
import { SandboxedFrame } from '../outputs/sandboxed-frame';
import type { TWidgetFrameLink } from './widget-bridge';
import { useWidgetBridgeContext } from './widget-bridge-context';
import { WIDGET_VIEW_MIME, type TWidgetToFrame } from './widget-protocol';
import { ZWidgetView } from './widget-schemas';

const noSubscription = () => () => undefined;

/** Whether an output is a widget view (`application/vnd.jupyter.widget-view+json`). */
export function isWidgetView(data: TMimeBundle): boolean {
  return data[WIDGET_VIEW_MIME] !== undefined;
}

/**
 * A widget-view output: the widget in its own sandboxed frame, connected to the kernel
 * through the page's widget bridge, or shown from the notebook's saved widget state when no
 * kernel has it. A model nobody knows (not saved, kernel gone) shows `fallback` (its text).
 */
export function WidgetView({ data, fallback }: { data: TMimeBundle; fallback: ReactNode }) {
  const bridge = useWidgetBridgeContext();
  const parsed = ZWidgetView.safeParse(data[WIDGET_VIEW_MIME]);
  const modelId = parsed.success ? parsed.data.model_id : null;
  const known = useSyncExternalStore(
    bridge?.subscribe ?? noSubscription,
    () => (modelId && bridge ? bridge.hasModel(modelId) : false),
    () => false,
  );
  const live = useSyncExternalStore(bridge?.subscribe ?? noSubscription, () => (modelId && bridge ? bridge.isLive(modelId) : false), () => false);
  const generation = useSyncExternalStore(bridge?.subscribe ?? noSubscription, () => bridge?.viewGeneration() ?? 0, () => 0);
  const init = useMemo(() => ({ modelId }), [modelId]);
  const link = useRef<TWidgetFrameLink | null>(null);
  useEffect(
    () => () => {
      link.current?.disconnect();
      link.current = null;
    },
    [],
  );

  if (!bridge || !modelId || !known) return <>{fallback}</>;
  return (
    <div data-testid="widget-view" data-live={live}>
      <SandboxedFrame
        key={generation}
        src="/frames/widgets.html"
        title="Widget"
        init={init}
        className="lattice-widget min-h-[1px]"
        onReady={(post) => {
          link.current?.disconnect();
          link.current = bridge.connectFrame((message: TWidgetToFrame) => post(message));
        }}
        onMessage={(message) => link.current?.receive(message)}
      />
    </div>
  );
}
