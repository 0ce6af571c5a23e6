/**
 * End to end in Chromium with a real ipykernel: outputs a person can live with. A cell
 * printing a million lines keeps the page responsive, shows its head and tail with a download
 * of the whole text, and is saved bounded; tqdm bars, `clear_output(wait=True)` loops and
 * display updates render as one output; long outputs fold, collapse and clear; each run's
 * timing is shown and saved as JupyterLab records it; autosave happens while a cell streams;
 * a notebook with invalid metadata opens with a warning and is repaired. Saves the README's
 * long-output screenshot.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { validateNotebook } from '../../common/nbformat/validate-notebook';
import type { TCell, TNotebook } from '../../common/nbformat/schema';
import { FIXTURES, officialNotebookValidator } from '../helpers/nbformat-fixtures';
import { allowKernels } from '../helpers/kernel-quota';
import { openNotebook as open, startNotebookSuite, type TNotebookSuite } from '../helpers/notebook-pages';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SCREENSHOT = path.join(ROOT, 'docs/screenshots/long-output.png');
const ADMIN = { email: 'admin@outputs.test', password: 'e2e-outputs-admin-password' };

let suite: TNotebookSuite;

before(async () => {
  suite = await startNotebookSuite({ admin: ADMIN, dataDirPrefix: 'lattice-e2e-outputs-', project: 'Outputs', context: { acceptDownloads: true } });
  // Five notebooks, each keeping its kernel: more than the default quotas allow.
  await allowKernels(suite.context.request, suite.platform.webUrl, { projectId: suite.projectId, kernels: 8 });
});

after(async () => {
  await suite?.close();
});

let idCounter = 0;
const code = (source: string): TCell => ({ id: `o${String(++idCounter).padStart(7, '0')}`, cell_type: 'code', metadata: {}, source, outputs: [], execution_count: null });
const notebooksApi = () => `${suite.projectApi}/notebooks`;

/** A new notebook holding `cells`, opened in a new page (its kernel starts on the first run); page errors are collected. */
const openNotebook = (name: string, cells: TCell[]) => open(suite, name, cells);

/** The notebook as stored (GET the API). */
async function stored(page: Page, id: string): Promise<{ content: TNotebook; version: number }> {
  const res = await page.request.get(`${notebooksApi()}/${id}`);
  assert.equal(res.status(), 200);
  return res.json();
}

const cell = (page: Page, i: number) => page.locator('[data-testid=cell]').nth(i);

/** Runs cell `i` (selected in command mode, Ctrl+Enter) without waiting for it to end. */
async function startCell(page: Page, i: number) {
  await cell(page, i).locator('[data-testid=cell-prompt]').click();
  await page.keyboard.press('Control+Enter');
  await cell(page, i).locator('[data-testid=cell-prompt]', { hasText: '[*]:' }).waitFor({ timeout: 10_000 }).catch(() => undefined);
}

async function waitCellDone(page: Page, i: number, timeout = 180_000) {
  await cell(page, i).locator('[data-testid=cell-prompt]', { hasText: /^\[\d+\]:$/ }).waitFor({ timeout });
}

async function runCell(page: Page, i: number, timeout?: number) {
  await startCell(page, i);
  await waitCellDone(page, i, timeout);
}

async function saveAndWait(page: Page) {
  await page.keyboard.press('Control+s');
  await page.locator('[data-testid=save-state][data-state=saved]').waitFor({ timeout: 30_000 });
}

/** How long typing one character into cell `i`'s editor takes until it shows (ms, measured from outside the page). */
async function keystrokeMs(page: Page, i: number, char: string): Promise<number> {
  const content = cell(page, i).locator('.cm-content');
  const before = (await content.textContent()) ?? '';
  const started = performance.now();
  await page.keyboard.type(char);
  await page.waitForFunction(
    ([index, length]) => (document.querySelectorAll('[data-testid=cell]')[index as number]?.querySelector('.cm-content')?.textContent ?? '').length > (length as number),
    [i, before.length],
    { timeout: 30_000, polling: 'raf' },
  );
  return performance.now() - started;
}

