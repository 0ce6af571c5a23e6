/**
 * End to end in Chromium: the notebook editor as a JupyterLab user drives it. Command and
 * edit mode, every default key of JupyterLab 4 (each test names the keys it covers), cell
 * undo, copy/paste between notebooks, the palette and shortcut sheet, kernel completion and
 * help, find/replace across cells, the outline and section collapse, line numbers, input
 * collapse, drag to move, and the keyboard-only paths (skip links, no focus trap, command
 * keys never typed into code). Saves the README's completion and palette screenshots.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { TCell } from '../../common/nbformat/schema';
import { startKernelsOnOpen } from '../helpers/platform-settings';
import { allowKernels } from '../helpers/kernel-quota';
import { openNotebook as open, startNotebookSuite, type TNotebookSuite } from '../helpers/notebook-pages';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SCREENSHOTS = path.join(ROOT, 'docs/screenshots');
const ADMIN = { email: 'admin@keys.test', password: 'e2e-keys-admin-password' };

let suite: TNotebookSuite;

before(async () => {
  suite = await startNotebookSuite({ admin: ADMIN, dataDirPrefix: 'lattice-e2e-keys-', project: 'Keyboard' });
  // These tests are about the kernel a notebook has once its page is open (issue 12's "starts on first run" is tested in notebook-kernel-cost).
  await startKernelsOnOpen(suite.testPlatform.db.db);
  // Ten notebooks, each keeping its kernel: more than the default quotas allow.
  await allowKernels(suite.context.request, suite.platform.webUrl, { projectId: suite.projectId, kernels: 12 });
});

after(async () => {
  await suite?.close();
});

let idCounter = 0;
const cellId = () => `c${String(++idCounter).padStart(7, '0')}`;
const code = (source: string, outputs: unknown[] = []): TCell => ({ id: cellId(), cell_type: 'code', metadata: {}, source, outputs: outputs as never, execution_count: outputs.length ? 1 : null });
const markdown = (source: string): TCell => ({ id: cellId(), cell_type: 'markdown', metadata: {}, source });

/** A new notebook holding `cells`, opened in a new page in command mode, with page errors collected. */
async function openNotebook(name: string, cells: TCell[]): Promise<{ page: Page; errors: string[]; url: string }> {
  const opened = await open(suite, name, cells);
  await waitMode(opened.page, 'command');
  return opened;
}

const cells = (page: Page) => page.locator('[data-testid=cell]');
const active = (page: Page) => page.locator('[data-testid=cell][data-active]');
const waitMode = (page: Page, mode: 'command' | 'edit') => page.locator(`[data-testid=cell][data-active][data-mode=${mode}]`).waitFor();

/** Every cell's text as the model holds it (editors and not-yet-mounted cells alike). */
async function sources(page: Page): Promise<string[]> {
  return cells(page).evaluateAll((els) =>
    els.map((el) => {
      const md = el.querySelector('.lattice-markdown');
      const lines = el.querySelectorAll('.cm-content .cm-line');
      if (lines.length) return Array.from(lines, (l) => l.textContent).join('\n');
      const pre = el.querySelector('.lattice-cell-text');
      return pre ? (pre.textContent ?? '').replace(/^ $/, '') : `md:${(md?.textContent ?? '').trim()}`;
    }),
  );
}

async function activeIndex(page: Page): Promise<number> {
  return cells(page).evaluateAll((els) => els.findIndex((el) => el.hasAttribute('data-active')));
}

/** Keys pressed one by one (a sequence like D D is two presses). */
async function press(page: Page, ...keys: string[]) {
  for (const k of keys) await page.keyboard.press(k);
}

/** The focused element is the active cell itself (command mode focus). */
async function focusIsActiveCell(page: Page): Promise<boolean> {
  return page.evaluate(() => document.activeElement?.hasAttribute('data-active') === true && document.activeElement.getAttribute('data-testid') === 'cell');
}

