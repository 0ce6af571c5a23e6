/**
 * End to end in Chromium: the long lists are searched, sorted and paged by the server through
 * the URL (issue 14 §3). With 120 projects and 80 more users seeded, /projects and /admin/users
 * show 50 rows, search as the admin types, re-sort from the select, and "Next page" shows
 * the next rows; Back returns to the previous page. The quotas page shows the platform's finite
 * defaults first and pages each kind; its in-project limit form searches for its user and
 * project. A bad cursor is a 400 with a message.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { signInPage } from '../helpers/notebook-pages';
import { startTestPlatform, type TTestPlatform } from '../helpers/test-platform';

const ADMIN = { email: 'admin@lists.test', password: 'e2e-lists-admin-password' };

let tp: TTestPlatform;
let page: Page;
let web: string;

before(async () => {
  tp = await startTestPlatform({ admin: ADMIN, dataDirPrefix: 'lattice-e2e-lists-', browser: true });
  web = tp.platform.webUrl;
  await tp.db.db.execute(sql`
    insert into projects (name, slug) select 'Batch ' || lpad(g::text, 3, '0'), 'batch-' || g from generate_series(1, 120) g`);
  await tp.db.db.execute(sql`
    insert into users (email, name, password_hash, role)
    select 'person' || g || '@lists.test', 'Seeded person ' || lpad(g::text, 3, '0'), 'x', 'member' from generate_series(1, 80) g`);
  const context = await tp.browser!.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  await signInPage(page, web, ADMIN);
});

after(async () => {
  await tp?.close();
});

/** The first cell's text of every body row of the page's table. */
async function firstColumn(): Promise<string[]> {
  const cells = page.locator('table tbody tr td:first-child');
  return (await cells.allTextContents()).map((s) => s.trim());
}

test('/projects: 50 rows, Next page and Back, search as you type, sort from the select', { timeout: 300_000 }, async () => {
  await page.goto(`${web}/projects`);
  await page.getByRole('link', { name: 'Next page' }).waitFor();
  const first = await firstColumn();
  assert.equal(first.length, 50);
  assert.deepEqual(first.slice(0, 2), ['Batch 001', 'Batch 002']);

  await page.getByRole('link', { name: 'Next page' }).click();
  await page.waitForURL(/cursor=/);
  await page.getByText('Batch 051', { exact: true }).waitFor();
  const second = await firstColumn();
  assert.equal(second[0], 'Batch 051');
  assert.ok(second.every((name) => !first.includes(name)), 'the second page repeats nothing of the first');
  await page.goBack();
  await page.getByText('Batch 001', { exact: true }).waitFor();

  await page.getByLabel('Search').fill('batch 07');
  await page.waitForURL(/q=batch\+07/);
  await page.getByText('Batch 079', { exact: true }).waitFor();
  assert.deepEqual(await firstColumn(), ['Batch 070', 'Batch 071', 'Batch 072', 'Batch 073', 'Batch 074', 'Batch 075', 'Batch 076', 'Batch 077', 'Batch 078', 'Batch 079']);
  assert.equal(await page.getByRole('link', { name: 'Next page' }).count(), 0);

  await page.getByLabel('Sort').selectOption('name-desc');
  await page.waitForURL(/order=desc/);
  assert.match(page.url(), /q=batch\+07/, 'sorting keeps the search');
  await page.waitForFunction(() => document.querySelector('table tbody tr td')?.textContent?.trim() === 'Batch 079');
  assert.equal((await firstColumn())[0], 'Batch 079');

  await page.getByLabel('Search').fill('no such project');
  await page.getByText('No project matches the search.').waitFor();
});

