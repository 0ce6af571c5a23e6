import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { validateNotebook } from '../../common/nbformat/validate-notebook';
import type { TNotebook } from '../../common/nbformat/schema';
import { notebooks } from '../../db/schema';
import type { TSignedInUser } from '../../lib/auth/authorize-credentials';
import { SYSTEM_ACTOR } from '../../lib/auth/system-actor';
import { createNotebook } from '../../lib/notebooks/create-notebook';
import { deleteNotebook } from '../../lib/notebooks/delete-notebook';
import { exportNotebook } from '../../lib/notebooks/export-notebook';
import { getNotebook } from '../../lib/notebooks/get-notebook';
import { importNotebook } from '../../lib/notebooks/import-notebook';
import { listNotebooks } from '../../lib/notebooks/list-notebooks';
import { MAX_NOTEBOOK_BYTES } from '../../lib/notebooks/notebook-summary';
import { renameNotebook } from '../../lib/notebooks/rename-notebook';
import { saveNotebook } from '../../lib/notebooks/save-notebook';
import { addMember } from '../../lib/projects/add-member';
import { createProject } from '../../lib/projects/create-project';
import { createUser } from '../../lib/users/create-user';
import { createTestDatabase, type TTestDatabase } from '../helpers/postgres';

const NOTEBOOKS = path.resolve(import.meta.dirname, '../../../shared/fixtures/notebooks');
const fixture = (name: string) => readFileSync(path.join(NOTEBOOKS, name), 'utf8');
const VALID = readdirSync(NOTEBOOKS).filter((f) => f.endsWith('.ipynb') && !/invalid|test3/.test(f));
const INVALID = ['nbformat-invalid.ipynb', 'nbformat-invalid_cell_id.ipynb', 'nbformat-test3.ipynb'];

let t: TTestDatabase;
let alice: TSignedInUser; // owner
let bob: TSignedInUser; // editor
let vera: TSignedInUser; // viewer
let mallory: TSignedInUser; // not a member
let projectId: string;

async function makeUser(email: string): Promise<TSignedInUser> {
  const { user } = await createUser(t.db, SYSTEM_ACTOR, { email, name: email.split('@')[0]!, role: 'member', password: 'password-123' });
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}

const count = async () => (await t.db.select({ id: notebooks.id }).from(notebooks).where(eq(notebooks.projectId, projectId))).length;
const rejectsWith = (code: string, re?: RegExp) => (err: any) => {
  assert.equal(err.code, code, err.message);
  if (re) assert.match(err.message, re);
  return true;
};

before(async () => {
  t = await createTestDatabase();
  alice = await makeUser('alice@example.com');
  bob = await makeUser('bob@example.com');
  vera = await makeUser('vera@example.com');
  mallory = await makeUser('mallory@example.com');
  projectId = (await createProject(t.db, alice, { name: 'Notebooks' })).id;
  await addMember(t.db, alice, { projectId, email: bob.email, role: 'editor' });
  await addMember(t.db, alice, { projectId, email: vera.email, role: 'viewer' });
});
after(() => t.drop());

describe('create, list, rename, delete', () => {
  test('a new notebook is nbformat 4.5 with one code cell, the Python 3 kernelspec and the default environment', async () => {
    const nb = await createNotebook(t.db, alice, { projectId, name: 'Analysis.ipynb' });
    assert.equal(nb.name, 'Analysis');
    assert.equal(nb.version, 1);
    assert.equal(nb.updatedBy?.name, 'alice');
    const full = await getNotebook(t.db, bob, { projectId, notebookId: nb.id });
    assert.equal(full.content.nbformat, 4);
    assert.equal(full.content.nbformat_minor, 5);
    assert.deepEqual(full.content.metadata.kernelspec, { name: 'python3', display_name: 'Python 3', language: 'python' });
    assert.equal(full.content.cells.length, 1);
    assert.equal(full.content.cells[0]!.cell_type, 'code');
    assert.ok(full.environmentId, 'default environment attached');
    assert.equal(full.environmentLabel, 'Python 3 · 1 vCPU · 2 GiB');
    assert.ok(validateNotebook(full.content).ok);
    assert.equal(full.canEdit, true);
  });

  test('names are unique per project; a clash is a CONFLICT naming the notebook', async () => {
    await assert.rejects(createNotebook(t.db, bob, { projectId, name: ' Analysis ' }), rejectsWith('CONFLICT', /"Analysis" already exists/));
    await assert.rejects(createNotebook(t.db, bob, { projectId, name: 'a/b' }), rejectsWith('BAD_REQUEST', /name/));
    await assert.rejects(createNotebook(t.db, bob, { projectId, name: '   ' }), rejectsWith('BAD_REQUEST'));
  });

  test('rename keeps the content version; renaming onto another name is refused', async () => {
    const a = await createNotebook(t.db, bob, { projectId, name: 'Draft' });
    const renamed = await renameNotebook(t.db, bob, { projectId, notebookId: a.id, name: 'Final' });
    assert.equal(renamed.name, 'Final');
    assert.equal(renamed.version, a.version);
    await assert.rejects(renameNotebook(t.db, bob, { projectId, notebookId: a.id, name: 'Analysis' }), rejectsWith('CONFLICT'));
    const names = (await listNotebooks(t.db, vera, { projectId })).map((n) => n.name);
    assert.deepEqual(names, ['Analysis', 'Final']);
  });

  test('delete removes it; deleting again is NOT_FOUND', async () => {
    const nb = await createNotebook(t.db, bob, { projectId, name: 'Scratch' });
    await deleteNotebook(t.db, bob, { projectId, notebookId: nb.id });
    await assert.rejects(getNotebook(t.db, bob, { projectId, notebookId: nb.id }), rejectsWith('NOT_FOUND'));
    await assert.rejects(deleteNotebook(t.db, bob, { projectId, notebookId: nb.id }), rejectsWith('NOT_FOUND'));
  });
});

