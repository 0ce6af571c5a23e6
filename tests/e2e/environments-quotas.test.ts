/**
 * Issue 4 §7, end to end in Debian's Chromium against the real web and gateway (local
 * ipykernels): the admin creates "Small" (0.5 vCPU, 1 GiB) and "Large" environments on the
 * admin page and limits a user to one concurrent kernel on the quotas page. The user attaches
 * Small to notebook A and runs a cell; the project dashboard shows the kernel live with its
 * hardware; notebook B is refused with the quota message; the user stops A's kernel from the
 * dashboard; B then runs. Saves the README's screenshots of the dashboard, the environment
 * picker and the quotas page (docs/screenshots/).
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { TPlatform } from '../../scripts/platform';
import { startKernelsOnOpen } from '../helpers/platform-settings';
import { startTestPlatform, type TTestPlatform } from '../helpers/test-platform';
import { createAccount, signIn, webFetch, webOk, type TCookieJar } from '../helpers/web-session';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SHOTS = path.join(ROOT, 'docs/screenshots');
const ADMIN = { email: 'admin@example.com', password: 'e2e-admin-password' };
const DANA = { email: 'dana@example.com', name: 'Dana Reyes', password: 'dana-e2e-password' };

let testPlatform: TTestPlatform | undefined;
let platform: TPlatform;
let browser: Browser;

before(async () => {
  testPlatform = await startTestPlatform({ admin: ADMIN, dataDirPrefix: 'lattice-e2e-quotas-', browser: true });
  // These tests are about the kernel a notebook has once its page is open (issue 12's "starts on first run" is tested in notebook-kernel-cost).
  await startKernelsOnOpen(testPlatform.db.db);
  ({ platform } = testPlatform);
  browser = testPlatform.browser!;
});

after(async () => {
  await testPlatform?.close();
});

const api = (jar: TCookieJar, method: string, p: string, json?: unknown) => webOk(platform.webUrl, jar, method, p, json);

async function signInPage(context: BrowserContext, who: { email: string; password: string }): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${platform.webUrl}/signin`);
  await page.fill('input[name=email]', who.email);
  await page.fill('input[name=password]', who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/projects$/, { timeout: 60_000 });
  return page;
}

async function createTemplate(page: Page, t: { name: string; cpu: number; memoryGib: number }) {
  await page.getByRole('button', { name: 'New template' }).click();
  await page.fill('#env-name', t.name);
  await page.fill('#env-language', 'python');
  await page.fill('#env-cpuRequest', String(t.cpu));
  await page.fill('#env-cpuLimit', String(t.cpu));
  await page.fill('#env-memoryRequestGib', String(t.memoryGib));
  await page.fill('#env-memoryLimitGib', String(t.memoryGib));
  await page.getByRole('button', { name: 'Create template' }).click();
  await page.getByText(`Saved ${t.name} (`).waitFor({ timeout: 30_000 });
}

async function waitUntil(check: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A screenshot of one element with a margin of the page around it. */
async function screenshotWithMargin(page: Page, element: ReturnType<Page['locator']>, file: string, margin = 16) {
  await element.scrollIntoViewIfNeeded();
  const box = await element.boundingBox();
  assert.ok(box, 'the element is visible');
  const scrollY = await page.evaluate(() => window.scrollY);
  const x = Math.max(0, box.x - margin);
  await page.screenshot({ path: file, fullPage: true, clip: { x, y: Math.max(0, box.y + scrollY - margin), width: box.width + 2 * margin, height: box.height + 2 * margin } });
}

const cells = (page: Page) => page.locator('[data-testid=cell]');

async function runInFirstCell(page: Page, code: string) {
  await cells(page).first().locator('.cm-content').click();
  await page.keyboard.type(code);
  await page.keyboard.press('Shift+Enter');
}

