/**
 * Find and replace across every cell of a notebook. CodeMirror's own search works inside one
 * editor; the notebook's find bar needs matches over all cells (most of which may have no
 * editor mounted), so the search runs on the cells' sources and the editors only paint the
 * result (search-highlight.ts).
 */

export interface TSearchOptions {
  query: string;
  caseSensitive: boolean;
  wholeWord: boolean;
  regex: boolean;
}

/** A match in one cell: UTF-16 offsets into the cell's source, as CodeMirror counts them. */
export interface TSearchMatch {
  cellId: string;
  from: number;
  to: number;
}

const WORD_CHAR = /[\p{L}\p{N}_]/u;

/**
 * The search as a regular expression. `m`: `^`/`$` are line anchors, as in an editor's
 * search. `u`: `\p{…}` classes work and an astral character is one character.
 */
function compile(options: TSearchOptions, mode: 'g' | 'y'): RegExp {
  const pattern = options.regex ? options.query : options.query.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(pattern, `${mode}mu${options.caseSensitive ? '' : 'i'}`);
}

function invalidRegex(error: unknown): string {
  // V8 says "Invalid regular expression: /(/gmu: Unterminated group"; the pattern and our
  // flags are noise to the person typing it.
  const reason = error instanceof Error ? error.message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '') : String(error);
  return `Invalid regular expression: ${reason}. Fix the pattern, or turn off "Use regular expression" to search for the text as typed.`;
}

/** The character (a whole code point) that ends just before `i`, if any. */
function charBefore(source: string, i: number): string | undefined {
  if (i <= 0) return undefined;
  const start = i >= 2 && /[\uDC00-\uDFFF]/.test(source[i - 1]!) && /[\uD800-\uDBFF]/.test(source[i - 2]!) ? i - 2 : i - 1;
  return source.slice(start, i);
}

/** The character (a whole code point) that starts at `i`, if any. */
function charAt(source: string, i: number): string | undefined {
  return i < source.length ? String.fromCodePoint(source.codePointAt(i)!) : undefined;
}

const isWordChar = (ch: string | undefined) => ch !== undefined && WORD_CHAR.test(ch);

/**
 * Whole word as CodeMirror's search means it: neither end of the match is in the middle of
 * a word. Unlike wrapping the pattern in `\b`, this also works for queries that start or
 * end with punctuation (`(x`, `.shape`) and for letters outside ASCII.
 */
function isWholeWord(source: string, from: number, to: number): boolean {
  const splits = (i: number) => isWordChar(charBefore(source, i)) && isWordChar(charAt(source, i));
  return !splits(from) && !splits(to);
}

/** One code point further on: stepping by a UTF-16 unit could split a surrogate pair. */
function nextIndex(source: string, i: number): number {
  return i + (source.codePointAt(i)! > 0xffff ? 2 : 1);
}

function matchesIn(cellId: string, source: string, re: RegExp, wholeWord: boolean, out: TSearchMatch[]): void {
  re.lastIndex = 0;
  for (let m = re.exec(source); m; m = re.exec(source)) {
    const from = m.index;
    const to = from + m[0].length;
    // Zero-length matches (`^`, `a*`) have nothing to highlight or replace; stepping past
    // them keeps exec from returning the same one forever.
    if (to === from) {
      if (from >= source.length) break;
      re.lastIndex = nextIndex(source, from);
      continue;
    }
    if (wholeWord && !isWholeWord(source, from, to)) {
      // Retry one character on: a later, overlapping candidate may be a whole word.
      re.lastIndex = nextIndex(source, from);
      continue;
    }
    out.push({ cellId, from, to });
  }
}

/**
 * Every match in cell order, then position order; `{error}` for an invalid regex (a message
 * a person can act on); `[]` for an empty query. Zero-length regex matches (e.g. `^`, `a*`)
 * are skipped.
 */
export function findMatches(cells: readonly { id: string; source: string }[], options: TSearchOptions): TSearchMatch[] | { error: string } {
  if (options.query === '') return [];
  let re: RegExp;
  try {
    re = compile(options, 'g');
  } catch (error) {
    return { error: invalidRegex(error) };
  }
  const out: TSearchMatch[] = [];
  for (const cell of cells) matchesIn(cell.id, cell.source, re, options.wholeWord, out);
  return out;
}

/**
 * The replacement text for one match: with `regex`, `$1`..`$9`, `$&` and `$$` (and the rest
 * of String.replace's patterns: `$<name>`, `` $` ``, `$'`, `$10`…) expand exactly as
 * JavaScript's String.replace expands them; otherwise the replacement is literal.
 * The match must come from findMatches on this same source (a stale one throws).
 */
export function replacementFor(source: string, match: TSearchMatch, options: TSearchOptions, replacement: string): string {
  if (!options.regex) return replacement;
  // A sticky regex run where the match starts sees the whole source, so lookbehinds,
  // anchors and groups come out as they did during the search.
  const re = compile(options, 'y');
  re.lastIndex = match.from;
  const m = re.exec(source);
  if (!m || m[0].length !== match.to - match.from) {
    throw new RangeError(`The match at ${match.from}–${match.to} of cell ${match.cellId} is no longer in its source: search again before replacing.`);
  }
  // String.replace with a sticky, non-global regex replaces just this match and applies
  // the language's own substitution rules, so `$` patterns need no parser of ours.
  re.lastIndex = match.from;
  const replaced = source.replace(re, replacement);
  return replaced.slice(match.from, replaced.length - (source.length - match.to));
}

/** A cell's source with every given match (all in that cell) replaced, positions taken from the original source. */
export function replaceInSource(source: string, matches: readonly TSearchMatch[], options: TSearchOptions, replacement: string): string {
  const ordered = [...matches].sort((a, b) => a.from - b.from);
  let out = '';
  let at = 0;
  for (const match of ordered) {
    if (match.from < at) throw new RangeError(`Matches overlap at ${match.from} in cell ${match.cellId}: replace the matches of one search.`);
    out += source.slice(at, match.from) + replacementFor(source, match, options, replacement);
    at = match.to;
  }
  return out + source.slice(at);
}
