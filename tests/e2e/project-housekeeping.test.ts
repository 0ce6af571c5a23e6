/**
 * Issue 14 §3 end to end in Chromium: the project page puts its notebooks first (searched
 * and sorted by the server, with a mark on those whose kernel runs); owners rename, archive
 * (read-only with a banner, until restored) and delete (after typing the name) a project;
 * editors and viewers may do none of it.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { eq } from 'drizzle-orm';
import type { BrowserContext, Page } from 'playwright-core';
import { hashPassword } from '../../db/passwords';
import { kernels, notebooks, projects, users } from '../../db/schema';
import { addMember, createToken, gatewayFetch } from '../helpers/gateway';
import { signInPage } from '../helpers/notebook-pages';
import { startTestPlatform, type TTestPlatform } from '../helpers/test-platform';
import { signIn, webFetch, type TCookieJar } from '../helpers/web-session';

const ADMIN = { email: 'admin@housekeeping.test', password: 'e2e-housekeeping-admin-password' };
const PASSWORD = 'e2e-housekeeping-password';
const ARCHIVED = 'This project is archived: restore it to change it.';

type TMember = 'owner' | 'editor' | 'viewer';
let tp: TTestPlatform;
let webUrl: string;
const who = {} as Record<TMember, { id: string; email: string; cookies: TCookieJar; context: BrowserContext }>;

async function createMember(role: TMember): Promise<void> {
  const email = `${role}@housekeeping.test`;
  const [user] = await tp.db.db.insert(users).values({ email, name: `The ${role}`, role: 'member', passwordHash: await hashPassword(PASSWORD) }).returning();
  const context = await tp.browser!.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await signInPage(page, webUrl, { email, password: PASSWORD });
  await page.close();
  who[role] = { id: user.id, email, cookies: (await signIn(webUrl, { email, password: PASSWORD })).cookies, context };
}

/** `role`'s JSON request to the web API. */
const api = (role: TMember, method: string, path: string, json?: unknown) => webFetch(webUrl, who[role].cookies, path, { method, json });

/** A project the owner created, with the editor and the viewer as members, holding notebooks `names`. */
async function teamProject(name: string, names: string[] = []): Promise<{ id: string; notebooks: Record<string, string> }> {
  const created = await api('owner', 'POST', '/api/projects', { name });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const id: string = (created.body as { id: string }).id;
  await addMember(tp.db.db, id, who.editor.id, 'editor');
  await addMember(tp.db.db, id, who.viewer.id, 'viewer');
  const ids: Record<string, string> = {};
  for (const nb of names) {
    const res = await api('owner', 'POST', `/api/projects/${id}/notebooks`, { name: nb });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    ids[nb] = (res.body as { id: string }).id;
  }
  return { id, notebooks: ids };
}

async function openProject(role: TMember, projectId: string): Promise<Page> {
  const page = await who[role].context.newPage();
  await page.goto(`${webUrl}/projects/${projectId}`);
  await page.getByRole('heading', { name: /^Notebooks \(\d+\)$/ }).waitFor();
  return page;
}

/** The notebook names as the list shows them, top to bottom. */
const listed = (page: Page) => page.locator('table td:first-child a[href*="/notebooks/"]').allInnerTexts();

async function waitForListed(page: Page, expected: string[]): Promise<void> {
  const deadline = Date.now() + 15_000;
  let names: string[] = [];
  while (Date.now() < deadline) {
    names = await listed(page);
    if (JSON.stringify(names) === JSON.stringify(expected)) return;
    await page.waitForTimeout(100);
  }
  assert.deepEqual(names, expected);
}

const row = (page: Page, name: string) => page.locator('tr', { has: page.getByRole('link', { name, exact: true }) });

before(async () => {
  tp = await startTestPlatform({ admin: ADMIN, dataDirPrefix: 'lattice-e2e-housekeeping-', browser: true });
  webUrl = tp.platform.webUrl;
  for (const role of ['owner', 'editor', 'viewer'] as const) await createMember(role);
});

after(async () => {
  for (const m of Object.values(who)) await m.context.close().catch(() => undefined);
  await tp?.close();
});

