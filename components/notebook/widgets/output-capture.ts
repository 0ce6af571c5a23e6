import type { TOutput } from '@/common/nbformat/schema';
import { applyOutputMessage, newEditorCell } from '../notebook-model';

/**
 * What an Output widget captures while its `msg_id` names a request (`with out:` in the
 * kernel): that request's outputs, merged as a cell's are (streams joined,
 * `clear_output(wait=True)` deferred until the next output), which is how JupyterLab's
 * output widget model keeps them.
 */
export interface TCapture {
  outputs: TOutput[];
  /** `clear_output(wait=True)` arrived: the next output replaces everything. */
  clearPending: boolean;
}

const CAPTURED = new Set(['stream', 'display_data', 'execute_result', 'error', 'clear_output']);

/**
 * The capture after one iopub message of the request (the same `outputs` array when they did
 * not change); null when the message is not an output (it goes on to the cell).
 */
export function captureOutput(capture: TCapture, msgType: string, content: Record<string, unknown>): TCapture | null {
  if (!CAPTURED.has(msgType)) return null;
  const cell = applyOutputMessage({ ...newEditorCell('code'), outputs: capture.outputs, clearPending: capture.clearPending }, msgType, content);
  // Display ids live in the page only (update_display_data); the widget's state is what the kernel and the file keep.
  const outputs = cell.outputs === capture.outputs ? capture.outputs : cell.outputs.map(({ displayId: _id, ...o }) => o as TOutput);
  return { outputs, clearPending: cell.clearPending };
}
