/**
 * End to end (issue 13 §6, browser side): the gateway is killed with SIGKILL under an open
 * notebook and an open project dashboard. While it is down both say "Gateway restarting…"
 * (never an error, never a dead kernel); a new gateway on the same port and database —
 * started here, standing in for `npm start`'s supervisor — reattaches the kernel, and both
 * pages reconnect by themselves: the notebook to the same kernel, whose `x` is still 41.
 *
 * The web is started by `startPlatform`; the gateway the browser uses is this test's own
 * process (tests/helpers/gateway-process.ts), so that the test alone decides when it dies and
 * when it comes back. The platform's own gateway is moved to a port nobody uses.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { and, eq, inArray } from 'drizzle-orm';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ACTIVE_STATES } from '../../common/kernel-states';
import { kernels } from '../../db/schema';
import { prepareDatabase, startPlatform, type TPlatform } from '../../scripts/platform';
import { findFreePorts } from '../../server/provisioners/free-ports';
import { cleanUpGatewayProcesses, startGatewayProcess, type TGatewayProcess } from '../helpers/gateway-process';
import { localState } from '../helpers/kernels';
import { createTestDatabase, type TTestDatabase } from '../helpers/postgres';
import { testPython } from '../helpers/python';

const ADMIN = { email: 'admin@example.com', password: 'e2e-admin-password' };

let db: TTestDatabase;
let dataDir: string;
let webPort: number;
let gatewayPort: number;
let platform: TPlatform | undefined;
let browser: Browser | undefined;
const gateways: TGatewayProcess[] = [];
const kernelPids: number[] = [];

/** This test's gateway on the port the web sends browsers to (the first one, and its replacement). */
async function startGateway(): Promise<TGatewayProcess> {
  const origins = [`http://localhost:${webPort}`, `http://127.0.0.1:${webPort}`].join(',');
  const gw = await startGatewayProcess({ databaseUrl: db.url, dataDir, port: gatewayPort, env: { LATTICE_WEB_ORIGINS: origins } });
  gateways.push(gw);
  return gw;
}

before(async () => {
  db = await createTestDatabase();
  dataDir = mkdtempSync(path.join(tmpdir(), 'lattice-e2e-restart-'));
  let asidePort: number;
  [webPort, gatewayPort, asidePort] = await findFreePorts(3);
  // The gateway needs the schema before it starts; startPlatform's own preparation then finds it done.
  await prepareDatabase(db.ownerUrl, ADMIN);
  await startGateway();
  platform = await startPlatform({
    databaseUrl: db.url,
    ownerDatabaseUrl: db.ownerUrl,
    dataDir,
    webPort,
    gatewayPort,
    gatewayEnv: { LATTICE_GATEWAY_PORT: String(asidePort) },
    adminEmail: ADMIN.email,
    adminPassword: ADMIN.password,
    python: path.resolve(testPython()),
    log: (line) => console.log(`[platform] ${line}`),
  });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
});

after(async () => {
  await browser?.close();
  await platform?.stop();
  await cleanUpGatewayProcesses({ gateways, pids: kernelPids, databaseUrl: db.url, data: { dir: dataDir, remove: async () => rmSync(dataDir, { recursive: true, force: true }) } });
  await db?.drop();
});

/**
 * Every value `attribute` of the element matching `selector` takes from now on, as the page
 * renders it — so a test can say a state was shown, or never was, however briefly.
 */
async function recordAttribute(page: Page, selector: string, attribute: string): Promise<() => Promise<string[]>> {
  const key = `__seen_${attribute.replace(/\W/g, '_')}`;
  await page.evaluate(
    ({ selector, attribute, key }) => {
      const el = document.querySelector(selector)!;
      const seen: string[] = [el.getAttribute(attribute) ?? ''];
      (window as unknown as Record<string, string[]>)[key] = seen;
      new MutationObserver(() => seen.push(el.getAttribute(attribute) ?? '')).observe(el, { attributes: true, attributeFilter: [attribute] });
    },
    { selector, attribute, key },
  );
  return () => page.evaluate((k) => (window as unknown as Record<string, string[]>)[k], key);
}

const cells = (page: Page) => page.locator('[data-testid=cell]');

