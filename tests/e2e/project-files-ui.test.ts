/**
 * Project files end to end in Chromium: a CSV uploaded in the Files panel (with its progress
 * bar) is read by a kernel of the project with the `csv` module from its working directory; a
 * file the kernel writes shows up in the panel and downloads; a kernel of another project sees
 * none of it; a viewer sees the files but no way to change them.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { TCell } from '../../common/nbformat/schema';
import { createNotebook, signInPage, startNotebookSuite, type TNotebookSuite } from '../helpers/notebook-pages';
import { createAccount, signIn } from '../helpers/web-session';

const ADMIN = { email: 'admin@files-ui.test', password: 'e2e-files-ui-admin-password' };
const VIEWER = { email: 'viewer@files-ui.test', name: 'Viewer', password: 'e2e-files-ui-viewer-password' };
const SALES = 'region,amount\nnorth,3\nsouth,5\n';

let suite: TNotebookSuite;
let other: TNotebookSuite;

before(async () => {
  suite = await startNotebookSuite({ admin: ADMIN, dataDirPrefix: 'lattice-e2e-files-ui-', project: 'Files A' });
  const page = await suite.context.newPage();
  const created = await page.request.post(`${suite.platform.webUrl}/api/projects`, { data: { name: 'Files B' } });
  assert.equal(created.status(), 201);
  const otherId = (await created.json()).id as string;
  other = { ...suite, projectId: otherId, projectApi: `${suite.platform.webUrl}/api/projects/${otherId}` };
  await page.close();
});

after(async () => {
  await suite?.close();
});

let idCounter = 0;
const code = (source: string): TCell => ({ id: `f${String(++idCounter).padStart(7, '0')}`, cell_type: 'code', metadata: {}, source, outputs: [], execution_count: null });

/** Runs the notebook's only cell and returns its output text. */
async function runIn(project: TNotebookSuite, name: string, source: string, expect: RegExp): Promise<string> {
  const page = await suite.context.newPage();
  const { url } = await createNotebook(project, page, name, [code(source)]);
  await page.goto(url);
  await page.locator('[data-testid=cell][data-active]').waitFor();
  await page.locator('[data-testid=cell]').first().locator('[data-testid=cell-prompt]').click();
  await page.keyboard.press('Shift+Enter');
  const outputs = page.locator('[data-testid=cell]').first().locator('[data-testid=cell-outputs]', { hasText: expect });
  await outputs.waitFor({ timeout: 90_000 });
  const text = await outputs.innerText();
  await page.close();
  return text;
}


test('a CSV uploaded in the Files panel, with progress, is read by the project’s kernel; what the kernel writes shows up in the panel', async () => {
  const page = await suite.context.newPage();
  await page.goto(`${suite.platform.webUrl}/projects/${suite.projectId}`);
  await page.getByRole('button', { name: 'New folder' }).click();
  await page.getByLabel('Folder name').fill('data');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('button', { name: 'data/' }).click();
  await page.getByRole('navigation', { name: 'Folder' }).getByRole('button', { name: 'data' }).waitFor();

  // Every state the progress line shows is recorded (a local upload is over quickly).
  await page.evaluate(() => {
    const seen: string[] = ((window as unknown as { progressSeen: string[] }).progressSeen = []);
    new MutationObserver(() => {
      const el = document.querySelector('[data-testid=upload-progress]');
      if (el && el.querySelector('progress')) seen.push(el.textContent ?? '');
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  const big = Buffer.alloc(8 * 1024 * 1024, 'x');
  await page.getByLabel('Files to upload').setInputFiles([
    { name: 'sales.csv', mimeType: 'text/csv', buffer: Buffer.from(SALES) },
    { name: 'padding.bin', mimeType: 'application/octet-stream', buffer: big },
  ]);
  await page.getByRole('cell', { name: 'padding.bin' }).waitFor({ timeout: 60_000 });
  await page.getByRole('cell', { name: 'sales.csv' }).waitFor();
  const seen: string[] = await page.evaluate(() => (window as unknown as { progressSeen: string[] }).progressSeen);
  assert.ok(seen.some((s) => /Uploading sales\.csv/.test(s)) && seen.some((s) => /Uploading padding\.bin/.test(s)), `progress was shown: ${JSON.stringify(seen.slice(0, 5))}`);
  assert.equal(await page.locator('[data-testid=upload-progress]').count(), 0, 'the progress line goes away when done');
  assert.match(await page.getByTestId('files-usage').innerText(), /8\.0 MB of 10\.0 GB used/);

  const out = await runIn(suite, 'Reads sales', 'import csv, os\nprint(os.getcwd(), list(csv.reader(open("data/sales.csv"))))\nopen("data/result.txt", "w").write("total 8\\n")', /north/);
  assert.match(out, /\/project \[\['region', 'amount'\], \['north', '3'\], \['south', '5'\]\]/);

  await page.reload();
  await page.getByRole('button', { name: 'data/' }).click();
  await page.getByRole('cell', { name: 'result.txt' }).waitFor();
  const download = await page.request.get(`${suite.projectApi}/files/download?path=data/result.txt`);
  assert.equal(await download.text(), 'total 8\n');
  await page.close();
});

test('a kernel of another project sees none of these files', async () => {
  const out = await runIn(other, 'Looks around', 'import os\nprint("cwd", os.getcwd(), os.listdir("."), os.path.exists("/project/data/sales.csv"), [p for p in os.listdir("/") if "project" in p])', /cwd/);
  assert.match(out, /cwd \/project \[\] False \['project'\]/);
});

test('a viewer sees the files but no upload, rename or delete', async () => {
  const admin = await signIn(suite.platform.webUrl, ADMIN);
  await createAccount(suite.platform.webUrl, admin.cookies, VIEWER);
  const added = await suite.context.request.post(`${suite.projectApi}/members`, { data: { email: VIEWER.email, role: 'viewer' } });
  assert.equal(added.status(), 201, await added.text());
  const context = await suite.testPlatform.browser!.newContext();
  const page = await context.newPage();
  await signInPage(page, suite.platform.webUrl, VIEWER);
  await page.goto(`${suite.platform.webUrl}/projects/${suite.projectId}`);
  await page.getByRole('button', { name: 'data/' }).click();
  await page.getByRole('cell', { name: 'sales.csv' }).waitFor();
  const panel = page.getByRole('region', { name: 'Project files' });
  assert.equal(await panel.getByRole('link', { name: 'Download' }).count(), 3, 'sales.csv, padding.bin, result.txt');
  for (const action of ['Upload', 'New folder', 'Rename / move', 'Delete']) assert.equal(await panel.getByRole('button', { name: action }).count(), 0, action);
  const refused = await page.request.put(`${suite.projectApi}/files/upload?path=viewer.csv`, { data: 'x', headers: { 'content-type': 'text/csv' } });
  assert.equal(refused.status(), 403);
  await context.close();
});
