/**
 * The web's edge against the real platform: writes from other sites are refused even with the
 * user's session cookie, bodies must be JSON, a sign-in callback never leads off-site (in
 * Chromium, before and after signing in), control characters are a 400 naming the field, the
 * notebook size limit is a 413 that says it (and a notebook just under it is stored), and API
 * responses and pages carry their security headers.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { MAX_NOTEBOOK_BYTES } from '../../lib/notebooks/notebook-size-limit';
import { signInPage } from '../helpers/notebook-pages';
import { startTestPlatform, type TTestPlatform } from '../helpers/test-platform';
import { signIn, webFetch, webOk, type TWebSession } from '../helpers/web-session';

const ADMIN = { email: 'admin@edge.test', password: 'edge-admin-password' };
const EVIL = 'http://evil.example';

let t: TTestPlatform;
let web: string;
let admin: TWebSession;
let projectId: string;

before(async () => {
  t = await startTestPlatform({ admin: ADMIN, dataDirPrefix: 'lattice-e2e-web-edge-', browser: true });
  web = t.platform.webUrl;
  admin = await signIn(web, ADMIN);
  projectId = (await webOk(web, admin.cookies, 'POST', '/api/projects', { name: 'Edge' })).id;
});

after(async () => {
  await t?.close();
});

async function userEmails(): Promise<string[]> {
  const body = await webOk(web, admin.cookies, 'GET', '/api/users');
  return (body.items as Array<{ email: string }>).map((u: { email: string }) => u.email);
}

test('a cross-site POST with the admin’s session cookie is refused; the same POST from Lattice works', async () => {
  const user = { email: 'mallory@edge.test', name: 'Mallory', role: 'admin' };
  const fromEvil = await webFetch(web, admin.cookies, '/api/users', { method: 'POST', json: user, headers: { origin: EVIL } });
  assert.equal(fromEvil.status, 403);
  assert.equal(fromEvil.body.code, 'CROSS_SITE');
  assert.match(fromEvil.body.message, /evil\.example/);
  const fetchMetadataOnly = await webFetch(web, admin.cookies, '/api/users', { method: 'POST', json: user, headers: { 'sec-fetch-site': 'cross-site' } });
  assert.equal(fetchMetadataOnly.status, 403);
  assert.equal(fetchMetadataOnly.body.code, 'CROSS_SITE');
  const project = await webFetch(web, admin.cookies, `/api/projects/${projectId}`, { method: 'DELETE', headers: { origin: EVIL } });
  assert.equal(project.status, 403);
  assert.ok(!(await userEmails()).includes(user.email), 'no admin was created');

  const fromLattice = await webFetch(web, admin.cookies, '/api/users', { method: 'POST', json: user, headers: { origin: web, 'sec-fetch-site': 'same-origin' } });
  assert.equal(fromLattice.status, 201, JSON.stringify(fromLattice.body));
  assert.ok((await userEmails()).includes(user.email));
});

test('a text/plain body (what a cross-site form can send) is refused with 415', async () => {
  const res = await fetch(`${web}/api/projects`, {
    method: 'POST',
    headers: { cookie: [...admin.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'content-type': 'text/plain' },
    body: JSON.stringify({ name: 'Smuggled' }),
  });
  assert.equal(res.status, 415);
  const body = await res.json();
  assert.equal(body.code, 'UNSUPPORTED_MEDIA_TYPE');
  assert.match(body.message, /application\/json/);
});

test('the sign-in callback stays on Lattice: redirects, and Chromium before and after signing in', async () => {
  for (const callback of ['/%09/evil.example', '%2F%5Cevil.example', '%0A', 'https%3A%2F%2Fevil.example%2F']) {
    const res = await webFetch(web, admin.cookies, `/signin?callbackUrl=${callback}`);
    assert.equal(res.status, 307, callback);
    assert.equal(res.headers.get('location'), '/projects', callback);
  }
  const kept = await webFetch(web, admin.cookies, `/signin?callbackUrl=${encodeURIComponent(`/projects/${projectId}`)}`);
  assert.equal(kept.headers.get('location'), `/projects/${projectId}`);

  const context = await t.browser!.newContext();
  try {
    const page = await context.newPage();
    await page.goto(`${web}/signin?callbackUrl=/%09/evil.example`);
    await page.fill('input[name=email]', ADMIN.email);
    await page.fill('input[name=password]', ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/projects$/, { timeout: 60_000 });
    assert.equal(new URL(page.url()).origin, web);

    await page.goto(`${web}/signin?callbackUrl=/%09/evil.example`);
    await page.waitForURL(/\/projects$/, { timeout: 60_000 });
    assert.equal(new URL(page.url()).origin, web);
  } finally {
    await context.close();
  }
  // The helper every other browser test uses still lands where it expects.
  const context2 = await t.browser!.newContext();
  try {
    await signInPage(await context2.newPage(), web, ADMIN);
  } finally {
    await context2.close();
  }
});

test('control characters are a 400 that names the field', async () => {
  const nulName = await webFetch(web, admin.cookies, '/api/projects', { method: 'POST', json: { name: 'bad\u0000name' } });
  assert.equal(nulName.status, 400);
  assert.equal(nulName.body.code, 'BAD_REQUEST');
  assert.ok(nulName.body.fields?.name, JSON.stringify(nulName.body));

  const nulDescription = await webFetch(web, admin.cookies, '/api/projects', { method: 'POST', json: { name: 'Fine', description: 'a\u0000b' } });
  assert.equal(nulDescription.status, 400);
  assert.ok(nulDescription.body.fields?.description, JSON.stringify(nulDescription.body));
  const multiLine = await webFetch(web, admin.cookies, '/api/projects', { method: 'POST', json: { name: 'Two lines', description: 'one\ntwo' } });
  assert.equal(multiLine.status, 201, 'descriptions may have line breaks');

  const nulNotebook = await webFetch(web, admin.cookies, `/api/projects/${projectId}/notebooks`, { method: 'POST', json: { name: 'nb\u0000' } });
  assert.equal(nulNotebook.status, 400);
  assert.ok(nulNotebook.body.fields?.name, JSON.stringify(nulNotebook.body));

  const notebook = await webOk(web, admin.cookies, 'POST', `/api/projects/${projectId}/notebooks`, { name: 'nul-content' });
  const content = { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ id: 'a1', cell_type: 'markdown', metadata: {}, source: 'x\u0000y' }] };
  const saved = await webFetch(web, admin.cookies, `/api/projects/${projectId}/notebooks/${notebook.id}`, { method: 'PUT', json: { content, baseVersion: notebook.version } });
  assert.equal(saved.status, 400, JSON.stringify(saved.body));
  assert.equal(saved.body.code, 'BAD_REQUEST');
  assert.match(saved.body.fields?.content ?? '', /cells\.0\.source/);
});

test('a notebook over the size limit is a 413 saying the limit; one just under it is saved', async () => {
  const notebook = await webOk(web, admin.cookies, 'POST', `/api/projects/${projectId}/notebooks`, { name: 'big' });
  const path = `/api/projects/${projectId}/notebooks/${notebook.id}`;
  const bodyOf = (bytes: number) => {
    const shell = JSON.stringify({ content: { nbformat: 4, nbformat_minor: 5, metadata: { pad: '' }, cells: [] }, baseVersion: notebook.version });
    return shell.replace('"pad":""', `"pad":"${'x'.repeat(bytes - shell.length)}"`);
  };
  const put = (body: string) =>
    fetch(`${web}${path}`, {
      method: 'PUT',
      headers: { cookie: [...admin.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'content-type': 'application/json' },
      body,
    });

  const over = await put(bodyOf(MAX_NOTEBOOK_BYTES + 1));
  assert.equal(over.status, 413);
  const refusal = await over.json();
  assert.equal(refusal.code, 'PAYLOAD_TOO_LARGE');
  assert.match(refusal.message, /the limit for a notebook is 20\.0 MB/);

  const under = await put(bodyOf(MAX_NOTEBOOK_BYTES - 1024));
  assert.equal(under.status, 200, await under.clone().text().then((s) => s.slice(0, 300)));
  assert.equal((await under.json()).version, notebook.version + 1);
});

test('API responses carry nosniff; pages keep their policy and headers', async () => {
  for (const res of [
    await webFetch(web, admin.cookies, '/api/me'),
    await webFetch(web, null, '/api/me'),
    await webFetch(web, admin.cookies, '/api/users', { method: 'POST', json: {}, headers: { origin: EVIL } }),
  ]) {
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  }
  const page = await webFetch(web, admin.cookies, '/projects');
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
  assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(page.headers.get('referrer-policy'), 'strict-origin-when-cross-origin');
});