test('command mode: selection keys, Enter and Esc, and edit-mode arrows crossing cells', { timeout: 300_000 }, async () => {
  const { page, errors } = await openNotebook('Modes', [code('a = 1'), code('b = 2\nb += 1'), code('c = 3')]);
  assert.equal(await page.locator('[data-testid=notebook-mode]').textContent(), 'Command mode');
  assert.ok(await focusIsActiveCell(page), 'the active cell holds the focus in command mode');

  await press(page, 'J');
  assert.equal(await activeIndex(page), 1, 'J selects the cell below');
  await press(page, 'K');
  assert.equal(await activeIndex(page), 0, 'K selects the cell above');
  await press(page, 'ArrowDown', 'ArrowDown');
  assert.equal(await activeIndex(page), 2, '↓ moves down');
  await press(page, 'ArrowUp');
  assert.equal(await activeIndex(page), 1, '↑ moves up');

  // Enter: edit mode in the active cell; Esc and Ctrl+M: back to command mode.
  await press(page, 'Enter');
  await waitMode(page, 'edit');
  assert.equal(await page.locator('[data-testid=notebook-mode]').textContent(), 'Edit mode');
  await press(page, 'Escape');
  await waitMode(page, 'command');
  assert.ok(await focusIsActiveCell(page));
  await press(page, 'Enter');
  await waitMode(page, 'edit');
  await press(page, 'Control+m');
  await waitMode(page, 'command');

  // Edit mode: ↑ on the first line goes to the cell above (cursor at its end); ↓ on the last line to the cell below.
  await press(page, 'Enter');
  await waitMode(page, 'edit');
  await press(page, 'ArrowUp');
  await waitMode(page, 'edit');
  assert.equal(await activeIndex(page), 0, '↑ on the first line enters the cell above');
  await page.keyboard.type('0');
  assert.deepEqual((await sources(page)).slice(0, 1), ['a = 10'], 'the cursor arrived at the end of the cell above');
  await press(page, 'ArrowDown');
  await waitMode(page, 'edit');
  assert.equal(await activeIndex(page), 1, '↓ on the last line enters the cell below');
  await press(page, 'ArrowDown');
  assert.equal(await activeIndex(page), 1, 'not on the last line yet: the cursor moves within the cell');
  await press(page, 'ArrowDown');
  assert.equal(await activeIndex(page), 2);

  // Shift+↑/↓, Shift+K/J and Shift+click extend the selection.
  await press(page, 'Escape', 'Shift+ArrowUp');
  assert.equal(await page.locator('[data-testid=cell][data-selected]').count(), 2);
  await press(page, 'Shift+K');
  assert.equal(await page.locator('[data-testid=cell][data-selected]').count(), 3);
  await press(page, 'J');
  assert.equal(await page.locator('[data-testid=cell][data-selected]').count(), 1, 'a plain move collapses the selection');
  await cells(page).nth(2).locator('[data-testid=cell-prompt]').click({ modifiers: ['Shift'] });
  assert.equal(await page.locator('[data-testid=cell][data-selected]').count(), 2, 'Shift+click extends');
  assert.deepEqual(errors, []);
  await page.close();
});

