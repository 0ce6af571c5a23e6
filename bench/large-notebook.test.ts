import assert from 'node:assert/strict';
import { test } from 'node:test';
import { joinMultiline } from '../common/nbformat/multiline';
import { validateNotebook } from '../common/nbformat/validate-notebook';
import { buildLargeNotebook, LARGE_NOTEBOOK_SHAPE, middleCodeCell, readFixturePool } from './large-notebook';

const pool = readFixturePool();
const notebook = buildLargeNotebook(pool);
const lines = (source: string | string[]) => joinMultiline(source).split('\n').length;

test('the benchmark notebook is valid nbformat 4.5 as the platform checks it, and the same on every build', () => {
  const result = validateNotebook(notebook);
  assert.equal(result.ok, true, result.ok ? '' : result.message);
  assert.deepEqual(result.ok && result.warnings, []);
  assert.deepEqual(buildLargeNotebook(readFixturePool()), notebook);
  assert.notDeepEqual(buildLargeNotebook(pool, LARGE_NOTEBOOK_SHAPE, 12), notebook);
});

test('1,000 cells shaped as issue 11 asks: ~60% code of 3–15 lines, ~30% Markdown with headings, outputs of every kind', () => {
  const { cells } = notebook;
  assert.equal(cells.length, 1000);
  assert.equal(cells[0].cell_type, 'code');
  const code = cells.filter((c) => c.cell_type === 'code');
  const long = code.filter((c) => lines(c.source) >= 3);
  const markdown = cells.filter((c) => c.cell_type === 'markdown');
  assert.ok(long.length > 550 && long.length < 650, `${long.length} code cells of 3+ lines`);
  assert.ok(long.every((c) => lines(c.source) <= 15));
  assert.ok(markdown.length > 250 && markdown.length < 350, `${markdown.length} Markdown cells`);
  const headings = markdown.filter((c) => /^#{1,6} /.test(joinMultiline(c.source)));
  assert.ok(headings.length > 60, `${headings.length} headings`);
  assert.equal(new Set(headings.map((c) => c.source)).size, headings.length, 'headings are distinct');
  const outputs = code.flatMap((c) => (c.cell_type === 'code' ? c.outputs : []));
  const has = (pred: (o: (typeof outputs)[number]) => boolean) => outputs.filter(pred).length;
  assert.ok(has((o) => o.output_type === 'stream') > 20);
  assert.ok(has((o) => o.output_type === 'execute_result') > 10);
  assert.ok(has((o) => o.output_type === 'display_data' && 'image/png' in o.data) > 10);
  assert.ok(has((o) => o.output_type === 'display_data' && String(o.data['text/html'] ?? '').includes('<table')) > 5);
  assert.ok(outputs.every((o) => !('data' in o) || !('application/pdf' in o.data)), 'no PDF copies');
});

test('the middle cell is the first code cell from the middle on', () => {
  const index = middleCodeCell(notebook);
  assert.ok(index >= 500);
  assert.equal(notebook.cells[index].cell_type, 'code');
  assert.ok(notebook.cells.slice(500, index).every((c) => c.cell_type !== 'code'));
});
