import { z } from 'zod';
import type { TBinary } from './widget-protocol';

/**
 * The shapes the app accepts: widget state saved in a notebook's metadata (JupyterLab's
 * `application/vnd.jupyter.widget-state+json`) and what an (untrusted) widget frame sends.
 */

/** A binary value of a model's state, stored in base64 at its path (as JupyterLab saves it). */
export const ZWidgetBuffer = z.object({
  path: z.array(z.union([z.string(), z.number()])),
  encoding: z.enum(['base64', 'hex']),
  data: z.string(),
});
export type TWidgetBuffer = z.infer<typeof ZWidgetBuffer>;

export const ZWidgetModelState = z.object({
  model_name: z.string(),
  model_module: z.string(),
  model_module_version: z.string(),
  state: z.record(z.string(), z.unknown()),
  buffers: z.array(ZWidgetBuffer).optional(),
});
export type TWidgetModelState = z.infer<typeof ZWidgetModelState>;

export const ZWidgetState = z.object({
  version_major: z.literal(2),
  version_minor: z.number().int(),
  state: z.record(z.string(), ZWidgetModelState),
});
export type TWidgetState = z.infer<typeof ZWidgetState>;

/** What a widget-view output carries: the model to show. */
export const ZWidgetView = z.object({ model_id: z.string().min(1), version_major: z.number().int().optional() });

const ZBinary = z.custom<TBinary>((v) => v instanceof ArrayBuffer || ArrayBuffer.isView(v), 'must be binary');

/** Frame → app: a message for a widget's comm (a slider moved, a button clicked). */
export const ZFrameCommSend = z.object({
  type: z.literal('widgets:send'),
  commId: z.string().min(1).max(200),
  /** The frame's own id for this message: its status and echo come back under it. */
  sendId: z.string().min(1).max(100),
  data: z.record(z.string(), z.unknown()),
  metadata: z.record(z.string(), z.unknown()).optional(),
  buffers: z.array(ZBinary).max(64).optional(),
});
export type TFrameCommSend = z.infer<typeof ZFrameCommSend>;
