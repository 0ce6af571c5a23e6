'use client';

import { useEffect, useRef, useState } from 'react';
import { isFrameMessage, MAX_FRAME_HEIGHT } from '../frames/frame-protocol';

export type TPostToFrame = (message: unknown, transfer?: Transferable[]) => void;

/**
 * One piece of active content (HTML, SVG, JavaScript, a widget) in its own
 * `<iframe sandbox="allow-scripts">`: scripts run, but with an opaque origin — no access to the
 * app's DOM, cookies or API — and it can neither navigate the app nor open windows. The page
 * `src` (a `/frames/<name>.html` built by scripts/build-frames.ts) says `ready`; then it gets
 * `init` (again whenever `init` changes), and sizes itself to its content. Its other messages go to `onMessage`, with `post`
 * to answer (and `onReady` gets `post` for messages the app starts).
 */
export function SandboxedFrame({
  src,
  title,
  init,
  onMessage,
  onReady,
  className,
}: {
  src: string;
  title: string;
  init: unknown;
  onMessage?: (message: { type: string } & Record<string, unknown>, post: TPostToFrame) => void;
  onReady?: (post: TPostToFrame) => void;
  className?: string;
}) {
  const frame = useRef<HTMLIFrameElement>(null);
  const [height, setHeight] = useState(0);
  // The latest callbacks and init, without re-subscribing (or reloading the frame) on each render.
  const latest = useRef({ init, onMessage, onReady });
  latest.current = { init, onMessage, onReady };
  const ready = useRef(false);
  const post: TPostToFrame = (message, transfer = []) => frame.current?.contentWindow?.postMessage(message, '*', transfer);

  // New content for a frame already showing some (update_display_data): sent, not reloaded.
  useEffect(() => {
    if (ready.current) post({ type: 'init', content: init });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [init]);

  useEffect(() => {
    const listener = (event: MessageEvent) => {
      if (!frame.current || event.source !== frame.current.contentWindow || !isFrameMessage(event.data)) return;
      const message = event.data as { type: string } & Record<string, unknown>;
      if (message.type === 'ready') {
        ready.current = true;
        post({ type: 'init', content: latest.current.init });
        latest.current.onReady?.(post);
      } else if (message.type === 'size') {
        const h = Number(message.height);
        if (Number.isFinite(h)) setHeight(Math.max(0, Math.min(MAX_FRAME_HEIGHT, Math.ceil(h))));
      } else latest.current.onMessage?.(message, post);
    };
    window.addEventListener('message', listener);
    return () => window.removeEventListener('message', listener);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  return (
    <iframe
      ref={frame}
      src={src}
      title={title}
      sandbox="allow-scripts"
      referrerPolicy="no-referrer"
      loading="lazy"
      className={`block w-full border-0 ${className ?? ''}`}
      style={{ height }}
      data-testid="output-frame"
    />
  );
}
