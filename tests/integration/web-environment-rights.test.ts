/**
 * Issue 10 §3, who may define what runs: kernel commands, images and warm pools exist only in
 * global (admin) templates; a project template takes its kernel from a global one and sizes
 * it; a project holds at most the platform's number of templates; the pool budget and the cap
 * are admin settings; admins see the pools' kernels, each marked `pooled`.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import type { TEnvironmentInput } from '../../common/environment-input';
import { environments, poolKernels, projectMembers, projects } from '../../db/schema';
import type { TSignedInUser } from '../../lib/auth/authorize-credentials';
import { archiveEnvironment } from '../../lib/environments/archive-environment';
import { createEnvironment } from '../../lib/environments/create-environment';
import { unarchiveEnvironment } from '../../lib/environments/unarchive-environment';
import { updateEnvironment } from '../../lib/environments/update-environment';
import { getPlatformMaximums } from '../../lib/platform/get-platform-maximums';
import { listPooledKernels } from '../../lib/platform/list-pooled-kernels';
import { updatePlatformMaximums } from '../../lib/platform/update-platform-maximums';
import { createTestDatabase, type TTestDatabase } from '../helpers/postgres';
import { insertUser, refusal } from '../helpers/web-fixtures';

let t: TTestDatabase;
let admin: TSignedInUser;
let owner: TSignedInUser;
let projectId: string;

const small: TEnvironmentInput = { name: 'Small', language: 'python', cpuRequest: 0.5, cpuLimit: 1, memoryRequestGib: 1, memoryLimitGib: 2 };
const argv = ['/opt/r/bin/R', '--slave', '-e', 'IRkernel::main()', '--args', '{connection_file}'];
const PLATFORM = { maxCpu: 16, maxMemoryGib: 64, maxGpus: 4, maxExecutors: 16 };

before(async () => {
  t = await createTestDatabase();
  admin = await insertUser(t.db, 'admin@example.com', 'admin');
  owner = await insertUser(t.db, 'owner@example.com');
  const [p] = await t.db.insert(projects).values({ name: 'Churn', slug: 'churn' }).returning();
  projectId = p.id;
  await t.db.insert(projectMembers).values({ projectId, userId: owner.id, role: 'owner' });
});
after(() => t.drop());

const rowOf = async (id: string) => (await t.db.select().from(environments).where(eq(environments.id, id)))[0];

describe('kernel commands, images and pools are the admins’', () => {
  test('a project owner cannot set a kernel command, an image or a pool: each field is refused with the rule', async () => {
    const err = await refusal(createEnvironment(t.db, owner, { ...small, projectId, argv, image: 'ghcr.io/acme/r:4.4', poolSize: 2 }));
    assert.equal(err.code, 'BAD_REQUEST');
    assert.equal(err.status, 400);
    assert.equal(err.fields?.argv, 'Only administrators set kernel commands, in global environments; choose a kernel from one instead');
    assert.equal(err.fields?.image, 'Only administrators set container images, in global environments; choose a kernel from one instead');
    assert.equal(err.fields?.poolSize, 'Warm pools are configured by administrators, on global environments only; set 0');
    assert.equal((await t.db.select().from(environments).where(eq(environments.projectId, projectId))).length, 0, 'nothing was created');

    const env = await createEnvironment(t.db, owner, { ...small, projectId });
    for (const change of [{ argv }, { image: 'ghcr.io/acme/r:4.4' }, { poolSize: 1 }]) {
      const e = await refusal(updateEnvironment(t.db, owner, { ...small, ...change, id: env.id, projectId }));
      assert.equal(e.code, 'BAD_REQUEST');
      assert.deepEqual(Object.keys(e.fields ?? {}), Object.keys(change));
    }
    const row = await rowOf(env.id);
    assert.deepEqual([row.argv, row.image, row.poolSize], [null, null, 0]);
  });

  test('the rule is where the template lives, not who asks: an admin sets them on global templates only', async () => {
    const global = await createEnvironment(t.db, admin, { ...small, name: 'R 4.4', language: 'R', argv, image: 'ghcr.io/acme/r:4.4', poolSize: 2 });
    assert.deepEqual([global.projectId, global.argv, global.image, global.poolSize], [null, argv, 'ghcr.io/acme/r:4.4', 2]);
    const edited = await updateEnvironment(t.db, admin, { ...small, name: 'R 4.4', language: 'R', argv, poolSize: 1, id: global.id, projectId: null });
    assert.deepEqual([edited.argv, edited.image, edited.poolSize], [argv, null, 1]);
    const inProject = await refusal(createEnvironment(t.db, admin, { ...small, projectId, argv }));
    assert.equal(inProject.fields?.argv, 'Only administrators set kernel commands, in global environments; choose a kernel from one instead');
  });

  test('a project template takes its kernel from a live global template, nothing else', async () => {
    const r = await createEnvironment(t.db, admin, { ...small, name: 'R kernel', language: 'R', argv });
    const env = await createEnvironment(t.db, owner, { ...small, projectId, name: 'R large', language: 'R', baseEnvironmentId: r.id, cpuLimit: 4, memoryLimitGib: 8 });
    assert.equal(env.baseEnvironmentId, r.id);
    const row = await rowOf(env.id);
    assert.deepEqual([row.baseEnvironmentId, row.argv, row.image], [r.id, null, null], 'the kernel is referenced, never copied');

    const other = await createEnvironment(t.db, owner, { ...small, projectId, name: 'Plain' });
    const msg = 'Choose a kernel from the global environments that are not archived';
    assert.equal((await refusal(createEnvironment(t.db, owner, { ...small, projectId, baseEnvironmentId: other.id }))).fields?.baseEnvironmentId, msg);
    assert.equal((await refusal(createEnvironment(t.db, owner, { ...small, projectId, baseEnvironmentId: randomUUID() }))).fields?.baseEnvironmentId, msg);
    const old = await createEnvironment(t.db, admin, { ...small, name: 'Old kernel', argv });
    await archiveEnvironment(t.db, admin, { id: old.id });
    assert.equal((await refusal(updateEnvironment(t.db, owner, { ...small, id: env.id, projectId, baseEnvironmentId: old.id }))).fields?.baseEnvironmentId, msg);
    assert.equal(
      (await refusal(createEnvironment(t.db, admin, { ...small, name: 'Nested', baseEnvironmentId: r.id }))).fields?.baseEnvironmentId,
      'A global environment defines its own kernel; leave this empty',
    );
  });
});

describe('platform settings: environments per project and the pool budget', () => {
  test('only admins set them; an update without them keeps them', async () => {
    assert.equal((await refusal(updatePlatformMaximums(t.db, owner, { ...PLATFORM, poolBudget: 50 }))).code, 'FORBIDDEN');
    const bad = await refusal(updatePlatformMaximums(t.db, admin, { ...PLATFORM, poolBudget: -1, maxEnvironmentsPerProject: 0 }));
    assert.equal(bad.fields?.poolBudget, 'Pool budget must be at least 0');
    assert.equal(bad.fields?.maxEnvironmentsPerProject, 'Maximum environments per project must be at least 1');
    await updatePlatformMaximums(t.db, admin, { ...PLATFORM, poolBudget: 2, maxEnvironmentsPerProject: 7 });
    await updatePlatformMaximums(t.db, admin, PLATFORM);
    const max = await getPlatformMaximums(t.db, owner);
    assert.deepEqual([max.poolBudget, max.maxEnvironmentsPerProject], [2, 7]);
  });

  test('kernels start on the first run by default; only admins turn that off, and it stays off until turned on', async () => {
    assert.equal((await getPlatformMaximums(t.db, owner)).kernelStartsOnRun, true);
    assert.equal((await refusal(updatePlatformMaximums(t.db, owner, { ...PLATFORM, kernelStartsOnRun: false }))).code, 'FORBIDDEN');
    assert.equal((await refusal(updatePlatformMaximums(t.db, admin, { ...PLATFORM, kernelStartsOnRun: 'no' as never }))).code, 'BAD_REQUEST');
    await updatePlatformMaximums(t.db, admin, { ...PLATFORM, kernelStartsOnRun: false });
    await updatePlatformMaximums(t.db, admin, PLATFORM);
    assert.equal((await getPlatformMaximums(t.db, owner)).kernelStartsOnRun, false);
    await updatePlatformMaximums(t.db, admin, { ...PLATFORM, kernelStartsOnRun: true });
    assert.equal((await getPlatformMaximums(t.db, owner)).kernelStartsOnRun, true);
  });

  test('one environment over the per-project cap is refused with a message naming the cap; archiving makes room, unarchiving is held to it', async () => {
    const [p] = await t.db.insert(projects).values({ name: 'Capped', slug: 'capped' }).returning();
    await t.db.insert(projectMembers).values({ projectId: p.id, userId: owner.id, role: 'owner' });
    await updatePlatformMaximums(t.db, admin, { ...PLATFORM, maxEnvironmentsPerProject: 3 });
    const made = [];
    for (const name of ['One', 'Two', 'Three']) made.push(await createEnvironment(t.db, owner, { ...small, projectId: p.id, name }));
    const err = await refusal(createEnvironment(t.db, owner, { ...small, projectId: p.id, name: 'Four' }));
    assert.equal(err.code, 'QUOTA_EXCEEDED');
    assert.equal(err.message, 'This project already has 3 environments, the platform maximum of 3 per project; archive one, or ask an administrator to raise the cap.');
    // Admins are held to it too, and concurrent creates cannot both take a last place.
    assert.equal((await refusal(createEnvironment(t.db, admin, { ...small, projectId: p.id, name: 'Four' }))).code, 'QUOTA_EXCEEDED');

    await archiveEnvironment(t.db, owner, { id: made[0].id });
    const results = await Promise.allSettled(['Four', 'Five'].map((name) => createEnvironment(t.db, owner, { ...small, projectId: p.id, name })));
    assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
    assert.equal((await refusal(unarchiveEnvironment(t.db, owner, { id: made[0].id }))).code, 'QUOTA_EXCEEDED');
    // Global templates are not a project's.
    await createEnvironment(t.db, admin, { ...small, name: 'Global beyond the cap' });
    await updatePlatformMaximums(t.db, admin, { ...PLATFORM, maxEnvironmentsPerProject: 20 });
  });
});

describe('admins see pooled kernels', () => {
  test('each pool kernel is listed with the pooled mark and its environment; members may not list them', async () => {
    const [def] = await t.db.select().from(environments).where(eq(environments.slug, 'default'));
    const ids = [randomUUID(), randomUUID()];
    await t.db.insert(poolKernels).values([
      { id: ids[0], environmentId: def.id, gatewayId: 'gw-1', state: 'ready', readyAt: new Date() },
      { id: ids[1], environmentId: def.id, gatewayId: 'gw-1' },
    ]);
    const listed = await listPooledKernels(t.db, admin);
    assert.equal(listed.budget, 2);
    assert.deepEqual(
      listed.kernels.map((k) => [k.id, k.pooled, k.state, k.environmentSlug]).sort(),
      [
        [ids[0], true, 'ready', 'default'],
        [ids[1], true, 'starting', 'default'],
      ].sort(),
    );
    assert.equal((await refusal(listPooledKernels(t.db, owner))).code, 'FORBIDDEN');
  });
});
