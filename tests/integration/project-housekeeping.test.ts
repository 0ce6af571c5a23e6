/**
 * Issue 14 §3: renaming, archiving (read-only for every writer until restored) and deleting
 * projects, and the notebook list's server-side search, sort and running-kernel flag,
 * against the real Postgres through the domain functions every route calls.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import type { TKernelState } from '../../common/kernel-states';
import { kernels, notebooks, projects } from '../../db/schema';
import type { TSignedInUser } from '../../lib/auth/authorize-credentials';
import { createEnvironment } from '../../lib/environments/create-environment';
import { createNotebook } from '../../lib/notebooks/create-notebook';
import { deleteNotebook } from '../../lib/notebooks/delete-notebook';
import { exportNotebook } from '../../lib/notebooks/export-notebook';
import { getNotebook } from '../../lib/notebooks/get-notebook';
import { importNotebook } from '../../lib/notebooks/import-notebook';
import { listNotebooks } from '../../lib/notebooks/list-notebooks';
import { renameNotebook } from '../../lib/notebooks/rename-notebook';
import { saveNotebook } from '../../lib/notebooks/save-notebook';
import { addMember } from '../../lib/projects/add-member';
import { archiveProject } from '../../lib/projects/archive-project';
import { createProject } from '../../lib/projects/create-project';
import { deleteProject } from '../../lib/projects/delete-project';
import { getProjectAccess } from '../../lib/projects/get-project-access';
import { getProjectOverview } from '../../lib/projects/get-project-overview';
import { restoreProject } from '../../lib/projects/restore-project';
import { updateProject } from '../../lib/projects/update-project';
import { environmentSpec } from '../helpers/environment-spec';
import { createTestDatabase, type TTestDatabase } from '../helpers/postgres';
import { insertUser, refusal } from '../helpers/web-fixtures';

let t: TTestDatabase;
let admin: TSignedInUser;
let owner: TSignedInUser;
let editor: TSignedInUser;
let viewer: TSignedInUser;
let outsider: TSignedInUser;

/** A project with an owner, an editor and a viewer. */
async function team(name: string): Promise<string> {
  const { id } = await createProject(t.db, owner, { name });
  await addMember(t.db, owner, { projectId: id, email: editor.email, role: 'editor' });
  await addMember(t.db, owner, { projectId: id, email: viewer.email, role: 'viewer' });
  return id;
}

/** A kernel row as the gateway writes it, in `state`. */
async function kernelOf(projectId: string, notebookId: string | null, state: TKernelState): Promise<string> {
  const id = randomUUID();
  const environment = environmentSpec();
  await t.db.insert(kernels).values({ id, projectId, notebookId, userId: editor.id, environment, kernelspecName: environment.slug, provisioner: 'local', state });
  return id;
}

before(async () => {
  t = await createTestDatabase();
  admin = await insertUser(t.db, 'admin@example.com', 'admin');
  owner = await insertUser(t.db, 'owner@example.com');
  editor = await insertUser(t.db, 'editor@example.com');
  viewer = await insertUser(t.db, 'viewer@example.com');
  outsider = await insertUser(t.db, 'outsider@example.com');
});
after(() => t?.drop());

describe('renaming a project', () => {
  test('owners and admins rename and redescribe it, keeping its slug; editors, viewers and outsiders cannot', async () => {
    const id = await team('Churn');
    const renamed = await updateProject(t.db, owner, id, { name: '  Churn model ', description: 'Q3\nforecast' });
    assert.deepEqual([renamed.name, renamed.description, renamed.slug], ['Churn model', 'Q3\nforecast', 'churn']);
    assert.equal((await updateProject(t.db, admin, id, { description: '' })).name, 'Churn model', 'a description alone leaves the name');
    assert.equal((await refusal(updateProject(t.db, editor, id, { name: 'Mine' }))).code, 'FORBIDDEN');
    assert.equal((await refusal(updateProject(t.db, viewer, id, { name: 'Mine' }))).code, 'FORBIDDEN');
    assert.equal((await refusal(updateProject(t.db, outsider, id, { name: 'Mine' }))).code, 'NOT_FOUND');
    const [row] = await t.db.select().from(projects).where(eq(projects.id, id));
    assert.equal(row.name, 'Churn model');
  });

  test('an empty name, a NUL byte or nothing to change is a 400 naming the field', async () => {
    const id = await team('Names');
    const empty = await refusal(updateProject(t.db, owner, id, { name: '  ' }));
    assert.equal(empty.code, 'BAD_REQUEST');
    assert.ok(empty.fields?.name, JSON.stringify(empty.fields));
    const nul = await refusal(updateProject(t.db, owner, id, { description: 'a\u0000b' }));
    assert.ok(nul.fields?.description, JSON.stringify(nul.fields));
    assert.equal((await refusal(updateProject(t.db, owner, id, {}))).code, 'BAD_REQUEST');
  });
});

