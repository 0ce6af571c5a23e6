/**
 * Conformance: stock JupyterLab (4.6, jupyter_server 2.21, from tests/peers/jupyterlab.txt)
 * started with `--gateway-url` runs its kernels on Lattice, and a person using it in
 * Chromium can do the everyday things: a new notebook with the default kernel, run a cell,
 * answer input(), interrupt, restart (without a false "kernel appears to have died" dialog)
 * and shut the kernel down. JupyterLab must work offline: every request the page makes
 * goes to its own server.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createProject, createUserWithToken, gatewayFetch, startTestGateway, type TTestGateway } from '../helpers/gateway';
import { createEnvironment, kernelRow, until } from '../helpers/kernels';
import { createTestDatabase, type TTestDatabase } from '../helpers/postgres';
import { startJupyterLab, type TJupyterLab } from './jupyterlab-server';
import { acceptDialog, dialog, dialogsSeen, kernelIn, kernelStatus, menu, noOpenDialog, openLab, outputWith, recordDialogs, runInLastCell, UI_TIMEOUT_MS } from './jupyterlab-page';

let t: TTestDatabase;
let gw: TTestGateway;
let token: string;
let lab: TJupyterLab;
let browser: Browser;
let page: Page;
let shotsDir: string;
let shotsTaken = 0;
/** Lattice's id of the notebook's kernel (the same id JupyterLab uses). */
let kernelId: string;
const requested: string[] = [];
const failedRequests: string[] = [];
const pageErrors: string[] = [];

before(async () => {
  t = await createTestDatabase();
  gw = await startTestGateway({ db: t.db });
  const created = await createUserWithToken(t.db);
  token = created.token;
  // A user as Lattice has them: member of a team project with its own template. JupyterLab
  // preselects the first kernelspec by display name ("analytics" before "Python 3"), and its
  // launch goes to the user's personal project (no KERNEL_PROJECT), so Lattice must list only
  // what can start there.
  const team = await createProject(t.db, { ownerId: created.user.id });
  await createEnvironment(t.db, { slug: 'analytics', name: 'analytics', projectId: team.id });
  lab = await startJupyterLab({ gatewayUrl: gw.url, gatewayToken: token });
  shotsDir = await mkdtemp(path.join(tmpdir(), 'lattice-jlab-shots-'));
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  // Clicks wait for their element as long as the explicit waits do (a loaded 2-core machine).
  page.setDefaultTimeout(UI_TIMEOUT_MS);
  page.on('request', (r) => requested.push(r.url()));
  page.on('requestfailed', (r) => failedRequests.push(`${r.method()} ${r.url()}: ${r.failure()?.errorText}`));
  page.on('response', (r) => {
    if (r.status() >= 400) failedRequests.push(`${r.request().method()} ${r.url()}: HTTP ${r.status()}`);
  });
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(m.text());
  });
  await recordDialogs(page);
}, { timeout: 240_000 });

after(async () => {
  await browser?.close();
  await lab?.close();
  // Stops whatever kernel a failed step left running on Lattice.
  await gw?.close();
  await t?.drop();
  if (shotsDir && shotsTaken === 0) await rm(shotsDir, { recursive: true, force: true });
});

/** Runs a step in the page; on failure saves a screenshot and adds what JupyterLab said. */
async function inLab(name: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (err) {
    const file = path.join(shotsDir, `${name}.png`);
    const saved = await page.screenshot({ path: file, fullPage: true }).then(() => true, () => false);
    if (saved) {
      shotsTaken++;
      console.log(`screenshot of the failed step: ${file}`);
    }
    const detail = [
      `dialogs shown: ${JSON.stringify(await dialogsSeen(page).catch(() => []))}`,
      `failed requests: ${JSON.stringify(failedRequests)}`,
      `console errors: ${JSON.stringify(pageErrors.slice(-10))}`,
      `--- jupyter lab ---\n${lab.log().slice(-4000)}`,
    ].join('\n');
    throw Object.assign(err as Error, { message: `${(err as Error).message}\n${detail}` });
  }
}

/** Later steps need the notebook's kernel; without it they would each wait out their timeouts. */
function needKernel(): void {
  assert.ok(kernelId, 'no notebook kernel: File → New → Notebook failed (see above)');
}

async function latticeKernelIds(): Promise<string[]> {
  const res = await gatewayFetch(gw, '/api/kernels', { token });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.map((k: { id: string }) => k.id);
}

test('File → New → Notebook starts the preselected kernel, the default, on Lattice', { timeout: 240_000 }, async () => {
  let preselected = '(none: JupyterLab did not ask)';
  await inLab('new-notebook', async () => {
    await openLab(page, lab);
    await menu(page, ['File', 'New'], 'notebook:create-new');
    const idle = kernelIn(page, 'idle');
    const choose = page.locator('.jp-Dialog').filter({ has: page.locator('.jp-Dialog-header', { hasText: 'Select Kernel' }) });
    // JupyterLab 4.6 asks which kernel (a setting makes it start its preferred one at once);
    // a person accepts what it preselects.
    await choose.or(idle).first().waitFor({ timeout: UI_TIMEOUT_MS });
    if (await choose.count()) {
      preselected = (JSON.parse(await choose.locator('select').inputValue()) as { name: string }).name;
      await acceptDialog(choose);
    }
    // Either the kernel comes up or JupyterLab says why it did not ("Error Starting Kernel").
    const error = page.locator('.jp-Dialog');
    await idle.or(error).first().waitFor({ timeout: UI_TIMEOUT_MS });
    if (await error.count()) assert.fail(`JupyterLab could not start the preselected kernelspec ${preselected}: ${await error.innerText()}`);
  });
  const running = await gatewayFetch(gw, '/api/kernels', { token });
  assert.equal(running.body.length, 1, JSON.stringify(running.body));
  const [kernel] = running.body as Array<{ id: string; name: string }>;
  kernelId = kernel.id;
  const specs = await gatewayFetch(gw, '/api/kernelspecs', { token });
  assert.ok(
    ['default', specs.body.default].includes(kernel.name),
    `JupyterLab started ${kernel.name} (preselected: ${preselected}); Lattice lists ${Object.keys(specs.body.kernelspecs)}, default ${specs.body.default}`,
  );
  // jupyter_server knows the kernel by Lattice's id: it is Lattice's kernel, not a local one.
  const viaLab = await fetch(`${lab.url}/api/kernels`, { headers: { authorization: `token ${lab.token}` } }).then((r) => r.json());
  assert.deepEqual(viaLab.map((k: { id: string }) => k.id), [kernelId]);
});

