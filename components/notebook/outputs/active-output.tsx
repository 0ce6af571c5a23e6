'use client';

import { useMemo } from 'react';
import type { TActiveMime, TOutputFrameContent } from '../frames/render-output';
import { useHydrated } from '../use-hydrated';
import { SandboxedFrame } from './sandboxed-frame';

const TITLES: Record<TActiveMime, string> = {
  'text/html': 'HTML output',
  'image/svg+xml': 'SVG output',
  'application/javascript': 'JavaScript output',
};

/**
 * An output that may carry script or layout tricks (HTML, SVG, JavaScript), in its own
 * sandboxed frame (components/notebook/frames/output-frame.ts): its scripts run there, with
 * an opaque origin, and a `position:fixed` overlay covers only the frame. The init message is
 * memoized on the content, so a re-render of the cell neither reloads the frame nor re-runs
 * its scripts. The frame is created only once React runs in the page: one in the server's HTML
 * would load and say `ready` before anyone listens, and never get its content.
 */
export function ActiveOutput({ mime, text }: { mime: TActiveMime; text: string }) {
  const hydrated = useHydrated();
  const init = useMemo<TOutputFrameContent>(() => ({ mime, text }), [mime, text]);
  if (!hydrated) return null;
  return <SandboxedFrame src="/frames/output.html" title={TITLES[mime]} init={init} />;
}
