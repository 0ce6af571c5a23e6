/**
 * End to end in Chromium: the kernel asks and the user answers in the cell (`input()`,
 * `getpass()`, pdb), and a kernel that goes away mid-run says so in the cell that was running —
 * out of memory with the offer of a larger environment, stopped from the dashboard by whom —
 * while the cells still queued are marked not run.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { TCell } from '../../common/nbformat/schema';
import { allowKernels } from '../helpers/kernel-quota';
import { createNotebook, startNotebookSuite, type TNotebookSuite } from '../helpers/notebook-pages';

let suite: TNotebookSuite;

before(async () => {
  suite = await startNotebookSuite({ admin: { email: 'admin@running.test', password: 'e2e-running-admin-password' }, dataDirPrefix: 'lattice-e2e-running-', project: 'Running' });
  // Seven notebooks, each keeping its kernel: more than the default quotas allow.
  await allowKernels(suite.context.request, suite.platform.webUrl, { projectId: suite.projectId, kernels: 10 });
});

after(async () => {
  await suite?.close();
});

let idCounter = 0;
const code = (source: string): TCell => ({ id: `r${String(++idCounter).padStart(7, '0')}`, cell_type: 'code', metadata: {}, source, outputs: [], execution_count: null });

/** A new notebook holding `cells`, on `environmentId` if given, opened in a new page. */
async function openNotebook(name: string, cells: TCell[], environmentId?: string): Promise<{ page: Page; notebookId: string }> {
  const page = await suite.context.newPage();
  const { id, version, api, url } = await createNotebook(suite, page, name, cells);
  if (environmentId) {
    const attached = await page.request.put(`${api}/environment`, { data: { environmentId, baseVersion: version } });
    assert.equal(attached.status(), 200, await attached.text());
  }
  await page.goto(url);
  await page.locator('[data-testid=cell][data-active]').waitFor();
  return { page, notebookId: id };
}

const cell = (page: Page, n: number) => page.locator('[data-testid=cell]').nth(n);

/** Selects cell `n` and runs it with Shift+Enter (command mode). */
async function runCell(page: Page, n: number): Promise<void> {
  await cell(page, n).locator('[data-testid=cell-prompt]').click();
  await page.keyboard.press('Shift+Enter');
}

async function environment(page: Page, name: string, memoryLimitGib: number): Promise<string> {
  const res = await page.request.post(`${suite.projectApi}/environments`, {
    data: { name, language: 'python', cpuRequest: 0.25, cpuLimit: 1, memoryRequestGib: memoryLimitGib, memoryLimitGib },
  });
  assert.equal(res.status(), 201, await res.text());
  return (await res.json()).id;
}

test('input() asks in the cell that ran it and shows the answer after the prompt', async () => {
  const { page } = await openNotebook('Input', [code('name = input("Your name: ")\nprint("Hello,", name)')]);
  await runCell(page, 0);
  const field = cell(page, 0).getByRole('textbox', { name: 'Input requested by the kernel' });
  await field.waitFor({ timeout: 60_000 });
  assert.equal(await field.evaluate((el) => el === document.activeElement), true, 'the field has the focus');
  assert.match(await cell(page, 0).locator('[data-testid=stdin]').innerText(), /Your name:/);
  await page.keyboard.type('Ada');
  await page.keyboard.press('Enter');
  await cell(page, 0).locator('[data-testid=cell-outputs]', { hasText: 'Hello, Ada' }).waitFor({ timeout: 30_000 });
  assert.equal((await cell(page, 0).locator('[data-output-type=stream]').innerText()).trimEnd(), 'Your name: Ada\nHello, Ada');
  assert.equal(await cell(page, 0).locator('[data-testid=stdin]').count(), 0, 'the field is gone once answered');
  await page.close();
});

test('getpass() asks with a password field; the answer is never shown or saved', async () => {
  const { page, notebookId } = await openNotebook('Password', [code('import getpass\npw = getpass.getpass("Password: ")\nprint("length", len(pw))')]);
  await runCell(page, 0);
  const field = cell(page, 0).getByLabel('Password requested by the kernel');
  await field.waitFor({ timeout: 60_000 });
  assert.equal(await field.getAttribute('type'), 'password');
  await field.fill('s3cret-value');
  await field.press('Enter');
  const outputs = cell(page, 0).locator('[data-output-type=stream]', { hasText: 'length 12' });
  await outputs.waitFor({ timeout: 30_000 });
  const shown = (await outputs.innerText()).trimEnd();
  assert.match(shown, /^Password: ·+\nlength 12$/);
  assert.ok(!(await page.content()).includes('s3cret-value'), 'not in the page');
  // The run's end saves the notebook a moment later.
  let stored = '';
  for (let i = 0; i < 60 && !stored.includes('length 12'); i++) {
    await new Promise((r) => setTimeout(r, 500));
    stored = await (await page.request.get(`${suite.projectApi}/notebooks/${notebookId}`)).text();
  }
  assert.ok(stored.includes('length 12'), 'the run was saved');
  assert.ok(!stored.includes('s3cret-value'), 'the password was not');
  await page.close();
});