test('the project page lists its notebooks above the dashboard, searched and sorted by the server', async () => {
  const { id, notebooks: ids } = await teamProject('Lists', ['beta', 'Alpha', 'Gamma ray']);
  // Renamed, then saved last, so "Last saved" puts it first (created last, Gamma ray comes next).
  const nbApi = `/api/projects/${id}/notebooks/${ids.beta}`;
  assert.equal((await api('owner', 'PATCH', nbApi, { name: 'beta 2' })).status, 200);
  const { content, version } = (await api('owner', 'GET', nbApi)).body as { content: unknown; version: number };
  const saved = await api('owner', 'PUT', nbApi, { content, baseVersion: version });
  assert.equal(saved.status, 200, JSON.stringify(saved.body));
  const page = await openProject('viewer', id);
  const list = await page.getByRole('heading', { name: /^Notebooks/ }).boundingBox();
  const dashboard = await page.locator('[data-testid=project-dashboard]').boundingBox();
  assert.ok(list && dashboard && list.y < dashboard.y, `notebooks (y=${list?.y}) come before the dashboard (y=${dashboard?.y})`);
  assert.deepEqual(await listed(page), ['Alpha', 'beta 2', 'Gamma ray']);

  const searched = page.waitForResponse((r) => r.url().includes('/notebooks?') && new URL(r.url()).searchParams.get('q') === 'RA');
  await page.getByRole('searchbox', { name: 'Search notebooks' }).fill('RA');
  await searched;
  await waitForListed(page, ['Gamma ray']);
  await page.getByRole('searchbox', { name: 'Search notebooks' }).fill('nothing like it');
  await page.getByText('No notebook matches').waitFor();
  await page.getByRole('searchbox', { name: 'Search notebooks' }).fill('');
  await waitForListed(page, ['Alpha', 'beta 2', 'Gamma ray']);

  const sorted = page.waitForResponse((r) => r.url().includes('/notebooks?') && new URL(r.url()).searchParams.get('sort') === 'updated');
  await page.getByRole('combobox', { name: 'Sort notebooks' }).selectOption('updated');
  await sorted;
  await waitForListed(page, ['beta 2', 'Gamma ray', 'Alpha']);
  await page.close();
});

test('a notebook whose kernel runs is marked in the list, and the mark goes when the kernel stops', async () => {
  const { id, notebooks: ids } = await teamProject('Kernels', ['Quiet', 'Busy']);
  const page = await openProject('viewer', id);
  assert.equal(await page.locator('[data-testid=notebook-running]').count(), 0);
  const token = await createToken(tp.db.db, who.editor.id);
  const gateway = { url: tp.platform.gatewayUrl };
  const started = await gatewayFetch(gateway, '/api/kernels', { method: 'POST', token, body: { name: 'python3', env: { KERNEL_PROJECT: id, KERNEL_NOTEBOOK: ids.Busy } } });
  assert.equal(started.status, 201, JSON.stringify(started.body));
  try {
    // No reload: the dashboard's event stream tells the list.
    await row(page, 'Busy').locator('[data-testid=notebook-running]').waitFor({ timeout: 60_000 });
    assert.equal(await row(page, 'Quiet').locator('[data-testid=notebook-running]').count(), 0);
    const fresh = await openProject('viewer', id);
    await row(fresh, 'Busy').locator('[data-testid=notebook-running]').waitFor();
    await fresh.close();
  } finally {
    const stopped = await gatewayFetch(gateway, `/api/kernels/${started.body.id}`, { method: 'DELETE', token });
    assert.equal(stopped.status, 204, JSON.stringify(stopped.body));
  }
  await row(page, 'Busy').locator('[data-testid=notebook-running]').waitFor({ state: 'detached', timeout: 30_000 });
  await page.close();
});

test('the owner renames the project in its settings; editors and viewers may not rename, archive or delete it', async () => {
  const { id } = await teamProject('Old name');
  for (const role of ['editor', 'viewer'] as const) {
    assert.equal((await api(role, 'PATCH', `/api/projects/${id}`, { name: 'Hijacked' })).status, 403, `${role} renames`);
    assert.equal((await api(role, 'POST', `/api/projects/${id}/archive`)).status, 403, `${role} archives`);
    assert.equal((await api(role, 'DELETE', `/api/projects/${id}`, { confirm: 'Old name' })).status, 403, `${role} deletes`);
    const page = await openProject(role, id);
    assert.equal(await page.getByRole('button', { name: 'Settings' }).count(), 0, `${role} is offered no settings`);
    await page.close();
  }

  const page = await openProject('owner', id);
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('textbox', { name: 'Name', exact: true }).fill('New name');
  await page.getByRole('textbox', { name: 'Description', exact: true }).fill('Now with a description');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('heading', { name: 'New name', level: 1 }).waitFor();
  await page.getByText('Now with a description').waitFor();
  const [stored] = await tp.db.db.select().from(projects).where(eq(projects.id, id));
  assert.deepEqual([stored.name, stored.description], ['New name', 'Now with a description']);
  assert.equal(await page.title(), 'New name · Lattice');
  await page.close();
});