test('admin sets up Small/Large and a one-kernel quota; the user runs A, is refused B, stops A from the dashboard, runs B', { timeout: 900_000 }, async () => {
  mkdirSync(SHOTS, { recursive: true });
  const admin = await signIn(platform.webUrl, ADMIN);
  const dana = await createAccount(platform.webUrl, admin.cookies, DANA);
  const project = await api(dana.cookies, 'POST', '/api/projects', { name: 'Churn model' });
  const notebookA = await api(dana.cookies, 'POST', `/api/projects/${project.id}/notebooks`, { name: 'A · features' });
  const notebookB = await api(dana.cookies, 'POST', `/api/projects/${project.id}/notebooks`, { name: 'B · training' });
  const errors: string[] = [];

  // ——— the admin: two global templates, then Dana's quota of one concurrent kernel ———
  const adminContext = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const adminPage = await signInPage(adminContext, ADMIN);
  adminPage.on('pageerror', (e) => errors.push(`admin at ${adminPage.url()}: ${e.message}`));
  await adminPage.goto(`${platform.webUrl}/admin/environments`);
  await createTemplate(adminPage, { name: 'Small', cpu: 0.5, memoryGib: 1 });
  await createTemplate(adminPage, { name: 'Large', cpu: 4, memoryGib: 16 });
  await adminPage.getByRole('row', { name: /Small/ }).waitFor();
  await adminPage.getByRole('row', { name: /Large/ }).waitFor();

  await adminPage.goto(`${platform.webUrl}/admin/quotas`);
  await adminPage.getByLabel('Filter').fill(DANA.email);
  const danaRow = adminPage.getByRole('row').filter({ hasText: DANA.name }).filter({ hasText: 'User' });
  await danaRow.getByRole('button', { name: 'Edit' }).click();
  await adminPage.getByLabel('Kernels limit in kernels').fill('1');
  await adminPage.getByRole('button', { name: 'Save', exact: true }).click();
  await adminPage.getByText('Limits saved').waitFor({ timeout: 30_000 });
  const quota = await api(dana.cookies, 'GET', '/api/me/quota');
  assert.equal(quota.scopes.find((s: { scope: string }) => s.scope === 'user').limits.kernels, 1);

  // ——— Dana: attach Small to notebook A from the project's notebook list ———
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await signInPage(context, DANA);
  page.on('pageerror', (e) => errors.push(`dana at ${page.url()}: ${e.message}`));
  const projectUrl = `${platform.webUrl}/projects/${project.id}`;
  await page.goto(projectUrl);
  await page.getByRole('button', { name: /^Environment for A · features:/ }).click();
  const options = page.getByTestId('environment-option');
  await options.filter({ hasText: 'Small' }).waitFor({ timeout: 30_000 });
  const small = options.filter({ hasText: 'Small' });
  assert.match((await small.getByTestId('environment-hardware').textContent()) ?? '', /0\.5 vCPU · 1 GiB/);
  assert.match((await small.getByTestId('environment-fit').textContent()) ?? '', /Fits your quota/);
  await page.screenshot({ path: path.join(SHOTS, 'environment-picker.png') });
  await small.click();
  await page.getByRole('button', { name: /^Environment for A · features: .*0\.5 vCPU · 1 GiB/ }).waitFor({ timeout: 30_000 });

  // ——— A runs on Small ———
  await page.goto(`${projectUrl}/notebooks/${notebookA.id}`);
  await page.locator('[data-testid=kernel-status][data-status=idle]').waitFor({ timeout: 120_000 });
  assert.match((await page.getByTestId('kernel-status').textContent()) ?? '', /0\.5 vCPU · 1 GiB/);
  await runInFirstCell(page, 'print("features ready")');
  await cells(page).first().locator('[data-output-type=stream]', { hasText: 'features ready' }).waitFor({ timeout: 120_000 });
  await page.locator('[data-testid=kernel-status][data-status=idle]').waitFor({ timeout: 30_000 });

  // ——— the dashboard shows it live, with its hardware ———
  await page.goto(projectUrl);
  const rowA = page.getByTestId('active-kernel-row').filter({ hasText: 'A · features' });
  await rowA.waitFor({ timeout: 60_000 });
  assert.match((await rowA.textContent()) ?? '', /Small/);
  assert.match((await rowA.textContent()) ?? '', /0\.5 vCPU · 1 GiB/);
  await page.locator('[data-testid=active-kernel-row][data-state=idle]').filter({ hasText: 'A · features' }).waitFor({ timeout: 60_000 });
  await page.locator('[data-testid=live-indicator][data-live=live]').waitFor({ timeout: 30_000 });
  await rowA.getByRole('meter', { name: 'Memory' }).waitFor({ timeout: 60_000 });
  await screenshotWithMargin(page, page.getByTestId('project-dashboard'), path.join(SHOTS, 'dashboard.png'));

  // The quotas page now shows Dana's one kernel against her limit of one.
  await adminPage.goto(`${platform.webUrl}/admin/quotas`);
  await adminPage.getByRole('row').filter({ hasText: DANA.name }).filter({ hasText: 'own limits' }).waitFor();
  await adminPage.screenshot({ path: path.join(SHOTS, 'quotas.png'), fullPage: true });

  // ——— B is refused: the quota message names the limit and the current use ———
  await page.goto(`${projectUrl}/notebooks/${notebookB.id}`);
  // The notebook shows why its kernel did not start (an alert or status message above the cells).
  const refusal = page.locator('[role=alert], [role=status]').filter({ hasText: /quota/i });
  await refusal.waitFor({ timeout: 60_000 });
  const message = (await refusal.textContent()) ?? '';
  assert.match(message, /kernel/i, message);
  assert.match(message, /concurrent kernel quota: 1 kernel of 1 kernel in use/, message);
  await runInFirstCell(page, 'print("training")');
  await refusal.waitFor({ timeout: 60_000 });
  assert.equal(await cells(page).first().locator('[data-output-type=stream]').count(), 0);

  // ——— stop A from the dashboard; B then runs ———
  await page.goto(projectUrl);
  await rowA.getByTestId('stop-kernel').click();
  await page.getByRole('button', { name: 'Stop kernel', exact: true }).click();
  await waitUntil(async () => {
    if ((await rowA.count()) === 0) return true;
    // The row may leave between count() and here: a short read, and a row gone counts as stopped
    // (getAttribute would otherwise wait its full 30 s for a row that never comes back).
    const state = await rowA.first().getAttribute('data-state', { timeout: 1_000 }).catch(() => null);
    return state === null ? (await rowA.count()) === 0 : ['stopped', 'dead'].includes(state);
  }, "A's kernel to stop");

  await page.goto(`${projectUrl}/notebooks/${notebookB.id}`);
  await page.locator('[data-testid=kernel-status][data-status=idle]').waitFor({ timeout: 120_000 });
  await runInFirstCell(page, 'print("training")');
  await cells(page).first().locator('[data-output-type=stream]', { hasText: 'training' }).waitFor({ timeout: 120_000 });
  assert.equal(await page.locator('[role=alert], [role=status]').filter({ hasText: /quota/i }).count(), 0);

  assert.deepEqual(errors, []);
  await context.close();
  await adminContext.close();
});

