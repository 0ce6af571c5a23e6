import { decodeHTML } from 'entities';
import { marked, type Token } from 'marked';

/**
 * The notebook's outline and its collapsible sections, from Markdown cells' headings.
 * Headings are found with the same `marked` (GFM) the cells are rendered with
 * (outputs/mime.ts), so the outline lists exactly the headings a reader sees: ATX and setext
 * headings, HTML <h1>–<h6>, and nothing inside code blocks.
 */

export type THeadingLevel = 1 | 2 | 3 | 4 | 5 | 6;

export interface THeading {
  cellId: string;
  level: THeadingLevel;
  /** Plain text, inline Markdown stripped. */
  text: string;
}

export interface TOutlineCell {
  id: string;
  cellType: 'code' | 'markdown' | 'raw';
  source: string;
}

type TCellHeading = Omit<THeading, 'cellId'>;

/** The text a reader sees: entities decoded, whitespace (a setext heading's line breaks) collapsed. */
const readable = (text: string) => text.replace(/\s+/g, ' ').trim();

function inlineText(tokens: readonly Token[]): string {
  let out = '';
  for (const token of tokens) {
    switch (token.type) {
      case 'escape':
      case 'codespan': // code spans show entities as written
        out += token.text;
        break;
      case 'html': // inline tags are markup; their contents are separate text tokens
        break;
      case 'image':
        out += decodeHTML(token.text);
        break;
      case 'br':
        out += ' ';
        break;
      default:
        out += 'tokens' in token && token.tokens ? inlineText(token.tokens) : decodeHTML('text' in token ? String(token.text) : '');
    }
  }
  return out;
}

const HTML_HEADING = /<h([1-6])(?:\s[^>]*)?>([\s\S]*?)<\/h\1\s*>/gi;

/** <h1>–<h6> in a raw HTML block; comments first, so a commented-out heading stays out. */
function htmlHeadings(html: string): TCellHeading[] {
  const live = html.replace(/<!--[\s\S]*?-->/g, '');
  return [...live.matchAll(HTML_HEADING)].map((m) => ({ level: Number(m[1]) as THeadingLevel, text: readable(decodeHTML(m[2]!.replace(/<[^>]*>/g, ''))) }));
}

function parseHeadings(source: string): TCellHeading[] {
  const out: TCellHeading[] = [];
  for (const token of marked.lexer(source, { gfm: true })) {
    if (token.type === 'heading') out.push({ level: token.depth as THeadingLevel, text: readable(inlineText(token.tokens ?? [])) });
    // `pre` blocks are <pre>, <script>, <style> and <textarea>, whose contents are not markup.
    else if (token.type === 'html' && 'pre' in token && !token.pre) out.push(...htmlHeadings(token.text));
  }
  // A heading without text (`#` alone) names no section.
  return out.filter((h) => h.text !== '');
}

/**
 * Parsed headings by source text. The outline and the collapsed sections are recomputed on
 * every edit, but an edit changes one cell: the others' sources are the same strings, so
 * each keystroke lexes one cell instead of every Markdown cell of the notebook.
 */
const cache = new Map<string, TCellHeading[]>();
const CACHE_SIZE = 4000;

function headingsInSource(source: string): TCellHeading[] {
  let found = cache.get(source);
  if (!found) {
    found = parseHeadings(source);
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
    cache.set(source, found);
  }
  return found;
}

/**
 * Headings of Markdown cells in order: ATX (`# x`, up to 3 leading spaces, closing #s
 * removed) and setext (`x\n===`, `x\n---`) headings and HTML <h1>-<h6>; never inside fenced
 * code blocks (``` or ~~~). A cell may hold several headings. Headings inside block quotes
 * and list items are content, not sections, and are left out.
 */
export function headingsOf(cells: readonly TOutlineCell[]): THeading[] {
  return cells.flatMap((cell) => (cell.cellType === 'markdown' ? headingsInSource(cell.source).map((h) => ({ cellId: cell.id, ...h })) : []));
}