test('/admin/users: search by name, newest first, next page', { timeout: 300_000 }, async () => {
  await page.goto(`${web}/admin/users`);
  await page.getByRole('link', { name: 'Next page' }).waitFor();
  assert.equal((await firstColumn()).length, 50);
  await page.getByLabel('Search').fill('SEEDED PERSON 04');
  await page.getByLabel('Search').press('Enter');
  await page.waitForURL(/q=SEEDED\+PERSON\+04/);
  await page.waitForFunction(() => document.querySelectorAll('table tbody tr').length === 10);
  assert.deepEqual(await firstColumn(), [...Array(10)].map((_, i) => `Seeded person 04${i}`));
  await page.getByLabel('Search').fill('');
  await page.getByLabel('Search').press('Enter');
  await page.getByLabel('Sort').selectOption('created-desc');
  await page.waitForURL(/sort=created&order=desc/);
  await page.getByRole('link', { name: 'Next page' }).click();
  await page.waitForURL(/cursor=/);
  // Newest first: the admin, created at start-up before the seeded people, ends the last page.
  await page.getByRole('link', { name: 'First page' }).waitFor();
  const rows = await firstColumn();
  assert.ok(rows.length > 0 && rows.length <= 50);
  assert.ok(rows.some((r) => r.includes('(you)')), `the admin is on the second page: ${rows.join(', ')}`);
});

test('/admin/quotas: the finite defaults first, each kind paged, a bad cursor refused', { timeout: 300_000 }, async () => {
  await page.goto(`${web}/admin/quotas`);
  const defaults = page.getByRole('row').filter({ hasText: 'Default for new users' });
  await defaults.waitFor();
  assert.match((await defaults.textContent()) ?? '', /Platform setting/);
  const cells = (await defaults.locator('td').allTextContents()).map((s) => s.trim());
  assert.ok(cells.includes('4'), `4 kernels by default: ${cells.join(' | ')}`);
  assert.equal(await page.getByRole('row').filter({ hasText: 'Default for new projects' }).count(), 1);
  assert.equal(await page.locator('table tbody tr').count(), 52, 'the two defaults, then 50 users');

  await page.getByRole('navigation', { name: 'Quota kind' }).getByRole('link', { name: 'Projects' }).click();
  await page.waitForURL(/kind=project/);
  await page.getByText('batch-1', { exact: true }).waitFor();
  await page.getByRole('link', { name: 'Next page' }).click();
  await page.waitForURL(/kind=project.*cursor=|cursor=.*kind=project/);
  await page.getByText('batch-51', { exact: true }).waitFor();

  // The in-project limit form finds its user and project by searching the server, not from a list of every one.
  await page.goto(`${web}/admin/quotas?kind=project_user`);
  await page.getByRole('button', { name: 'Add in-project limit' }).click();
  await page.getByLabel('Search users').fill('person 07');
  await page.locator('#pu-user option', { hasText: 'Seeded person 071' }).waitFor({ state: 'attached' });
  assert.equal(await page.locator('#pu-user option').count(), 11, 'Choose… and the ten matches');
  await page.locator('#pu-user').selectOption({ label: 'Seeded person 071 (person71@lists.test)' });
  await page.getByLabel('Search projects').fill('batch 033');
  await page.locator('#pu-project option', { hasText: 'Batch 033' }).waitFor({ state: 'attached' });
  await page.locator('#pu-project').selectOption({ label: 'Batch 033 (batch-33)' });
  await page.getByLabel('Kernels limit in kernels').fill('2');
  await page.getByRole('button', { name: 'Set limit' }).click();
  await page.getByRole('row').filter({ hasText: 'Seeded person 071 · Batch 033' }).waitFor();

  const res = await page.request.get(`${web}/api/projects?cursor=bogus`);
  assert.equal(res.status(), 400);
  const body = await res.json();
  assert.equal(body.code, 'BAD_REQUEST');
  assert.match(body.message, /start again from the first page/);
  const capped = await (await page.request.get(`${web}/api/users?limit=5000`)).json();
  assert.equal(capped.items.length, 81);
  assert.equal(capped.nextCursor, null);
});
