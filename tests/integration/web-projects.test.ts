import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { projects } from '../../db/schema';
import type { TSignedInUser } from '../../lib/auth/authorize-credentials';
import { SYSTEM_ACTOR } from '../../lib/auth/system-actor';
import { addMember } from '../../lib/projects/add-member';
import { createProject, slugify } from '../../lib/projects/create-project';
import { getProjectAccess } from '../../lib/projects/get-project-access';
import { getProjectOverview } from '../../lib/projects/get-project-overview';
import { listMembers } from '../../lib/projects/list-members';
import { listProjects } from '../../lib/projects/list-projects';
import { removeMember } from '../../lib/projects/remove-member';
import { setMemberRole } from '../../lib/projects/set-member-role';
import { createUser } from '../../lib/users/create-user';
import { createTestDatabase, type TTestDatabase } from '../helpers/postgres';

let t: TTestDatabase;
let admin: TSignedInUser;
let alice: TSignedInUser;
let bob: TSignedInUser;
let carol: TSignedInUser;

async function makeUser(email: string, role: 'admin' | 'member' = 'member'): Promise<TSignedInUser> {
  const { user } = await createUser(t.db, SYSTEM_ACTOR, { email, name: email.split('@')[0]!, role, password: 'password-123' });
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}

before(async () => {
  t = await createTestDatabase();
  admin = await makeUser('admin@example.com', 'admin');
  alice = await makeUser('alice@example.com');
  bob = await makeUser('bob@example.com');
  carol = await makeUser('carol@example.com');
});
after(() => t.drop());

describe('creating and listing projects', () => {
  test('slugs are readable and never empty', () => {
    assert.equal(slugify('Churn Model (v2)'), 'churn-model-v2');
    assert.equal(slugify('Été à Zürich'), 'ete-a-zurich');
    assert.equal(slugify('!!!'), 'project');
  });

  test('the creator becomes owner; a second project with the same name gets another slug', async () => {
    const p1 = await createProject(t.db, alice, { name: 'Sales Forecast', description: 'Q3' });
    const p2 = await createProject(t.db, bob, { name: 'Sales forecast' });
    assert.equal(p1.slug, 'sales-forecast');
    assert.notEqual(p2.slug, p1.slug);
    assert.match(p2.slug, /^sales-forecast-[0-9a-f]{6}$/);
    assert.equal(p1.role, 'owner');
    assert.deepEqual((await listMembers(t.db, alice, p1.id)).map((m) => [m.email, m.role]), [['alice@example.com', 'owner']]);
  });

  test('an empty name is refused with a field message', async () => {
    await assert.rejects(createProject(t.db, alice, { name: '   ' }), (err: any) => err.code === 'BAD_REQUEST' && !!err.fields.name);
  });

  test('a member sees only their projects; an admin sees all, personal ones marked', async () => {
    await t.db.insert(projects).values({ name: 'carol (personal)', slug: 'carol-personal', personalOwnerId: carol.id });
    const aliceNames = (await listProjects(t.db, alice)).items.map((p) => p.name);
    assert.deepEqual(aliceNames, ['Sales Forecast']);
    assert.deepEqual((await listProjects(t.db, carol)).items.map((p) => p.name), []);
    const all = (await listProjects(t.db, admin)).items;
    assert.equal(all.length, 3);
    assert.equal(all.find((p) => p.slug === 'carol-personal')!.personal, true);
    assert.ok(all.every((p) => p.role === null));
  });

  test('a non-member gets NOT_FOUND for a project, a member gets its overview', async () => {
    const [p] = (await listProjects(t.db, alice)).items;
    await assert.rejects(getProjectOverview(t.db, carol, p!.id), { code: 'NOT_FOUND' });
    await assert.rejects(getProjectOverview(t.db, carol, 'not-a-uuid'), { code: 'NOT_FOUND' });
    const o = await getProjectOverview(t.db, alice, p!.id);
    assert.equal(o.canManage, true);
    assert.equal(o.canEdit, true);
    const asAdmin = await getProjectOverview(t.db, admin, p!.id);
    assert.equal(asAdmin.canManage, true);
  });
});

