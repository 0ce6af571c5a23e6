/**
 * Sign-in sessions and accounts end to end, in Chromium against the real web and gateway:
 * signing out kills the cookie and the browser's gateway token; changing a password ends the
 * other sessions; admin-set passwords must be replaced first; an admin resets, revokes and
 * deletes accounts from the users page, and a deleted user's history still names them.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { hashPassword } from '../../db/passwords';
import { users } from '../../db/schema';
import { createToken, gatewayFetch } from '../helpers/gateway';
import { signInPage } from '../helpers/notebook-pages';
import { startTestPlatform, type TTestPlatform } from '../helpers/test-platform';
import { signIn, webFetch, webOk, type TCookieJar } from '../helpers/web-session';

const ADMIN = { email: 'admin@sessions.test', password: 'sessions-admin-password' };

let running: TTestPlatform;
let admin: TCookieJar;
const web = () => running.platform.webUrl;
const gateway = () => ({ url: running.platform.gatewayUrl });

before(async () => {
  running = await startTestPlatform({ admin: ADMIN, dataDirPrefix: 'lattice-e2e-sessions-', browser: true });
  admin = (await signIn(web(), ADMIN)).cookies;
});
after(() => running?.close());

/** A member who chose their own password (no forced change), straight in the database. */
async function member(label: string): Promise<{ id: string; email: string; name: string; password: string }> {
  const email = `${label.toLowerCase()}@sessions.test`;
  const password = `${label}-own-password`;
  const name = `${label} Tester`;
  const [row] = await running.db.db.insert(users).values({ email, name, passwordHash: await hashPassword(password) }).returning();
  return { id: row.id, email, name, password };
}

async function browserAs(user: { email: string; password: string }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await running.browser!.newContext();
  const page = await context.newPage();
  await signInPage(page, web(), user);
  return { context, page };
}

/** The browser's cookies as a jar for plain HTTP requests (a copy someone could have stolen). */
async function copyCookies(context: BrowserContext): Promise<TCookieJar> {
  return new Map((await context.cookies()).map((c) => [c.name, c.value]));
}

const me = (jar: TCookieJar) => webFetch(web(), jar, '/api/me', { keepCookies: false });

test('signing out kills the copied cookie and the gateway token minted before', { timeout: 300_000 }, async () => {
  const { context, page } = await browserAs(ADMIN);
  const copied = await copyCookies(context);
  const minted = await page.request.get(`${web()}/api/gateway-token`);
  assert.equal(minted.status(), 200);
  const { token } = (await minted.json()) as { token: string };
  assert.equal((await gatewayFetch(gateway(), '/api/kernels', { token })).status, 200);
  assert.equal((await me(copied)).status, 200);

  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/\/signin/);

  const after = await me(copied);
  assert.equal(after.status, 401, JSON.stringify(after.body));
  assert.equal((await gatewayFetch(gateway(), '/api/kernels', { token })).status, 401);
  await context.close();
});

test('changing my password: a wrong current one is refused; the right one ends other sessions, keeps this one', { timeout: 300_000 }, async () => {
  const pat = await member('Pat');
  const elsewhere = (await signIn(web(), pat)).cookies;
  const { context, page } = await browserAs(pat);
  await page.goto(`${web()}/profile`);
  await page.getByLabel('Current password').fill('not-my-password');
  await page.getByLabel('New password', { exact: true }).fill('pat-new-password');
  await page.getByLabel('Repeat the new password').fill('pat-new-password');
  await page.getByRole('button', { name: 'Change password' }).click();
  await page.getByText('Your current password is not right.').waitFor();
  assert.equal((await me(elsewhere)).status, 200, 'a refused change ends nothing');

  await page.getByLabel('Current password').fill(pat.password);
  await page.getByLabel('New password', { exact: true }).fill('pat-new-password');
  await page.getByLabel('Repeat the new password').fill('pat-new-password');
  await page.getByRole('button', { name: 'Change password' }).click();
  await page.getByText('Password changed.').waitFor();

  assert.equal((await me(elsewhere)).status, 401, 'the other session ended');
  assert.equal((await page.request.get(`${web()}/api/me`)).status(), 200, 'this session stays');
  await page.goto(`${web()}/projects`);
  await page.waitForURL(/\/projects$/);
  await assert.rejects(signIn(web(), pat), /sign-in as .* failed/);
  assert.equal((await me((await signIn(web(), { email: pat.email, password: 'pat-new-password' })).cookies)).status, 200);
  await context.close();
});

