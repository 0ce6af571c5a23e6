/**
 * Issue 6, the web side, in Debian's Chromium against the real web and gateway: the admin
 * makes a Kubernetes Spark template with dynamic allocation, a node selector and a
 * toleration in the template form (a bad range is refused beside its field); the templates
 * table says "3 executors (1–6 dynamic)". Kernel rows seeded in Postgres as the gateway
 * writes them — one waiting for capacity, one Spark kernel with executors — show on the
 * project dashboard: "Waiting for capacity: <the scheduler's reason>", the launch steps, and
 * the executors counted and listed with a pending one's reason; changes to the rows reach the
 * open page. A notebook's own launch (local provisioner) shows the gateway's live progress
 * events in its header. Saves docs/screenshots/executors.png.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { eq } from 'drizzle-orm';
import type { Browser, BrowserContext } from 'playwright-core';
import type { TExecutor } from '../../common/kernel-model';
import { environments, kernels, projectMembers } from '../../db/schema';
import { toEnvironmentSpec } from '../../lib/environments/environment-summary';
import type { TPlatform } from '../../scripts/platform';
import { startKernelsOnOpen } from '../helpers/platform-settings';
import { startTestPlatform, type TTestPlatform } from '../helpers/test-platform';
import { insertUser } from '../helpers/web-fixtures';
import { signIn, webOk, type TCookieJar } from '../helpers/web-session';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SHOTS = path.join(ROOT, 'docs/screenshots');
const ADMIN = { email: 'admin@example.com', password: 'e2e-admin-password' };
const UNSCHEDULABLE = '0/2 nodes are available: 2 Insufficient cpu.';

let testPlatform: TTestPlatform | undefined;
let platform: TPlatform;
let browser: Browser;

before(async () => {
  testPlatform = await startTestPlatform({ admin: ADMIN, dataDirPrefix: 'lattice-e2e-progress-', browser: true });
  // These tests are about the kernel a notebook has once its page is open (issue 12's "starts on first run" is tested in notebook-kernel-cost).
  await startKernelsOnOpen(testPlatform.db.db);
  ({ platform } = testPlatform);
  browser = testPlatform.browser!;
});

after(async () => {
  await testPlatform?.close();
});

const api = (jar: TCookieJar, method: string, p: string, json?: unknown) => webOk(platform.webUrl, jar, method, p, json);

/** A browser context already signed in with the session cookie of an HTTP sign-in. */
async function signedInContext(jar: TCookieJar): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await context.addCookies([...jar].map(([name, value]) => ({ name, value, url: platform.webUrl })));
  return context;
}

