import { isFrameMessage } from './frame-protocol';

/**
 * The frame's side of the conversation (bundled into each frame): says it is ready, reports its
 * content's height whenever it changes, and hands the app's messages to `onMessage`. Messages
 * from anyone but the embedding window are ignored.
 */
export function startFrame(onMessage: (message: { type: string } & Record<string, unknown>) => void): { post(message: unknown, transfer?: Transferable[]): void } {
  const post = (message: unknown, transfer: Transferable[] = []) => window.parent.postMessage(message, '*', transfer);
  window.addEventListener('message', (event) => {
    if (event.source !== window.parent || !isFrameMessage(event.data)) return;
    onMessage(event.data as { type: string } & Record<string, unknown>);
  });
  let last = -1;
  const report = () => {
    const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === last) return;
    last = height;
    post({ type: 'size', height });
  };
  const start = () => {
    document.documentElement.style.overflow = 'hidden';
    new ResizeObserver(report).observe(document.body);
    post({ type: 'ready' });
  };
  if (document.body) start();
  else document.addEventListener('DOMContentLoaded', start, { once: true });
  return { post };
}