test('cell keys: A B D D Z Shift+Z Y M R 1-6 Shift+M Ctrl+Shift+- Ctrl+Shift+↑/↓ X C V, copy and paste across notebooks', { timeout: 300_000 }, async () => {
  const { page, errors } = await openNotebook('Cells', [code('first'), code('second'), code('third')]);
  await press(page, 'B');
  assert.deepEqual(await sources(page), ['first', '', 'second', 'third'], 'B inserts below and selects it');
  assert.equal(await activeIndex(page), 1);
  await press(page, 'A');
  assert.deepEqual(await sources(page), ['first', '', '', 'second', 'third'], 'A inserts above');
  assert.equal(await activeIndex(page), 1);
  await press(page, 'D', 'D', 'D', 'D');
  assert.deepEqual(await sources(page), ['first', 'second', 'third'], 'D D deletes (twice)');
  await press(page, 'Z');
  assert.deepEqual(await sources(page), ['first', '', 'second', 'third'], 'Z brings the last deleted cell back');
  await press(page, 'Shift+Z');
  assert.deepEqual(await sources(page), ['first', 'second', 'third'], 'Shift+Z redoes the deletion');
  assert.equal(await activeIndex(page), 1);

  await press(page, 'M');
  await active(page).and(page.locator('[data-cell-type=markdown]')).waitFor();
  await press(page, 'R');
  await active(page).and(page.locator('[data-cell-type=raw]')).waitFor();
  await press(page, 'Y');
  await active(page).and(page.locator('[data-cell-type=code]')).waitFor();
  await press(page, '3');
  await active(page).locator('.lattice-markdown h3', { hasText: 'second' }).waitFor();
  await press(page, '1');
  await active(page).locator('.lattice-markdown h1', { hasText: 'second' }).waitFor();
  await press(page, 'Y');
  assert.deepEqual(await sources(page), ['first', '# second', 'third']);

  // Ctrl+Shift+↓/↑ move the selected cell; it stays selected.
  await press(page, 'Control+Shift+ArrowDown');
  assert.deepEqual(await sources(page), ['first', 'third', '# second']);
  assert.equal(await activeIndex(page), 2);
  await press(page, 'Control+Shift+ArrowUp', 'Control+Shift+ArrowUp');
  assert.deepEqual(await sources(page), ['# second', 'first', 'third']);

  // Shift+M merges the selection; Ctrl+Shift+- splits at the cursor (edit mode).
  await press(page, 'J', 'Shift+J', 'Shift+M');
  assert.deepEqual(await sources(page), ['# second', 'first\n\nthird']);
  await press(page, 'Enter');
  await waitMode(page, 'edit');
  await press(page, 'Control+Home', 'End');
  await press(page, 'Control+Shift+Minus');
  assert.deepEqual(await sources(page), ['# second', 'first', 'third']);
  await waitMode(page, 'edit');
  assert.equal(await activeIndex(page), 2, 'the part after the cursor is active, in edit mode');

  // X C V: cut, copy, paste below (Shift+V above) — and into another notebook of this browser.
  await press(page, 'Escape', 'C', 'V');
  assert.deepEqual(await sources(page), ['# second', 'first', 'third', 'third']);
  await press(page, 'X');
  assert.deepEqual(await sources(page), ['# second', 'first', 'third']);
  assert.equal(await activeIndex(page), 2, 'with no cell below the cut one, the one above is selected');
  await press(page, 'K', 'Shift+V');
  assert.deepEqual(await sources(page), ['# second', 'third', 'first', 'third'], 'Shift+V pastes above');
  await press(page, 'Escape', 'Control+s');
  await page.locator('[data-testid=save-state][data-state=saved]').waitFor({ timeout: 30_000 });

  const other = await openNotebook('Paste target', [code('mine')]);
  await press(other.page, 'V');
  assert.deepEqual(await sources(other.page), ['mine', 'third'], 'cells copied in one notebook paste into another');
  assert.deepEqual([...errors, ...other.errors], []);
  await other.page.close();
  await page.close();
});