test('the debugger: breakpoint() asks "ipdb>" in the cell until the user continues', async () => {
  const { page } = await openNotebook('Debugger', [code('def double(x):\n    y = x * 2\n    breakpoint()\n    return y\n\nprint("result", double(21))')]);
  await runCell(page, 0);
  const field = cell(page, 0).getByRole('textbox', { name: 'Input requested by the kernel' });
  await field.waitFor({ timeout: 60_000 });
  assert.match(await cell(page, 0).locator('[data-testid=stdin]').innerText(), /ipdb>/);
  await field.fill('p y');
  await field.press('Enter');
  await cell(page, 0).locator('[data-testid=cell-outputs]', { hasText: /ipdb> p y\n42/ }).waitFor({ timeout: 30_000 });
  const again = cell(page, 0).getByRole('textbox', { name: 'Input requested by the kernel' });
  await again.waitFor({ timeout: 30_000 });
  await again.fill('c');
  await again.press('Enter');
  await cell(page, 0).locator('[data-testid=cell-outputs]', { hasText: 'result 42' }).waitFor({ timeout: 30_000 });
  assert.equal(await cell(page, 0).locator('[data-testid=stdin]').count(), 0);
  await page.close();
});

test('out of memory: the running cell says so with the limit and offers the next larger environment; queued cells are marked not run', async () => {
  const setup = await suite.context.newPage();
  const small = await environment(setup, 'Tiny', 0.25);
  await environment(setup, 'Roomy', 1);
  await setup.close();
  const { page } = await openNotebook('Memory hungry', [code('print("starting")'), code('hog = bytearray(700 * 2**20)'), code('print("after")')], small);
  await runCell(page, 0);
  await cell(page, 0).locator('[data-testid=cell-outputs]', { hasText: 'starting' }).waitFor({ timeout: 60_000 });
  // Both remaining cells at once: the second waits behind the first, which the kernel never finishes.
  await cell(page, 1).locator('[data-testid=cell-prompt]').click();
  await cell(page, 2).locator('[data-testid=cell-prompt]').click({ modifiers: ['Shift'] });
  await page.keyboard.press('Control+Enter');
  const died = cell(page, 1).locator('[data-testid=cell-notice][data-kind=lost]');
  await died.locator('text=Kernel died: out of memory (limit 256 MiB).').waitFor({ timeout: 60_000 });
  await cell(page, 2).locator('[data-testid=cell-notice][data-kind=not-run]').waitFor({ timeout: 10_000 });
  assert.match(await cell(page, 2).locator('[data-testid=cell-notice]').innerText(), /Not run/);
  assert.equal(await cell(page, 2).locator('[data-testid=cell-outputs]').count(), 0, 'the queued cell printed nothing');

  const restart = died.getByRole('button', { name: 'Restart on Roomy' });
  await restart.waitFor({ timeout: 30_000 });
  await restart.click();
  // Run at once, while the notebook may still be moving to Roomy: the run goes to Roomy's kernel.
  await runCell(page, 2);
  await cell(page, 2).locator('[data-testid=cell-outputs]', { hasText: 'after' }).waitFor({ timeout: 90_000 });
  assert.match(await page.locator('[data-testid=kernel-status]').innerText(), /Roomy/);
  assert.equal(await cell(page, 2).locator('[data-testid=cell-notice]').count(), 0, 'running again clears the notice');
  await page.close();
});

test('a kernel stopped from the dashboard says who stopped it, in the cell that was running', async () => {
  const { page } = await openNotebook('Long job', [code('import time\nprint("working")\ntime.sleep(300)')]);
  await runCell(page, 0);
  await cell(page, 0).locator('[data-testid=cell-outputs]', { hasText: 'working' }).waitFor({ timeout: 60_000 });

  const dashboard = await suite.context.newPage();
  await dashboard.goto(`${suite.platform.webUrl}/projects/${suite.projectId}`);
  const row = dashboard.locator('[data-testid=active-kernel-row]', { hasText: 'Long job' });
  await row.locator('[data-testid=stop-kernel]').click({ timeout: 60_000 });
  await dashboard.getByRole('dialog').getByRole('button', { name: 'Stop kernel' }).click();

  const notice = cell(page, 0).locator('[data-testid=cell-notice][data-kind=lost]');
  await notice.waitFor({ timeout: 60_000 });
  await notice.locator('text=/Stopped by Administrator from the dashboard/').waitFor({ timeout: 15_000 });
  assert.equal(await cell(page, 0).locator('[data-testid=cell-prompt]').innerText(), '[1]:', 'the cell no longer runs; it keeps the count the kernel gave it');
  await dashboard.close();
  await page.close();
});