test('a user an admin created must choose a new password before anything else', { timeout: 300_000 }, async () => {
  const quinn = { email: 'quinn@sessions.test', name: 'Quinn Tester', password: 'typed-by-the-admin' };
  await webOk(web(), admin, 'POST', '/api/users', quinn);

  const api = (await signIn(web(), quinn)).cookies;
  const who = await me(api);
  assert.equal(who.status, 200);
  assert.equal(who.body.mustChangePassword, true);
  for (const path of ['/api/projects', '/api/gateway-token', '/api/tokens']) {
    const refused = await webFetch(web(), api, path, { keepCookies: false });
    assert.equal(refused.status, 403, path);
    assert.equal(refused.body.code, 'PASSWORD_CHANGE_REQUIRED', path);
    assert.match(refused.body.message, /Choose a new password/);
  }

  const context = await running.browser!.newContext();
  const page = await context.newPage();
  await page.goto(`${web()}/signin`);
  await page.fill('input[name=email]', quinn.email);
  await page.fill('input[name=password]', quinn.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/choose-password$/);
  await page.goto(`${web()}/profile`);
  await page.waitForURL(/\/choose-password$/);
  await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
  await page.getByLabel('Current password').fill(quinn.password);
  await page.getByLabel('New password', { exact: true }).fill('quinn-chose-this');
  await page.getByLabel('Repeat the new password').fill('quinn-chose-this');
  await page.getByRole('button', { name: 'Change password' }).click();
  await page.waitForURL(/\/projects$/);
  assert.equal((await page.request.get(`${web()}/api/projects`)).status(), 200);
  assert.equal((await page.request.get(`${web()}/api/gateway-token`)).status(), 200);
  await context.close();
});

/** The admin users page, on `user`'s row: clicks `action` and confirms it in the dialog. */
async function adminAction(page: Page, user: { email: string }, action: string, confirm: string): Promise<void> {
  await page.goto(`${web()}/admin/users`);
  await page.getByRole('row', { name: new RegExp(user.email) }).getByRole('button', { name: action }).click();
  await page.getByRole('dialog').getByRole('button', { name: confirm }).click();
}

test('an admin resets a password: shown once, old sessions end, the new one must be replaced', { timeout: 300_000 }, async () => {
  const rae = await member('Rae');
  const old = (await signIn(web(), rae)).cookies;
  const { context, page } = await browserAs(ADMIN);
  await adminAction(page, rae, 'Reset password', 'Reset password');
  const secret = page.getByRole('dialog', { name: /New password for Rae Tester/ }).getByTestId('secret');
  const password = (await secret.textContent())!.trim();
  assert.ok(password.length >= 12);
  await page.getByRole('button', { name: 'Done' }).click();
  await page.reload();
  assert.equal(await page.getByText(password).count(), 0, 'the password is not shown again');

  assert.equal((await me(old)).status, 401);
  await assert.rejects(signIn(web(), rae), /failed/);
  const fresh = (await signIn(web(), { email: rae.email, password })).cookies;
  assert.equal((await me(fresh)).body.mustChangePassword, true);
  assert.equal((await webFetch(web(), fresh, '/api/projects')).body.code, 'PASSWORD_CHANGE_REQUIRED');
  await context.close();
});

test('an admin revokes sessions and tokens: the cookie and the personal token die', { timeout: 300_000 }, async () => {
  const sam = await member('Sam');
  const cookie = (await signIn(web(), sam)).cookies;
  const token = await createToken(running.db.db, sam.id);
  assert.equal((await gatewayFetch(gateway(), '/api/kernels', { token })).status, 200);
  const { context, page } = await browserAs(ADMIN);
  await adminAction(page, sam, 'Revoke sessions', 'Revoke');
  await page.getByRole('dialog').waitFor({ state: 'hidden' });

  assert.equal((await me(cookie)).status, 401);
  assert.equal((await gatewayFetch(gateway(), '/api/kernels', { token })).status, 401);
  // The account itself still works.
  assert.equal((await me((await signIn(web(), sam)).cookies)).status, 200);
  await context.close();
});

