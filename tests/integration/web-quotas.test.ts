import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { environments, kernels, projectMembers, projects, usageIntervals } from '../../db/schema';
import type { TSignedInUser } from '../../lib/auth/authorize-credentials';
import { createEnvironment } from '../../lib/environments/create-environment';
import { toEnvironmentSpec } from '../../lib/environments/environment-summary';
import { checkEnvironmentFit } from '../../lib/quotas/check-environment-fit';
import { getMyQuota } from '../../lib/quotas/get-my-quota';
import { listQuotaTable } from '../../lib/quotas/list-quota-table';
import { setQuota } from '../../lib/quotas/set-quota';
import { createTestDatabase, type TTestDatabase } from '../helpers/postgres';
import { insertUser, refusal } from '../helpers/web-fixtures';

let t: TTestDatabase;
let admin: TSignedInUser;
let ann: TSignedInUser;
let ben: TSignedInUser;
let projectId: string;
let otherProjectId: string;

const none = { cpu: null, memoryGib: null, gpus: null, kernels: null, monthlyUnits: null };

const user = (email: string, role?: 'admin' | 'member') => insertUser(t.db, email, role);

/** Starts a kernel of the default environment for `userId` in `project` (as the gateway would record it). */
async function runDefaultKernel(userId: string, project: string): Promise<void> {
  const [def] = await t.db.select().from(environments).where(eq(environments.slug, 'default'));
  const id = randomUUID();
  await t.db.insert(kernels).values({ id, projectId: project, userId, environmentId: def.id, environment: toEnvironmentSpec(def), kernelspecName: 'default', provisioner: 'local', state: 'idle' });
  await t.db.insert(usageIntervals).values({ kernelId: id, projectId: project, userId, unitsPerHour: 1.5, startedAt: new Date(Date.now() - 2 * 3600_000) });
}

before(async () => {
  t = await createTestDatabase();
  admin = await user('admin@example.com', 'admin');
  ann = await user('ann@example.com');
  ben = await user('ben@example.com');
  const [p, q] = await t.db.insert(projects).values([{ name: 'Forecast', slug: 'forecast' }, { name: 'Other', slug: 'other' }]).returning();
  projectId = p.id;
  otherProjectId = q.id;
  await t.db.insert(projectMembers).values([
    { projectId, userId: ann.id, role: 'owner' },
    { projectId, userId: ben.id, role: 'editor' },
    { projectId: otherProjectId, userId: ann.id, role: 'owner' },
  ]);
  await runDefaultKernel(ann.id, projectId); // 1 vCPU, 2 GiB
  await runDefaultKernel(ann.id, otherProjectId);
});
after(() => t.drop());

describe('setting quotas', () => {
  test('only admins set quotas or see the table', async () => {
    assert.equal((await refusal(setQuota(t.db, ann, { scope: 'user', userId: ann.id, limits: none }))).code, 'FORBIDDEN');
    assert.equal((await refusal(listQuotaTable(t.db, ben))).code, 'FORBIDDEN');
  });

  test('bad limits get a message on each field; subjects must be named', async () => {
    const err = await refusal(setQuota(t.db, admin, { scope: 'user', userId: ann.id, limits: { ...none, cpu: -1, gpus: 1.5, kernels: '3' as unknown as number } }));
    assert.equal(err.code, 'BAD_REQUEST');
    assert.equal(err.fields?.['limits.cpu'], 'The CPU limit must not be negative');
    assert.equal(err.fields?.['limits.gpus'], 'Enter the GPU limit as a whole number');
    assert.match(err.fields?.['limits.kernels'] ?? '', /^Enter the concurrent-kernel limit as a number/);
    const missing = await refusal(setQuota(t.db, admin, { scope: 'project_user', userId: ann.id, limits: none }));
    assert.equal(missing.fields?.projectId, 'Choose a project');
  });

  test('defaults apply to users and projects without a row of their own', async () => {
    await setQuota(t.db, admin, { scope: 'default_user', limits: { ...none, cpu: 4, memoryGib: 16, kernels: 5 } });
    await setQuota(t.db, admin, { scope: 'default_project', limits: { ...none, monthlyUnits: 500 } });
    const table = await listQuotaTable(t.db, admin);
    const row = table.items.find((r) => r.kind === 'user' && r.userId === ben.id)!;
    assert.equal(row.source, 'default');
    assert.deepEqual(row.limits, { cpuM: 4000, memoryMib: 16384, gpus: null, kernels: 5, monthlyUnits: null });
    assert.deepEqual(table.defaults.project, { cpuM: null, memoryMib: null, gpus: null, kernels: null, monthlyUnits: 500 });
    const mine = await getMyQuota(t.db, ben);
    assert.equal(mine.scopes[0].source, 'default');
    assert.equal(mine.scopes[0].headroom.cpuM, 4000);
  });

  test('an explicit row overrides the default; removing it falls back again', async () => {
    await setQuota(t.db, admin, { scope: 'user', userId: ben.id, limits: { ...none, cpu: 0.5 } });
    await setQuota(t.db, admin, { scope: 'user', userId: ben.id, limits: { ...none, cpu: 1.5 } }); // upsert
    let mine = await getMyQuota(t.db, ben);
    assert.equal(mine.scopes[0].source, 'explicit');
    assert.equal(mine.scopes[0].limits.cpuM, 1500);
    assert.equal(mine.scopes[0].limits.kernels, null, 'an explicit row does not inherit from the default');
    await setQuota(t.db, admin, { scope: 'user', userId: ben.id, limits: null });
    mine = await getMyQuota(t.db, ben);
    assert.equal(mine.scopes[0].source, 'default');
  });
});

