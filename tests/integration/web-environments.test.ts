import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import type { TEnvironmentInput } from '../../common/environment-input';
import { environments, kernels, projectMembers, projects } from '../../db/schema';
import type { TSignedInUser } from '../../lib/auth/authorize-credentials';
import { archiveEnvironment } from '../../lib/environments/archive-environment';
import { createEnvironment } from '../../lib/environments/create-environment';
import { toEnvironmentSpec } from '../../lib/environments/environment-summary';
import { listEnvironments } from '../../lib/environments/list-environments';
import { unarchiveEnvironment } from '../../lib/environments/unarchive-environment';
import { updateEnvironment } from '../../lib/environments/update-environment';
import { getPlatformMaximums } from '../../lib/platform/get-platform-maximums';
import { updatePlatformMaximums } from '../../lib/platform/update-platform-maximums';
import { createTestDatabase, type TTestDatabase } from '../helpers/postgres';
import { insertUser, refusal } from '../helpers/web-fixtures';

let t: TTestDatabase;
let admin: TSignedInUser;
let owner: TSignedInUser;
let editor: TSignedInUser;
let outsider: TSignedInUser;
let projectId: string;

const small: TEnvironmentInput = { name: 'Small Python', language: 'python', cpuRequest: 0.5, cpuLimit: 1, memoryRequestGib: 1, memoryLimitGib: 2 };

const user = (email: string, role?: 'admin' | 'member') => insertUser(t.db, email, role);

before(async () => {
  t = await createTestDatabase();
  admin = await user('admin@example.com', 'admin');
  owner = await user('owner@example.com');
  editor = await user('editor@example.com');
  outsider = await user('outsider@example.com');
  const [p] = await t.db.insert(projects).values({ name: 'Churn', slug: 'churn' }).returning();
  projectId = p.id;
  await t.db.insert(projectMembers).values([
    { projectId, userId: owner.id, role: 'owner' },
    { projectId, userId: editor.id, role: 'editor' },
  ]);
});
after(() => t.drop());

describe('validation', () => {
  test('a bad template is refused with a message on each field', async () => {
    const err = await refusal(createEnvironment(t.db, admin, { ...small, name: '', cpuLimit: 0.25, memoryLimitGib: 0.5, gpus: -1 }));
    assert.equal(err.code, 'BAD_REQUEST');
    assert.equal(err.fields?.name, 'Enter a name');
    assert.equal(err.fields?.gpus, 'Number of GPUs must be at least 0');
    const err2 = await refusal(createEnvironment(t.db, admin, { ...small, cpuLimit: 0.25, memoryLimitGib: 0.5 }));
    assert.equal(err2.fields?.cpuLimit, 'CPU limit must not be below the CPU request (0.5 vCPU)');
    assert.equal(err2.fields?.memoryLimitGib, 'Memory limit must not be below the memory request (1 GiB)');
  });

  test('platform maximums are enforced and only admins set them', async () => {
    assert.deepEqual(await getPlatformMaximums(t.db, owner), { maxCpuM: 16000, maxMemoryMib: 65536, maxGpus: 4, maxExecutors: 16, poolBudget: 4, maxEnvironmentsPerProject: 20, kernelStartsOnRun: true });
    assert.equal((await refusal(updatePlatformMaximums(t.db, owner, { maxCpu: 64, maxMemoryGib: 256, maxGpus: 8, maxExecutors: 32 }))).code, 'FORBIDDEN');
    const bad = await refusal(updatePlatformMaximums(t.db, admin, { maxCpu: 0, maxMemoryGib: 32, maxGpus: 1, maxExecutors: 4 }));
    assert.equal(bad.fields?.maxCpu, 'Maximum CPU must be more than 0 vCPU');
    await updatePlatformMaximums(t.db, admin, { maxCpu: 4, maxMemoryGib: 32, maxGpus: 1, maxExecutors: 4 });
    const err = await refusal(createEnvironment(t.db, owner, { ...small, projectId, cpuLimit: 8, memoryLimitGib: 64, gpus: 2 }));
    assert.equal(err.fields?.cpuLimit, 'CPU limit is above the platform maximum of 4 vCPU');
    assert.equal(err.fields?.memoryLimitGib, 'Memory limit is above the platform maximum of 32 GiB');
    assert.equal(err.fields?.gpus, 'Number of GPUs is above the platform maximum of 1');
    await updatePlatformMaximums(t.db, admin, { maxCpu: 16, maxMemoryGib: 64, maxGpus: 4, maxExecutors: 16 });
  });
});

