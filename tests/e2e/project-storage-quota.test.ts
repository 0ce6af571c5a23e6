/**
 * Project storage on the admin quotas page (issue 15 §5) through the real web: an upload's
 * bytes show in the project's row of `GET /api/admin/quotas?kind=project` and of the
 * `/admin/quotas?kind=project` page at once (the upload keeps the kept count current), a delete
 * takes them off, and files written without the web (as a kernel writes into /project) are
 * counted when the page first asks for that project.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { projectFilesDir } from '../../common/project-files-location';
import { startTestPlatform, type TTestPlatform } from '../helpers/test-platform';
import { signIn, webFetch, webOk, type TWebSession } from '../helpers/web-session';

const ADMIN = { email: 'admin@storage.test', password: 'storage-admin-password' };
const MIB = 1024 * 1024;
const LIMIT = 50 * MIB;

let t: TTestPlatform;
let web: string;
let admin: TWebSession;

before(async () => {
  // The web inherits this (scripts/platform.ts passes the environment on).
  process.env.LATTICE_PROJECT_STORAGE_BYTES = String(LIMIT);
  t = await startTestPlatform({ admin: ADMIN, dataDirPrefix: 'lattice-e2e-storage-' });
  web = t.platform.webUrl;
  admin = await signIn(web, ADMIN);
});

after(async () => {
  await t?.close();
});

interface TStorageRow {
  projectId: string;
  storage: { usedBytes: number | null; limitBytes: number; measuredAt: string | null } | null;
}

/** The quotas API's row of the project named `name`, and the table's storage limit. */
async function quotaRow(name: string): Promise<{ row: TStorageRow; limit: number | null }> {
  const table = await webOk(web, admin.cookies, 'GET', `/api/admin/quotas?kind=project&q=${encodeURIComponent(name)}`);
  assert.equal(table.items.length, 1, `one project named ${name}`);
  return { row: table.items[0], limit: table.projectStorageLimitBytes };
}

const cookie = () => [...admin.cookies].map(([k, v]) => `${k}=${v}`).join('; ');

test('an upload shows on the quotas API and page at once, and a delete takes it off', async () => {
  const name = 'Storage upload';
  const projectId = (await webOk(web, admin.cookies, 'POST', '/api/projects', { name })).id;
  const before = await quotaRow(name);
  assert.deepEqual({ used: before.row.storage?.usedBytes, limit: before.row.storage?.limitBytes }, { used: 0, limit: LIMIT });
  assert.equal(before.limit, LIMIT);

  const bytes = new Uint8Array(3 * MIB).fill(7);
  const up = await fetch(`${web}/api/projects/${projectId}/files/upload?path=sales.bin`, { method: 'PUT', headers: { cookie: cookie() }, body: bytes });
  assert.equal(up.status, 201, await up.text());
  assert.equal((await quotaRow(name)).row.storage?.usedBytes, 3 * MIB, 'the upload is counted without waiting for the count to go stale');

  const page = await webFetch(web, admin.cookies, `/admin/quotas?kind=project&q=${encodeURIComponent(name)}`);
  assert.equal(page.status, 200);
  const html = String(page.body);
  assert.match(html, />Storage</, 'the projects tab has a Storage column');
  const cell = /data-testid="project-storage"[^>]*>(.*?)<\/td>/s.exec(html)?.[1] ?? '';
  assert.match(cell.replace(/<!-- -->/g, ''), /3\.0 MB.*\/ 50\.0 MB/s, `the row shows 3.0 MB of 50.0 MB: ${cell}`);

  await webOk(web, admin.cookies, 'DELETE', `/api/projects/${projectId}/files?path=sales.bin`);
  assert.equal((await quotaRow(name)).row.storage?.usedBytes, 0);
});

test('files written without the web (as kernels write) are counted when the page first asks', async () => {
  const name = 'Storage kernel writes';
  const projectId = (await webOk(web, admin.cookies, 'POST', '/api/projects', { name })).id;
  const area = projectFilesDir(path.resolve(t.dataDir), projectId);
  mkdirSync(path.join(area, 'out'), { recursive: true });
  writeFileSync(path.join(area, 'out', 'model.pkl'), Buffer.alloc(1234, 1));
  const notes = 'written by a kernel, not uploaded';
  writeFileSync(path.join(area, 'notes.txt'), notes);
  const { row } = await quotaRow(name);
  assert.equal(row.storage?.usedBytes, 1234 + Buffer.byteLength(notes));
  assert.ok(row.storage?.measuredAt && Date.now() - Date.parse(row.storage.measuredAt) < 60_000, 'the count says when it was made');
});

test('user and in-project rows carry no storage figure', async () => {
  const table = await webOk(web, admin.cookies, 'GET', '/api/admin/quotas?kind=user');
  assert.ok(table.items.length > 0);
  for (const row of table.items) assert.equal(row.storage, null);
});
