/**
 * The 1,000-cell notebook `bench:notebook` opens (issue 11 §6), built deterministically from
 * the real notebooks in /work/shared/fixtures (nbformat's and nbconvert's own test files):
 * their code lines, Markdown, headings and outputs, repeated and shuffled with a fixed seed,
 * so every run and every machine measures the same document.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { joinMultiline } from '../common/nbformat/multiline';
import type { TCell, TCodeCell, TNotebook, TOutput } from '../common/nbformat/schema';
import { validateNotebook } from '../common/nbformat/validate-notebook';
import { seededRandom } from './seeded-random';

export const FIXTURES_DIR = path.resolve(import.meta.dirname, '../../shared/fixtures/notebooks');

/** The fixtures that are valid nbformat 4 with real code, Markdown and outputs. */
const SOURCES = [
  'nbconvert-notebook1.ipynb',
  'nbconvert-notebook2.ipynb',
  'nbconvert-markdown_display_priority.ipynb',
  'nbconvert-svg.ipynb',
  'nbformat-test4.5.ipynb',
  'nbformat-many_tracebacks.ipynb',
];

/** The shape issue 11 §6 asks for: ~60% code cells of 3–15 lines, ~30% Markdown, the rest short cells with their real outputs. */
export const LARGE_NOTEBOOK_SHAPE = { cells: 1000, code: 0.6, markdown: 0.3, codeLines: [3, 15] as const };

/** A PNG counts as small up to this many base64 characters (the fixtures' SymPy formulas and histogram; not the 12 KB photo). */
const SMALL_PNG_CHARS = 4096;