describe('usage and headroom', () => {
  test('the table shows each subject\'s usage across projects', async () => {
    const table = await listQuotaTable(t.db, admin);
    const annRow = table.items.find((r) => r.kind === 'user' && r.userId === ann.id)!;
    assert.equal(annRow.usage.kernels, 2);
    assert.equal(annRow.usage.cpuM, 2000);
    assert.equal(annRow.usage.memoryMib, 4096);
    assert.ok(annRow.usage.monthlyUnits > 0);
    const project = (await listQuotaTable(t.db, admin, { kind: 'project' })).items.find((r) => r.kind === 'project' && r.projectId === projectId)!;
    assert.equal(project.usage.kernels, 1);
    assert.equal(project.source, 'default');
  });

  test('a per-user limit inside one project applies there only', async () => {
    await setQuota(t.db, admin, { scope: 'project_user', userId: ann.id, projectId, limits: { ...none, kernels: 1 } });
    const inProject = await getMyQuota(t.db, ann, { projectId });
    assert.deepEqual(inProject.scopes.map((s) => s.scope), ['user', 'project', 'project_user']);
    const pu = inProject.scopes[2];
    assert.equal(pu.usage.kernels, 1);
    assert.equal(pu.headroom.kernels, 0);
    const fit = await checkEnvironmentFit(t.db, ann, { projectId });
    assert.ok(fit.length > 0 && fit.every((f) => !f.fits));
    assert.equal(fit[0].blocks[0].message, 'Over your in-project concurrent kernel quota: 1 kernel of 1 kernel in use, this launch needs 1 kernel.');
    const elsewhere = await checkEnvironmentFit(t.db, ann, { projectId: otherProjectId });
    assert.ok(elsewhere.every((f) => f.fits), 'the other project has no in-project limit');
    const table = await listQuotaTable(t.db, admin, { kind: 'project_user' });
    const row = table.items.find((r) => r.kind === 'project_user')!;
    assert.equal(row.name, 'ann · Forecast');
    assert.equal(row.usage.kernels, 1);
  });

  test('the picker names the limit a big template would break and lets small ones through', async () => {
    const big = await createEnvironment(t.db, ann, { projectId, name: 'Big', language: 'python', cpuRequest: 6, cpuLimit: 6, memoryRequestGib: 8, memoryLimitGib: 8 });
    const fit = await checkEnvironmentFit(t.db, ben, { projectId });
    const bigFit = fit.find((f) => f.environment.id === big.id)!;
    assert.equal(bigFit.fits, false);
    assert.deepEqual(bigFit.blocks.map((b) => b.limit), ['cpuM']);
    assert.equal(bigFit.blocks[0].message, 'Over your CPU quota: 0 vCPU of 4 vCPU in use, this launch needs 6 vCPU.');
    assert.ok(fit.find((f) => f.environment.slug === 'default')!.fits);
    assert.equal((await refusal(checkEnvironmentFit(t.db, ben, { projectId: otherProjectId }))).code, 'NOT_FOUND');
  });
});
