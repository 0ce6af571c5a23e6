/**
 * `GET /api/kernelspecs` lists what a launch can use where it would go: with no project
 * named, the caller's personal project (global + personal templates); with `?project=` or a
 * project-scoped token, that project. Every listed kernelspec then starts without
 * `KERNEL_PROJECT`, which is what JupyterLab does with the one it preselects.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { projectMembers, projects } from '../../db/schema';
import { createProject, createToken, createUserWithToken, gatewayFetch, startTestGateway, type TTestGateway } from '../helpers/gateway';
import { createEnvironment } from '../helpers/kernels';
import { createTestDatabase, type TTestDatabase } from '../helpers/postgres';

let t: TTestDatabase;
let gw: TTestGateway;
let token: string;
let scopedToken: string;
let personal: { id: string; name: string };
let team: { id: string; name: string; slug: string };

const projectOf = (spec: { spec: { metadata: { lattice: { project: unknown } } } }) => spec.spec.metadata.lattice.project;

before(async () => {
  t = await createTestDatabase();
  gw = await startTestGateway({ db: t.db });
  const created = await createUserWithToken(t.db);
  token = created.token;
  const userId = created.user.id;
  // The personal project as a first launch creates it, with a template of its own.
  const [row] = await t.db.insert(projects).values({ name: 'Personal', slug: `personal-${userId}`, personalOwnerId: userId, createdBy: userId }).returning();
  await t.db.insert(projectMembers).values({ projectId: row.id, userId, role: 'owner' });
  personal = { id: row.id, name: row.name };
  await createEnvironment(t.db, { slug: 'mine-small', name: 'Mine small', projectId: personal.id });
  const project = await createProject(t.db, { name: 'Team', ownerId: userId });
  team = { id: project.id, name: project.name, slug: project.slug };
  await createEnvironment(t.db, { slug: 'team-large', name: 'Team large', projectId: team.id, cpuLimitM: 2000 });
  scopedToken = await createToken(t.db, userId, { kind: 'browser', projectId: team.id, expiresAt: new Date(Date.now() + 600_000) });
});

after(async () => {
  await gw?.close();
  await t?.drop();
});

/** Starts each listed kernelspec with no KERNEL_PROJECT; resolves with the project each landed in. */
async function launchEach(names: string[], as: string): Promise<Record<string, string>> {
  const landed: Record<string, string> = {};
  for (const name of names) {
    const res = await gatewayFetch(gw, '/api/kernels', { token: as, method: 'POST', body: { name } });
    assert.equal(res.status, 201, `${name}: ${JSON.stringify(res.body)}`);
    landed[name] = res.body.lattice.projectId;
    assert.equal((await gatewayFetch(gw, `/api/kernels/${res.body.id}`, { token: as, method: 'DELETE' })).status, 204);
  }
  return landed;
}

describe('with no project named', () => {
  test('the personal project’s kernelspecs: global and personal templates, the default first, each saying its project', async () => {
    const res = await gatewayFetch(gw, '/api/kernelspecs', { token });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.default, 'python3');
    assert.deepEqual(Object.keys(res.body.kernelspecs), ['python3', 'default', 'mine-small'], 'no template of the caller’s other projects');
    assert.equal(projectOf(res.body.kernelspecs.python3), null);
    assert.equal(projectOf(res.body.kernelspecs.default), null);
    assert.deepEqual(projectOf(res.body.kernelspecs['mine-small']), personal);
  });

  test('every listed kernelspec starts without KERNEL_PROJECT, in the personal project', async () => {
    const names = Object.keys((await gatewayFetch(gw, '/api/kernelspecs', { token })).body.kernelspecs);
    const landed = await launchEach(names, token);
    assert.deepEqual(landed, Object.fromEntries(names.map((name) => [name, personal.id])));
  });

  test('someone without a personal project yet is offered the global templates', async () => {
    const newcomer = await createUserWithToken(t.db);
    const res = await gatewayFetch(gw, '/api/kernelspecs', { token: newcomer.token });
    assert.deepEqual(Object.keys(res.body.kernelspecs), ['python3', 'default']);
    assert.equal((await t.db.select().from(projects)).length, 2, 'listing creates no project');
  });
});

describe('with a project named', () => {
  test('?project= (slug or id) lists that project’s templates and the global ones', async () => {
    for (const ref of [team.slug, team.id]) {
      const res = await gatewayFetch(gw, `/api/kernelspecs?project=${ref}`, { token });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(Object.keys(res.body.kernelspecs), ['python3', 'default', 'team-large'], ref);
      assert.deepEqual(projectOf(res.body.kernelspecs['team-large']), { id: team.id, name: team.name });
    }
  });

  test('a project the caller is not in, or that does not exist, is a 404', async () => {
    const stranger = await createUserWithToken(t.db);
    for (const [as, ref] of [[stranger.token, team.id], [token, 'no-such-project']]) {
      const res = await gatewayFetch(gw, `/api/kernelspecs?project=${ref}`, { token: as });
      assert.equal(res.status, 404);
      assert.deepEqual([res.body.code, res.body.message], ['NOT_FOUND', `No project "${ref}" that you are a member of.`]);
    }
  });

  test('a project-scoped token lists its project, and every listed kernelspec starts there without KERNEL_PROJECT', async () => {
    const res = await gatewayFetch(gw, '/api/kernelspecs', { token: scopedToken });
    assert.deepEqual(Object.keys(res.body.kernelspecs), ['python3', 'default', 'team-large']);
    const landed = await launchEach(Object.keys(res.body.kernelspecs), scopedToken);
    assert.deepEqual(landed, { python3: team.id, default: team.id, 'team-large': team.id });
    const elsewhere = await gatewayFetch(gw, `/api/kernelspecs?project=${personal.id}`, { token: scopedToken });
    assert.equal(elsewhere.status, 403);
    assert.equal(elsewhere.body.code, 'FORBIDDEN');
  });

  test('a single kernelspec is found by name among all the caller may see, saying where it runs', async () => {
    const res = await gatewayFetch(gw, '/api/kernelspecs/team-large', { token });
    assert.equal(res.status, 200);
    assert.deepEqual(projectOf(res.body), { id: team.id, name: team.name });
  });
});