test('running keys, kernel keys and undo of a deleted cell with its outputs', { timeout: 400_000 }, async () => {
  const { page, errors } = await openNotebook('Running', [code('x = 20'), code('print(x + 1)'), code('x * 2')]);
  await page.locator('[data-testid=kernel-status][data-status=idle]').waitFor({ timeout: 120_000 });

  // Shift+Enter: run and select the next cell (command mode).
  await press(page, 'Shift+Enter');
  await cells(page).nth(0).locator('[data-testid=cell-prompt]', { hasText: '[1]:' }).waitFor({ timeout: 60_000 });
  assert.equal(await activeIndex(page), 1);
  await waitMode(page, 'command');
  // Ctrl+Enter: run in place.
  await press(page, 'Control+Enter');
  await cells(page).nth(1).locator('[data-output-type=stream]', { hasText: '21' }).waitFor({ timeout: 60_000 });
  assert.equal(await activeIndex(page), 1);
  // Alt+Enter: run and insert a cell below, in edit mode.
  await press(page, 'J', 'Alt+Enter');
  await waitMode(page, 'edit');
  assert.equal(await cells(page).count(), 4);
  assert.equal(await activeIndex(page), 3);
  await cells(page).nth(2).locator('[data-output-type=execute_result]', { hasText: '40' }).waitFor({ timeout: 60_000 });
  // Shift+Enter on the last cell creates a new one at the end, in edit mode.
  await page.keyboard.type('y = x + 2');
  await press(page, 'Shift+Enter');
  await waitMode(page, 'edit');
  assert.equal(await cells(page).count(), 5);

  // D D then Z: the deleted cell returns with its output.
  await press(page, 'Escape', 'K', 'K', 'K');
  assert.equal(await activeIndex(page), 1);
  await press(page, 'D', 'D');
  assert.equal(await cells(page).locator('[data-output-type=stream]', { hasText: '21' }).count(), 0);
  await press(page, 'Z');
  await cells(page).nth(1).locator('[data-output-type=stream]', { hasText: '21' }).waitFor();
  assert.equal(await cells(page).nth(1).locator('[data-testid=cell-prompt]').textContent(), '[2]:');

  // I I interrupts a running cell.
  await press(page, 'B');
  await press(page, 'Enter');
  await page.keyboard.type('import time; time.sleep(60)');
  await press(page, 'Control+Enter');
  await page.locator('[data-testid=kernel-status][data-status=busy]').waitFor({ timeout: 30_000 });
  await press(page, 'I', 'I');
  await active(page).locator('[data-output-type=error]', { hasText: 'KeyboardInterrupt' }).waitFor({ timeout: 30_000 });

  await page.locator('[data-testid=kernel-status][data-status=idle]').waitFor({ timeout: 30_000 });
  await press(page, 'Escape', 'D', 'D');

  // 0 0 asks before restarting; Cancel keeps the kernel.
  await press(page, '0', '0');
  const dialog = page.getByRole('dialog', { name: 'Restart kernel' });
  await dialog.waitFor();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await dialog.waitFor({ state: 'hidden' });

  // Restart and run all, from the palette, after confirming: counts start again from 1.
  await press(page, 'Control+Shift+C');
  await page.getByRole('combobox', { name: 'Search commands' }).fill('restart run all');
  await press(page, 'Enter');
  await page.getByRole('dialog', { name: 'Restart kernel and run all cells' }).getByRole('button', { name: 'Restart' }).click();
  await cells(page).nth(0).locator('[data-testid=cell-prompt]', { hasText: '[1]:' }).waitFor({ timeout: 60_000 });
  await cells(page).nth(2).locator('[data-output-type=execute_result]', { hasText: '40' }).waitFor({ timeout: 60_000 });
  assert.deepEqual(errors, []);
  await page.close();
});

test('palette runs: run above, run below, restart and run up to here; Ctrl+A selects all; full width', { timeout: 300_000 }, async () => {
  const { page, errors } = await openNotebook('Run menus', [code('a = 1'), code('b = a + 1'), code('print(a + b)'), code('c = 5')]);
  await page.locator('[data-testid=kernel-status][data-status=idle]').waitFor({ timeout: 120_000 });
  const prompt = (i: number) => cells(page).nth(i).locator('[data-testid=cell-prompt]');
  const palette = async (query: string) => {
    await press(page, 'Control+Shift+C');
    await page.getByRole('combobox', { name: 'Search commands' }).fill(query);
    await press(page, 'Enter');
  };

  await press(page, 'J', 'J');
  await palette('run all above');
  await prompt(1).filter({ hasText: '[2]:' }).waitFor({ timeout: 60_000 });
  assert.equal(await prompt(0).textContent(), '[1]:');
  assert.equal(await prompt(2).textContent(), '[ ]:', 'the selected cell itself is not run');

  await palette('selected cell and all below');
  await cells(page).nth(2).locator('[data-output-type=stream]', { hasText: '3' }).waitFor({ timeout: 60_000 });
  await prompt(3).filter({ hasText: '[4]:' }).waitFor({ timeout: 60_000 });
  assert.equal(await prompt(0).textContent(), '[1]:', 'cells above are not run again');

  await press(page, 'K');
  await palette('restart run up to selected');
  await page.getByRole('dialog', { name: 'Restart kernel and run up to selected cell' }).getByRole('button', { name: 'Restart' }).click();
  await prompt(1).filter({ hasText: '[2]:' }).waitFor({ timeout: 60_000 });
  await prompt(0).filter({ hasText: '[1]:' }).waitFor();
  assert.equal(await prompt(2).textContent(), '[3]:', 'cells below the selected one keep their old count');
  assert.equal(await prompt(3).textContent(), '[4]:');

  await press(page, 'Control+a');
  assert.equal(await page.locator('[data-testid=cell][data-selected]').count(), 4, 'Ctrl+A selects every cell');

  const width = () => page.getByTestId('notebook-cells').evaluate((el) => el.getBoundingClientRect().width);
  const before = await width();
  await page.getByRole('button', { name: 'Use the full width of the window' }).click();
  await page.waitForFunction((w) => (document.querySelector('[data-testid=notebook-cells]')?.getBoundingClientRect().width ?? 0) > w, before);
  await page.getByRole('button', { name: 'Use the full width of the window' }).click();
  assert.deepEqual(errors, []);
  await page.close();
});

