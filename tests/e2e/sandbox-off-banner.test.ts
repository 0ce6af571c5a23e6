/**
 * `LATTICE_LOCAL_SANDBOX=off` in the shell that starts the platform reaches the web as well as
 * the gateway, and every signed-in page then says that kernels are not isolated; with the
 * variable unset (the default, sandboxed) no page says so.
 */
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { startTestPlatform, type TTestPlatform } from '../helpers/test-platform';
import { signIn, webFetch } from '../helpers/web-session';

const ADMIN = { email: 'admin@banner.test', password: 'banner-admin-password' };
const BANNER = 'Kernels are not isolated: LATTICE_LOCAL_SANDBOX=off';
const PAGES = ['/projects', '/profile', '/admin/environments'];

let running: TTestPlatform | undefined;
const saved = process.env.LATTICE_LOCAL_SANDBOX;

afterEach(async () => {
  await running?.close();
  running = undefined;
  if (saved === undefined) delete process.env.LATTICE_LOCAL_SANDBOX;
  else process.env.LATTICE_LOCAL_SANDBOX = saved;
});

async function signedInPages(): Promise<{ path: string; status: number; html: string }[]> {
  const { webUrl } = running!.platform;
  const session = await signIn(webUrl, ADMIN);
  return Promise.all(
    PAGES.map(async (path) => {
      const res = await webFetch(webUrl, session.cookies, path);
      return { path, status: res.status, html: String(res.body) };
    }),
  );
}

test('with LATTICE_LOCAL_SANDBOX=off every signed-in page shows the banner', async () => {
  process.env.LATTICE_LOCAL_SANDBOX = 'off';
  running = await startTestPlatform({ admin: ADMIN, dataDirPrefix: 'lattice-e2e-banner-off-' });
  for (const page of await signedInPages()) {
    assert.equal(page.status, 200, page.path);
    assert.ok(page.html.includes(BANNER), `${page.path} shows the banner`);
  }
});

test('by default (sandboxed) no signed-in page shows the banner', async () => {
  delete process.env.LATTICE_LOCAL_SANDBOX;
  running = await startTestPlatform({ admin: ADMIN, dataDirPrefix: 'lattice-e2e-banner-on-' });
  for (const page of await signedInPages()) {
    assert.equal(page.status, 200, page.path);
    assert.ok(!page.html.includes('not isolated'), `${page.path} has no banner`);
  }
});
