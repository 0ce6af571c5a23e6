import { joinMultiline } from '@/common/nbformat/multiline';
import type { TOutput } from '@/common/nbformat/schema';
import { StreamBuffer } from './stream-buffer';

/**
 * Bounds on what one cell's run keeps, so no loop can freeze the tab: stream text goes
 * through a `StreamBuffer` (head + tail + note), and the number of outputs is capped (a loop
 * calling `display()` 100,000 times keeps the first and the last ones, with one output
 * standing for those dropped in between).
 */

/** An output plus what the editor keeps of it in memory only (never saved). */
export type TRuntimeOutput = TOutput & {
  /** The display id it was shown with (`update_display_data` finds it by this). */
  displayId?: string;
  /**
   * A stream output printed in this page: its bounded text's source and the whole text for
   * download. Not enumerable, so saving, copying and comparing an output never see it.
   */
  readonly stream?: StreamBuffer;
};

/** A stream output carrying its buffer (see `TRuntimeOutput.stream`). */
function streamOutput(name: string, buffer: StreamBuffer): TRuntimeOutput {
  const output = { output_type: 'stream' as const, name, text: buffer.text() };
  return Object.defineProperty(output, 'stream', { value: buffer, enumerable: false });
}

export const OUTPUT_LIMITS = { head: 100, tail: 99 };

/** The metadata key that marks the output standing for dropped outputs. */
const DROPPED_KEY = 'lattice_dropped_outputs';

/** How many outputs this output stands for, when it is the "dropped" marker. */
export function droppedOutputs(o: TOutput): number | null {
  if (o.output_type !== 'display_data') return null;
  const n = o.metadata[DROPPED_KEY];
  return typeof n === 'number' ? n : null;
}

function droppedMarker(count: number): TRuntimeOutput {
  return {
    output_type: 'display_data',
    data: { 'text/plain': `… ${count.toLocaleString('en-US')} outputs dropped by Lattice …` },
    metadata: { [DROPPED_KEY]: count },
  };
}

/** `outputs` with `added` at the end, the middle ones replaced by a marker past the limit. */
export function appendOutput(outputs: readonly TRuntimeOutput[], added: TRuntimeOutput, limits = OUTPUT_LIMITS): TRuntimeOutput[] {
  const marker = outputs[limits.head];
  const before = marker ? droppedOutputs(marker) : null;
  const body = before === null ? [...outputs, added] : [...outputs.slice(0, limits.head), ...outputs.slice(limits.head + 1), added];
  const excess = body.length - limits.head - limits.tail;
  if (excess <= 0) return before === null ? body : [...outputs, added];
  return [...body.slice(0, limits.head), droppedMarker((before ?? 0) + excess), ...body.slice(body.length - limits.tail)];
}

/**
 * A stream message: continues the last output when it is the same stream (as JupyterLab
 * merges them), else starts a new stream output. O(text), whatever was printed before.
 */
export function appendStream(outputs: readonly TRuntimeOutput[], name: string, text: string): TRuntimeOutput[] {
  const last = outputs[outputs.length - 1];
  if (last?.output_type === 'stream' && last.name === name) {
    let buffer = last.stream;
    if (!buffer) {
      buffer = new StreamBuffer();
      buffer.append(joinMultiline(last.text));
    }
    buffer.append(text);
    return [...outputs.slice(0, -1), streamOutput(name, buffer)];
  }
  const buffer = new StreamBuffer();
  buffer.append(text);
  return appendOutput(outputs, streamOutput(name, buffer));
}