test('Tab completes from the kernel (import o → os, a module), Tab at a line start indents, Shift+Tab shows print\'s docstring', { timeout: 300_000 }, async () => {
  const { page, errors } = await openNotebook('Completion', [code('')]);
  await page.locator('[data-testid=kernel-status][data-status=idle]').waitFor({ timeout: 120_000 });
  await press(page, 'Enter');
  await waitMode(page, 'edit');

  await press(page, 'Tab');
  assert.deepEqual(await sources(page), ['    '], 'Tab at the start of a line indents');
  await press(page, 'Shift+Home', 'Backspace');

  await page.keyboard.type('import o');
  await press(page, 'Tab');
  const list = page.locator('.cm-tooltip-autocomplete');
  const os = list.locator('li[role=option]', { has: page.locator('.cm-completionLabel', { hasText: /^os$/ }) });
  await os.waitFor({ timeout: 30_000 });
  assert.equal(await os.locator('.cm-completionDetail').textContent(), 'module', 'the kind the kernel reported is shown');
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, 'completion.png') });
  // Typing on narrows the list as the user goes, never blocking the keys.
  await page.keyboard.type('s.pa');
  assert.match((await sources(page))[0]!, /^import os\.pa$/);
  await press(page, 'Escape');
  await list.waitFor({ state: 'hidden' });
  await waitMode(page, 'edit');

  // Ctrl+Space asks too, anywhere.
  await press(page, 'Control+a', 'Backspace');
  await page.keyboard.type('impo');
  await press(page, 'Control+Space');
  await list.locator('li[role=option]', { hasText: 'import' }).waitFor({ timeout: 30_000 });
  await press(page, 'Enter');
  assert.equal((await sources(page))[0], 'import');

  // Shift+Tab: the kernel's help for the name at the cursor; Escape closes it and stays in edit mode.
  await press(page, 'Control+a', 'Backspace');
  await page.keyboard.type('print');
  await press(page, 'Shift+Tab');
  const tooltip = page.locator('.lattice-inspect-tooltip');
  await tooltip.waitFor({ timeout: 30_000 });
  assert.match((await tooltip.textContent()) ?? '', /Prints the values to a stream/);
  assert.deepEqual(await sources(page), ['print'], 'Shift+Tab does not dedent or change the code');
  await press(page, 'Escape');
  await tooltip.waitFor({ state: 'hidden' });
  await waitMode(page, 'edit');
  assert.deepEqual(errors, []);
  await page.close();
});

test('find and replace across three cells: count, highlights, match case, whole word, regex, replace one and all', { timeout: 300_000 }, async () => {
  const { page, errors } = await openNotebook('Find', [code('foo = 1\nfood = 2'), markdown('# The Foo section'), code('print(foo)'), code('bar = 3')]);
  await press(page, 'Control+f');
  const bar = page.getByRole('search', { name: 'Find in notebook' });
  await bar.waitFor();
  await page.keyboard.type('foo');
  const count = page.locator('[data-testid=find-count]');
  await count.filter({ hasText: /of 4/ }).waitFor();
  assert.match((await count.textContent()) ?? '', /1 of 4/);
  assert.ok((await page.locator('.lattice-search-match').count()) >= 3, 'matches are highlighted in the editors');

  await bar.getByRole('button', { name: 'Match case' }).click();
  await count.filter({ hasText: /of 3/ }).waitFor();
  await bar.getByRole('button', { name: 'Whole word' }).click();
  await count.filter({ hasText: /of 2/ }).waitFor();
  await bar.getByRole('button', { name: 'Whole word' }).click();
  await bar.getByRole('button', { name: 'Match case' }).click();
  await bar.getByRole('textbox', { name: 'Find' }).fill('fo+d?\\b');
  await bar.getByRole('button', { name: 'Use regular expression' }).click();
  await count.filter({ hasText: /of 4/ }).waitFor();
  await bar.getByRole('textbox', { name: 'Find' }).fill('fo(');
  await bar.getByText(/invalid|Invalid|regular expression/).first().waitFor();
  await bar.getByRole('textbox', { name: 'Find' }).fill('foo\\b');
  await count.filter({ hasText: /of 3/ }).waitFor();

  // Typing in the find bar never reaches the notebook's command keys.
  assert.equal(await cells(page).count(), 4);

  await bar.getByRole('textbox', { name: 'Replace' }).fill('qux');
  await bar.getByRole('button', { name: 'Replace', exact: true }).click();
  await count.filter({ hasText: /of 2/ }).waitFor();
  assert.equal((await sources(page))[0], 'qux = 1\nfood = 2');
  await bar.getByRole('button', { name: 'Replace all' }).click();
  await count.filter({ hasText: /No results/ }).waitFor();
  const after = await sources(page);
  assert.equal(after[0], 'qux = 1\nfood = 2');
  assert.match(after[1]!, /qux section/);
  assert.equal(after[2], 'print(qux)');
  assert.equal(after[3], 'bar = 3');
  await press(page, 'Escape');
  await bar.waitFor({ state: 'hidden' });
  assert.deepEqual(errors, []);
  await page.close();
});

