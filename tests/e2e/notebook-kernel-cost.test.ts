/**
 * End to end in Chromium: cost the user can see and control (issue 12 §6). Opening a notebook
 * starts no kernel (the badge says the first run will) and Run starts one; "Shut down kernel"
 * stops it after a confirmation; an open notebook is warned before its idle kernel is culled
 * and "Keep running" keeps it, while a kernel left without any client is culled; a launch
 * refused by the kernel-count quota names the kernel holding the slot, whose Stop frees it.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { and, eq, inArray } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { ACTIVE_STATES } from '../../common/kernel-states';
import { kernels, quotas, users } from '../../db/schema';
import { createEnvironment, until } from '../helpers/kernels';
import { startNotebookSuite, type TNotebookSuite } from '../helpers/notebook-pages';

const ADMIN = { email: 'admin@cost.test', password: 'e2e-cost-admin-password' };

let suite: TNotebookSuite;
let adminId: string;

before(async () => {
  suite = await startNotebookSuite({
    admin: ADMIN,
    dataDirPrefix: 'lattice-e2e-cost-',
    project: 'Cost',
    // Culling checked twice a second and announced 3 s ahead (at most half a timeout).
    gatewayEnv: { LATTICE_CULL_INTERVAL_S: '0.5', LATTICE_CULL_WARN_LEAD_S: '3' },
  });
  [{ id: adminId }] = await db().select({ id: users.id }).from(users).where(eq(users.email, ADMIN.email));
});

after(async () => {
  await suite?.close();
});

const db = () => suite.testPlatform.db.db;
const cells = (page: Page) => page.locator('[data-testid=cell]');
const badge = (page: Page) => page.locator('[data-testid=kernel-status]');

/** This user's kernels of the notebook that are not over (what the gateway lists for it). */
async function liveKernels(notebookId: string): Promise<Array<{ id: string; state: string }>> {
  return db()
    .select({ id: kernels.id, state: kernels.state })
    .from(kernels)
    .where(and(eq(kernels.notebookId, notebookId), eq(kernels.userId, adminId), inArray(kernels.state, [...ACTIVE_STATES])));
}

/** A new notebook (optionally on an environment), opened in a new page. */
async function openNotebook(name: string, environmentId?: string): Promise<{ page: Page; id: string; errors: string[] }> {
  const page = await suite.context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const created = await (await page.request.post(`${suite.projectApi}/notebooks`, { data: { name } })).json();
  if (environmentId) {
    const put = await page.request.put(`${suite.projectApi}/notebooks/${created.id}/environment`, { data: { environmentId } });
    assert.equal(put.status(), 200, await put.text());
  }
  await page.goto(`${suite.platform.webUrl}/projects/${suite.projectId}/notebooks/${created.id}`);
  await cells(page).first().waitFor();
  return { page, id: created.id, errors };
}

async function runFirstCell(page: Page, source: string): Promise<void> {
  await cells(page).first().locator('.cm-content').click();
  await page.keyboard.press('Control+a');
  await page.keyboard.type(source);
  await page.keyboard.press('Control+Enter');
}