describe('import and export', () => {
  for (const name of VALID) {
    test(`imports ${name} and exports it back as the same notebook`, async () => {
      const imported = await importNotebook(t.db, bob, { projectId, name, content: fixture(name) });
      assert.equal(imported.name, name.replace(/\.ipynb$/, ''));
      const file = await exportNotebook(t.db, vera, { projectId, notebookId: imported.id });
      assert.equal(file.filename, name);
      assert.match(file.contentDisposition, /^attachment; filename="[^"]+\.ipynb"/);
      const exported = JSON.parse(file.body);
      assert.equal(exported.nbformat_minor, 5);
      // The exported file re-validates to exactly what is stored (a lossless round trip).
      const stored = (await getNotebook(t.db, bob, { projectId, notebookId: imported.id })).content;
      const again = validateNotebook(exported);
      assert.ok(again.ok);
      if (again.ok) assert.deepEqual(again.notebook, stored);
      // Cell sources survive unchanged from the original file.
      const original = JSON.parse(fixture(name));
      const src = (c: any) => (Array.isArray(c.source) ? c.source.join('') : c.source);
      const known = original.cells.filter((c: any) => ['code', 'markdown', 'raw'].includes(c.cell_type));
      assert.deepEqual(stored.cells.map(src), known.map(src));
    });
  }

  for (const name of INVALID) {
    test(`refuses ${name} with a message and stores nothing`, async () => {
      const before = await count();
      await assert.rejects(importNotebook(t.db, bob, { projectId, name, content: fixture(name) }), rejectsWith('INVALID_NOTEBOOK', /cells\[\d\]|nbformat 3/));
      assert.equal(await count(), before);
    });
  }

  test('refuses text that is not JSON, and a file over the size limit', async () => {
    const before = await count();
    await assert.rejects(importNotebook(t.db, bob, { projectId, name: 'x', content: '{"cells": [' }), rejectsWith('INVALID_NOTEBOOK', /not valid JSON/));
    const big = JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: { pad: 'x'.repeat(MAX_NOTEBOOK_BYTES) }, cells: [] });
    await assert.rejects(importNotebook(t.db, bob, { projectId, name: 'big', content: big }), rejectsWith('INVALID_NOTEBOOK', /the limit is 20\.0 MB/));
    assert.equal(await count(), before);
  });

  test('import reports what normalisation changed', async () => {
    const r = await importNotebook(t.db, bob, { projectId, name: 'old format', content: JSON.parse(fixture('nbformat-test4.ipynb')) });
    assert.match(r.warnings.join(' '), /Upgraded from nbformat 4\.0/);
  });
});