test('a million printed lines: the page stays responsive, head and tail shown, the whole text downloads, the saved output is bounded', { timeout: 600_000 }, async () => {
  const { page, errors, id } = await openNotebook('Million lines', [code('for i in range(1_000_000):\n    print(i)'), code('')]);
  await startCell(page, 0);
  // Type into the other cell while the output streams.
  await cell(page, 1).locator('.cm-content').click();
  await cell(page, 0).locator('[data-output-type=stream]').waitFor({ timeout: 60_000 });
  const delays: number[] = [];
  for (const ch of 'typing while it prints') {
    if ((await cell(page, 0).locator('[data-testid=cell-prompt]').textContent()) !== '[*]:') break;
    delays.push(await keystrokeMs(page, 1, ch));
  }
  await waitCellDone(page, 0);
  console.log(`keystrokes while printing: ${delays.map((d) => d.toFixed(0)).join(', ')} ms`);
  delays.sort((a, b) => a - b);
  const median = delays[Math.floor(delays.length / 2)]!;
  assert.ok(median < 1_000, `a keystroke took ${median.toFixed(0)} ms (median of ${delays.map((d) => d.toFixed(0)).join(', ')}) while the cell printed`);
  assert.ok(delays.length >= 3, `${delays.length} keystrokes measured while the output streamed`);

  const outputs = cell(page, 0).locator('[data-testid=cell-outputs]');
  const note = outputs.locator('[data-testid=output-not-shown]');
  assert.match((await note.textContent()) ?? '', /… 999,000 lines \(6\.6 MB\) not shown\s*·\s*Download the whole output/);
  // The first 500 lines above the note, the last 500 below it.
  const shown = outputs.locator('[data-output-type=stream] pre');
  assert.equal(await shown.count(), 2);
  const head = (await shown.first().textContent()) ?? '';
  const tail = (await shown.last().textContent()) ?? '';
  assert.equal(head, Array.from({ length: 500 }, (_, i) => `${i}\n`).join(''));
  assert.equal(tail, Array.from({ length: 500 }, (_, i) => `${999_500 + i}\n`).join(''));

  // Long: folded into a scrolling area. The screenshot shows the note between head and tail.
  assert.equal(await outputs.getAttribute('data-folded'), 'true');
  await note.scrollIntoViewIfNeeded();
  mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
  await cell(page, 0).screenshot({ path: SCREENSHOT });

  const [download] = await Promise.all([page.waitForEvent('download'), note.getByRole('button', { name: 'Download the whole output' }).click()]);
  const whole = readFileSync((await download.path())!, 'utf8');
  assert.equal(whole.length, 6_888_890);
  const lines = whole.split('\n');
  assert.equal(lines.length, 1_000_001);
  assert.equal(lines[999_999], '999999');

  await saveAndWait(page);
  const saved = (await stored(page, id)).content.cells[0]!;
  assert.equal(saved.cell_type, 'code');
  const savedText = saved.cell_type === 'code' && saved.outputs[0]?.output_type === 'stream' ? String(saved.outputs[0].text) : '';
  assert.ok(savedText.length < 20_000, `the saved output holds ${savedText.length} characters`);
  assert.match(savedText, /^0\n1\n/);
  assert.match(savedText, /\n… 999,000 lines \(6\.6 MB\) dropped by Lattice …\n999500\n/);
  assert.match(savedText, /\n999999\n$/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('tqdm, clear_output(wait=True) loops and display updates each render as one updating output', { timeout: 300_000 }, async () => {
  const { page, errors } = await openNotebook('Live outputs', [
    code('import time\nfrom tqdm import tqdm\nfor _ in tqdm(range(50)):\n    time.sleep(0.02)'),
    code('import time\nfrom IPython.display import clear_output\nfor i in range(10):\n    clear_output(wait=True)\n    print(f"step {i}")\n    time.sleep(0.05)'),
    code('import time\nfrom IPython.display import display\nh = display("start", display_id=True)\nfor i in range(10):\n    h.update(f"value {i}")\n    time.sleep(0.05)'),
    code('from IPython.display import display\nfor i in range(20_000):\n    display(i)'),
  ]);
  await runCell(page, 0);
  const bar = cell(page, 0).locator('[data-output-type]');
  assert.equal(await bar.count(), 1, 'one output');
  assert.equal(await bar.getAttribute('data-output-type'), 'stream');
  const barLines = ((await bar.textContent()) ?? '').split('\n').filter((l) => l.trim());
  assert.equal(barLines.length, 1, `one line: ${JSON.stringify(barLines)}`);
  assert.match(barLines[0]!, /^100%\|█+\| 50\/50 /);

  await runCell(page, 1);
  assert.equal(await cell(page, 1).locator('[data-output-type]').count(), 1);
  assert.equal(((await cell(page, 1).locator('[data-output-type]').textContent()) ?? '').trim(), 'step 9');

  await runCell(page, 2);
  assert.equal(await cell(page, 2).locator('[data-output-type]').count(), 1);
  assert.equal(((await cell(page, 2).locator('[data-output-type]').textContent()) ?? '').trim(), "'value 9'");

  // A loop displaying 20,000 outputs keeps the first 100 and the last 99, and says how many it dropped.
  // (The kernel's iopub socket itself may drop some under such a burst: ZeroMQ's high-water mark.)
  await runCell(page, 3);
  const shown = cell(page, 3).locator('[data-output-type]');
  assert.equal(await shown.count(), 200);
  assert.equal(((await shown.nth(0).textContent()) ?? '').trim(), '0');
  assert.equal(((await shown.nth(99).textContent()) ?? '').trim(), '99');
  const marker = /^… ([\d,]+) outputs dropped by Lattice …$/.exec(((await shown.nth(100).textContent()) ?? '').trim());
  assert.ok(marker && Number(marker[1]!.replace(/,/g, '')) > 15_000, `marker: ${marker?.[0]}`);
  const lastShown = Number(((await shown.nth(199).textContent()) ?? '').trim());
  assert.ok(lastShown > 19_000, `the last output shown is ${lastShown}`);
  assert.deepEqual(errors, []);
  await page.close();
});

/** Runs a palette command by its label on the selected cells. */
async function paletteCommand(page: Page, label: string) {
  await page.keyboard.press('Control+Shift+C');
  const search = page.getByRole('combobox', { name: 'Search commands' });
  await search.fill(label);
  await search.press('Enter');
  await search.waitFor({ state: 'hidden' });
}

test('long outputs fold and expand, outputs collapse and expand, one cell is cleared; the choices are saved', { timeout: 300_000 }, async () => {
  const { page, errors, id } = await openNotebook('Folding', [code('for i in range(300):\n    print(i)'), code('print("keep me")')]);
  await runCell(page, 0);
  await runCell(page, 1);
  const outputs = cell(page, 0).locator('[data-testid=cell-outputs]');
  assert.equal(await outputs.getAttribute('data-folded'), 'true', 'a tall output folds by itself');
  const box = await outputs.locator('[data-testid=outputs-scroll]').boundingBox();
  assert.ok(box && box.height <= 900 * 0.6 + 1, `folded to ${box?.height} px`);

  await outputs.getByRole('button', { name: 'Expand output' }).click();
  assert.equal(await outputs.getAttribute('data-folded'), null);
  assert.ok(((await outputs.locator('[data-testid=outputs-scroll]').boundingBox())?.height ?? 0) > 2_000, 'expanded to its whole height');
  // Clicking the prompt side folds it again.
  await outputs.locator('[data-testid=output-prompt]').first().click();
  assert.equal(await outputs.getAttribute('data-folded'), 'true');
  await outputs.locator('[data-testid=output-prompt]').first().click();
  await saveAndWait(page);
  assert.equal((await stored(page, id)).content.cells[0]!.metadata.scrolled, false);

  // Collapse from the side bar, expand from the "outputs hidden" bar.
  await outputs.locator('[data-testid=outputs-collapser]').click();
  await cell(page, 0).locator('[data-testid=outputs-hidden]').waitFor();
  assert.equal(await cell(page, 0).locator('[data-output-type]').count(), 0);
  await saveAndWait(page);
  assert.deepEqual((await stored(page, id)).content.cells[0]!.metadata.jupyter, { outputs_hidden: true });
  await cell(page, 0).locator('[data-testid=outputs-hidden]').click();
  await cell(page, 0).locator('[data-testid=cell-outputs]').waitFor();

  // The same from commands, on the selected cell.
  await cell(page, 0).locator('[data-testid=cell-prompt]').click();
  await paletteCommand(page, 'Collapse selected outputs');
  await cell(page, 0).locator('[data-testid=outputs-hidden]').waitFor();
  await paletteCommand(page, 'Expand selected outputs');
  await cell(page, 0).locator('[data-testid=cell-outputs]').waitFor();
  await paletteCommand(page, 'Toggle output scrolling');
  assert.equal(await outputs.getAttribute('data-folded'), 'true');

  // Clear one cell's outputs from its output area: the other cell keeps its own.
  await outputs.hover();
  await outputs.getByRole('button', { name: "Clear this cell's outputs" }).click();
  assert.equal(await cell(page, 0).locator('[data-output-type]').count(), 0);
  assert.match((await cell(page, 1).locator('[data-testid=cell-outputs]').textContent()) ?? '', /keep me/);
  await saveAndWait(page);
  const saved = (await stored(page, id)).content.cells;
  assert.deepEqual(saved[0]!.cell_type === 'code' && saved[0]!.outputs, []);
  assert.equal(saved[1]!.cell_type === 'code' && saved[1]!.outputs.length, 1);
  assert.deepEqual(errors, []);
  await page.close();
});

test('execution time: "running for" while it runs, "started · took" after, and metadata.execution saved with the five timestamps', { timeout: 300_000 }, async () => {
  const { page, errors, id } = await openNotebook('Timing', [code('import time\ntime.sleep(2.5)')]);
  await startCell(page, 0);
  const line = cell(page, 0).locator('[data-testid=execution-time]');
  await line.locator('text=/^Running for \\d/').waitFor({ timeout: 10_000 });
  await waitCellDone(page, 0);
  const text = (await line.textContent()) ?? '';
  const m = /^Started \d\d:\d\d:\d\d · took (\d+\.\d) s$/.exec(text);
  assert.ok(m, text);
  assert.ok(Number(m[1]) >= 2.5 && Number(m[1]) < 4, text);
  await saveAndWait(page);
  const execution = (await stored(page, id)).content.cells[0]!.metadata.execution as Record<string, string>;
  assert.deepEqual(Object.keys(execution).sort(), ['iopub.execute_input', 'iopub.status.busy', 'iopub.status.idle', 'shell.execute_reply', 'shell.execute_reply.started']);
  for (const v of Object.values(execution)) assert.ok(!Number.isNaN(Date.parse(v)), v);
  const took = Date.parse(execution['shell.execute_reply']!) - Date.parse(execution['iopub.execute_input']!);
  assert.ok(took >= 2_500 && took < 4_000, `${took} ms between execute_input and the reply`);
  // A per-browser view setting hides the line (the timing is still recorded).
  await cell(page, 0).locator('[data-testid=cell-prompt]').click();
  await paletteCommand(page, 'Show or hide execution times');
  await line.waitFor({ state: 'detached' });
  await paletteCommand(page, 'Show or hide execution times');
  await line.waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});

test('autosave while a cell prints for 60 s: the stored notebook changes while the cell still runs', { timeout: 300_000 }, async () => {
  const { page, errors, id } = await openNotebook('Long loop', [code('import time\nfor i in range(60):\n    print(i)\n    time.sleep(1)')]);
  const { version: before } = await stored(page, id);
  await startCell(page, 0);
  await page.locator('[data-testid=save-state]', { hasText: /Unsaved changes · autosave by/ }).waitFor({ timeout: 10_000 });
  const prompt = cell(page, 0).locator('[data-testid=cell-prompt]');
  let changedWhileRunning: TNotebook | null = null;
  for (let t = 0; t < 50 && !changedWhileRunning; t++) {
    await page.waitForTimeout(1_500);
    const now = await stored(page, id);
    const running = (await prompt.textContent()) === '[*]:';
    if (!running) break;
    if (now.version !== before) changedWhileRunning = now.content;
  }
  assert.ok(changedWhileRunning, 'the notebook was saved while the cell was still printing');
  const first = changedWhileRunning.cells[0]!;
  const savedText = first.cell_type === 'code' && first.outputs[0]?.output_type === 'stream' ? String(first.outputs[0].text) : '';
  assert.match(savedText, /^0\n1\n2\n/, 'with the output printed so far');
  assert.equal(await prompt.textContent(), '[*]:');
  await page.locator('[data-testid=kernel-status]').waitFor();
  // Interrupt: the rest of the loop is not this test's business.
  await page.keyboard.press('Escape');
  await page.keyboard.press('I');
  await page.keyboard.press('I');
  await waitCellDone(page, 0, 30_000);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a notebook with invalid metadata opens with the problems listed; Repair fixes them and saves a valid notebook; broken ones are still refused', { timeout: 300_000 }, async () => {
  const page = await suite.context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const text = readFileSync(path.join(FIXTURES, 'notebooks-repairable/lattice-invalid-metadata.ipynb'), 'utf8');
  const res = await page.request.post(notebooksApi(), { data: { name: 'Sloppy metadata', content: text } });
  assert.equal(res.status(), 201, await res.text());
  const imported = await res.json();
  assert.match(imported.warnings.join(' '), /kept aside/);

  await page.goto(`${suite.platform.webUrl}/projects/${suite.projectId}/notebooks/${imported.id}`);
  const problems = page.locator('[data-testid=metadata-problems]');
  await problems.waitFor();
  const listed = await problems.locator('li').allTextContents();
  assert.deepEqual(listed, [
    'metadata.kernelspec: display_name is required',
    'metadata: language_info must be an object (got "python")',
    'cells[0].metadata.jupyter: source_hidden must be true or false (got "yes")',
    'cells[3].metadata: tags must be a list (got "slow")',
    'cells[3].metadata: collapsed must be true or false (got "true")',
  ]);
  const { version } = await stored(page, imported.id);
  await problems.getByRole('button', { name: 'Repair' }).click();
  await problems.waitFor({ state: 'detached' });
  // Saved at once, not by the 5 s autosave.
  await page.locator('[data-testid=save-state][data-state=saved]').waitFor({ timeout: 3_000 });
  const repaired = await stored(page, imported.id);
  assert.ok(repaired.version > version, 'saved');
  assert.equal(repaired.content.metadata.lattice_invalid_metadata, undefined);
  assert.deepEqual(repaired.content.cells[3]!.metadata, { collapsed: true, tags: ['slow'] });
  assert.ok(validateNotebook(repaired.content).ok);
  const official = officialNotebookValidator();
  assert.ok(official(repaired.content), JSON.stringify(official.errors));

  const broken = await page.request.post(notebooksApi(), { data: { name: 'Broken', content: readFileSync(path.join(FIXTURES, 'notebooks/nbformat-invalid.ipynb'), 'utf8') } });
  assert.equal(broken.status(), 400);
  const body = await broken.json();
  assert.equal(body.code, 'INVALID_NOTEBOOK');
  assert.match(body.message, /cells\[0\]: source is required/);
  assert.deepEqual(errors, []);
  await page.close();
});
