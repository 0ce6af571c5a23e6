import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { projectFilesDir, projectFilesGid } from '../../common/project-files-location';
import { ProjectFileArea } from '../../lib/files/project-file-area';

const dataDir = mkdtempSync(path.join(tmpdir(), 'lattice-files-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));

let n = 0;
let lastId = '';
function freshArea(): ProjectFileArea {
  lastId = `00000000-0000-4000-8000-00000000000${n}`;
  const id = `00000000-0000-4000-8000-00000000000${n++}`;
  return new ProjectFileArea(projectFilesDir(dataDir, id), projectFilesGid(id));
}

async function* chunks(total: number, size = 64 * 1024): AsyncIterable<Uint8Array> {
  for (let sent = 0; sent < total; sent += size) yield new Uint8Array(Math.min(size, total - sent)).fill(7);
}

async function read(area: ProjectFileArea, p: string): Promise<string> {
  const { file } = await area.openForRead(p);
  try {
    return (await file.readFile()).toString();
  } finally {
    await file.close();
  }
}

test('files and folders: create, list, move, delete', async () => {
  const area = freshArea();
  await area.mkdir('data');
  await area.upload('data/sales.csv', [Buffer.from('region,amount\nnorth,3\n')], 1e6, '');
  assert.deepEqual((await area.list('')).map((e) => [e.name, e.isDir]), [['data', true]]);
  const [file] = await area.list('data');
  assert.equal(file.path, 'data/sales.csv');
  assert.equal(file.size, 22);
  await area.mkdir('archive');
  await area.move('data/sales.csv', 'archive/2026.csv');
  assert.equal(await read(area, 'archive/2026.csv'), 'region,amount\nnorth,3\n');
  await assert.rejects(area.move('archive', 'archive/inner'), /into itself/);
  await area.upload('data/x.csv', [Buffer.from('x')], 1e6, '');
  await assert.rejects(area.move('data/x.csv', 'archive/2026.csv'), /already exists/);
  await area.remove('archive');
  assert.deepEqual((await area.list('')).map((e) => e.name), ['data']);
  assert.equal(await area.usage(), 1);
});

test('traversal and bad names are refused before the filesystem is touched', async () => {
  const area = freshArea();
  writeFileSync(path.join(dataDir, 'secret'), 'platform secret');
  for (const bad of ['../secret', '../../secret', '/etc/passwd', 'a/../../secret', 'a\u0000b']) {
    await assert.rejects(area.openForRead(bad), (err: Error & { code?: string }) => err.code === 'BAD_REQUEST', bad);
    await assert.rejects(area.upload(bad, [Buffer.from('x')], 10, ''), (err: Error & { code?: string }) => err.code === 'BAD_REQUEST', bad);
  }
  await assert.rejects(area.list('..'), /"\.\."/);
  assert.equal(readFileSync(path.join(dataDir, 'secret'), 'utf8'), 'platform secret');
});

test('symlinks a kernel plants never lead the web outside the area', async () => {
  const area = freshArea();
  await area.list(''); // creates the root (counting its usage does not: quotas pages must not make areas)
  const outside = mkdtempSync(path.join(dataDir, 'outside-'));
  writeFileSync(path.join(outside, 'secret'), 'platform secret');
  symlinkSync(outside, path.join(area.root, 'escape'));
  symlinkSync(path.join(outside, 'secret'), path.join(area.root, 'secret-link'));
  await assert.rejects(area.openForRead('secret-link'), /symbolic link/);
  await assert.rejects(area.openForRead('escape/secret'), /symbolic link/);
  await assert.rejects(area.list('escape'), /symbolic link/);
  await assert.rejects(area.upload('escape/new', [Buffer.from('x')], 10, ''), /symbolic link/);
  await assert.rejects(area.mkdir('escape/d'), /symbolic link/);
  await assert.rejects(area.move('escape/secret', 'stolen'), /symbolic link/);
  assert.deepEqual(readdirSync(outside), ['secret']);
  // An upload over a link replaces the link; it never writes through it.
  await area.upload('secret-link', [Buffer.from('mine')], 10, '');
  assert.equal(readFileSync(path.join(outside, 'secret'), 'utf8'), 'platform secret');
  assert.equal(await read(area, 'secret-link'), 'mine');
  // Deleting a link to a folder deletes the link, not the folder's content.
  await area.remove('escape');
  assert.deepEqual(readdirSync(outside), ['secret']);
});

test('an upload over the limit is stopped while streaming and leaves nothing behind', async () => {
  const area = freshArea();
  let produced = 0;
  async function* endless(): AsyncIterable<Uint8Array> {
    for (;;) {
      produced += 65536;
      yield new Uint8Array(65536);
    }
  }
  await assert.rejects(area.upload('big.bin', endless(), 1024 * 1024, '1.0 MB of 1.0 MB used'), (err: Error & { code?: string; status?: number }) => {
    assert.equal(err.code, 'STORAGE_QUOTA_EXCEEDED');
    assert.equal(err.status, 413);
    assert.match(err.message, /1\.0 MB of 1\.0 MB used/);
    return true;
  });
  assert.ok(produced <= 1024 * 1024 + 65536, `stopped at the limit, not after reading ${produced} bytes`);
  assert.deepEqual(readdirSync(area.root), [], 'the partial file is removed');
  produced = 0;
  await assert.rejects(area.upload('announced.bin', endless(), 1024 * 1024, '1.0 MB of 1.0 MB used', 1024 * 1024 + 1), /does not fit/);
  assert.equal(produced, 0, 'an announced size over the limit is refused before reading');
  const ok = await area.upload('fits.bin', chunks(1024 * 1024), 1024 * 1024, '');
  assert.equal(ok.size, 1024 * 1024);
  const { file } = await area.openForRead('fits.bin');
  const hash = createHash('sha256').update(await file.readFile()).digest('hex');
  await file.close();
  assert.equal(hash, createHash('sha256').update(new Uint8Array(1024 * 1024).fill(7)).digest('hex'));
});

test('a download of a folder is refused; a missing file is a 404', async () => {
  const area = freshArea();
  mkdirSync(area.root, { recursive: true });
  mkdirSync(path.join(area.root, 'd'));
  await assert.rejects(area.openForRead('d'), /is a folder/);
  execFileSync('mkfifo', [path.join(area.root, 'pipe')]);
  await assert.rejects(area.openForRead('pipe'), /not a regular file/, 'a FIFO a kernel made does not hang the download');
  await assert.rejects(area.openForRead('nope.csv'), (err: Error & { status?: number }) => err.status === 404);
});

test("every member's kernels can share the files: the project's group owns them, setgid folders, group-writable files", { skip: process.getuid?.() !== 0 && 'needs root to give the area its group' }, async () => {
  const area = freshArea();
  const gid = projectFilesGid(lastId);
  await area.mkdir('data');
  await area.upload('data/a.csv', [Buffer.from('x')], 10, '');
  const mode = (p: string) => statSync(path.join(area.root, p)).mode & 0o7777;
  const group = (p: string) => statSync(path.join(area.root, p)).gid;
  assert.deepEqual([mode(''), group('')], [0o2770, gid]);
  assert.deepEqual([mode('data'), group('data')], [0o2770, gid]);
  assert.deepEqual([mode('data/a.csv'), group('data/a.csv')], [0o660, gid]);
  assert.equal(statSync(path.dirname(area.root)).mode & 0o777, 0o711, 'project-files/ is traversable, not listable');
});