describe('kubernetes placement and Spark dynamic allocation', () => {
  const spark = { driverCores: 1, driverMemoryGib: 2, executors: 4, executorCores: 1, executorMemoryGib: 2, dynamicAllocation: { minExecutors: 2, maxExecutors: 8 } };
  const placement = {
    nodeSelector: { pool: 'spark', 'node.kubernetes.io/instance-type': 'm5.xlarge' },
    tolerations: [{ key: 'dedicated', operator: 'Equal' as const, value: 'spark', effect: 'NoSchedule' as const }],
  };

  test('provisioner, image, placement and dynamic allocation are saved to their columns and listed back', async () => {
    const env = await createEnvironment(t.db, admin, { ...small, name: 'Spark pool', provisioner: 'kubernetes', image: 'ghcr.io/acme/pyspark:3.5', spark, placement });
    const [row] = await t.db.select().from(environments).where(eq(environments.id, env.id));
    assert.equal(row.provisioner, 'kubernetes');
    assert.equal(row.image, 'ghcr.io/acme/pyspark:3.5');
    assert.deepEqual(row.placement, placement);
    assert.deepEqual(row.spark?.dynamicAllocation, { minExecutors: 2, maxExecutors: 8 });
    // The launch snapshot carries the placement the kubernetes provisioner reads.
    assert.deepEqual(toEnvironmentSpec(row).placement, placement);
    // Admission reserves the maximum: 1 vCPU kernel + 8 × 1 vCPU executors, 2 GiB + 8 × 2 GiB.
    assert.equal(env.computeUnitsPerHour, 9 + 18 * 0.25);
    const listed = (await listEnvironments(t.db, editor, { projectId })).find((e) => e.id === env.id);
    assert.deepEqual(listed?.placement, placement);
    assert.deepEqual(listed?.spark?.dynamicAllocation, { minExecutors: 2, maxExecutors: 8 });

    const edited = await updateEnvironment(t.db, admin, { ...small, id: env.id, projectId: null, name: 'Spark pool', provisioner: 'local', spark: { ...spark, dynamicAllocation: null } });
    assert.deepEqual(edited.placement, { nodeSelector: {}, tolerations: [] }, 'the form sends the whole template: no placement = anywhere');
    const [after] = await t.db.select().from(environments).where(eq(environments.id, env.id));
    assert.deepEqual(after.placement, { nodeSelector: {}, tolerations: [] });
    assert.equal(after.spark?.dynamicAllocation, null);
  });

  test('a template created before placement existed reads as placed anywhere', async () => {
    const [row] = await t.db.insert(environments).values({ name: 'Legacy', slug: 'legacy', cpuRequestM: 500, cpuLimitM: 1000, memoryRequestMib: 1024, memoryLimitMib: 2048 }).returning();
    assert.deepEqual(row.placement, { nodeSelector: {}, tolerations: [] });
  });

  test('bad placement and dynamic allocation are refused field by field; max executors against the platform maximum', async () => {
    const err = await refusal(
      createEnvironment(t.db, admin, {
        ...small,
        spark: { ...spark, dynamicAllocation: { minExecutors: 6, maxExecutors: 20 } },
        placement: { nodeSelector: { 'no spaces': 'x' }, tolerations: [{ operator: 'Exists', key: 'gpu', value: 'yes' }] },
      }),
    );
    assert.equal(err.code, 'BAD_REQUEST');
    assert.match(err.fields?.['placement.nodeSelector'] ?? '', /“no spaces” is not a label key/);
    assert.equal(err.fields?.['placement.tolerations.0.value'], 'Leave the value empty with Exists');
    const dyn = await refusal(createEnvironment(t.db, admin, { ...small, spark: { ...spark, dynamicAllocation: { minExecutors: 6, maxExecutors: 20 } } }));
    assert.equal(dyn.fields?.['spark.dynamicAllocation.minExecutors'], 'Minimum executors must not be above the initial executors (4)');
    assert.equal(dyn.fields?.['spark.dynamicAllocation.maxExecutors'], 'Maximum executors is above the platform maximum of 16');
    assert.match(dyn.message, /^Invalid environment: spark\.dynamicAllocation\.minExecutors: Minimum executors/);
  });
});