test('an archived project shows a banner, refuses every change and runs nothing until the owner restores it', async () => {
  const { id, notebooks: ids } = await teamProject('Shelved', ['Report']);
  const nbApi = `/api/projects/${id}/notebooks/${ids.Report}`;
  const owner = await openProject('owner', id);
  await owner.getByRole('button', { name: 'Settings' }).click();
  await owner.getByRole('button', { name: 'Archive project' }).click();
  await owner.locator('[data-testid=archived-banner]').waitFor();
  assert.equal(await owner.getByRole('button', { name: 'New notebook' }).count(), 0);

  // The editor: saving is refused with the reason; the list offers nothing that changes.
  const loaded = await api('editor', 'GET', nbApi);
  assert.equal(loaded.status, 200, 'reading still works');
  const { content, version } = loaded.body as { content: unknown; version: number };
  const save = await api('editor', 'PUT', nbApi, { content, baseVersion: version });
  assert.deepEqual([save.status, (save.body as { code: string }).code, (save.body as { message: string }).message], [409, 'CONFLICT', ARCHIVED]);
  assert.equal((await api('editor', 'POST', `/api/projects/${id}/notebooks`, { name: 'More' })).status, 409);
  assert.equal((await webFetch(webUrl, who.editor.cookies, `${nbApi}/export`)).status, 200, 'export still works');
  const editor = await openProject('editor', id);
  await editor.locator('[data-testid=archived-banner]').waitFor();
  assert.match(await editor.locator('[data-testid=archived-banner]').innerText(), /read-only/);
  assert.equal(await editor.getByRole('button', { name: 'Restore' }).count(), 0, 'only owners restore');
  await row(editor, 'Report').waitFor();
  for (const label of ['New notebook', 'Import .ipynb', 'Rename', 'Delete']) assert.equal(await editor.getByRole('button', { name: label, exact: true }).count(), 0, `no ${label}`);
  await editor.getByRole('link', { name: 'Report', exact: true }).click();
  await editor.locator('[data-testid=read-only]').waitFor();
  assert.equal(await editor.locator('[data-testid=read-only]').innerText(), 'Read only · project archived');
  assert.equal(await editor.getByRole('button', { name: 'Run', exact: true }).count(), 0, 'no Run button');
  await editor.waitForTimeout(2_000);
  assert.equal((await tp.db.db.select().from(kernels).where(eq(kernels.notebookId, ids.Report))).length, 0, 'opening it started no kernel');
  await editor.close();

  await owner.getByRole('button', { name: 'Restore' }).click();
  await owner.locator('[data-testid=archived-banner]').waitFor({ state: 'detached' });
  await owner.getByRole('button', { name: 'New notebook' }).waitFor();
  const saved = await api('editor', 'PUT', nbApi, { content, baseVersion: version });
  assert.equal(saved.status, 200, JSON.stringify(saved.body));
  await owner.close();
});

test('deleting takes the typed name; afterwards the project is 404 to everyone and its notebooks are gone', async () => {
  const { id, notebooks: ids } = await teamProject('Doomed', ['One', 'Two']);
  const wrong = await api('owner', 'DELETE', `/api/projects/${id}`, { confirm: 'doomed' });
  assert.equal(wrong.status, 400, JSON.stringify(wrong.body));
  assert.equal((await api('owner', 'GET', `/api/projects/${id}`)).status, 200, 'a wrong name deletes nothing');

  const page = await openProject('owner', id);
  await page.getByRole('button', { name: 'Settings' }).click();
  const confirm = page.getByLabel('Type "Doomed" to confirm');
  const remove = page.getByRole('button', { name: 'Delete project' });
  await confirm.fill('Doome');
  assert.equal(await remove.isDisabled(), true, 'not until the name is typed');
  await confirm.fill('Doomed');
  await remove.click();
  await page.waitForURL(`${webUrl}/projects`);
  await page.close();

  for (const role of ['owner', 'editor', 'viewer'] as const) assert.equal((await api(role, 'GET', `/api/projects/${id}`)).status, 404, role);
  assert.equal((await api('owner', 'GET', `/api/projects/${id}/notebooks/${ids.One}`)).status, 404);
  assert.equal((await tp.db.db.select().from(notebooks).where(eq(notebooks.projectId, id))).length, 0);
  assert.equal((await tp.db.db.select().from(projects).where(eq(projects.id, id))).length, 0);
});
