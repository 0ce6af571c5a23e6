/**
 * Project files through the real web: a 200 MB upload streams through Next (middleware would
 * buffer and cut it at 20 MiB) and comes back byte for byte; the storage limit refuses an
 * upload while it streams and keeps nothing of it; downloads are attachments that never render;
 * viewers read but cannot write; bad paths and cross-site uploads are refused.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import { startTestPlatform, type TTestPlatform } from '../helpers/test-platform';
import { createAccount, signIn, webFetch, webOk, type TWebSession } from '../helpers/web-session';

const ADMIN = { email: 'admin@files.test', password: 'files-admin-password' };
const MIB = 1024 * 1024;
const LIMIT = 300 * MIB;

let t: TTestPlatform;
let web: string;
let admin: TWebSession;
let viewer: TWebSession;
let projectId: string;

before(async () => {
  // The web inherits this (scripts/platform.ts passes the environment on): room for one 200 MB file, not two.
  process.env.LATTICE_PROJECT_STORAGE_BYTES = String(LIMIT);
  t = await startTestPlatform({ admin: ADMIN, dataDirPrefix: 'lattice-e2e-files-' });
  web = t.platform.webUrl;
  admin = await signIn(web, ADMIN);
  projectId = (await webOk(web, admin.cookies, 'POST', '/api/projects', { name: 'Files' })).id;
  viewer = await createAccount(web, admin.cookies, { email: 'viewer@files.test', name: 'Viewer', password: 'files-viewer-password' });
  await webOk(web, admin.cookies, 'POST', `/api/projects/${projectId}/members`, { email: 'viewer@files.test', role: 'viewer' });
});

after(async () => {
  await t?.close();
});

const cookie = (s: TWebSession) => [...s.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
const url = (what: string, path: string) => `${web}/api/projects/${projectId}/files${what}?path=${encodeURIComponent(path)}`;

/** `total` bytes of a repeating but position-dependent pattern, generated as sent (never held whole), with their SHA-256. */
function generated(total: number): { body: ReadableStream<Uint8Array>; sha256: Promise<string> } {
  const hash = createHash('sha256');
  let sent = 0;
  let done!: (hex: string) => void;
  const sha256 = new Promise<string>((resolve) => (done = resolve));
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= total) {
        done(hash.digest('hex'));
        controller.close();
        return;
      }
      const chunk = new Uint8Array(Math.min(MIB, total - sent));
      for (let i = 0; i < chunk.length; i += 4096) chunk[i] = (sent / MIB + i) & 0xff;
      hash.update(chunk);
      sent += chunk.length;
      controller.enqueue(chunk);
    },
  });
  return { body, sha256 };
}

async function upload(path: string, total: number, as = admin) {
  const { body, sha256 } = generated(total);
  const res = await fetch(url('/upload', path), { method: 'PUT', headers: { cookie: cookie(as), 'content-type': 'application/octet-stream' }, body, duplex: 'half' } as RequestInit);
  return { status: res.status, body: await res.json(), sha256 };
}

test('a 200 MB upload streams through the web and downloads intact, as an attachment', async () => {
  await webOk(web, admin.cookies, 'POST', `/api/projects/${projectId}/files/folders`, { path: 'data' });
  const up = await upload('data/big.bin', 200 * MIB);
  assert.equal(up.status, 201, JSON.stringify(up.body));
  assert.equal(up.body.size, 200 * MIB);

  const res = await fetch(url('/download', 'data/big.bin'), { headers: { cookie: cookie(viewer) } });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-disposition') ?? '', /^attachment; filename="big\.bin"/);
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(res.headers.get('content-type'), 'application/octet-stream');
  const hash = createHash('sha256');
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) hash.update(chunk);
  assert.equal(hash.digest('hex'), await up.sha256, 'the downloaded bytes are the uploaded bytes');

  const listing = await webOk(web, viewer.cookies, 'GET', `/api/projects/${projectId}/files?path=data`);
  assert.deepEqual(listing.entries.map((e: { name: string; size: number }) => [e.name, e.size]), [['big.bin', 200 * MIB]]);
  assert.equal(listing.usedBytes, 200 * MIB);
  assert.equal(listing.limitBytes, LIMIT);
});