export interface TFixturePool {
  codeLines: string[];
  /** Code cells as the fixtures have them, with their outputs (the "short" cells). */
  shortCells: TCodeCell[];
  headings: string[];
  paragraphs: string[];
  streams: TOutput[];
  pngs: TOutput[];
}

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** Reads the fixtures through the platform's own validator (upgraded to 4.5, sources joined) and sorts what they hold. */
export function readFixturePool(dir = FIXTURES_DIR): TFixturePool {
  const pool: TFixturePool = { codeLines: [], shortCells: [], headings: [], paragraphs: [], streams: [], pngs: [] };
  for (const file of SOURCES) {
    const result = validateNotebook(JSON.parse(readFileSync(path.join(dir, file), 'utf8')));
    if (!result.ok) throw new Error(`fixture ${file} is not a valid notebook: ${result.message}`);
    for (const cell of result.notebook.cells) {
      const source = joinMultiline(cell.source).trim();
      if (!source) continue;
      if (cell.cell_type === 'markdown') {
        // Attachment images refer to the fixture's own attachments, which a copied cell lacks.
        if (source.includes('attachment:')) continue;
        (/^#{1,6} /.test(source) ? pool.headings : pool.paragraphs).push(source);
      } else if (cell.cell_type === 'code') {
        // Cell magics (%%javascript) are valid only on a cell's first line, and the lines of a
        // multi-line call or string literal are no code on their own: both stay out of the mixed cells.
        if (!source.startsWith('%%')) pool.codeLines.push(...source.split('\n').filter(isStatement));
        pool.shortCells.push({ ...cell, source, outputs: cell.outputs.map(withoutPdf) });
        for (const output of cell.outputs) addOutput(pool, output);
      }
    }
  }
  for (const [name, list] of Object.entries(pool)) if (list.length === 0) throw new Error(`the fixtures gave no ${name}`);
  return pool;
}

function isStatement(line: string): boolean {
  const count = (ch: string) => line.split(ch).length - 1;
  return line.trim() !== '' && !line.includes('"""') && !/^\s*</.test(line) && count('(') === count(')') && count('[') === count(']');
}

/** A PDF beside a figure is for nbconvert's LaTeX export, not something a browser shows; 100 KB in one fixture, so copies of it would only weigh the notebook down. */
function withoutPdf(output: TOutput): TOutput {
  if (output.output_type === 'stream' || output.output_type === 'error' || !('application/pdf' in output.data)) return output;
  const { 'application/pdf': _pdf, ...data } = output.data;
  return { ...output, data };
}

function addOutput(pool: TFixturePool, output: TOutput): void {
  if (output.output_type === 'stream') pool.streams.push(output);
  else if (output.output_type !== 'error' && typeof output.data['image/png'] === 'string' && joinMultiline(output.data['image/png'] as string).length <= SMALL_PNG_CHARS) {
    pool.pngs.push({ output_type: 'display_data', data: { 'image/png': output.data['image/png'], 'text/plain': output.data['text/plain'] ?? '<Figure>' }, metadata: {} });
  }
}

/**
 * The one output that is not from a fixture: a pandas-style DataFrame table (`_repr_html_`),
 * the most common HTML output in real notebooks, which none of the fixtures has.
 */
export function dataFrameHtml(random: () => number, rows = 5): TOutput {
  const columns = ['customer', 'tenure', 'monthly', 'churned'];
  const body = Array.from({ length: rows }, (_, i) => {
    const cells = [`C-${1000 + Math.floor(random() * 9000)}`, String(1 + Math.floor(random() * 72)), (20 + random() * 100).toFixed(2), random() < 0.3 ? 'True' : 'False'];
    return `    <tr>\n      <th>${i}</th>\n${cells.map((c) => `      <td>${c}</td>\n`).join('')}    </tr>\n`;
  }).join('');
  const html = `<div>\n<table border="1" class="dataframe">\n  <thead>\n    <tr style="text-align: right;">\n      <th></th>\n${columns.map((c) => `      <th>${c}</th>\n`).join('')}    </tr>\n  </thead>\n  <tbody>\n${body}  </tbody>\n</table>\n</div>`;
  return { output_type: 'display_data', data: { 'text/html': html, 'text/plain': `   ${columns.join('  ')}\n[${rows} rows x ${columns.length} columns]` }, metadata: {} };
}

/**
 * `count` cells: the first is a code cell (the page's "first cell" must be an editor), then
 * code cells of 3–15 lines drawn from the fixtures' code lines (~1 in 8 with a stream, ~1 in
 * 25 with a small PNG, ~1 in 40 with an HTML table), Markdown (a third of it headings,
 * numbered so each is distinct) and the fixtures' own short code cells with their outputs.
 */
export function buildLargeNotebook(pool: TFixturePool, { cells: count, code, markdown, codeLines: [minLines, maxLines] } = LARGE_NOTEBOOK_SHAPE, seed = 11): TNotebook {
  const random = seededRandom(seed);
  let lines = shuffled(pool.codeLines, random);
  let cursor = 0;
  const takeLines = (n: number) => {
    const out: string[] = [];
    while (out.length < n) {
      if (cursor === lines.length) [lines, cursor] = [shuffled(pool.codeLines, random), 0];
      out.push(lines[cursor++]);
    }
    return out.join('\n');
  };
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];
  let executionCount = 0;
  let section = 0;
  const codeCell = (id: string): TCodeCell => {
    const source = takeLines(minLines + Math.floor(random() * (maxLines - minLines + 1)));
    const roll = random();
    const outputs = roll < 0.025 ? [dataFrameHtml(random)] : roll < 0.065 ? [pick(pool.pngs)] : roll < 0.19 ? [pick(pool.streams)] : [];
    return { id, cell_type: 'code', metadata: {}, source, outputs, execution_count: outputs.length ? ++executionCount : null };
  };
  const out: TCell[] = [];
  for (let i = 0; i < count; i++) {
    const id = `bench-${String(i).padStart(4, '0')}`;
    const roll = i === 0 ? 0 : random();
    if (roll < code) out.push(codeCell(id));
    else if (roll < code + markdown) {
      const heading = random() < 1 / 3;
      const source = heading ? `${pick(pool.headings)} (${++section})` : pick(pool.paragraphs);
      out.push({ id, cell_type: 'markdown', metadata: {}, source });
    } else {
      const short = pick(pool.shortCells);
      const n = ++executionCount;
      out.push({ ...short, id, outputs: short.outputs.map((o) => (o.output_type === 'execute_result' ? { ...o, execution_count: n } : o)), execution_count: n });
    }
  }
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'python3', display_name: 'Python 3' }, language_info: { name: 'python' } },
    cells: out,
  };
}

/** The code cell nearest the middle of the notebook at or after it (the "middle cell" that is typed into). */
export function middleCodeCell(notebook: TNotebook): number {
  const half = Math.floor(notebook.cells.length / 2);
  const index = notebook.cells.findIndex((c, i) => i >= half && c.cell_type === 'code');
  if (index < 0) throw new Error('the notebook has no code cell in its second half');
  return index;
}