describe('archiving a project', () => {
  test('every write under it is a 409 saying to restore it; reading still works; restoring makes it writable again', async () => {
    const id = await team('Archive me');
    const nb = await createNotebook(t.db, editor, { projectId: id, name: 'Analysis' });
    const editable = await getNotebook(t.db, editor, { projectId: id, notebookId: nb.id });
    await assert.rejects(archiveProject(t.db, editor, id), { code: 'FORBIDDEN' });
    await assert.rejects(archiveProject(t.db, viewer, id), { code: 'FORBIDDEN' });
    const archived = await archiveProject(t.db, owner, id);
    assert.ok(archived.archivedAt);
    assert.equal((await archiveProject(t.db, owner, id)).archivedAt, archived.archivedAt, 'archiving again changes nothing');

    const writes: Record<string, () => Promise<unknown>> = {
      'create a notebook': () => createNotebook(t.db, editor, { projectId: id, name: 'New' }),
      'save a notebook': () => saveNotebook(t.db, editor, { projectId: id, notebookId: nb.id, content: editable.content, baseVersion: editable.version }),
      'rename a notebook': () => renameNotebook(t.db, editor, { projectId: id, notebookId: nb.id, name: 'Other' }),
      'delete a notebook': () => deleteNotebook(t.db, editor, { projectId: id, notebookId: nb.id }),
      'import a notebook': () => importNotebook(t.db, editor, { projectId: id, name: 'Imported', content: editable.content }),
      'add a member': () => addMember(t.db, owner, { projectId: id, email: outsider.email, role: 'viewer' }),
      'create an environment': () =>
        createEnvironment(t.db, owner, { projectId: id, name: 'Small', language: 'python', cpuRequest: 0.5, cpuLimit: 1, memoryRequestGib: 1, memoryLimitGib: 2 }),
      'rename the project': () => updateProject(t.db, admin, id, { name: 'Renamed' }),
    };
    for (const [what, write] of Object.entries(writes)) {
      const err = await refusal(write());
      assert.equal(err.code, 'CONFLICT', what);
      assert.equal(err.status, 409, what);
      assert.equal(err.message, 'This project is archived: restore it to change it.', what);
    }
    assert.equal((await refusal(updateProject(t.db, editor, id, { name: 'x' }))).code, 'FORBIDDEN', 'roles are checked before the archive');

    const read = await getNotebook(t.db, editor, { projectId: id, notebookId: nb.id });
    assert.deepEqual([read.canEdit, read.canRun, read.projectArchived], [false, false, true], 'opened read-only, with no kernel');
    assert.equal((await exportNotebook(t.db, viewer, { projectId: id, notebookId: nb.id })).filename, 'Analysis.ipynb');
    assert.deepEqual((await listNotebooks(t.db, viewer, { projectId: id })).map((n) => n.name), ['Analysis']);
    const overview = await getProjectOverview(t.db, owner, id);
    assert.deepEqual([overview.canEdit, overview.canManage, overview.project.archivedAt !== null], [false, true, true]);

    await assert.rejects(restoreProject(t.db, editor, id), { code: 'FORBIDDEN' });
    assert.equal((await restoreProject(t.db, owner, id)).archivedAt, null);
    await renameNotebook(t.db, editor, { projectId: id, notebookId: nb.id, name: 'Other' });
    assert.equal((await getNotebook(t.db, editor, { projectId: id, notebookId: nb.id })).canRun, true);
  });

  test('a personal project cannot be archived or deleted', async () => {
    const [personal] = await t.db.insert(projects).values({ name: 'owner (personal)', slug: 'owner-personal', personalOwnerId: owner.id }).returning();
    await assert.rejects(archiveProject(t.db, admin, personal.id), { code: 'BAD_REQUEST' });
    await assert.rejects(deleteProject(t.db, admin, personal.id, { confirm: personal.name }), { code: 'BAD_REQUEST' });
    assert.equal((await t.db.select().from(projects).where(eq(projects.id, personal.id)))[0].archivedAt, null);
  });
});