test('outline: jump to a heading, collapse its section; line numbers remembered; input collapse; drag a cell by its handle; palette and sheet', { timeout: 300_000 }, async () => {
  const body = Array.from({ length: 30 }, (_, i) => code(`step_${i} = ${i}`));
  const { page, errors, url } = await openNotebook('Outline', [markdown('# Intro'), code('setup = 1'), markdown('## Details'), ...body, markdown('# Results'), code('result = 42')]);
  await page.getByRole('button', { name: 'Show or hide the table of contents' }).click();
  const toc = page.getByRole('navigation', { name: 'Table of contents' });
  await toc.getByRole('button', { name: 'Results', exact: true }).click();
  await active(page).locator('.lattice-markdown h1', { hasText: 'Results' }).waitFor();
  assert.ok(await active(page).isVisible());
  assert.ok(await focusIsActiveCell(page), 'the jump leaves the keyboard on the heading cell');

  // Collapsing "Intro" hides everything up to "Results".
  await toc.getByRole('button', { name: 'Collapse section Intro' }).click();
  await page.locator('[data-testid=hidden-cells]', { hasText: '32 cells hidden' }).waitFor();
  assert.equal(await cells(page).count(), 3);
  await cells(page).first().getByRole('button', { name: 'Expand section' }).click();
  assert.equal(await cells(page).count(), 35);

  // Line numbers: toggled with Shift+L and remembered across a reload.
  await press(page, 'Shift+L');
  await active(page).locator('.cm-lineNumbers').waitFor().catch(() => undefined);
  await page.locator('.cm-lineNumbers').first().waitFor();
  await page.goto(url);
  await page.locator('.cm-lineNumbers').first().waitFor();
  await press(page, 'Shift+L');
  await page.locator('.cm-lineNumbers').first().waitFor({ state: 'detached' });

  // Collapse a cell's input.
  await cells(page).nth(1).getByRole('button', { name: /Collapse Cell 2, code input/ }).click({ force: true });
  await cells(page).nth(1).locator('[data-testid=input-collapsed]').waitFor();

  // Drag the "setup" cell below "## Details" by its handle.
  const handle = cells(page).nth(1).locator('[data-testid=drag-handle]');
  await cells(page).nth(1).hover();
  const target = (await cells(page).nth(2).boundingBox())!;
  await handle.dragTo(cells(page).nth(2), { targetPosition: { x: 200, y: target.height - 4 } });
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=cell]')[2]?.querySelector('[data-testid=input-collapsed]') !== null);

  // H shows the shortcut sheet; the palette lists every command with its keys.
  await press(page, 'Escape', 'H');
  const sheet = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await sheet.waitFor();
  for (const k of ['Shift+Enter', 'D D', 'I I', '0 0', 'Shift+M', 'Ctrl+Shift+-']) assert.ok(((await sheet.textContent()) ?? '').includes(k), k);
  await press(page, 'Escape');
  await sheet.waitFor({ state: 'hidden' });
  await press(page, 'Control+Shift+C');
  const palette = page.getByRole('dialog', { name: 'Command palette' });
  await palette.waitFor();
  assert.ok((await palette.getByRole('option').count()) >= 40, 'every command is listed');
  await page.keyboard.type('merge');
  await palette.getByRole('option', { name: /Merge selected cells/ }).waitFor();
  assert.match((await palette.getByRole('option').first().textContent()) ?? '', /Shift\+M/);
  await page.keyboard.press('Backspace');
  await page.keyboard.press('Backspace');
  await page.keyboard.press('Backspace');
  await page.keyboard.press('Backspace');
  await page.keyboard.press('Backspace');
  await page.keyboard.type('cell');
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, 'command-palette.png') });
  await press(page, 'Escape');
  await palette.waitFor({ state: 'hidden' });
  assert.deepEqual(errors, []);
  await page.close();
});