describe('members', () => {
  let projectId: string;
  before(async () => {
    projectId = (await createProject(t.db, alice, { name: 'Members Lab' })).id;
  });

  test('an owner adds members by email with a role; they then see the project', async () => {
    await addMember(t.db, alice, { projectId, email: 'BOB@example.com', role: 'viewer' });
    const bobProjects = (await listProjects(t.db, bob)).items;
    assert.ok(bobProjects.some((p) => p.id === projectId && p.role === 'viewer'));
  });

  test('viewers can open the project but not change notebooks or manage members', async () => {
    const o = await getProjectOverview(t.db, bob, projectId);
    assert.equal(o.canEdit, false);
    assert.equal(o.canManage, false);
    await assert.rejects(getProjectAccess(t.db, bob, projectId, 'edit'), { code: 'FORBIDDEN' });
    await assert.rejects(getProjectAccess(t.db, bob, projectId, 'run'), { code: 'FORBIDDEN' });
    await assert.rejects(addMember(t.db, bob, { projectId, email: 'carol@example.com', role: 'owner' }), { code: 'FORBIDDEN' });
    await assert.rejects(setMemberRole(t.db, bob, { projectId, userId: bob.id, role: 'owner' }), { code: 'FORBIDDEN' });
    await assert.rejects(removeMember(t.db, bob, { projectId, userId: alice.id }), { code: 'FORBIDDEN' });
  });

  test('editors may edit but not manage members', async () => {
    await setMemberRole(t.db, alice, { projectId, userId: bob.id, role: 'editor' });
    const o = await getProjectOverview(t.db, bob, projectId);
    assert.equal(o.canEdit, true);
    assert.equal(o.canManage, false);
    await assert.rejects(addMember(t.db, bob, { projectId, email: 'carol@example.com', role: 'viewer' }), { code: 'FORBIDDEN' });
  });

  test('non-members cannot even learn that the project exists', async () => {
    await assert.rejects(addMember(t.db, carol, { projectId, email: 'carol@example.com', role: 'owner' }), { code: 'NOT_FOUND' });
    await assert.rejects(listMembers(t.db, carol, projectId), { code: 'NOT_FOUND' });
  });

  test('an unknown email gets the same answer as a known one, and duplicates a clear error', async () => {
    await createUser(t.db, SYSTEM_ACTOR, { email: 'dora@example.com', name: 'Dora', password: 'dora-password' });
    const known = await addMember(t.db, alice, { projectId, email: 'dora@example.com', role: 'viewer' });
    const unknown = await addMember(t.db, alice, { projectId, email: 'ghost@example.com', role: 'viewer' });
    assert.deepEqual(Object.keys(unknown).sort(), Object.keys(known).sort());
    assert.equal(unknown.message.replace('ghost@', 'dora@'), known.message);
    assert.match(unknown.message, /If ghost@example.com has a Lattice account/);
    const members = (await listMembers(t.db, alice, projectId)).map((m) => m.email);
    assert.ok(members.includes('dora@example.com'));
    assert.ok(!members.includes('ghost@example.com'));
    await assert.rejects(addMember(t.db, alice, { projectId, email: 'bob@example.com', role: 'viewer' }), { code: 'CONFLICT' });
    await assert.rejects(addMember(t.db, alice, { projectId, email: 'bob', role: 'boss' as never }), (err: any) => {
      assert.equal(err.code, 'BAD_REQUEST');
      assert.ok(err.fields.email && err.fields.role);
      return true;
    });
  });

  test('the last owner can be neither demoted nor removed', async () => {
    await assert.rejects(setMemberRole(t.db, alice, { projectId, userId: alice.id, role: 'editor' }), { code: 'CONFLICT' });
    await assert.rejects(removeMember(t.db, alice, { projectId, userId: alice.id }), { code: 'CONFLICT' });
    await assert.rejects(removeMember(t.db, admin, { projectId, userId: alice.id }), { code: 'CONFLICT' });
  });

  test('with a second owner the first may step down; removed members lose access', async () => {
    await setMemberRole(t.db, alice, { projectId, userId: bob.id, role: 'owner' });
    await setMemberRole(t.db, alice, { projectId, userId: alice.id, role: 'viewer' });
    await assert.rejects(addMember(t.db, alice, { projectId, email: 'carol@example.com', role: 'viewer' }), { code: 'FORBIDDEN' });
    await removeMember(t.db, bob, { projectId, userId: alice.id });
    await assert.rejects(getProjectOverview(t.db, alice, projectId), { code: 'NOT_FOUND' });
    await assert.rejects(removeMember(t.db, bob, { projectId, userId: alice.id }), { code: 'NOT_FOUND' });
  });

  test('two owners demoting each other at once keep at least one owner', async () => {
    const p = await createProject(t.db, alice, { name: 'Race' });
    await addMember(t.db, alice, { projectId: p.id, email: 'carol@example.com', role: 'owner' });
    const results = await Promise.allSettled([
      setMemberRole(t.db, alice, { projectId: p.id, userId: carol.id, role: 'viewer' }),
      setMemberRole(t.db, carol, { projectId: p.id, userId: alice.id, role: 'viewer' }),
    ]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    const owners = (await listMembers(t.db, admin, p.id)).filter((m) => m.role === 'owner');
    assert.equal(owners.length, 1);
  });

  test('admins manage members of any project', async () => {
    await addMember(t.db, admin, { projectId, email: 'carol@example.com', role: 'editor' });
    assert.ok((await listMembers(t.db, admin, projectId)).some((m) => m.email === 'carol@example.com' && m.role === 'editor'));
  });
});