describe('saving', () => {
  test('a save bumps the version; saving over a newer version is refused and changes nothing', async () => {
    const nb = await createNotebook(t.db, alice, { projectId, name: 'Shared' });
    const { content } = await getNotebook(t.db, alice, { projectId, notebookId: nb.id });
    const mine: TNotebook = structuredClone(content);
    (mine.cells[0] as any).source = 'print("alice")';
    const saved = await saveNotebook(t.db, alice, { projectId, notebookId: nb.id, content: mine, baseVersion: 1 });
    assert.equal(saved.version, 2);

    const theirs: TNotebook = structuredClone(content);
    (theirs.cells[0] as any).source = 'print("bob")';
    await assert.rejects(
      saveNotebook(t.db, bob, { projectId, notebookId: nb.id, content: theirs, baseVersion: 1 }),
      rejectsWith('VERSION_CONFLICT', /saved by alice at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC after you opened it.*Reload/),
    );
    const now = await getNotebook(t.db, vera, { projectId, notebookId: nb.id });
    assert.equal(now.version, 2);
    assert.equal((now.content.cells[0] as any).source, 'print("alice")');
    assert.equal(now.updatedBy?.name, 'alice');
  });

  test('outputs and execution counts are stored', async () => {
    const nb = await createNotebook(t.db, bob, { projectId, name: 'With outputs' });
    const { content, version } = await getNotebook(t.db, bob, { projectId, notebookId: nb.id });
    const cell = content.cells[0] as any;
    cell.source = 'print("hello")';
    cell.execution_count = 1;
    cell.outputs = [{ output_type: 'stream', name: 'stdout', text: 'hello\n' }];
    await saveNotebook(t.db, bob, { projectId, notebookId: nb.id, content, baseVersion: version });
    const back = await getNotebook(t.db, bob, { projectId, notebookId: nb.id });
    assert.deepEqual((back.content.cells[0] as any).outputs, cell.outputs);
    assert.equal((back.content.cells[0] as any).execution_count, 1);
  });

  test('invalid content is refused and the stored notebook is unchanged', async () => {
    const nb = await createNotebook(t.db, bob, { projectId, name: 'Guarded' });
    await assert.rejects(
      saveNotebook(t.db, bob, { projectId, notebookId: nb.id, content: { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: 'code' }] }, baseVersion: 1 }),
      rejectsWith('INVALID_NOTEBOOK', /cells\[0\]: source is required/),
    );
    assert.equal((await getNotebook(t.db, bob, { projectId, notebookId: nb.id })).version, 1);
  });
});

describe('access', () => {
  test('a viewer can list, open and export, but not create, import, rename, save or delete', async () => {
    const nb = await createNotebook(t.db, alice, { projectId, name: 'Read only' });
    const seen = await getNotebook(t.db, vera, { projectId, notebookId: nb.id });
    assert.equal(seen.canEdit, false);
    assert.equal(seen.canRun, false);
    await exportNotebook(t.db, vera, { projectId, notebookId: nb.id });
    const forbidden = rejectsWith('FORBIDDEN', /viewer/);
    await assert.rejects(createNotebook(t.db, vera, { projectId, name: 'Mine' }), forbidden);
    await assert.rejects(importNotebook(t.db, vera, { projectId, name: 'Mine', content: fixture('nbformat-test4.5.ipynb') }), forbidden);
    await assert.rejects(renameNotebook(t.db, vera, { projectId, notebookId: nb.id, name: 'Other' }), forbidden);
    await assert.rejects(saveNotebook(t.db, vera, { projectId, notebookId: nb.id, content: seen.content, baseVersion: seen.version }), forbidden);
    await assert.rejects(deleteNotebook(t.db, vera, { projectId, notebookId: nb.id }), forbidden);
  });

  test('a non-member cannot see the project or its notebooks at all', async () => {
    const nb = await createNotebook(t.db, alice, { projectId, name: 'Private' });
    await assert.rejects(listNotebooks(t.db, mallory, { projectId }), rejectsWith('NOT_FOUND'));
    await assert.rejects(getNotebook(t.db, mallory, { projectId, notebookId: nb.id }), rejectsWith('NOT_FOUND'));
    await assert.rejects(exportNotebook(t.db, mallory, { projectId, notebookId: nb.id }), rejectsWith('NOT_FOUND'));
  });

  test('a notebook is only reachable through its own project', async () => {
    const other = await createProject(t.db, mallory, { name: 'Elsewhere' });
    const nb = await createNotebook(t.db, alice, { projectId, name: 'Here' });
    await assert.rejects(getNotebook(t.db, mallory, { projectId: other.id, notebookId: nb.id }), rejectsWith('NOT_FOUND'));
    await assert.rejects(deleteNotebook(t.db, mallory, { projectId: other.id, notebookId: nb.id }), rejectsWith('NOT_FOUND'));
    await assert.rejects(getNotebook(t.db, alice, { projectId, notebookId: 'not-a-uuid' }), rejectsWith('NOT_FOUND'));
  });
});