/**
 * The level (1-6) of a Markdown cell's top heading, or null. "Top" is the most important
 * heading (smallest level) wherever it stands in the cell, as JupyterLab's
 * `MarkdownCell.headingInfo` takes it: a cell `## Intro` + `# Part 1` opens a level-1
 * section, so collapsing it must hide everything up to the next level-1 heading.
 * For the usual cell, whose first heading is its top one, that is the first heading's level.
 */
export function topHeadingLevel(source: string): number | null {
  const headings = headingsInSource(source);
  return headings.length ? Math.min(...headings.map((h) => h.level)) : null;
}

/**
 * Cells hidden by collapsed headings, given each cell's top heading level (null for cells
 * without headings, which never end a section). Shared by the notebook (all cells) and the
 * outline (heading cells only), so both hide the same sections.
 */
export function hiddenBySections(cells: Iterable<{ id: string; level: number | null }>, collapsed: ReadonlySet<string>): Set<string> {
  const hidden = new Set<string>();
  // The level of the outermost collapsed heading whose section we are in; a collapsed
  // heading inside it is hidden with it, and its own section ends no later.
  let hidingBelow: number | null = null;
  for (const { id, level } of cells) {
    if (hidingBelow !== null && level !== null && level <= hidingBelow) hidingBelow = null;
    if (hidingBelow !== null) hidden.add(id);
    else if (level !== null && collapsed.has(id)) hidingBelow = level;
  }
  return hidden;
}

/**
 * The cells hidden because a heading above them is collapsed: a collapsed heading cell (its
 * top heading level L, see topHeadingLevel) hides the following cells until the next
 * Markdown cell whose top heading level is <= L. Nested collapsed headings within a hidden
 * section stay hidden. The heading cell itself stays visible. Ids of cells without a
 * heading in `collapsed` change nothing.
 */
export function hiddenByCollapsedHeadings(cells: readonly TOutlineCell[], collapsed: ReadonlySet<string>): Set<string> {
  return hiddenBySections(
    cells.map((cell) => ({ id: cell.id, level: cell.cellType === 'markdown' ? topHeadingLevel(cell.source) : null })),
    collapsed,
  );
}

/**
 * The Markdown cell whose heading starts the section `cellId` is in: the cell itself if it
 * has a heading, else the nearest heading cell above; null before the first heading. The
 * outline highlights this cell's entry for the active cell.
 */
export function sectionCellOf(cells: readonly TOutlineCell[], cellId: string): string | null {
  const at = cells.findIndex((cell) => cell.id === cellId);
  for (let i = at; i >= 0; i--) {
    const cell = cells[i]!;
    if (cell.cellType === 'markdown' && headingsInSource(cell.source).length) return cell.id;
  }
  return null;
}

const ATX_OPENING = /^ {0,3}#{1,6}(?=[ \t]|$)[ \t]*/;
const SETEXT_UNDERLINE = /^ {0,3}(?:=+|-+)[ \t]*$/;

/**
 * Sets a Markdown cell's heading level as JupyterLab's 1–6 command keys do: replace the
 * first line's leading #s, or prefix `#… `. Leading blank lines go (the heading must be the
 * cell's first line to be one), and a setext underline under the first line is dropped, since
 * the #s now say the level.
 */
export function withHeadingLevel(source: string, level: number): string {
  if (!Number.isInteger(level) || level < 1 || level > 6) throw new RangeError(`A heading level is 1 to 6, not ${level}.`);
  const lines = source.replace(/^(?:[ \t]*\n)+/, '').split('\n');
  const first = lines[0]!;
  const opening = ATX_OPENING.exec(first);
  let rest: string[];
  if (opening) rest = [first.slice(opening[0].length), ...lines.slice(1)];
  else if (first.trim() !== '' && lines.length > 1 && SETEXT_UNDERLINE.test(lines[1]!)) rest = [first.trimStart(), ...lines.slice(2)];
  else rest = [first.trimStart(), ...lines.slice(1)];
  return `${'#'.repeat(level)} ${rest.join('\n')}`;
}
