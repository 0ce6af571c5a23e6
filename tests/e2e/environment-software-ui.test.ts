/**
 * Issue 15 §3 in the browser (Debian's Chromium, the real web and gateway): an admin gives a
 * template packages through the form, and its build's state — queued, building with a step,
 * failed with the installer's error and log, ready with its size — shows in the list as it
 * changes, and in a notebook's environment picker, which refuses the template until it is
 * ready. The builds' states are written to their rows here, as a gateway's build worker
 * would; what is tested is what people see of them. Invalid package lines are refused
 * beside the field, and nothing is saved. A project's viewer follows a project template's
 * build the same way and reads its log.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { eq } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { softwareBuilds } from '../../db/schema';
import { openNotebook, signInPage, startNotebookSuite, type TNotebookSuite } from '../helpers/notebook-pages';
import { createAccount, signIn, webOk } from '../helpers/web-session';

const ADMIN = { email: 'admin@example.com', password: 'e2e-admin-password' };

let suite: TNotebookSuite;

before(async () => {
  // The test drives the build rows itself: this gateway builds nothing (tests/integration/software-environments.test.ts builds for real).
  suite = await startNotebookSuite({ admin: ADMIN, dataDirPrefix: 'lattice-e2e-software-ui-', project: 'Scraping', gatewayEnv: { LATTICE_SOFTWARE_BUILDS: 'off' } });
});

after(async () => {
  await suite?.close();
});

interface TListedTemplate {
  id: string;
  name: string;
  slug: string;
  packages: string;
  softwareBuild: { id: string; state: string; base: string; packages: string } | null;
}

async function globalTemplates(page: Page): Promise<TListedTemplate[]> {
  const res = await page.request.get(`${suite.platform.webUrl}/api/admin/environments`);
  assert.equal(res.status(), 200, await res.text());
  return (await res.json()) as TListedTemplate[];
}

async function openAdminEnvironments(): Promise<Page> {
  const page = await suite.context.newPage();
  await page.goto(`${suite.platform.webUrl}/admin/environments`);
  await page.getByRole('button', { name: 'New template' }).click();
  return page;
}

const setBuild = (id: string, values: Partial<typeof softwareBuilds.$inferInsert>) =>
  suite.testPlatform.db.db.update(softwareBuilds).set(values).where(eq(softwareBuilds.id, id));

test('invalid package lines are refused beside the field, and nothing is saved', { timeout: 300_000 }, async () => {
  const page = await openAdminEnvironments();
  await page.fill('#env-name', 'Unsafe packages');
  for (const [line, message] of [
    ['-r /etc/passwd', /installer options \(-r, -e, --index-url …\) are not allowed/],
    ['foo @ https://x', /direct references \(URLs, name @ url\) are not allowed/],
  ] as const) {
    await page.fill('#env-packages', `requests==2.31.0\n${line}`);
    await page.getByRole('button', { name: 'Create template' }).click();
    const error = page.locator('#env-packages-error');
    await error.waitFor();
    assert.match((await error.textContent()) ?? '', message);
    assert.equal(await page.locator('#env-packages').getAttribute('aria-invalid'), 'true');
  }
  // The server keeps the same rule for any client, under the same field name.
  const refused = await page.request.post(`${suite.platform.webUrl}/api/admin/environments`, {
    data: { name: 'Unsafe packages', language: 'python', cpuRequest: 0.5, cpuLimit: 1, memoryRequestGib: 1, memoryLimitGib: 1, software: { packages: 'foo @ https://x' } },
  });
  assert.equal(refused.status(), 400);
  assert.match((await refused.json()).fields['software.packages'], /direct references/);
  assert.equal((await globalTemplates(page)).filter((t) => t.name === 'Unsafe packages').length, 0);
  await page.close();
});

test('a template with requests==2.31.0: its build shows queued, building with its step, failed with the error and log, and the picker refuses it until it is ready', { timeout: 600_000 }, async () => {
  const page = await openAdminEnvironments();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));

  // The default pins are appended once, however often the button is pressed.
  const packages = page.locator('#env-packages');
  await page.fill('#env-packages', 'requests==2.31.0\nnumpy>=2');
  const addDefaults = page.getByRole('button', { name: 'Add the default data-science packages' });
  await addDefaults.click();
  await addDefaults.click();
  const withDefaults = (await packages.inputValue()).split('\n').filter(Boolean);
  assert.equal(withDefaults[0], 'requests==2.31.0');
  assert.equal(withDefaults.filter((l) => l.startsWith('pandas==')).length, 1, withDefaults.join('\n'));
  assert.equal(withDefaults.filter((l) => /^numpy\b/.test(l)).length, 1, 'the typed numpy pin is kept, not repeated');
  assert.ok(withDefaults.includes('numpy>=2'));
  // The Python version offers this machine's Pythons, the newest as the default.
  assert.match((await page.locator('#env-pythonVersion option').first().textContent()) ?? '', /^Default \(Python 3\.\d+, the newest here\)$/);
  assert.match((await page.getByTestId('software-default-note').textContent()) ?? '', /platform’s default environment \(numpy, pandas, matplotlib/);

  await page.fill('#env-name', 'Requests 2.31');
  await page.fill('#env-packages', 'requests==2.31.0');
  await page.getByRole('button', { name: 'Create template' }).click();
  await page.getByText('Saved Requests 2.31 (').waitFor({ timeout: 30_000 });

  const template = (await globalTemplates(page)).find((t) => t.name === 'Requests 2.31');
  assert.ok(template?.softwareBuild, 'the template has a build');
  assert.equal(template.packages, 'requests==2.31.0');
  assert.equal(template.softwareBuild.state, 'queued');
  assert.equal(template.softwareBuild.packages, 'requests==2.31.0');
  assert.match(template.softwareBuild.base, /^python:3\.\d+$/);
  const buildId = template.softwareBuild.id;

  const row = page.getByRole('row').filter({ hasText: 'Requests 2.31' });
  const badge = row.getByTestId('software-build');
  await row.locator('[data-testid=software-build][data-state=queued]').waitFor({ timeout: 30_000 });
  // No version chosen: the list names the Python the build uses, the machine's newest.
  assert.equal(await row.getByTestId('template-software').textContent(), `Python ${template.softwareBuild.base.slice('python:'.length)} · 1 package`);

  // Live, without a reload: the page keeps a marker a reload would lose.
  await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
  await setBuild(buildId, { state: 'building', step: 'Installing 14 packages…', startedAt: new Date() });
  await row.locator('[data-testid=software-build][data-state=building]').waitFor({ timeout: 15_000 });
  assert.match((await badge.textContent()) ?? '', /Building\s*Installing 14 packages…/);

  const installerError = '× No solution found when resolving dependencies:\n  ╰─▶ Because requests==2.31.0 has no wheels for this platform, we can conclude that your requirements are unsatisfiable.';
  const log = `Using CPython 3.11.2 interpreter at: /usr/bin/python3.11\nResolving 1 package…\n${installerError}\n`;
  await setBuild(buildId, { state: 'failed', step: null, error: installerError, log, finishedAt: new Date() });
  await row.locator('[data-testid=software-build][data-state=failed]').waitFor({ timeout: 15_000 });
  assert.match((await row.getByTestId('software-build-detail').textContent()) ?? '', /No solution found when resolving dependencies/);
  assert.equal(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument), true, 'the list changed without a reload');

  await row.getByRole('button', { name: 'Build log' }).click();
  const shownLog = page.getByTestId('software-build-log');
  await shownLog.waitFor();
  assert.equal(await shownLog.textContent(), log);
  await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();

  // ——— in a notebook: shown with the reason, but not chosen ———
  const notebook = await openNotebook(suite, 'Fetch prices', [{ id: 'software-cell-1', cell_type: 'code', source: 'import requests', metadata: {}, outputs: [], execution_count: null }]);
  const picker = notebook.page.getByTestId('environment-picker');
  const before = await picker.getAttribute('data-current');
  await picker.click();
  const option = notebook.page.locator(`[data-testid=environment-option][data-slug="${template.slug}"]`);
  await option.waitFor({ timeout: 30_000 });
  assert.equal(await option.getAttribute('aria-disabled'), 'true');
  assert.match((await option.getByTestId('environment-software-unavailable').textContent()) ?? '', /^Software build failed: × No solution found when resolving dependencies/);
  // Playwright itself will not click an aria-disabled option: a person can, and nothing happens.
  await option.click({ force: true });
  await option.waitFor({ timeout: 5_000 });
  assert.equal(await picker.getAttribute('data-current'), before, 'a template whose software failed is not attached');
  await notebook.page.keyboard.press('Escape');

  // ——— building: still refused, with the step ———
  await setBuild(buildId, { state: 'building', step: 'Installing 5 packages…', error: null, finishedAt: null });
  await picker.click();
  await option.getByTestId('environment-software-unavailable').filter({ hasText: 'Software building: Installing 5 packages…' }).waitFor({ timeout: 30_000 });
  await notebook.page.keyboard.press('Escape');

  // ——— ready: chosen like any template ———
  await setBuild(buildId, { state: 'ready', step: null, sizeBytes: 48 * 1024 * 1024, finishedAt: new Date() });
  await picker.click();
  await option.waitFor({ timeout: 30_000 });
  await notebook.page.locator(`[data-testid=environment-option][data-slug="${template.slug}"]:not([aria-disabled])`).waitFor({ timeout: 30_000 });
  assert.equal(await option.getByTestId('environment-software-unavailable').count(), 0);
  await option.click();
  await notebook.page.locator(`[data-testid=environment-picker][data-current="${template.id}"]`).waitFor({ timeout: 30_000 });

  // The list (it stopped polling once the build failed: loaded again) and the build route say ready, with its size.
  await page.reload();
  await row.locator('[data-testid=software-build][data-state=ready]').waitFor({ timeout: 15_000 });
  assert.match((await badge.textContent()) ?? '', /Ready\s*48\.0 MB/);
  const res = await page.request.get(`${suite.platform.webUrl}/api/environments/${template.id}/software-build`);
  assert.equal(res.status(), 200);
  const body = await res.json();
  assert.equal(body.build.state, 'ready');
  assert.equal(body.build.sizeBytes, 48 * 1024 * 1024);
  assert.equal(body.log, log);

  assert.deepEqual([...errors, ...notebook.errors], []);
  await notebook.page.close();
  await page.close();
});

test('a project viewer follows a project template’s build live on the project’s environments page and reads its log', { timeout: 300_000 }, async () => {
  const { webUrl } = suite.platform;
  const admin = await signIn(webUrl, ADMIN);
  const VERA = { email: 'vera@example.com', name: 'Vera Viewer', password: 'vera-e2e-password' };
  await createAccount(webUrl, admin.cookies, VERA);
  await webOk(webUrl, admin.cookies, 'POST', `/api/projects/${suite.projectId}/members`, { email: VERA.email, role: 'viewer' });
  // The admin created the project, so owns it: a project template with its own package list.
  const created = await webOk(webUrl, admin.cookies, 'POST', `/api/projects/${suite.projectId}/environments`, {
    name: 'Project scraping',
    language: 'python',
    cpuRequest: 0.5,
    cpuLimit: 1,
    memoryRequestGib: 1,
    memoryLimitGib: 1,
    software: { packages: 'beautifulsoup4==4.12.3' },
  });
  assert.equal(created.softwareBuild.state, 'queued');

  const context = await suite.testPlatform.browser!.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await signInPage(page, webUrl, VERA);
  await page.goto(`${webUrl}/projects/${suite.projectId}/environments`);
  const row = page.getByRole('row').filter({ hasText: 'Project scraping' });
  await row.locator('[data-testid=software-build][data-state=queued]').waitFor({ timeout: 30_000 });
  assert.equal(await page.getByRole('button', { name: 'New template' }).count(), 0, 'a viewer manages nothing');

  await setBuild(created.softwareBuild.id, { state: 'building', step: 'Resolving 1 package…', log: 'Resolving 1 package…\n' });
  await row.getByTestId('software-build-detail').filter({ hasText: 'Resolving 1 package…' }).waitFor({ timeout: 15_000 });
  await setBuild(created.softwareBuild.id, { state: 'ready', step: null, sizeBytes: 3 * 1024 * 1024, log: 'Resolving 1 package…\nInstalled 2 packages in 40ms\n', finishedAt: new Date() });
  await row.locator('[data-testid=software-build][data-state=ready]').waitFor({ timeout: 15_000 });
  assert.match((await row.getByTestId('software-build').textContent()) ?? '', /Ready\s*3\.0 MB/);

  await row.getByRole('button', { name: 'Build log' }).click();
  const log = page.getByTestId('software-build-log');
  await log.waitFor();
  assert.equal(await log.textContent(), 'Resolving 1 package…\nInstalled 2 packages in 40ms\n');
  assert.deepEqual(errors, []);
  await context.close();
});