test('a notebook starts its kernel on the first run, not on opening; Shut down stops it until the next run', { timeout: 300_000 }, async () => {
  const { page, id, errors } = await openNotebook('Browse only');
  await page.locator('[data-testid=kernel-status][data-status=no-kernel]').waitFor({ timeout: 30_000 });
  assert.match((await badge(page).textContent()) ?? '', /No kernel · starts on Run/);
  // Give a (wrongly) starting kernel time to show up: opening must start none.
  await page.waitForTimeout(3000);
  assert.deepEqual(await liveKernels(id), [], 'opening the notebook started no kernel');

  await runFirstCell(page, '6 * 7');
  await cells(page).first().locator('[data-output-type=execute_result]', { hasText: '42' }).waitFor({ timeout: 120_000 });
  await page.locator('[data-testid=kernel-status][data-status=idle]').waitFor({ timeout: 30_000 });
  const [first] = await liveKernels(id);
  assert.ok(first, 'Run started a kernel');

  // Reopening reconnects to it (costs nothing) instead of showing no kernel.
  await page.reload();
  await page.locator('[data-testid=kernel-status][data-status=idle]').waitFor({ timeout: 60_000 });
  assert.deepEqual((await liveKernels(id)).map((k) => k.id), [first.id]);

  // Shut down asks first (variables are lost), then the badge is back to no kernel.
  await page.getByRole('toolbar', { name: 'Notebook' }).getByRole('button', { name: 'Shut down' }).click();
  const dialog = page.getByRole('dialog', { name: 'Shut down kernel' });
  await dialog.waitFor();
  assert.match((await dialog.textContent()) ?? '', /Variables in the kernel are lost/);
  await dialog.getByRole('button', { name: 'Shut down' }).click();
  await page.locator('[data-testid=kernel-status][data-status=no-kernel]').waitFor({ timeout: 30_000 });
  assert.match((await badge(page).textContent()) ?? '', /No kernel · starts on Run/);
  await until('the kernel is stopped', async () => (await liveKernels(id)).length === 0);
  const [stopped] = await db().select().from(kernels).where(eq(kernels.id, first.id));
  assert.deepEqual([stopped.state, stopped.detail], ['stopped', 'Stopped by Administrator from a notebook']);

  // The next run starts a new kernel.
  await runFirstCell(page, 'print("again")');
  await cells(page).first().locator('[data-output-type=stream]', { hasText: 'again' }).waitFor({ timeout: 120_000 });
  const [second] = await liveKernels(id);
  assert.ok(second && second.id !== first.id, 'a new kernel');

  // From the palette too; this kernel must not hold the quota of the last test.
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+Shift+C');
  await page.getByRole('combobox', { name: 'Search commands' }).fill('shut down kernel');
  await page.keyboard.press('Enter');
  await page.getByRole('dialog', { name: 'Shut down kernel' }).getByRole('button', { name: 'Shut down' }).click();
  await page.locator('[data-testid=kernel-status][data-status=no-kernel]').waitFor({ timeout: 30_000 });
  await until('the second kernel is stopped', async () => (await liveKernels(id)).length === 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test('an open notebook is warned before its idle kernel is culled and Keep running keeps it; a kernel left without clients is culled', { timeout: 300_000 }, async () => {
  const env = await createEnvironment(db(), { slug: 'brief-e2e', name: 'Brief', idleTimeoutS: 10, noClientTimeoutS: 4 });
  const { page, id, errors } = await openNotebook('Short-lived', env.id);
  await runFirstCell(page, 'x = 1');
  await cells(page).first().locator('[data-testid=cell-prompt]', { hasText: '[1]:' }).waitFor({ timeout: 120_000 });
  const [kernel] = await liveKernels(id);

  // Idle 10 s, announced 3 s ahead: the banner appears, counting down.
  const banner = page.getByTestId('cull-warning');
  await banner.waitFor({ timeout: 30_000 });
  assert.match((await banner.textContent()) ?? '', /This kernel will be stopped in \d+ s \(no activity\)/);
  const warnedAt = Date.now();
  await banner.getByRole('button', { name: 'Keep running' }).click();
  await banner.waitFor({ state: 'hidden', timeout: 10_000 });

  // Past the announced cull it still runs, and answers.
  await page.waitForTimeout(Math.max(0, warnedAt + 4000 - Date.now()));
  assert.deepEqual(await liveKernels(id), [{ id: kernel.id, state: 'idle' }], 'kept running past the announced cull');

  // The tab closes: nobody is connected, and 4 s later (before its idle timeout) the kernel is culled, saying why.
  await page.close();
  await until('culled without clients', async () => (await liveKernels(id)).length === 0, 30_000);
  const [row] = await db().select().from(kernels).where(eq(kernels.id, kernel.id));
  assert.deepEqual([row.state, row.reason], ['dead', 'culled']);
  assert.match(row.detail ?? '', /No notebook or client was connected for 4 s/);
  assert.deepEqual(errors, []);
});

test('a launch refused by the kernel quota names the kernel holding the slot; its Stop frees it and Run then works', { timeout: 300_000 }, async () => {
  const holder = await openNotebook('Holding the slot');
  await runFirstCell(holder.page, '1 + 1');
  await cells(holder.page).first().locator('[data-output-type=execute_result]', { hasText: '2' }).waitFor({ timeout: 120_000 });
  const [held] = await liveKernels(holder.id);
  await holder.page.close();
  // Every other kernel of the project is over: the quota of one kernel is held by this one.
  const others = (await db().select({ id: kernels.id, notebookId: kernels.notebookId, state: kernels.state }).from(kernels).where(eq(kernels.projectId, suite.projectId))).filter(
    (k) => k.id !== held.id && (ACTIVE_STATES as readonly string[]).includes(k.state),
  );
  assert.deepEqual(others, []);
  await db().insert(quotas).values({ scope: 'project', projectId: suite.projectId, kernels: 1 });

  const { page, errors } = await openNotebook('Wanting a kernel');
  await runFirstCell(page, 'print("mine")');
  const refusal = page.getByTestId('quota-holders');
  await refusal.waitFor({ timeout: 60_000 });
  assert.match((await page.getByText(/Could not start a kernel: Over the project's concurrent kernel quota/).textContent()) ?? '', /1 kernel of 1 kernel in use/);
  const row = refusal.getByTestId('quota-holder');
  assert.equal(await row.count(), 1);
  assert.match((await row.textContent()) ?? '', /Holding the slot · Python 3 · Administrator · since /);

  await row.getByRole('button', { name: 'Stop' }).click();
  await row.getByText('Stopped · run again to start yours').waitFor({ timeout: 30_000 });
  await until('the holder is stopped', async () => (await liveKernels(holder.id)).length === 0);

  await runFirstCell(page, 'print("mine")');
  await cells(page).first().locator('[data-output-type=stream]', { hasText: 'mine' }).waitFor({ timeout: 120_000 });
  await refusal.waitFor({ state: 'hidden' });
  assert.deepEqual(errors, []);
  await page.close();
});
