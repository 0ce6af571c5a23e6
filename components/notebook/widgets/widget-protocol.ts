import type { TWidgetState } from './widget-schemas';

/**
 * What the widget frames and the app's widget bridge say to each other, and the widget state
 * MIME types they are about. Imported by both sides (no zod here: the frame bundle stays small);
 * `widget-schemas.ts` parses what the app receives.
 */

export const WIDGET_VIEW_MIME = 'application/vnd.jupyter.widget-view+json';
export const WIDGET_STATE_MIME = 'application/vnd.jupyter.widget-state+json';
/** The comm target ipywidgets opens one comm on per widget model. */
export const WIDGET_COMM_TARGET = 'jupyter.widget';

/** A comm message's buffers as they cross `postMessage` (structured clone keeps them binary). */
export type TBinary = ArrayBuffer | ArrayBufferView;

/** App → frame (after the frame's `init` with `{ modelId }`). */
export type TWidgetToFrame =
  /** Every model the app knows; `live` lists those with a comm to the kernel (the others are static, from saved state). */
  | { type: 'widgets:load'; state: TWidgetState; live: string[] }
  | { type: 'widgets:comm-open'; commId: string; data: Record<string, unknown>; metadata: Record<string, unknown>; buffers: TBinary[] }
  | { type: 'widgets:comm-msg'; commId: string; data: Record<string, unknown>; parentMsgId: string; buffers: TBinary[] }
  | { type: 'widgets:comm-close'; commId: string }
  /** The kernel's execution state for a message the frame sent (widgets throttle their updates on it). */
  | { type: 'widgets:status'; sendId: string; state: string };
