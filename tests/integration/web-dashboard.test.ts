/**
 * The project overview dashboard and environment attach, on real Postgres with hand-made
 * kernels and metered intervals: what the "Active environments" table lists and may stop,
 * compute units so far, idle-but-reserved sums, daily units split at midnight per user,
 * attaching an environment (roles, archived templates, kernelspec, version), and the
 * "restart on a larger environment" choice end to end.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { eq, inArray } from 'drizzle-orm';
import type { TEnvironmentSpec } from '../../common/environment';
import type { TExecutor, TLaunchProgressInfo } from '../../common/kernel-model';
import type { TNotebook } from '../../common/nbformat/schema';
import { environments, kernels, notebooks, projectMembers, projects, quotas, usageIntervals } from '../../db/schema';
import type { TSignedInUser } from '../../lib/auth/authorize-credentials';
import { describeReason } from '../../common/kernel-states';
import { attachLargerEnvironment } from '../../lib/dashboard/attach-larger-environment';
import { getActiveEnvironments } from '../../lib/dashboard/get-active-environments';
import { getDailyUnits } from '../../lib/dashboard/get-daily-units';
import { getIdleReserved } from '../../lib/dashboard/get-idle-reserved';
import { getProjectDashboard } from '../../lib/dashboard/get-project-dashboard';
import { toEnvironmentSpec } from '../../lib/environments/environment-summary';
import { attachEnvironment } from '../../lib/notebooks/attach-environment';
import { createNotebook } from '../../lib/notebooks/create-notebook';
import { saveNotebook } from '../../lib/notebooks/save-notebook';
import { clearDefaultQuotas } from '../helpers/default-quotas';
import { createTestDatabase, type TTestDatabase } from '../helpers/postgres';
import { insertUser, refusal } from '../helpers/web-fixtures';

let t: TTestDatabase;
let admin: TSignedInUser;
let owner: TSignedInUser;
let editor: TSignedInUser;
let viewer: TSignedInUser;
let outsider: TSignedInUser;
let projectId: string;
let otherProjectId: string;
let notebookId: string;
let small: typeof environments.$inferSelect;
let big: typeof environments.$inferSelect;
let archived: typeof environments.$inferSelect;
let foreign: typeof environments.$inferSelect;

const NOW = new Date('2026-03-15T12:00:00Z');
const H = 3600_000;

const user = (email: string, role?: 'admin' | 'member') => insertUser(t.db, email, role);

async function template(name: string, slug: string, cpuM: number, memMib: number, extra: Partial<typeof environments.$inferInsert> = {}) {
  const [row] = await t.db
    .insert(environments)
    .values({ name, slug, cpuRequestM: cpuM / 2, cpuLimitM: cpuM, memoryRequestMib: memMib / 2, memoryLimitMib: memMib, ...extra })
    .returning();
  return row;
}

async function kernel(
  userId: string,
  state: string,
  env: TEnvironmentSpec,
  opts: {
    notebookId?: string | null;
    projectId?: string;
    startedAt?: Date;
    stoppedAt?: Date;
    lastActivityAt?: Date;
    reason?: string;
    detail?: string;
    pooled?: boolean;
    usage?: { cpuM: number; memoryMib: number; sampledAt: string };
    provisioner?: 'local' | 'kubernetes';
    progress?: unknown;
    executors?: unknown;
  } = {},
): Promise<string> {
  const id = randomUUID();
  await t.db.insert(kernels).values({
    id,
    userId,
    projectId: opts.projectId ?? projectId,
    notebookId: opts.notebookId === undefined ? notebookId : opts.notebookId,
    environment: env,
    environmentId: env.id,
    kernelspecName: env.slug,
    provisioner: opts.provisioner ?? 'local',
    state,
    reason: opts.reason ?? null,
    detail: opts.detail ?? null,
    // Written as the gateway writes them; `unknown` so a test can store a malformed value too.
    progress: (opts.progress ?? null) as TLaunchProgressInfo | null,
    executors: (opts.executors ?? null) as TExecutor[] | null,
    pooled: opts.pooled ?? false,
    usage: opts.usage ?? null,
    requestedAt: opts.startedAt ?? NOW,
    startedAt: opts.startedAt ?? null,
    lastActivityAt: opts.lastActivityAt ?? opts.startedAt ?? NOW,
    stoppedAt: opts.stoppedAt ?? null,
  });
  return id;
}

async function interval(kernelId: string, userId: string, unitsPerHour: number, startedAt: string, endedAt: string | null, project = projectId) {
  await t.db.insert(usageIntervals).values({ kernelId, userId, projectId: project, unitsPerHour, startedAt: new Date(startedAt), endedAt: endedAt ? new Date(endedAt) : null });
}

before(async () => {
  t = await createTestDatabase();
  // The dashboards below show the editor with six running kernels, more than the default quotas
  // allow; the admin lifts them (the quota refusals tested here come from rows of their own).
  await clearDefaultQuotas(t.db);
  admin = await user('admin@example.com', 'admin');
  owner = await user('owner@example.com');
  editor = await user('editor@example.com');
  viewer = await user('viewer@example.com');
  outsider = await user('outsider@example.com');
  const [p, q] = await t.db.insert(projects).values([{ name: 'Churn', slug: 'churn' }, { name: 'Other', slug: 'other' }]).returning();
  projectId = p.id;
  otherProjectId = q.id;
  await t.db.insert(projectMembers).values([
    { projectId, userId: owner.id, role: 'owner' },
    { projectId, userId: editor.id, role: 'editor' },
    { projectId, userId: viewer.id, role: 'viewer' },
    { projectId: otherProjectId, userId: owner.id, role: 'owner' },
  ]);
  small = await template('Small', 'small', 1000, 2048);
  big = await template('Big memory', 'big-memory', 2000, 8192, { projectId });
  archived = await template('Old', 'old', 4000, 16384, { archivedAt: new Date() });
  foreign = await template('Elsewhere', 'elsewhere', 4000, 16384, { projectId: otherProjectId });
  notebookId = (await createNotebook(t.db, editor, { projectId, name: 'Exploration' })).id;
});
after(() => t.drop());

describe('active environments', () => {
  let running: string;
  let idleOwn: string;
  let dead: string;
  let training: string;
  before(async () => {
    const env = toEnvironmentSpec(small);
    training = (await createNotebook(t.db, editor, { projectId, name: 'Training' })).id;
    running = await kernel(owner.id, 'busy', env, { startedAt: new Date(NOW.getTime() - 2 * H), usage: { cpuM: 640, memoryMib: 900, sampledAt: NOW.toISOString() } });
    await interval(running, owner.id, 1.5, new Date(NOW.getTime() - 2 * H).toISOString(), new Date(NOW.getTime() - H).toISOString());
    await interval(running, owner.id, 1.5, new Date(NOW.getTime() - H / 2).toISOString(), null);
    idleOwn = await kernel(editor.id, 'idle', toEnvironmentSpec(big), { startedAt: new Date(NOW.getTime() - H), lastActivityAt: new Date(NOW.getTime() - H / 2) });
    dead = await kernel(editor.id, 'dead', env, { notebookId: training, startedAt: new Date(NOW.getTime() - 3 * H), stoppedAt: new Date(NOW.getTime() - 2 * H), reason: 'oom-killed' });
    await interval(dead, editor.id, 1.5, new Date(NOW.getTime() - 3 * H).toISOString(), new Date(NOW.getTime() - 2 * H).toISOString());
    // Not listed: stopped normally, died two days ago, a warm-pool kernel, another project's.
    await kernel(owner.id, 'stopped', env, { startedAt: new Date(NOW.getTime() - H), stoppedAt: new Date(NOW.getTime() - H / 2) });
    await kernel(owner.id, 'dead', env, { startedAt: new Date(NOW.getTime() - 50 * H), stoppedAt: new Date(NOW.getTime() - 49 * H), reason: 'crashed' });
    await kernel(owner.id, 'idle', env, { pooled: true, notebookId: null });
    await kernel(owner.id, 'idle', env, { projectId: otherProjectId, notebookId: null });
  });

  test('lists running kernels first, then recently dead ones, with notebook, owner, hardware, usage and CU so far', async () => {
    const list = await getActiveEnvironments(t.db, viewer, { projectId }, { now: NOW });
    assert.deepEqual(list.map((k) => k.kernelId).sort(), [running, idleOwn, dead].sort());
    assert.equal(list[list.length - 1].kernelId, dead);
    const r = list.find((k) => k.kernelId === running)!;
    assert.equal(r.notebook?.name, 'Exploration');
    assert.equal(list.find((k) => k.kernelId === dead)!.notebook?.name, 'Training');
    assert.equal(r.owner.name, 'owner');
    assert.equal(r.environment.hardwareLabel, 'Small · 1 vCPU · 2 GiB');
    assert.equal(r.environment.computeUnitsPerHour, 1.5);
    assert.equal(r.state, 'busy');
    assert.equal(r.uptimeS, 2 * 3600);
    assert.deepEqual(r.usage, { cpuM: 640, memoryMib: 900, sampledAt: NOW.toISOString() });
    // One closed hour plus the open half hour up to now, at 1.5 CU/h.
    assert.equal(r.unitsSoFar, 1.5 * 1.5);
    const d = list.find((k) => k.kernelId === dead)!;
    assert.equal(d.reason, 'oom-killed');
    assert.equal(d.reasonLabel, 'out of memory');
    assert.equal(d.uptimeS, 3600);
    assert.equal(d.usage, null);
    assert.equal(d.unitsSoFar, 1.5);
  });

  test('stop rights: owners any running kernel, editors their own, viewers none; ended ones never', async () => {
    const stoppable = async (who: TSignedInUser) =>
      (await getActiveEnvironments(t.db, who, { projectId }, { now: NOW })).filter((k) => k.canStop).map((k) => k.kernelId).sort();
    assert.deepEqual(await stoppable(owner), [running, idleOwn].sort());
    assert.deepEqual(await stoppable(admin), [running, idleOwn].sort());
    assert.deepEqual(await stoppable(editor), [idleOwn]);
    assert.deepEqual(await stoppable(viewer), []);
    const forViewer = await getActiveEnvironments(t.db, viewer, { projectId }, { now: NOW });
    assert.equal(forViewer.find((k) => k.kernelId === dead)!.canRestartLarger, false);
    const forEditor = await getActiveEnvironments(t.db, editor, { projectId }, { now: NOW });
    assert.equal(forEditor.find((k) => k.kernelId === dead)!.canRestartLarger, true);
  });

  test('a dead kernel whose notebook has started a newer kernel since is not offered a restart', async () => {
    const later = await kernel(editor.id, 'stopped', toEnvironmentSpec(big), { notebookId: training, startedAt: new Date(NOW.getTime() - H), stoppedAt: new Date(NOW.getTime() - H / 2) });
    const list = await getActiveEnvironments(t.db, editor, { projectId }, { now: NOW });
    assert.equal(list.find((k) => k.kernelId === dead)!.canRestartLarger, false);
    await t.db.delete(kernels).where(eq(kernels.id, later));
  });

  test('a launch refused by the kernel-count quota or the monthly budget is not offered a larger environment', async () => {
    const refusedNotebook = (await createNotebook(t.db, editor, { projectId, name: 'Refused' })).id;
    const refused = await Promise.all(
      ["Over the project's concurrent kernel quota: 1 kernel of 1 kernel in use, this launch needs 1 kernel.", "The project's monthly compute budget is used up: 10 CU of 10 CU this month."].map((detail, i) =>
        kernel(editor.id, 'failed', toEnvironmentSpec(small), { notebookId: refusedNotebook, startedAt: new Date(NOW.getTime() - (i + 1) * 1000), stoppedAt: NOW, reason: 'quota', detail }),
      ),
    );
    const list = await getActiveEnvironments(t.db, editor, { projectId }, { now: NOW });
    assert.deepEqual(refused.map((id) => list.find((k) => k.kernelId === id)?.canRestartLarger), [false, false]);
    assert.equal(list.find((k) => k.kernelId === dead)!.canRestartLarger, true, 'an out-of-memory kill still is');
    await t.db.delete(kernels).where(inArray(kernels.id, refused));
  });

  test('outsiders get NOT_FOUND', async () => {
    assert.equal((await refusal(getActiveEnvironments(t.db, outsider, { projectId }))).code, 'NOT_FOUND');
    assert.equal((await refusal(getProjectDashboard(t.db, outsider, { projectId }))).code, 'NOT_FOUND');
  });

  test('idle but reserved: sums what idle kernels hold per user (Spark executors included)', async () => {
    const spark = toEnvironmentSpec(
      await template('Spark', 'spark-small', 1000, 1024, { spark: { driverCores: 1, driverMemoryMib: 1024, executors: 2, executorCores: 1, executorMemoryMib: 2048 } }),
    );
    await kernel(editor.id, 'idle', spark, { startedAt: new Date(NOW.getTime() - 3 * H), lastActivityAt: new Date(NOW.getTime() - 2 * H) });
    const idle = await getIdleReserved(t.db, viewer, { projectId });
    assert.equal(idle.users.length, 1);
    const e = idle.users[0];
    assert.equal(e.name, 'editor');
    assert.equal(e.kernels, 2);
    assert.equal(e.cpuM, 2000 + 3000);
    assert.equal(e.memoryMib, 8192 + 1024 + 4096);
    assert.equal(e.unitsPerHour, 4 + (3 + 5 / 4));
    assert.equal(e.idleSince, new Date(NOW.getTime() - 2 * H).toISOString());
    assert.deepEqual({ ...idle.total }, { kernels: 2, cpuM: 5000, memoryMib: 13312, gpus: 0, unitsPerHour: 8.25 });
  });
});

describe('launch progress and Spark executors', () => {
  let project: string;
  let spark: TEnvironmentSpec;
  const waiting = { step: 'waiting', message: '0/2 nodes are available: 2 Insufficient cpu.', at: NOW.toISOString() } as const;
  const executors: TExecutor[] = [
    { id: '1', state: 'running', reason: null, host: '10.244.1.7', cores: 1, memoryMib: 2048 },
    { id: '2', state: 'running', reason: null, host: '10.244.2.9', cores: 1, memoryMib: 2048 },
    { id: 'kernel-abc-exec-3', state: 'pending', reason: '0/2 nodes are available: 2 Insufficient cpu.', host: null, cores: 1, memoryMib: 2048 },
  ];
  before(async () => {
    const [p] = await t.db.insert(projects).values({ name: 'Spark jobs', slug: 'spark-jobs' }).returning();
    project = p.id;
    await t.db.insert(projectMembers).values({ projectId: project, userId: editor.id, role: 'editor' });
    spark = toEnvironmentSpec(
      await template('Spark dynamic', 'spark-dynamic', 1000, 2048, {
        projectId: project,
        provisioner: 'kubernetes',
        spark: { driverCores: 1, driverMemoryMib: 2048, executors: 3, executorCores: 1, executorMemoryMib: 2048, dynamicAllocation: { minExecutors: 1, maxExecutors: 6 } },
        placement: { nodeSelector: { pool: 'spark' }, tolerations: [] },
      }),
    );
  });

  test('a kernel waiting for capacity shows its launch step and the scheduler’s message', async () => {
    const id = await kernel(editor.id, 'provisioning', spark, { projectId: project, notebookId: null, provisioner: 'kubernetes', progress: waiting, detail: waiting.message });
    const row = (await getActiveEnvironments(t.db, editor, { projectId: project }, { now: NOW })).find((k) => k.kernelId === id)!;
    assert.equal(row.state, 'provisioning');
    assert.deepEqual(row.progress, waiting);
    assert.equal(row.detail, waiting.message);
    assert.equal(row.executors, null);
    assert.deepEqual(row.environment.spark?.dynamicAllocation, { minExecutors: 1, maxExecutors: 6 });
    // Admission reserved the maximum: driver 1 vCPU + 6 × 1 vCPU executors.
    assert.deepEqual(row.environment.reserved, { cpuM: 7000, memoryMib: 2048 + 6 * 2048, gpus: 0 });
    // The step moves on as the gateway rewrites the row.
    await t.db.update(kernels).set({ progress: { step: 'pulling-image', message: null, at: NOW.toISOString() } }).where(eq(kernels.id, id));
    const moved = (await getProjectDashboard(t.db, editor, { projectId: project }, { now: NOW })).active.find((k) => k.kernelId === id)!;
    assert.equal(moved.progress?.step, 'pulling-image');
  });

  test('a running Spark kernel lists its executors with state, host, cores, memory and reason', async () => {
    const id = await kernel(editor.id, 'idle', spark, { projectId: project, notebookId: null, provisioner: 'kubernetes', startedAt: new Date(NOW.getTime() - H), executors });
    const row = (await getActiveEnvironments(t.db, editor, { projectId: project }, { now: NOW })).find((k) => k.kernelId === id)!;
    assert.deepEqual(row.executors, executors);
    assert.equal(row.progress, null);
  });

  test('progress is dropped once a kernel ended, and values not in the gateway’s shape read as none', async () => {
    const failed = await kernel(editor.id, 'failed', spark, { projectId: project, notebookId: null, stoppedAt: NOW, reason: 'unschedulable', progress: waiting });
    const junk = await kernel(editor.id, 'starting', spark, { projectId: project, notebookId: null, progress: { step: 'teleporting' }, executors: [{ id: 1 }] });
    const list = await getActiveEnvironments(t.db, editor, { projectId: project }, { now: NOW });
    const f = list.find((k) => k.kernelId === failed)!;
    assert.equal(f.progress, null);
    assert.equal(f.reasonLabel, describeReason('unschedulable'));
    const j = list.find((k) => k.kernelId === junk)!;
    assert.equal(j.progress, null);
    assert.equal(j.executors, null);
  });
});

describe('daily units', () => {
  let project: string;
  before(async () => {
    const [p] = await t.db.insert(projects).values({ name: 'Usage', slug: 'usage' }).returning();
    project = p.id;
    await t.db.insert(projectMembers).values({ projectId: project, userId: owner.id, role: 'owner' });
    const env = toEnvironmentSpec(small);
    const k1 = await kernel(owner.id, 'stopped', env, { projectId: project, notebookId: null });
    const k2 = await kernel(editor.id, 'busy', env, { projectId: project, notebookId: null });
    // Over midnight 13→14 March: 1 h on the 13th, 2 h on the 14th, at 2 CU/h.
    await interval(k1, owner.id, 2, '2026-03-13T23:00:00Z', '2026-03-14T02:00:00Z', project);
    // Open since 10:00 today: 2 h up to NOW at 1 CU/h.
    await interval(k2, editor.id, 1, '2026-03-15T10:00:00Z', null, project);
    // Began before the 30-day window: only its part inside counts (the 14th of Feb, 00:00–01:00).
    await interval(k2, editor.id, 1, '2026-02-13T22:00:00Z', '2026-02-14T01:00:00Z', project);
    // Another project's usage is not counted here.
    await interval(k2, editor.id, 100, '2026-03-14T00:00:00Z', '2026-03-14T01:00:00Z', projectId);
  });

  test('30 UTC days ending today, split at midnight, per user', async () => {
    const daily = await getDailyUnits(t.db, owner, { projectId: project }, { now: NOW });
    assert.equal(daily.days.length, 30);
    assert.equal(daily.days[0].day, '2026-02-14');
    assert.equal(daily.days[29].day, '2026-03-15');
    const day = (d: string) => daily.days.find((x) => x.day === d)!;
    assert.deepEqual(day('2026-03-13').byUser, { [owner.id]: 2 });
    assert.deepEqual(day('2026-03-14').byUser, { [owner.id]: 4 });
    assert.deepEqual(day('2026-03-15').byUser, { [editor.id]: 2 });
    assert.deepEqual(day('2026-02-14').byUser, { [editor.id]: 1 });
    assert.equal(day('2026-03-01').total, 0);
    assert.deepEqual(daily.users, [
      { userId: owner.id, name: 'owner', total: 6 },
      { userId: editor.id, name: 'editor', total: 3 },
    ]);
    assert.equal(daily.total, 9);
  });
});

describe('attach environment', () => {
  const content = async () => (await t.db.select().from(notebooks).where(eq(notebooks.id, notebookId)))[0];

  test('an editor attaches a project template: stored, written into metadata.kernelspec, version bumped', async () => {
    const before = await content();
    const result = await attachEnvironment(t.db, editor, { projectId, notebookId, environmentId: big.id, baseVersion: before.version });
    assert.equal(result.version, before.version + 1);
    assert.deepEqual(result.kernelspec, { name: 'big-memory', display_name: 'Big memory · 2 vCPU · 8 GiB', language: 'python' });
    const after = await content();
    assert.equal(after.environmentId, big.id);
    assert.equal(after.version, before.version + 1);
    const nb = after.content as TNotebook;
    assert.deepEqual(nb.metadata.kernelspec, result.kernelspec);
    assert.deepEqual(nb.cells, (before.content as TNotebook).cells);
  });

  test('an editor holding an older version cannot save the old kernelspec back, nor attach over a newer version', async () => {
    const { version } = await content();
    await attachEnvironment(t.db, owner, { projectId, notebookId, environmentId: small.id });
    const stale = await refusal(saveNotebook(t.db, editor, { projectId, notebookId, content: (await content()).content, baseVersion: version }));
    assert.equal(stale.code, 'VERSION_CONFLICT');
    assert.equal((await refusal(attachEnvironment(t.db, editor, { projectId, notebookId, environmentId: big.id, baseVersion: version }))).code, 'VERSION_CONFLICT');
    assert.equal((await content()).environmentId, small.id);
  });

  test('viewers may not attach; outsiders do not see the notebook', async () => {
    assert.equal((await refusal(attachEnvironment(t.db, viewer, { projectId, notebookId, environmentId: small.id }))).code, 'FORBIDDEN');
    assert.equal((await refusal(attachEnvironment(t.db, outsider, { projectId, notebookId, environmentId: small.id }))).code, 'NOT_FOUND');
  });

  test('archived templates and other projects’ templates are refused', async () => {
    const a = await refusal(attachEnvironment(t.db, owner, { projectId, notebookId, environmentId: archived.id }));
    assert.equal(a.code, 'BAD_REQUEST');
    assert.match(a.message, /Old is archived/);
    assert.equal((await refusal(attachEnvironment(t.db, owner, { projectId, notebookId, environmentId: foreign.id }))).code, 'NOT_FOUND');
    assert.equal((await refusal(attachEnvironment(t.db, owner, { projectId, notebookId: randomUUID(), environmentId: small.id }))).code, 'NOT_FOUND');
  });
});

describe('restart on a larger environment', () => {
  test('after an out-of-memory kill, attaches the next larger template that fits', async () => {
    await attachEnvironment(t.db, editor, { projectId, notebookId, environmentId: small.id });
    const dead = await kernel(editor.id, 'dead', toEnvironmentSpec(small), { stoppedAt: NOW, reason: 'oom-killed' });
    const result = await attachLargerEnvironment(t.db, editor, { projectId, kernelId: dead });
    assert.equal(result.environment.slug, 'big-memory');
    assert.equal(result.dimension, 'memory');
    assert.equal(result.notebookId, notebookId);
    const [nb] = await t.db.select().from(notebooks).where(eq(notebooks.id, notebookId));
    assert.equal(nb.environmentId, big.id);
  });

  test('a quota that blocks every larger template is named; none larger is said plainly; viewers may not', async () => {
    await t.db.insert(quotas).values({ scope: 'user', userId: editor.id, memoryMib: 4096 });
    const dead = await kernel(editor.id, 'dead', toEnvironmentSpec(small), { stoppedAt: NOW, reason: 'oom-killed' });
    const blocked = await refusal(attachLargerEnvironment(t.db, editor, { projectId, kernelId: dead }));
    assert.equal(blocked.code, 'QUOTA_EXCEEDED');
    assert.match(blocked.message, /^Big memory \(2 vCPU · 8 GiB\) is larger but does not fit your quota now: Over your memory quota/);
    await t.db.delete(quotas).where(eq(quotas.userId, editor.id));

    const onBig = await kernel(editor.id, 'failed', toEnvironmentSpec(big), { stoppedAt: NOW, reason: 'oom-killed' });
    const none = await refusal(attachLargerEnvironment(t.db, editor, { projectId, kernelId: onBig }));
    assert.equal(none.code, 'CONFLICT');
    assert.match(none.message, /No environment in this project has more memory than 8 GiB/);
    assert.equal((await refusal(attachLargerEnvironment(t.db, viewer, { projectId, kernelId: dead }))).code, 'FORBIDDEN');
  });
});