test('Spark template with placement and dynamic allocation; waiting-for-capacity and executors on the dashboard; live launch steps in the notebook', { timeout: 900_000 }, async () => {
  mkdirSync(SHOTS, { recursive: true });
  const db = testPlatform!.db.db;
  const admin = await signIn(platform.webUrl, ADMIN);
  const project = await api(admin.cookies, 'POST', '/api/projects', { name: 'Spark jobs' });
  const etl = await api(admin.cookies, 'POST', `/api/projects/${project.id}/notebooks`, { name: 'Nightly ETL' });
  const joins = await api(admin.cookies, 'POST', `/api/projects/${project.id}/notebooks`, { name: 'Customer joins' });
  const quick = await api(admin.cookies, 'POST', `/api/projects/${project.id}/notebooks`, { name: 'Quick check' });
  const context = await signedInContext(admin.cookies);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));

  // ——— the template form: provisioner, image, placement, Spark with dynamic allocation ———
  await page.goto(`${platform.webUrl}/admin/environments`);
  await page.getByRole('button', { name: 'New template' }).click();
  await page.fill('#env-name', 'Spark pool');
  await page.selectOption('#env-provisioner', 'kubernetes');
  await page.fill('#env-image', 'ghcr.io/acme/pyspark:3.5');
  await page.getByLabel('Node selector').fill('pool=spark');
  await page.getByRole('button', { name: 'Add toleration' }).click();
  await page.getByLabel('Toleration 1 key').fill('dedicated');
  await page.getByLabel('Toleration 1 value').fill('spark');
  await page.getByLabel('Toleration 1 effect').selectOption('NoSchedule');
  await page.getByLabel('Spark', { exact: true }).check();
  await page.fill('[id="env-spark.executors"]', '3');
  await page.locator('#env-dynamic-allocation').check();
  await page.fill('[id="env-spark.dynamicAllocation.minExecutors"]', '1');
  await page.fill('[id="env-spark.dynamicAllocation.maxExecutors"]', '2');
  await page.getByRole('button', { name: 'Create template' }).click();
  await page.getByText('Maximum executors must not be below the initial executors (3)').waitFor({ timeout: 30_000 });
  await page.fill('[id="env-spark.dynamicAllocation.maxExecutors"]', '6');
  await page.getByRole('button', { name: 'Create template' }).click();
  await page.getByText('Saved Spark pool (').waitFor({ timeout: 30_000 });
  const templateRow = page.getByRole('row', { name: /Spark pool/ });
  assert.match((await templateRow.getByTestId('template-hardware').textContent()) ?? '', /3 executors \(1–6 dynamic\)/);
  assert.equal(await templateRow.getByTestId('template-placement').textContent(), 'pool=spark · tolerates dedicated=spark:NoSchedule');

  const [row] = await db.select().from(environments).where(eq(environments.slug, 'spark-pool'));
  assert.equal(row.provisioner, 'kubernetes');
  assert.deepEqual(row.placement, { nodeSelector: { pool: 'spark' }, tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'spark', effect: 'NoSchedule' }] });
  assert.deepEqual(row.spark?.dynamicAllocation, { minExecutors: 1, maxExecutors: 6 });

  // ——— kernel rows as the kubernetes provisioner leaves them (no cluster needed to show them) ———
  const dana = await insertUser(db, 'dana@example.com');
  await db.insert(projectMembers).values({ projectId: project.id, userId: dana.id, role: 'editor' });
  const spec = toEnvironmentSpec(row);
  const seed = (notebookId: string, values: Partial<typeof kernels.$inferInsert>) =>
    db.insert(kernels).values({ id: randomUUID(), projectId: project.id, notebookId, userId: dana.id, environment: spec, environmentId: spec.id, kernelspecName: spec.slug, provisioner: 'kubernetes', state: 'provisioning', ...values }).returning();
  const waiting = { step: 'waiting' as const, message: UNSCHEDULABLE, at: new Date().toISOString() };
  const [launching] = await seed(etl.id, { progress: waiting, detail: UNSCHEDULABLE });
  const executors: TExecutor[] = [
    { id: '1', state: 'running', reason: null, host: '10.244.1.7', cores: 1, memoryMib: 2048 },
    { id: '2', state: 'running', reason: null, host: '10.244.2.4', cores: 1, memoryMib: 2048 },
    { id: '3', state: 'pending', reason: UNSCHEDULABLE, host: null, cores: 1, memoryMib: 2048 },
  ];
  const [sparkKernel] = await seed(joins.id, { state: 'idle', startedAt: new Date(Date.now() - 25 * 60_000), executors });

  // ——— the dashboard ———
  await page.goto(`${platform.webUrl}/projects/${project.id}`);
  const waitingRow = page.locator(`[data-testid=waiting-row][data-kernel-id="${launching.id}"]`);
  await waitingRow.waitFor({ timeout: 60_000 });
  assert.match((await waitingRow.textContent()) ?? '', new RegExp(`^Waiting for capacity: ${UNSCHEDULABLE.replace(/[.]/g, '\\.')}`));
  const launchingRow = page.locator(`[data-testid=active-kernel-row][data-kernel-id="${launching.id}"]`);
  assert.equal(await launchingRow.getByTestId('launch-steps').getAttribute('data-step'), 'waiting');

  const sparkRow = page.locator(`[data-testid=active-kernel-row][data-kernel-id="${sparkKernel.id}"]`);
  const toggle = sparkRow.getByTestId('executors-toggle');
  assert.equal((await toggle.textContent())?.trim(), '2 of 3 executors running · 1 pending');
  assert.match((await sparkRow.textContent()) ?? '', /3 executors \(1–6 dynamic\)/);
  await toggle.click();
  const list = page.getByTestId('executors-list');
  await list.waitFor();
  assert.equal(await list.getByTestId('executor-row').count(), 3);
  const pending = list.locator('[data-testid=executor-row][data-state=pending]');
  assert.equal(await pending.getByTestId('executor-reason').textContent(), UNSCHEDULABLE);
  assert.match((await list.locator('[data-testid=executor-row][data-state=running]').first().textContent()) ?? '', /10\.244\.1\.7.*1.*2 GiB/);
  await page.locator('section').filter({ has: page.getByTestId('active-kernel-row') }).screenshot({ path: path.join(SHOTS, 'executors.png') });

  // ——— the rows change as the gateway would write them; the open page follows ———
  await db.update(kernels).set({ progress: { step: 'pulling-image', message: null, at: new Date().toISOString() }, detail: null }).where(eq(kernels.id, launching.id));
  await db.update(kernels).set({ executors: executors.map((e) => ({ ...e, state: 'running' as const, reason: null, host: e.host ?? '10.244.3.2' })) }).where(eq(kernels.id, sparkKernel.id));
  await launchingRow.locator('[data-testid=launch-steps][data-step=pulling-image]').waitFor({ timeout: 30_000 });
  assert.equal(await waitingRow.count(), 0);
  await sparkRow.getByTestId('executors-toggle').filter({ hasText: '3 of 3 executors running' }).waitFor({ timeout: 30_000 });
  assert.equal(await list.locator('[data-testid=executor-row][data-state=pending]').count(), 0);

  // ——— a notebook's own launch: the gateway's progress events reach its header ———
  await context.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { launchStepsSeen: string[] }).launchStepsSeen = seen;
    new MutationObserver(() => {
      for (const el of document.querySelectorAll('[data-testid=launch-steps]')) {
        const step = el.getAttribute('data-step') ?? '';
        if (seen[seen.length - 1] !== step) seen.push(step);
      }
    }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-step'] });
  });
  const notebookPage = await context.newPage();
  notebookPage.on('pageerror', (e) => errors.push(`${notebookPage.url()}: ${e.message}`));
  await notebookPage.goto(`${platform.webUrl}/projects/${project.id}/notebooks/${quick.id}`);
  await notebookPage.locator('[data-testid=kernel-status][data-status=idle]').waitFor({ timeout: 120_000 });
  const seen = await notebookPage.evaluate(() => (window as unknown as { launchStepsSeen: string[] }).launchStepsSeen);
  assert.ok(seen.includes('scheduled') || seen.includes('starting'), `launch steps seen in the notebook header: ${JSON.stringify(seen)}`);
  await notebookPage.getByTestId('launch-steps').waitFor({ state: 'detached', timeout: 30_000 });

  assert.deepEqual(errors, []);
  await context.close();
});
