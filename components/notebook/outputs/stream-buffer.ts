/**
 * A stream output (stdout/stderr) as the browser keeps it while a cell prints: the first and
 * last lines as a terminal would show them (`\r` returns to the line's start, `\b` deletes
 * the character before it, also when they arrive in a later message than the text they act
 * on), the lines in between counted but dropped, and the raw text for download as
 * append-only chunks up to a cap. Appending costs O(chunk), never O(everything printed so
 * far): a cell printing a million lines used to re-join and re-scan the whole text on every
 * message.
 *
 * Owned by one stream output of one run; the notebook model appends to it and reads
 * `text()`, which is bounded (head + a note + tail), so rendering and saving only ever see
 * the bounded text.
 */

export interface TStreamLimits {
  headLines: number;
  tailLines: number;
  /** Characters kept in the head and, separately, in the tail (one huge line is cut, not kept whole). */
  headChars: number;
  tailChars: number;
  /** A line longer than this wraps (as a terminal's row does), so a `\r` only rewrites its last row. */
  lineChars: number;
  /** Raw text kept for "Download the whole output". */
  downloadBytes: number;
}

export const STREAM_LIMITS: TStreamLimits = {
  headLines: 500,
  tailLines: 500,
  headChars: 64 * 1024,
  tailChars: 64 * 1024,
  lineChars: 16 * 1024,
  // 64 MiB of UTF-16 in memory is ~128 MB: the most a tab should hold for one output.
  downloadBytes: 64 * 1024 * 1024,
};

/** What `text()` left out, for the note and the download. */
export interface TStreamOmission {
  lines: number;
  bytes: number;
}

/** The note that stands for the dropped lines in the saved text (one line, so it reads in any viewer). */
export function omissionNote(o: TStreamOmission): string {
  return `… ${o.lines.toLocaleString('en-US')} lines (${formatSize(o.bytes)}) dropped by Lattice …\n`;
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** UTF-8 length without encoding (surrogate pairs count 4 together). */
function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c < 0xdc00 ? 4 : c >= 0xdc00 && c < 0xe000 ? 0 : 3;
  }
  return n;
}

/** Finished lines, each with its own terminator (`\n`, or none when a long line wrapped). */
class LineQueue {
  private items: string[] = [];
  private start = 0;
  chars = 0;

  get length(): number {
    return this.items.length - this.start;
  }
  push(line: string): void {
    this.items.push(line);
    this.chars += line.length;
  }
  shift(): string {
    const line = this.items[this.start++]!;
    this.chars -= line.length;
    // Compact now and then so shifting stays O(1) amortised.
    if (this.start > 1024 && this.start * 2 > this.items.length) {
      this.items = this.items.slice(this.start);
      this.start = 0;
    }
    return line;
  }
  join(): string {
    return (this.start ? this.items.slice(this.start) : this.items).join('');
  }
}

export class StreamBuffer {
  private readonly head: string[] = [];
  private headChars = 0;
  private headFull = false;
  private readonly tail = new LineQueue();
  /** The line being written (after `\r` and `\b` were applied) and where the next character goes. */
  private line = '';
  private cursor = 0;
  private droppedLines = 0;
  private droppedBytes = 0;
  private readonly chunks: string[] = [];
  private keptBytes = 0;
  /** Raw bytes received past the download cap. */
  private lostBytes = 0;
  private cached: string | null = null;

  constructor(private readonly limits: TStreamLimits = STREAM_LIMITS) {}

  /** One stream message's text. */
  append(text: string): void {
    if (!text) return;
    this.cached = null;
    const bytes = utf8Length(text);
    if (this.keptBytes + bytes <= this.limits.downloadBytes) {
      this.chunks.push(text);
      this.keptBytes += bytes;
    } else this.lostBytes += bytes;
    const parts = text.split('\n');
    parts.forEach((part, i) => {
      if (i > 0) this.endLine('\n');
      this.write(part);
    });
  }

  /** The bounded text shown and saved: head, a note for what was dropped, tail, and the current line. */
  text(): string {
    if (this.cached !== null) return this.cached;
    const omission = this.omission();
    this.cached = this.head.join('') + (omission ? omissionNote(omission) : '') + this.tail.join() + this.line;
    return this.cached;
  }

  /** How many lines the shown text leaves out (null when none). */
  omission(): TStreamOmission | null {
    return this.droppedLines ? { lines: this.droppedLines, bytes: this.droppedBytes } : null;
  }

  /** The head's length in `text()`, where the note goes (for the view, which renders the note as a control). */
  headLength(): number {
    return this.headChars;
  }

  /** Everything printed, as received (with its `\r`s), up to the cap; `lostBytes` says what the cap left out. */
  download(): { chunks: readonly string[]; lostBytes: number } {
    return { chunks: this.chunks, lostBytes: this.lostBytes };
  }

  /** The most raw text `download()` keeps, in bytes. */
  downloadCap(): number {
    return this.limits.downloadBytes;
  }

  private write(segment: string): void {
    if (!segment) return;
    if (!/[\r\x08]/.test(segment) && this.cursor === this.line.length) {
      this.line += segment;
      this.cursor = this.line.length;
    } else {
      for (const piece of segment.split(/(\r|\x08)/)) {
        if (piece === '\r') this.cursor = 0;
        else if (piece === '\x08') {
          if (this.cursor > 0) {
            this.line = this.line.slice(0, this.cursor - 1) + this.line.slice(this.cursor);
            this.cursor--;
          }
        } else if (piece) {
          this.line = this.line.slice(0, this.cursor) + piece + this.line.slice(this.cursor + piece.length);
          this.cursor += piece.length;
        }
      }
    }
    while (this.line.length > this.limits.lineChars && this.cursor >= this.limits.lineChars) {
      const row = this.line.slice(0, this.limits.lineChars);
      this.line = this.line.slice(this.limits.lineChars);
      this.cursor -= this.limits.lineChars;
      this.finish(row);
    }
  }

  private endLine(terminator: string): void {
    const line = this.line + terminator;
    this.line = '';
    this.cursor = 0;
    this.finish(line);
  }

  private finish(line: string): void {
    if (!this.headFull && this.head.length < this.limits.headLines && this.headChars + line.length <= this.limits.headChars) {
      this.head.push(line);
      this.headChars += line.length;
      return;
    }
    this.headFull = true;
    this.tail.push(line);
    while (this.tail.length > this.limits.tailLines || (this.tail.chars > this.limits.tailChars && this.tail.length > 1)) {
      const dropped = this.tail.shift();
      this.droppedLines++;
      this.droppedBytes += utf8Length(dropped);
    }
  }
}
