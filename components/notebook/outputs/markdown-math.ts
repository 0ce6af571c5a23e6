import katex from 'katex';

/**
 * LaTeX in Markdown, kept away from the Markdown parser the way JupyterLab's
 * `removeMath`/`replaceMath` do it: every formula is cut out of the source and replaced by
 * `@@n@@` before `marked` runs (otherwise `\,` loses its backslash and `a_1 b_1` turns into
 * emphasis), then rendered with KaTeX and put back into the HTML. Code spans and fenced code
 * keep their dollars.
 *
 * One departure from JupyterLab, for prose about money: a single `$` does not close inline
 * math when a digit follows it (pandoc's rule), so "$5 and $10" stays text.
 */

export type TMathPiece = { tex: string; display: boolean } | { literal: string };

export interface TExtractedMath {
  /** The source with each formula replaced by `@@n@@`. */
  text: string;
  /** What each `@@n@@` stands for: a formula, or text that merely looked like a token. */
  pieces: TMathPiece[];
}

const TOKEN = /@@(\d+)@@/g;
const FENCE = /^ {0,3}(`{3,}|~{3,})[^\n]*\n[\s\S]*?(?:\n {0,3}\1[`~]*[ \t]*(?=\n|$)|(?![\s\S]))/gm;
const CODE_SPAN = /(`+)[\s\S]*?[^`]\1(?!`)|(`+)[^`]\2(?!`)/g;
const ENVIRONMENT = /^\\begin\{([a-zA-Z]+\*?)\}/;

/** Where code is (fenced blocks and code spans): no math is looked for inside. */
function codeRanges(source: string): [number, number][] {
  const ranges: [number, number][] = [];
  for (const m of source.matchAll(FENCE)) ranges.push([m.index, m.index + m[0].length]);
  const inFence = (i: number) => ranges.some(([a, b]) => i >= a && i < b);
  for (const m of source.matchAll(CODE_SPAN)) if (!inFence(m.index)) ranges.push([m.index, m.index + m[0].length]);
  return ranges.sort((a, b) => a[0] - b[0]);
}

/** The end (exclusive) of the inline formula opened by the `$` at `open`, or -1. */
function closeInlineDollar(source: string, open: number): number {
  let braces = 0;
  for (let i = open + 1; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '{') braces++;
    else if (c === '}') braces--;
    else if (c === '\n' && /^\n[ \t]*\n/.test(source.slice(i))) return -1; // a paragraph ends
    else if (c === '$' && braces <= 0) {
      if (i === open + 1 || /\d/.test(source[i + 1] ?? '')) return -1;
      return i + 1;
    }
  }
  return -1;
}

/** The end (exclusive) of the formula that starts at `i`, with its kind, or null if none does. */
function mathAt(source: string, i: number): { end: number; display: boolean } | null {
  const rest = source.slice(i);
  if (rest.startsWith('$$')) {
    const close = source.indexOf('$$', i + 2);
    return close > i + 2 ? { end: close + 2, display: true } : null;
  }
  if (rest.startsWith('$')) {
    const end = closeInlineDollar(source, i);
    return end > 0 ? { end, display: false } : null;
  }
  for (const [open, close, display] of [['\\(', '\\)', false], ['\\[', '\\]', true]] as const) {
    if (!rest.startsWith(open)) continue;
    const at = source.indexOf(close, i + 2);
    return at > 0 ? { end: at + 2, display } : null;
  }
  const env = ENVIRONMENT.exec(rest);
  if (env) {
    const close = `\\end{${env[1]}}`;
    const at = source.indexOf(close, i + env[0].length);
    return at > 0 ? { end: at + close.length, display: true } : null;
  }
  return null;
}

/** Cuts the math out of Markdown source (see the module comment). */
export function removeMath(source: string): TExtractedMath {
  const pieces: TMathPiece[] = [];
  const code = codeRanges(source);
  let text = '';
  let last = 0;
  const cut = (from: number, to: number, piece: TMathPiece) => {
    text += source.slice(last, from) + `@@${pieces.length}@@`;
    pieces.push(piece);
    last = to;
  };
  let range = 0;
  for (let i = 0; i < source.length; i++) {
    while (range < code.length && code[range]![1] <= i) range++;
    const inCode = range < code.length && code[range]![0] <= i;
    const token = /^@@\d+@@/.exec(source.slice(i, i + 24));
    if (token) {
      // Text that looks like our placeholder is carried through as itself.
      cut(i, i + token[0].length, { literal: token[0] });
      i += token[0].length - 1;
      continue;
    }
    if (inCode) continue;
    const c = source[i];
    if (c === '\\' && /[$\\`]/.test(source[i + 1] ?? '')) {
      i++; // an escaped dollar (or backslash) is text, for marked to unescape
      continue;
    }
    if (c !== '$' && c !== '\\') continue;
    const math = mathAt(source, i);
    if (!math) continue;
    const raw = source.slice(i, math.end);
    const tex = raw.startsWith('$$') ? raw.slice(2, -2) : raw.startsWith('$') ? raw.slice(1, -1) : raw.startsWith('\\(') || raw.startsWith('\\[') ? raw.slice(2, -2) : raw;
    cut(i, math.end, { tex, display: math.display });
    i = math.end - 1;
  }
  return { text: text + source.slice(last), pieces };
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** One formula as KaTeX HTML + MathML; a formula KaTeX cannot parse is shown in red, not thrown. */
export function renderTex(tex: string, display: boolean): string {
  return katex.renderToString(tex, { displayMode: display, throwOnError: false, errorColor: '#cc0000', output: 'htmlAndMathml', trust: false, strict: 'ignore' });
}

/** Puts the pieces back into HTML produced from `removeMath`'s text: formulas rendered, the rest escaped. */
export function replaceMath(html: string, pieces: TMathPiece[]): string {
  return html.replace(TOKEN, (whole, n: string) => {
    const piece = pieces[Number(n)];
    if (!piece) return whole;
    return 'literal' in piece ? escapeHtml(piece.literal) : renderTex(piece.tex, piece.display);
  });
}

/**
 * A `text/latex` output: its formulas (with their delimiters, as IPython's `Latex` and
 * `Math` write them) rendered, the text around them escaped.
 */
export function renderLatexText(source: string): string {
  const { text, pieces } = removeMath(source);
  return replaceMath(escapeHtml(text), pieces);
}
