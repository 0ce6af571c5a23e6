import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { projectFilesDir } from '@/common/project-files-location';

// The web's configuration is read once, on first use: these are what this test's web would start with.
const dataDir = mkdtempSync(path.join(tmpdir(), 'lattice-storage-use-'));
Object.assign(process.env, { DATABASE_URL: 'postgres://unused', NEXTAUTH_SECRET: 'x'.repeat(32), LATTICE_DATA_DIR: dataDir, LATTICE_PROJECT_STORAGE_BYTES: String(1024 ** 2) });
const { noteProjectFilesChanged, projectStorageSource } = await import('./project-storage-use');

after(() => rmSync(dataDir, { recursive: true, force: true }));

/** A project's area with `files` files of `bytes` each, written as a kernel would (behind the web's back). */
function areaWith(files: number, bytes: number): { id: string; dir: string } {
  const id = randomUUID();
  const dir = projectFilesDir(dataDir, id);
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < files; i++) writeFileSync(path.join(dir, `f${i}`), Buffer.alloc(bytes));
  return { id, dir };
}

test('a project is counted on first ask, and a change the web notes is counted on the next', async () => {
  const source = projectStorageSource();
  assert.equal(source.limitBytes, 1024 ** 2);
  const { id, dir } = areaWith(3, 100);
  const first = (await source.use([id])).get(id)!;
  assert.equal(first.usedBytes, 300);
  assert.ok(first.measuredAt);

  writeFileSync(path.join(dir, 'upload'), Buffer.alloc(50));
  assert.equal((await source.use([id])).get(id)!.usedBytes, 300, 'a fresh count is kept: the web did not say the files changed');
  noteProjectFilesChanged(id);
  assert.equal((await source.use([id])).get(id)!.usedBytes, 350);
});

test('a project never created counts 0 and is not created by being counted', async () => {
  const id = randomUUID();
  assert.equal((await projectStorageSource().use([id])).get(id)!.usedBytes, 0);
  assert.throws(() => rmSync(projectFilesDir(dataDir, id)), /ENOENT/);
});

test('a change noted while a count runs is not lost: the count is redone', async () => {
  const { id, dir } = areaWith(4000, 1);
  noteProjectFilesChanged(id); // starts a count of 4,000 files
  // Written once the count has listed the folder (a few ms) and while it still stats 4,000 files.
  await new Promise((resolve) => setTimeout(resolve, 5));
  writeFileSync(path.join(dir, 'late'), Buffer.alloc(1000));
  noteProjectFilesChanged(id); // during it
  let used: number | null = null;
  for (let i = 0; i < 100 && used !== 5000; i++) used = (await projectStorageSource().use([id])).get(id)!.usedBytes;
  assert.equal(used, 5000);
});