describe('who may manage templates', () => {
  test('admins create global templates; members may not', async () => {
    const env = await createEnvironment(t.db, admin, { ...small, name: 'GPU Torch', gpus: 1, cpuLimit: 4, memoryLimitGib: 16 });
    assert.equal(env.projectId, null);
    assert.equal(env.slug, 'gpu-torch');
    assert.equal(env.hardwareLabel, 'GPU Torch · 4 vCPU · 16 GiB · 1 GPU');
    assert.equal(env.computeUnitsPerHour, 4 + 16 * 0.25 + 10);
    assert.equal((await refusal(createEnvironment(t.db, owner, small))).code, 'FORBIDDEN');
    assert.equal((await refusal(updateEnvironment(t.db, owner, { ...small, id: env.id }))).code, 'FORBIDDEN');
  });

  test('project owners create project templates; editors and outsiders may not', async () => {
    const env = await createEnvironment(t.db, owner, { ...small, projectId });
    assert.equal(env.projectId, projectId);
    assert.equal((await refusal(createEnvironment(t.db, editor, { ...small, projectId }))).code, 'FORBIDDEN');
    assert.equal((await refusal(createEnvironment(t.db, outsider, { ...small, projectId }))).code, 'NOT_FOUND');
    assert.equal((await refusal(archiveEnvironment(t.db, editor, { id: env.id }))).code, 'FORBIDDEN');
    assert.equal((await refusal(updateEnvironment(t.db, outsider, { ...small, id: env.id }))).code, 'NOT_FOUND');
    // A route naming one project (or the global list) cannot reach another's template.
    assert.equal((await refusal(archiveEnvironment(t.db, owner, { id: env.id, projectId: null }))).code, 'NOT_FOUND');
    const [def] = await t.db.select().from(environments).where(eq(environments.slug, 'default'));
    assert.equal((await refusal(updateEnvironment(t.db, admin, { ...small, id: def.id, projectId }))).code, 'NOT_FOUND');
    // Admins may manage any project's templates.
    assert.equal((await updateEnvironment(t.db, admin, { ...small, id: env.id, description: 'by admin' })).description, 'by admin');
  });

  test('slugs are unique across all templates and never a reserved kernelspec name', async () => {
    const a = await createEnvironment(t.db, owner, { ...small, projectId, name: 'Small Python' });
    assert.equal(a.slug, 'small-python-2');
    const d = await createEnvironment(t.db, admin, { ...small, name: 'Default' });
    assert.equal(d.slug, 'default-2');
    const p = await createEnvironment(t.db, admin, { ...small, name: 'Python3' });
    assert.equal(p.slug, 'python3-2');
    const renamed = await updateEnvironment(t.db, admin, { ...small, id: p.id, name: 'Renamed' });
    assert.equal(renamed.slug, 'python3-2', 'the kernelspec name stays when a template is renamed');
  });

  test('the default environment can be edited by admins but not archived', async () => {
    const [def] = await t.db.select().from(environments).where(eq(environments.slug, 'default'));
    const edited = await updateEnvironment(t.db, admin, { ...small, id: def.id, name: 'Python 3', cpuLimit: 2 });
    assert.equal(edited.cpuLimitM, 2000);
    assert.ok(edited.isDefault);
    const err = await refusal(archiveEnvironment(t.db, admin, { id: def.id }));
    assert.match(err.message, /default environment cannot be archived/);
  });
});

describe('pickers, archiving and snapshots', () => {
  test('members see global and their project templates; outsiders see no project templates', async () => {
    const mine = await listEnvironments(t.db, editor, { projectId });
    assert.equal(mine[0].slug, 'default', 'the default comes first');
    assert.ok(mine.some((e) => e.projectId === projectId));
    assert.ok(mine.some((e) => e.projectId === null && e.slug === 'gpu-torch'));
    assert.equal((await refusal(listEnvironments(t.db, outsider, { projectId }))).code, 'NOT_FOUND');
    assert.ok((await listEnvironments(t.db, outsider)).every((e) => e.projectId === null));
  });

  test('archiving hides a template from pickers; managers still see it; unarchive restores it', async () => {
    const env = await createEnvironment(t.db, owner, { ...small, projectId, name: 'Old stack' });
    await archiveEnvironment(t.db, owner, { id: env.id });
    assert.ok(!(await listEnvironments(t.db, editor, { projectId })).some((e) => e.id === env.id));
    assert.ok(!(await listEnvironments(t.db, editor, { projectId, includeArchived: true })).some((e) => e.id === env.id), 'editors do not manage');
    const forOwner = await listEnvironments(t.db, owner, { projectId, includeArchived: true });
    assert.ok(forOwner.find((e) => e.id === env.id)?.archivedAt);
    await unarchiveEnvironment(t.db, owner, { id: env.id });
    assert.ok((await listEnvironments(t.db, editor, { projectId })).some((e) => e.id === env.id));
  });

  test('editing a template leaves running kernels with the snapshot they were launched with', async () => {
    const env = await createEnvironment(t.db, owner, { ...small, projectId, name: 'Snapshot' });
    const [row] = await t.db.select().from(environments).where(eq(environments.id, env.id));
    const snapshot = toEnvironmentSpec(row);
    const kernelId = randomUUID();
    await t.db.insert(kernels).values({ id: kernelId, projectId, userId: editor.id, environmentId: env.id, environment: snapshot, kernelspecName: env.slug, provisioner: 'local', state: 'busy' });
    await updateEnvironment(t.db, owner, { ...small, id: env.id, name: 'Snapshot', cpuLimit: 4, memoryLimitGib: 8 });
    await archiveEnvironment(t.db, owner, { id: env.id });
    const [k] = await t.db.select().from(kernels).where(eq(kernels.id, kernelId));
    assert.deepEqual(k.environment, snapshot);
    assert.equal(k.environment.cpuLimitM, 1000);
    assert.equal(k.environmentId, env.id);
  });
});