test('a notebook open when its sign-in is revoked: its kernel websocket closes and the page goes to sign in', { timeout: 300_000 }, async () => {
  const nora = await member('Nora');
  const { context, page } = await browserAs(nora);
  const project = (await (await page.request.post(`${web()}/api/projects`, { data: { name: 'Nora notes' } })).json()) as { id: string };
  const api = `${web()}/api/projects/${project.id}/notebooks`;
  const created = (await (await page.request.post(api, { data: { name: 'Open' } })).json()) as { id: string; version: number };
  const content = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } },
    cells: [{ id: 'c0000001', cell_type: 'code', metadata: {}, source: 'print(6 * 7)', outputs: [], execution_count: null }],
  };
  assert.equal((await page.request.put(`${api}/${created.id}`, { data: { content, baseVersion: created.version } })).status(), 200);
  const kernelSockets: { closed: boolean; closedOnNotebook: boolean }[] = [];
  page.on('websocket', (ws) => {
    if (!ws.url().includes('/channels')) return;
    const seen = { closed: false, closedOnNotebook: false };
    kernelSockets.push(seen);
    ws.on('close', () => {
      seen.closed = true;
      seen.closedOnNotebook = page.url().includes('/notebooks/');
    });
  });
  await page.goto(`${web()}/projects/${project.id}/notebooks/${created.id}`);
  await page.locator('[data-testid=cell] [data-testid=cell-prompt]').first().click();
  await page.keyboard.press('Shift+Enter');
  await page.getByText('42', { exact: true }).waitFor({ timeout: 120_000 });
  assert.equal(kernelSockets.filter((w) => !w.closed).length, 1, 'one open kernel websocket');

  await webOk(web(), admin, 'POST', `/api/users/${nora.id}/revoke-access`);
  await page.waitForURL(/\/signin/, { timeout: 60_000 });
  // Closed by the gateway while the notebook was still shown, not by the page going away.
  assert.ok(kernelSockets.length > 0 && kernelSockets.every((w) => w.closed && w.closedOnNotebook), JSON.stringify(kernelSockets));
  await context.close();
});

test('an admin deletes a user: no sign-in, email reusable, sole-owned project handed over, history names them as deleted', { timeout: 600_000 }, async () => {
  const zed = await member('Zed');
  const cookie = (await signIn(web(), zed)).cookies;
  const project = await webOk(web(), cookie, 'POST', '/api/projects', { name: 'Zed research' });
  const token = await createToken(running.db.db, zed.id);
  const started = await gatewayFetch(gateway(), '/api/kernels', { method: 'POST', token, body: { name: 'python3', env: { KERNEL_PROJECT: project.id } } });
  assert.equal(started.status, 201, JSON.stringify(started.body));
  // Running long enough to be metered: that is the history that must still name Zed.
  for (let i = 0; i < 120 && (await gatewayFetch(gateway(), `/api/kernels/${started.body.id}`, { token })).body.execution_state !== 'idle'; i++) {
    await new Promise((r) => setTimeout(r, 500));
  }
  assert.equal((await gatewayFetch(gateway(), `/api/kernels/${started.body.id}`, { method: 'DELETE', token })).status, 204);

  const { context, page } = await browserAs(ADMIN);
  await adminAction(page, zed, 'Delete', 'Delete user');
  await page.getByRole('row', { name: new RegExp(zed.email) }).waitFor({ state: 'detached' });

  assert.equal((await me(cookie)).status, 401);
  await assert.rejects(signIn(web(), zed), /failed/);
  assert.equal((await gatewayFetch(gateway(), '/api/kernels', { token })).status, 401);
  const listed = await webOk(web(), admin, 'GET', '/api/users');
  assert.ok(!JSON.stringify(listed).includes(zed.id), 'gone from the users list');

  const members = await webOk(web(), admin, 'GET', `/api/projects/${project.id}/members`);
  assert.deepEqual(JSON.parse(JSON.stringify(members)).map((m: { email: string; role: string }) => [m.email, m.role]), [[ADMIN.email, 'owner']]);
  const dashboard = await webOk(web(), admin, 'GET', `/api/projects/${project.id}/dashboard`);
  assert.deepEqual(dashboard.daily.users.map((u: { name: string }) => u.name), ['Zed Tester (deleted)']);

  await webOk(web(), admin, 'POST', '/api/users', { email: zed.email, name: 'Zed Again', password: 'zed-new-account' });
  await context.close();
});
