/**
 * What an output's sandboxed frame and the app say to each other over `postMessage`. The
 * frame's origin is opaque (`sandbox="allow-scripts"` without `allow-same-origin`), so the app
 * accepts a message only from the frame's own window and treats its content as untrusted.
 */

/** Every frame: it is ready for its content, and how tall its content is. */
export type TFrameBaseMessage = { type: 'ready' } | { type: 'size'; height: number };

/** Tallest a frame may make itself; longer content scrolls inside it. */
export const MAX_FRAME_HEIGHT = 20_000;

export function isFrameMessage(data: unknown): data is { type: string } {
  return typeof data === 'object' && data !== null && typeof (data as { type?: unknown }).type === 'string';
}