test('an upload past the storage limit is a 413 that says the use and limit, and nothing of it is kept', async () => {
  const up = await upload('data/second.bin', 200 * MIB);
  assert.equal(up.status, 413, JSON.stringify(up.body));
  assert.equal(up.body.code, 'STORAGE_QUOTA_EXCEEDED');
  assert.match(up.body.message, /200\.0 MB of 300\.0 MB used/);
  // A client that announces its size (a browser does) is refused on the announcement.
  const announced = await fetch(url('/upload', 'data/third.bin'), { method: 'PUT', headers: { cookie: cookie(admin) }, body: new Uint8Array(100 * MIB + 1) });
  assert.equal(announced.status, 413);
  assert.match((await announced.json()).message, /200\.0 MB of 300\.0 MB used/);
  const listing = await webOk(web, admin.cookies, 'GET', `/api/projects/${projectId}/files?path=data`);
  assert.deepEqual(listing.entries.map((e: { name: string }) => e.name), ['big.bin'], 'no partial file is listed');
  assert.equal(listing.usedBytes, 200 * MIB, 'no partial file takes space');
});

test('a viewer reads but cannot upload, rename or delete', async () => {
  const up = await upload('viewer.csv', 10, viewer);
  assert.equal(up.status, 403);
  const move = await webFetch(web, viewer.cookies, `/api/projects/${projectId}/files`, { method: 'PATCH', json: { from: 'data/big.bin', to: 'x.bin' } });
  assert.equal(move.status, 403);
  const del = await webFetch(web, viewer.cookies, `/api/projects/${projectId}/files?path=data`, { method: 'DELETE' });
  assert.equal(del.status, 403);
  const listing = await webOk(web, viewer.cookies, 'GET', `/api/projects/${projectId}/files?path=`);
  assert.deepEqual(listing.entries.map((e: { name: string }) => e.name), ['data']);
});

test('traversal, control characters and cross-site uploads are refused with a message that says why', async () => {
  for (const [bad, why] of [['../escape.csv', /"\.\."/], ['/etc/passwd', /absolute/], ['data/a\nb.csv', /control character/]] as const) {
    const up = await upload(bad, 10);
    assert.equal(up.status, 400, bad);
    assert.match(up.body.message, why);
  }
  const list = await webFetch(web, admin.cookies, `/api/projects/${projectId}/files?path=..`);
  assert.equal(list.status, 400);
  const fromEvil = await fetch(url('/upload', 'evil.csv'), { method: 'PUT', headers: { cookie: cookie(admin), origin: 'http://evil.example' }, body: 'x' });
  assert.equal(fromEvil.status, 403);
  const anonymous = await fetch(url('/upload', 'anon.csv'), { method: 'PUT', body: 'x' });
  assert.equal(anonymous.status, 401);
  const listing = await webOk(web, admin.cookies, 'GET', `/api/projects/${projectId}/files?path=`);
  assert.deepEqual(listing.entries.map((e: { name: string }) => e.name), ['data']);
});

test('rename, move into a folder and delete', async () => {
  await webOk(web, admin.cookies, 'POST', `/api/projects/${projectId}/files/folders`, { path: 'archive' });
  await webOk(web, admin.cookies, 'PATCH', `/api/projects/${projectId}/files`, { from: 'data/big.bin', to: 'archive/big-2026.bin' });
  const archive = await webOk(web, admin.cookies, 'GET', `/api/projects/${projectId}/files?path=archive`);
  assert.deepEqual(archive.entries.map((e: { name: string }) => e.name), ['big-2026.bin']);
  await webOk(web, admin.cookies, 'DELETE', `/api/projects/${projectId}/files?path=archive`);
  const root = await webOk(web, admin.cookies, 'GET', `/api/projects/${projectId}/files?path=`);
  assert.deepEqual(root.entries.map((e: { name: string }) => e.name), ['data']);
  assert.equal(root.usedBytes, 0);
});