test('only admins define what runs: an owner is refused a command, image or pool and picks a global kernel; admins see pool kernels marked pooled', { timeout: 300_000 }, async () => {
  const OLIVE = { email: 'olive@example.com', name: 'Olive Ortiz', password: 'olive-e2e-password' };
  const admin = await signIn(platform.webUrl, ADMIN);
  const olive = await createAccount(platform.webUrl, admin.cookies, OLIVE);
  const project = await api(olive.cookies, 'POST', '/api/projects', { name: 'Rights' });
  const template = { name: 'Mine', language: 'python', cpuRequest: 0.5, cpuLimit: 1, memoryRequestGib: 1, memoryLimitGib: 1 };

  // The API refuses each field with the rule.
  const refused = await webFetch(platform.webUrl, olive.cookies, `/api/projects/${project.id}/environments`, {
    method: 'POST',
    json: { ...template, argv: ['python', '-m', 'ipykernel_launcher', '-f', '{connection_file}'], image: 'ghcr.io/acme/python:3.11', poolSize: 2 },
  });
  assert.equal(refused.status, 400, JSON.stringify(refused.body));
  assert.deepEqual(Object.keys(refused.body.fields).sort(), ['argv', 'image', 'poolSize']);
  assert.match(refused.body.fields.argv, /^Only administrators set kernel commands/);
  // An admin may, on a global template.
  const kernel = await api(admin.cookies, 'POST', '/api/admin/environments', { ...template, name: 'Pooled Python', image: 'ghcr.io/acme/python:3.11', poolSize: 1 });
  assert.deepEqual([kernel.projectId, kernel.image, kernel.poolSize], [null, 'ghcr.io/acme/python:3.11', 1]);

  // Olive's form has no command, image or pool; she picks the admin's kernel and sizes it.
  const errors: string[] = [];
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await signInPage(context, OLIVE);
  page.on('pageerror', (e) => errors.push(`olive at ${page.url()}: ${e.message}`));
  await page.goto(`${platform.webUrl}/projects/${project.id}/environments`);
  await page.getByRole('button', { name: 'New template' }).click();
  await page.locator('#env-baseEnvironmentId').waitFor();
  assert.deepEqual(await Promise.all(['#env-argv', '#env-image', '#env-poolSize'].map((sel) => page.locator(sel).count())), [0, 0, 0]);
  await page.selectOption('#env-baseEnvironmentId', kernel.id);
  await page.fill('#env-name', 'Pooled Python, larger');
  await page.fill('#env-cpuLimit', '2');
  await page.getByRole('button', { name: 'Create template' }).click();
  await page.getByText('Saved Pooled Python, larger (').waitFor({ timeout: 30_000 });
  const mine = (await api(olive.cookies, 'GET', `/api/projects/${project.id}/environments`)) as Array<{ name: string; baseEnvironmentId: string | null }>;
  assert.equal(mine.find((e) => e.name === 'Pooled Python, larger')?.baseEnvironmentId, kernel.id);

  // The admin sees the pool's kernel, marked pooled; Olive may not list them.
  assert.equal((await webFetch(platform.webUrl, olive.cookies, '/api/admin/pooled-kernels')).status, 403);
  await waitUntil(async () => {
    const pool = await api(admin.cookies, 'GET', '/api/admin/pooled-kernels');
    return pool.kernels.some((k: { environmentId: string; pooled: boolean; state: string }) => k.environmentId === kernel.id && k.pooled && k.state === 'ready');
  }, 'a ready pool kernel', 120_000);
  const adminContext = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const adminPage = await signInPage(adminContext, ADMIN);
  adminPage.on('pageerror', (e) => errors.push(`admin at ${adminPage.url()}: ${e.message}`));
  await adminPage.goto(`${platform.webUrl}/admin/environments`);
  const pooledRow = adminPage.getByRole('row').filter({ has: adminPage.getByTestId('pooled-kernel') }).filter({ hasText: 'Pooled Python' });
  await pooledRow.waitFor({ timeout: 30_000 });
  assert.match((await pooledRow.getByTestId('pooled-kernel').textContent()) ?? '', /pooled$/);
  assert.match((await pooledRow.textContent()) ?? '', /ready/);

  await api(admin.cookies, 'PUT', `/api/admin/environments/${kernel.id}`, { ...template, name: 'Pooled Python', poolSize: 0 });
  assert.deepEqual(errors, []);
  await context.close();
  await adminContext.close();
});