test('a cell runs and shows its output', { timeout: 120_000 }, async () => {
  needKernel();
  await inLab('run-cell', async () => {
    const out = await runInLastCell(page, 'print(6*7)');
    assert.equal((await outputWith(out, '42')).trim(), '42');
  });
});

test('input() takes what is typed in the stdin box', { timeout: 120_000 }, async () => {
  needKernel();
  await inLab('input', async () => {
    const asked = await runInLastCell(page, "name = input('who? ')");
    const stdin = asked.locator('.jp-Stdin-input');
    await stdin.waitFor({ timeout: UI_TIMEOUT_MS });
    assert.match(await asked.innerText(), /who\?/);
    await stdin.fill('lattice');
    await stdin.press('Enter');
    await kernelStatus(page, 'idle');
    const out = await runInLastCell(page, 'print(name)');
    assert.equal((await outputWith(out, 'lattice')).trim(), 'lattice');
  });
});

test('the interrupt button stops a running cell with KeyboardInterrupt', { timeout: 120_000 }, async () => {
  needKernel();
  await inLab('interrupt', async () => {
    const out = await runInLastCell(page, 'import time; time.sleep(60)');
    await kernelStatus(page, 'busy');
    await page.locator('.jp-NotebookPanel-toolbar jp-button[data-command="notebook:interrupt-kernel"]').click();
    // The sleep would end after 60 s without an error: KeyboardInterrupt can only come from the interrupt.
    assert.match(await outputWith(out, 'KeyboardInterrupt'), /KeyboardInterrupt/);
    await kernelStatus(page, 'idle');
  });
});

/** JupyterLab shows "Kernel Restarting: … appears to have died" when it sees `status: restarting` on iopub. */
async function noDeathDialog(): Promise<void> {
  const dialogs = await dialogsSeen(page);
  // The restart's confirmation was recorded, so the recorder sees dialogs and an absence means something.
  assert.ok(dialogs.some((d) => d.startsWith('Restart Kernel?')), JSON.stringify(dialogs));
  const deaths = dialogs.filter((d) => /Kernel Restarting|appears to have died/i.test(d));
  assert.deepEqual(deaths, [], 'JupyterLab took the restart for a kernel death');
  await noOpenDialog(page);
}

test('Kernel → Restart Kernel… clears the variables and shows no "kernel died" dialog', { timeout: 180_000 }, async () => {
  needKernel();
  await inLab('restart', async () => {
    await menu(page, ['Kernel'], 'kernelmenu:restart');
    // jupyter_server answers the restart once Lattice has restarted the kernel; only then is
    // the indicator's idle the new kernel's.
    const restarted = page.waitForResponse((r) => /\/api\/kernels\/[^/]+\/restart$/.test(new URL(r.url()).pathname) && r.request().method() === 'POST');
    await acceptDialog(await dialog(page, /Restart Kernel/));
    assert.equal((await restarted).status(), 200);
    await kernelStatus(page, 'idle');
    await noDeathDialog();
    // Runs after the restart on the same iopub stream, so any status the restart published has arrived.
    const out = await runInLastCell(page, 'print(name)');
    assert.match(await outputWith(out, 'NameError'), /name 'name' is not defined/);
    await noDeathDialog();
  });
  assert.deepEqual(await latticeKernelIds(), [kernelId], 'a restart keeps the kernel id');
});

test('Kernel → Shut Down Kernel removes the kernel from Lattice', { timeout: 120_000 }, async () => {
  needKernel();
  await inLab('shutdown', async () => {
    // JupyterLab 4.6 shuts the kernel down at once, without asking.
    await menu(page, ['Kernel'], 'kernelmenu:shutdown');
    await page.locator('.jp-NotebookPanel-toolbar .jp-Toolbar-kernelName', { hasText: 'No Kernel' }).waitFor({ timeout: UI_TIMEOUT_MS });
  });
  await until('the kernel to leave GET /api/kernels on Lattice', async () => !(await latticeKernelIds()).includes(kernelId), UI_TIMEOUT_MS);
  // A shutdown the user asked for, not a kill or a crash.
  const row = await kernelRow(t.db, kernelId);
  assert.deepEqual({ state: row.state, reason: row.reason }, { state: 'stopped', reason: 'user-request' });
});

test('JupyterLab loaded everything from its own server (no CDN; this machine is offline)', () => {
  assert.ok(requested.length > 0, 'the page made no request at all');
  const elsewhere = requested.filter((u) => !u.startsWith(`${lab.url}/`) && !/^(data|blob):/.test(u));
  assert.deepEqual(elsewhere, []);
  const assets = failedRequests.filter((f) => f.includes('/static/'));
  assert.deepEqual(assets, [], 'every static asset was served');
});