test('keyboard only: skip links, no focus trap, visible focus, named controls, command keys never typed into code or output fields', { timeout: 300_000 }, async () => {
  const htmlOutput = { output_type: 'display_data', data: { 'text/html': '<label>Note <input type="text"></label>' }, metadata: {} };
  const { page, errors } = await openNotebook('Keyboard only', [code('alpha = 1'), code('beta = 2', [htmlOutput]), markdown('## Notes')]);
  const originals = ['alpha = 1', 'beta = 2', 'md:Notes'];

  // The first Tab stop is the page's skip link; the notebook's own skip link lands on the active cell.
  // Nothing comes before the page's skip link: one Shift+Tab back from the first link of the top bar.
  await page.getByRole('link', { name: 'Lattice' }).focus();
  await page.keyboard.press('Shift+Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.textContent?.trim()), 'Skip to content');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.textContent?.trim()), 'Skip to notebook cells');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'cell');

  // A visible focus ring on the active cell in command mode, and in edit mode.
  const ring = () => active(page).evaluate((el) => getComputedStyle(el).boxShadow);
  assert.notEqual(await ring(), 'none');
  await press(page, 'Enter');
  await waitMode(page, 'edit');
  assert.notEqual(await ring(), 'none');

  // Esc then Tab moves on: focus leaves the cells (no trap in the editor).
  await press(page, 'Escape', 'Tab');
  const where = await page.evaluate(() => ({ inCell: !!document.activeElement?.closest('[data-testid=cell]'), tag: document.activeElement?.tagName }));
  assert.equal(where.inCell && where.tag === 'DIV', false, `focus moved on (now ${where.tag})`);

  // Every toolbar button and every cell has an accessible name.
  const unnamed = await page.locator('[role=toolbar] button').evaluateAll((els) => els.filter((el) => !(el.getAttribute('aria-label') || el.textContent?.trim())).length);
  assert.equal(unnamed, 0);
  assert.deepEqual(await cells(page).evaluateAll((els) => els.map((el) => el.getAttribute('aria-label'))), ['Cell 1, code', 'Cell 2, code', 'Cell 3, markdown']);

  // A keyboard-only tour of command mode never edits code.
  await cells(page).nth(0).locator('[data-testid=cell-prompt]').click();
  await press(page, 'J', 'K', 'ArrowDown', 'ArrowUp', 'Shift+J', 'J', 'C', 'H', 'Escape', 'Q', 'W', 'E', 'T', 'U', 'O', 'P', 'S', 'G', 'F', 'L', 'N', 'Space', 'Tab');
  await cells(page).nth(0).locator('[data-testid=cell-prompt]').click();
  await press(page, 'D', 'J', 'I', 'K', '0', 'J');
  assert.deepEqual(await sources(page), originals, 'no key was typed into a cell and nothing was deleted');

  // A text field inside an output (in its sandboxed frame) takes its own keys.
  const field = cells(page).nth(1).frameLocator('iframe[data-testid=output-frame]').getByRole('textbox', { name: 'Note' });
  await field.click();
  await page.keyboard.type('dd ab yzm');
  assert.equal(await field.inputValue(), 'dd ab yzm');
  assert.deepEqual(await sources(page), originals);
  // The shortcut sheet is reachable from the keyboard (toolbar button).
  await page.getByRole('button', { name: 'Keyboard shortcuts' }).focus();
  await page.keyboard.press('Enter');
  await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
  await page.keyboard.type('dd');
  await press(page, 'Escape');
  assert.deepEqual(await sources(page), originals, 'keys in a dialog stay in the dialog');
  assert.deepEqual(errors, []);
  await page.close();
});
