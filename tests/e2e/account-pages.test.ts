/**
 * End to end in Chromium at 390 px wide (a phone): every signed-in page fits the width — no
 * horizontal scrolling of the page itself (wide tables scroll inside their own box) — and the
 * top bar keeps "Sign out" on screen. Also: the pages' titles name what is open, the app serves
 * its icon, and the profile renames its user and shows how to connect a Jupyter client. Saves a
 * 390 px screenshot of the project page.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { createNotebook, startNotebookSuite, type TNotebookSuite } from '../helpers/notebook-pages';

const ROOT = path.resolve(import.meta.dirname, '../..');
const ADMIN = { email: 'admin@pages.test', password: 'e2e-pages-admin-password' };

let suite: TNotebookSuite;
let page: Page;
let notebookId: string;

before(async () => {
  suite = await startNotebookSuite({ admin: ADMIN, dataDirPrefix: 'lattice-e2e-pages-', project: 'Quarterly churn analysis', context: { viewport: { width: 390, height: 844 } } });
  page = await suite.context.newPage();
  const cells = [{ id: 'n0000001', cell_type: 'code' as const, metadata: {}, source: 'df.groupby("region").agg({"revenue": "sum", "customers": "nunique"}).sort_values("revenue")', outputs: [], execution_count: null }];
  ({ id: notebookId } = await createNotebook(suite, page, 'Revenue by region', cells));
});

after(async () => {
  await suite?.close();
});

/** The page's own horizontal overflow (px beyond the viewport), and whether Sign out is fully on screen. */
async function fit(url: string): Promise<{ overflow: number; signOutVisible: boolean; title: string }> {
  await page.goto(url);
  await page.locator('#content').waitFor();
  await page.waitForLoadState('networkidle').catch(() => undefined);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  const box = await page.getByRole('button', { name: 'Sign out' }).boundingBox();
  return { overflow, signOutVisible: box !== null && box.x >= 0 && box.x + box.width <= 390, title: await page.title() };
}

test('every signed-in page fits 390 px: no sideways scrolling, Sign out on screen; titles name what is open', { timeout: 300_000 }, async () => {
  const web = suite.platform.webUrl;
  const pages: Array<[string, RegExp]> = [
    [`${web}/projects`, /^Projects · Lattice$/],
    [`${web}/projects/${suite.projectId}`, /^Quarterly churn analysis · Lattice$/],
    [`${web}/projects/${suite.projectId}/environments`, /^Environments · Quarterly churn analysis · Lattice$/],
    [`${web}/projects/${suite.projectId}/notebooks/${notebookId}`, /^Revenue by region · Quarterly churn analysis · Lattice$/],
    [`${web}/profile`, /^Profile · Lattice$/],
    [`${web}/admin/users`, /^Users · Admin · Lattice$/],
    [`${web}/admin/environments`, /^Environments · Admin · Lattice$/],
    [`${web}/admin/quotas`, /^Quotas · Admin · Lattice$/],
  ];
  const misfits: string[] = [];
  for (const [url, title] of pages) {
    const got = await fit(url);
    if (got.overflow > 0) misfits.push(`${url}: ${got.overflow} px too wide`);
    if (!got.signOutVisible) misfits.push(`${url}: Sign out is off screen`);
    if (!title.test(got.title)) misfits.push(`${url}: title "${got.title}"`);
    if (url.endsWith(suite.projectId)) await page.screenshot({ path: path.join(ROOT, 'docs/screenshots/narrow-project.png') });
  }
  assert.deepEqual(misfits, []);
});

test('the app serves its icon and pages link it', async () => {
  await page.goto(`${suite.platform.webUrl}/projects`);
  const href = await page.locator('link[rel="icon"]').first().getAttribute('href');
  assert.ok(href, 'a <link rel="icon">');
  const res = await page.request.get(new URL(href!, suite.platform.webUrl).href);
  assert.equal(res.status(), 200);
  assert.match(res.headers()['content-type'] ?? '', /^image\//);
});

test('the profile renames its user and shows the gateway URL and the commands to connect JupyterLab or VS Code', async () => {
  await page.goto(`${suite.platform.webUrl}/profile`);
  await page.getByRole('button', { name: 'Edit' }).click();
  await page.getByLabel('Your name').fill('Ada\u0000');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText('Remove control characters').waitFor();
  await page.getByLabel('Your name').fill('  Ada Lovelace ');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.locator('[data-testid=my-name]', { hasText: 'Ada Lovelace' }).waitFor();
  assert.equal(await page.getByRole('link', { name: 'Profile of Ada Lovelace' }).count(), 1, 'the top bar follows');
  const gatewayPort = new URL(suite.platform.gatewayUrl).port;
  const url = `http://localhost:${gatewayPort}`;
  assert.equal(await page.locator('[data-testid=gateway-url]').textContent(), url, 'the gateway as this browser reaches it');
  assert.equal(await page.locator('[data-testid=jupyterlab-snippet]').textContent(), `export JUPYTER_GATEWAY_AUTH_TOKEN='<an API token from below>'\njupyter lab --gateway-url=${url}`);
});
