import assert from 'node:assert/strict';
import type { BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import type { TCell } from '../../common/nbformat/schema';
import type { TPlatform } from '../../scripts/platform';
import { startTestPlatform, type TTestPlatform, type TTestPlatformOptions } from './test-platform';

/** One end-to-end file's notebook world: the platform, a browser context with the admin signed in, and a project. */
export interface TNotebookSuite {
  testPlatform: TTestPlatform;
  platform: TPlatform;
  context: BrowserContext;
  projectId: string;
  /** `…/api/projects/{projectId}` */
  projectApi: string;
  close(): Promise<void>;
}

/** Signs `user` in on `page` (the sign-in form, as a person does). */
export async function signInPage(page: Page, webUrl: string, user: { email: string; password: string }): Promise<void> {
  await page.goto(`${webUrl}/signin`);
  await page.fill('input[name=email]', user.email);
  await page.fill('input[name=password]', user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/projects$/, { timeout: 60_000 });
}

/** Starts the platform with Chromium, signs the admin in (one context for the file) and creates the project `project`. */
export async function startNotebookSuite(opts: Omit<TTestPlatformOptions, 'browser'> & { project: string; context?: BrowserContextOptions }): Promise<TNotebookSuite> {
  const testPlatform = await startTestPlatform({ ...opts, browser: true });
  try {
    const { platform } = testPlatform;
    const context = await testPlatform.browser!.newContext({ viewport: { width: 1280, height: 900 }, ...opts.context });
    const page = await context.newPage();
    await signInPage(page, platform.webUrl, opts.admin);
    const created = await page.request.post(`${platform.webUrl}/api/projects`, { data: { name: opts.project } });
    assert.equal(created.status(), 201, await created.text());
    const projectId = (await created.json()).id as string;
    await page.close();
    return {
      testPlatform,
      platform,
      context,
      projectId,
      projectApi: `${platform.webUrl}/api/projects/${projectId}`,
      close: async () => {
        await context.close();
        await testPlatform.close();
      },
    };
  } catch (err) {
    await testPlatform.close();
    throw err;
  }
}

/** A notebook holding `cells` (a `python3` kernelspec plus `metadata`), made through the API as another client would. */
export async function createNotebook(
  suite: TNotebookSuite,
  page: Page,
  name: string,
  cells: TCell[],
  metadata: Record<string, unknown> = {},
): Promise<{ id: string; version: number; url: string; api: string }> {
  const created = await page.request.post(`${suite.projectApi}/notebooks`, { data: { name } });
  assert.equal(created.status(), 201, await created.text());
  const { id, version } = (await created.json()) as { id: string; version: number };
  const content = { nbformat: 4, nbformat_minor: 5, metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' }, ...metadata }, cells };
  const put = await page.request.put(`${suite.projectApi}/notebooks/${id}`, { data: { content, baseVersion: version } });
  assert.equal(put.status(), 200, await put.text());
  return { id, version: (await put.json()).version, url: `${suite.platform.webUrl}/projects/${suite.projectId}/notebooks/${id}`, api: `${suite.projectApi}/notebooks/${id}` };
}

/** {@link createNotebook}, then opened in a new page (its first cell active); the page's uncaught errors are collected. */
export async function openNotebook(
  suite: TNotebookSuite,
  name: string,
  cells: TCell[],
  metadata?: Record<string, unknown>,
): Promise<{ page: Page; id: string; version: number; url: string; api: string; errors: string[] }> {
  const page = await suite.context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const notebook = await createNotebook(suite, page, name, cells, metadata);
  await page.goto(notebook.url);
  await page.locator('[data-testid=cell][data-active]').waitFor();
  return { page, errors, ...notebook };
}