describe('deleting a project', () => {
  test('needs the typed name and the owner or an admin; without live kernels its rows go at once', async () => {
    const id = await team('Doomed');
    const nb = await createNotebook(t.db, owner, { projectId: id, name: 'Gone' });
    await kernelOf(id, nb.id, 'dead');
    await archiveProject(t.db, owner, id);
    const wrong = await refusal(deleteProject(t.db, owner, id, { confirm: 'doomed' }));
    assert.equal(wrong.code, 'BAD_REQUEST');
    assert.match(wrong.message, /"Doomed"/);
    await assert.rejects(deleteProject(t.db, editor, id, { confirm: 'Doomed' }), { code: 'FORBIDDEN' });
    await assert.rejects(deleteProject(t.db, viewer, id, { confirm: 'Doomed' }), { code: 'FORBIDDEN' });
    assert.deepEqual(await deleteProject(t.db, owner, id, { confirm: 'Doomed' }), { removed: true }, 'an archived project can be deleted');
    assert.equal((await t.db.select().from(projects).where(eq(projects.id, id))).length, 0);
    assert.equal((await t.db.select().from(notebooks).where(eq(notebooks.id, nb.id))).length, 0);
    assert.equal((await t.db.select().from(kernels).where(eq(kernels.projectId, id))).length, 0);
  });

  test('with a live kernel it is 404 at once and its rows wait for the gateway', async () => {
    const id = await team('Busy');
    const nb = await createNotebook(t.db, owner, { projectId: id, name: 'Running' });
    await kernelOf(id, nb.id, 'busy');
    assert.deepEqual(await deleteProject(t.db, admin, id, { confirm: 'Busy' }), { removed: false });
    for (const who of [owner, editor, admin]) await assert.rejects(getProjectAccess(t.db, who, id), { code: 'NOT_FOUND' });
    await assert.rejects(getNotebook(t.db, admin, { projectId: id, notebookId: nb.id }), { code: 'NOT_FOUND' });
    const [row] = await t.db.select().from(projects).where(eq(projects.id, id));
    assert.ok(row.deletedAt, 'marked deleted for the gateway to finish');
    assert.equal((await t.db.select().from(notebooks).where(eq(notebooks.id, nb.id))).length, 1, 'its rows go when the gateway removes the project');
  });
});

describe('the notebook list', () => {
  test('searches by part of the name in any case, with % and _ as letters, and sorts by name or last saved', async () => {
    const id = await team('Many notebooks');
    for (const name of ['beta', 'Alpha', 'gamma 100%', 'alphabet_soup']) await createNotebook(t.db, owner, { projectId: id, name });
    const names = async (q?: string, sort?: string) => (await listNotebooks(t.db, viewer, { projectId: id, q, sort })).map((n) => n.name);
    assert.deepEqual(await names(), ['Alpha', 'alphabet_soup', 'beta', 'gamma 100%']);
    assert.deepEqual(await names('ALPHA'), ['Alpha', 'alphabet_soup']);
    assert.deepEqual(await names('%'), ['gamma 100%']);
    assert.deepEqual(await names('a_s'), []);
    assert.deepEqual(await names('t_s'), ['alphabet_soup']);
    const [beta] = await t.db.select().from(notebooks).where(eq(notebooks.name, 'beta'));
    await t.db.update(notebooks).set({ updatedAt: new Date(Date.now() + 60_000) }).where(eq(notebooks.id, beta.id));
    assert.equal((await names(undefined, 'updated'))[0], 'beta', 'last saved first');
    assert.equal((await refusal(listNotebooks(t.db, viewer, { projectId: id, sort: 'size' }))).code, 'BAD_REQUEST');
  });

  test('marks the notebooks with a live kernel, whoever started it', async () => {
    const id = await team('Running notebooks');
    const idle = await createNotebook(t.db, owner, { projectId: id, name: 'Idle one' });
    const busy = await createNotebook(t.db, owner, { projectId: id, name: 'Busy one' });
    const queued = await createNotebook(t.db, owner, { projectId: id, name: 'Queued one' });
    const stopped = await createNotebook(t.db, owner, { projectId: id, name: 'Stopped one' });
    await kernelOf(id, idle.id, 'idle');
    await kernelOf(id, busy.id, 'busy');
    await kernelOf(id, queued.id, 'queued');
    await kernelOf(id, stopped.id, 'stopped');
    await kernelOf(id, stopped.id, 'dead');
    const running = Object.fromEntries((await listNotebooks(t.db, viewer, { projectId: id })).map((n) => [n.name, n.running]));
    assert.deepEqual(running, { 'Busy one': true, 'Idle one': true, 'Queued one': true, 'Stopped one': false });
  });
});
