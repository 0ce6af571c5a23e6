/**
 * End to end: the real web (next start) and gateway with a local ipykernel, driven by
 * Debian's Chromium. Signs in as the seeded admin, creates a project and a notebook in the
 * UI, runs `print("hello")` and `1+1`, saves, reloads and finds the outputs persisted, and
 * checks that a save over a newer version is refused in the UI. Saves the screenshot the
 * README shows (docs/screenshots/notebook.png).
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { TPlatform } from '../../scripts/platform';
import { startTestPlatform, type TTestPlatform } from '../helpers/test-platform';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SCREENSHOT = path.join(ROOT, 'docs/screenshots/notebook.png');
const WEB_PORT = 3310;
const GATEWAY_PORT = 8898;
const ADMIN = { email: 'admin@example.com', password: 'e2e-admin-password' };

let testPlatform: TTestPlatform | undefined;
let platform: TPlatform;
let browser: Browser;

before(async () => {
  testPlatform = await startTestPlatform({ admin: ADMIN, dataDirPrefix: 'lattice-e2e-', webPort: WEB_PORT, gatewayPort: GATEWAY_PORT, browser: true });
  ({ platform } = testPlatform);
  browser = testPlatform.browser!;
});

after(async () => {
  await testPlatform?.close();
});

const cells = (page: Page) => page.locator('[data-testid=cell]');

async function typeInCell(page: Page, index: number, code: string) {
  await cells(page).nth(index).locator('.cm-content').click();
  await page.keyboard.type(code);
}

async function waitSaved(page: Page) {
  await page.locator('[data-testid=save-state][data-state=saved]').waitFor({ timeout: 30_000 });
}

test('sign in, create a project and a notebook, run cells, reload and find the outputs saved', { timeout: 600_000 }, async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));

  await page.goto(`${platform.webUrl}/signin`);
  await page.fill('input[name=email]', ADMIN.email);
  await page.fill('input[name=password]', ADMIN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/projects$/, { timeout: 60_000 });

  await page.getByRole('button', { name: 'New project' }).first().click();
  await page.fill('#project-name', 'Churn analysis');
  await page.getByRole('button', { name: 'Create project' }).click();
  await page.waitForURL(/\/projects\/[0-9a-f-]{36}$/, { timeout: 60_000 });

  await page.getByRole('button', { name: 'New notebook' }).click();
  await page.fill('#notebook-name', 'Exploration');
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await page.waitForURL(/\/notebooks\/[0-9a-f-]{36}$/, { timeout: 60_000 });
  const notebookUrl = page.url();

  // The kernel starts on the default environment; its state is always shown.
  const badge = page.locator('[data-testid=kernel-status]');
  await assert.doesNotReject(badge.waitFor());
  assert.match((await badge.textContent()) ?? '', /Python 3 · 1 vCPU · 2 GiB/);

  await typeInCell(page, 0, 'print("hello")');
  await page.keyboard.press('Shift+Enter');
  await page.keyboard.type('1+1');
  await page.keyboard.press('Shift+Enter');

  const first = cells(page).nth(0);
  const second = cells(page).nth(1);
  await first.locator('[data-output-type=stream]', { hasText: 'hello' }).waitFor({ timeout: 120_000 });
  await second.locator('[data-output-type=execute_result]', { hasText: '2' }).waitFor({ timeout: 60_000 });
  assert.equal(await first.locator('[data-testid=cell-prompt]').textContent(), '[1]:');
  assert.equal(await second.locator('[data-testid=cell-prompt]').textContent(), '[2]:');
  await page.locator('[data-testid=kernel-status][data-status=idle]').waitFor({ timeout: 30_000 });

  await page.keyboard.press('Control+s');
  await waitSaved(page);

  await page.reload();
  await cells(page).first().waitFor();
  assert.match((await cells(page).nth(0).locator('[data-testid=cell-outputs]').textContent()) ?? '', /hello/);
  assert.match((await cells(page).nth(1).locator('[data-output-type=execute_result]').textContent()) ?? '', /\[2\]:\s*2/);
  assert.equal(await cells(page).nth(0).locator('[data-testid=cell-prompt]').textContent(), '[1]:');
  assert.equal(await cells(page).nth(1).locator('.cm-content').textContent(), '1+1');
  // The same kernel is found again after the reload.
  await page.locator('[data-testid=kernel-status][data-status=idle]').waitFor({ timeout: 60_000 });

  mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
  await page.screenshot({ path: SCREENSHOT });

  // A second tab saves first; this tab's save is then refused and nothing is overwritten.
  const other = await context.newPage();
  await other.goto(notebookUrl);
  await typeInCell(other, 2, 'x = "theirs"');
  await other.keyboard.press('Control+s');
  await waitSaved(other);

  await typeInCell(page, 2, 'x = "mine"');
  await page.keyboard.press('Control+s');
  await page.locator('[data-testid=save-state][data-state=conflict]').waitFor({ timeout: 30_000 });
  assert.match((await page.getByRole('alert').first().textContent()) ?? '', /saved by you \(in another tab or window\) at .* after you opened it/);
  const api = notebookUrl.replace('/projects/', '/api/projects/');
  const stored = await (await page.request.get(api)).json();
  assert.equal(stored.content.cells[2].source, 'x = "theirs"');

  assert.deepEqual(errors, []);
  await context.close();
});
