'use client';

import type { TStreamOutput } from '@/common/nbformat/schema';
import type { TRuntimeOutput } from './output-limits';
import { OutputView } from './output-view';
import { formatSize, type StreamBuffer } from './stream-buffer';

const NOTE_END = ' dropped by Lattice …\n';

/** Splits a bounded stream's text around its note (null when nothing was dropped). */
export function splitAtNote(text: string, headLength: number): { head: string; note: string; rest: string } | null {
  const end = text.indexOf(NOTE_END, headLength);
  if (end < 0) return null;
  return { head: text.slice(0, headLength), note: text.slice(headLength, end), rest: text.slice(end + NOTE_END.length) };
}

function download(buffer: StreamBuffer, name: string): void {
  const { chunks, lostBytes } = buffer.download();
  const parts = lostBytes ? [...chunks, `\n… ${formatSize(lostBytes)} more were printed but not kept: Lattice keeps the first ${formatSize(buffer.downloadCap())} of an output …\n`] : chunks;
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob(parts as string[], { type: 'text/plain;charset=utf-8' }));
  a.download = `${name}.txt`;
  a.click();
  // Revoked later: some browsers read the URL after click() returns.
  window.setTimeout(() => URL.revokeObjectURL(a.href), 60_000);
}

/**
 * A stream output printed in this page that was too long to show whole: its first lines, a
 * note saying how much is not shown with a download of the whole text, its last lines.
 */
export function StreamWithOmission({ output }: { output: TRuntimeOutput & TStreamOutput }) {
  const buffer = output.stream;
  const text = typeof output.text === 'string' ? output.text : output.text.join('');
  const parts = buffer ? splitAtNote(text, buffer.headLength()) : null;
  if (!buffer || !parts) return <OutputView output={output} />;
  return (
    <div data-testid="stream-omission">
      <OutputView output={{ ...output, text: parts.head }} />
      <p className="my-1 flex flex-wrap items-center gap-2 rounded bg-amber-50 px-2 py-1 text-xs text-amber-900" data-testid="output-not-shown">
        <span>{parts.note} not shown</span>
        <span aria-hidden>·</span>
        <button type="button" className="font-medium underline hover:text-amber-700" onClick={() => download(buffer, output.name)}>
          Download the whole output
        </button>
      </p>
      <OutputView output={{ ...output, text: parts.rest }} />
    </div>
  );
}