test('a notebook and the dashboard ride out a SIGKILLed gateway and reconnect to the same kernel', { timeout: 600_000 }, async () => {
  const context = await browser!.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const sockets: string[] = [];
  page.on('websocket', (ws) => sockets.push(ws.url()));

  await page.goto(`${platform!.webUrl}/signin`);
  await page.fill('input[name=email]', ADMIN.email);
  await page.fill('input[name=password]', ADMIN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/projects$/, { timeout: 60_000 });
  const project = await (await page.request.post(`${platform!.webUrl}/api/projects`, { data: { name: 'Restarts' } })).json();
  const notebook = await (await page.request.post(`${platform!.webUrl}/api/projects/${project.id}/notebooks`, { data: { name: 'Survivor' } })).json();

  await page.goto(`${platform!.webUrl}/projects/${project.id}/notebooks/${notebook.id}`);
  await cells(page).first().locator('.cm-content').click();
  await page.keyboard.type('x = 41');
  await page.keyboard.press('Shift+Enter');
  await cells(page).first().locator('[data-testid=cell-prompt]', { hasText: '[1]:' }).waitFor({ timeout: 120_000 });
  await page.locator('[data-testid=kernel-status][data-status=idle]').waitFor({ timeout: 30_000 });

  const kernelSocket = /\/api\/kernels\/([0-9a-f-]{36})\/channels/;
  const kernelId = sockets.map((u) => kernelSocket.exec(u)?.[1]).find(Boolean);
  assert.ok(kernelId, `the page opened a kernel websocket (${sockets.join(', ')})`);
  kernelPids.push((await localState(db.db, kernelId)).pid);

  const dashboard = await context.newPage();
  dashboard.on('pageerror', (e) => errors.push(e.message));
  await dashboard.goto(`${platform!.webUrl}/projects/${project.id}`);
  await dashboard.locator('[data-testid=live-indicator][data-live=live]').waitFor({ timeout: 60_000 });

  const badgeHistory = await recordAttribute(page, '[data-testid=kernel-status]', 'data-status');
  const liveHistory = await recordAttribute(dashboard, '[data-testid=live-indicator]', 'data-live');

  await gateways[0].kill();

  const restarting = page.locator('[data-testid=kernel-status][data-status=gateway-restarting]');
  await restarting.waitFor({ timeout: 30_000 });
  assert.match((await restarting.textContent()) ?? '', /Gateway restarting/);
  const dashRestarting = dashboard.locator('[data-testid=live-indicator][data-live=gateway-restarting]');
  await dashRestarting.waitFor({ timeout: 30_000 });
  assert.match((await dashRestarting.textContent()) ?? '', /Gateway restarting/);

  // A supervisor restarts after a back-off; meanwhile the pages keep saying so.
  await new Promise((r) => setTimeout(r, 2_000));
  assert.equal(await restarting.count(), 1, 'still "Gateway restarting" while the gateway is down');
  assert.equal(await page.getByText(/could not|is dead|died/i).count(), 0, 'no error shown for a gateway that is restarting');

  await startGateway();

  await page.locator('[data-testid=kernel-status][data-status=idle]').waitFor({ timeout: 60_000 });
  await dashboard.locator('[data-testid=live-indicator][data-live=live]').waitFor({ timeout: 60_000 });

  await cells(page).nth(1).locator('.cm-content').click();
  await page.keyboard.type('print(x + 1)');
  await page.keyboard.press('Shift+Enter');
  await cells(page).nth(1).locator('[data-output-type=stream]', { hasText: '42' }).waitFor({ timeout: 60_000 });

  const badges = await badgeHistory();
  assert.ok(badges.includes('gateway-restarting'), `the badge said the gateway was restarting: ${badges.join(' → ')}`);
  assert.ok(!badges.some((s) => s === 'dead' || s === 'no-kernel'), `the kernel was never shown dead or gone: ${badges.join(' → ')}`);
  assert.ok((await liveHistory()).includes('gateway-restarting'), 'the dashboard said the gateway was restarting');

  const socketKernels = new Set(sockets.map((u) => kernelSocket.exec(u)?.[1]).filter(Boolean));
  assert.deepEqual([...socketKernels], [kernelId], 'every kernel websocket of the page, before and after, went to the same kernel');
  assert.ok(sockets.filter((u) => u.includes(kernelId)).length >= 2, 'the page reconnected its websocket');
  const live = await db.db
    .select({ id: kernels.id })
    .from(kernels)
    .where(and(eq(kernels.notebookId, notebook.id), inArray(kernels.state, [...ACTIVE_STATES])));
  assert.deepEqual(
    live.map((k) => k.id),
    [kernelId],
    'no second kernel was started for the notebook',
  );

  assert.deepEqual(errors, []);
  await context.close();
});
