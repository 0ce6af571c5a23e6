/**
 * Issue 10 §3 at the gateway, with real kernels: all warm pools together stay within the
 * admin's platform pool budget (shared out between environments, surplus retired when it is
 * lowered); admins see every pool kernel, marked pooled; a project template never has a pool
 * and never runs a kernel command or image of its own row — only the kernel of the global
 * template it names, and none once that one is archived.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { environments, kernels, platformSettings, poolKernels } from '../../db/schema';
import type { TSignedInUser } from '../../lib/auth/authorize-credentials';
import { listPooledKernels } from '../../lib/platform/list-pooled-kernels';
import { createProject, createUserWithToken, gatewayFetch, startTestGateway, type TTestGateway } from '../helpers/gateway';
import { createEnvironment, until } from '../helpers/kernels';
import { createTestDatabase, type TTestDatabase } from '../helpers/postgres';
import { testPython } from '../helpers/python';

let t: TTestDatabase;
let gw: TTestGateway;
let admin: TSignedInUser;
/** The most pool kernels (ready + starting) seen at once, sampled while the tests run. */
let peak = 0;
let sampler: NodeJS.Timeout;

const pools = () => gw.app.kernels.pool!.stats();
const total = () => pools().reduce((n, p) => n + p.ready + p.starting, 0);
const readyIn = (slug: string) => pools().find((p) => p.environment === slug)?.ready ?? 0;
const setBudget = (poolBudget: number) => t.db.update(platformSettings).set({ poolBudget }).where(eq(platformSettings.id, 1));
const setPoolSize = (slug: string, poolSize: number) => t.db.update(environments).set({ poolSize }).where(eq(environments.slug, slug));
const settle = () => new Promise((r) => setTimeout(r, 1500));

before(async () => {
  t = await createTestDatabase();
  await t.db.insert(platformSettings).values({ id: 1, poolBudget: 2 }).onConflictDoUpdate({ target: platformSettings.id, set: { poolBudget: 2 } });
  await createEnvironment(t.db, { slug: 'second' });
  await setPoolSize('default', 2);
  await setPoolSize('second', 2);
  const { user } = await createUserWithToken(t.db, { role: 'admin' });
  admin = { id: user.id, email: user.email, name: user.name, role: 'admin' };
  gw = await startTestGateway({ db: t.db, config: { poolRefreshMs: 300, poolMaxStarting: 2 } });
  sampler = setInterval(() => (peak = Math.max(peak, total())), 20);
});

after(async () => {
  clearInterval(sampler);
  await gw?.close();
  await t?.drop();
});

test('pools asking for 4 kernels under a budget of 2 start 2, one per environment, and admins see them marked pooled', async () => {
  await until('two ready pool kernels', () => total() === 2 && pools().every((p) => p.starting === 0), 60_000);
  await settle();
  assert.equal(total(), 2, 'no more started after several refreshes');
  assert.equal(peak, 2, 'never more than the budget at once, starting ones included');
  assert.deepEqual([readyIn('default'), readyIn('second')], [1, 1], 'shared out, not all to the first pool');

  const seen = await listPooledKernels(t.db, admin);
  assert.equal(seen.budget, 2);
  assert.deepEqual(seen.kernels.map((k) => [k.environmentSlug, k.pooled, k.state, k.gatewayId]).sort(), [
    ['default', true, 'ready', gw.app.kernels.gatewayId],
    ['second', true, 'ready', gw.app.kernels.gatewayId],
  ]);
  assert.equal((await t.db.select().from(kernels)).length, 0, 'still no one’s kernels');
});

test('a raised budget fills the pools up to it; a lowered one retires the surplus and its rows', async () => {
  await setBudget(3);
  await until('three ready pool kernels', () => total() === 3 && pools().every((p) => p.starting === 0), 60_000);
  await settle();
  assert.equal(total(), 3);
  assert.equal((await t.db.select().from(poolKernels)).length, 3);

  await setBudget(1);
  await until('one pool kernel left', async () => total() === 1 && (await t.db.select().from(poolKernels)).length === 1, 30_000);
  await settle();
  assert.equal(total(), 1);
});

test('a claimed pool kernel leaves the admins’ pool list and becomes an ordinary kernel', async () => {
  await until('a ready pool kernel', () => total() === 1 && pools().every((p) => p.starting === 0), 60_000);
  const [pooled] = (await listPooledKernels(t.db, admin)).kernels;
  const { token } = await createUserWithToken(t.db);
  const res = await gatewayFetch(gw, '/api/kernels', { token, method: 'POST', body: { name: pooled.environmentSlug } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.equal(res.body.id, pooled.id);
  assert.equal((await listPooledKernels(t.db, admin)).kernels.some((k) => k.id === pooled.id), false);
  assert.equal((await gatewayFetch(gw, `/api/kernels/${res.body.id}`, { token, method: 'DELETE' })).status, 204);
});

test('a project template row carrying a command, an image and a pool runs none of them', async () => {
  await setBudget(4);
  const { user, token } = await createUserWithToken(t.db);
  const project = await createProject(t.db, { ownerId: user.id });
  // Written straight into the database (or before the rule): if the gateway ran this argv the launch would fail.
  const rogue = await createEnvironment(t.db, {
    slug: 'rogue',
    projectId: project.id,
    argv: [testPython(), '-c', 'import sys; sys.exit(3)', '{connection_file}'],
    image: 'ghcr.io/evil/miner:latest',
    poolSize: 3,
  });
  await settle();
  assert.equal(pools().some((p) => p.environment === 'rogue'), false, 'no pool for a project template');
  assert.equal((await t.db.select().from(poolKernels).where(eq(poolKernels.environmentId, rogue.id))).length, 0);

  const spec = (await gatewayFetch(gw, '/api/kernelspecs/rogue', { token })).body;
  assert.deepEqual(spec.spec.argv, ['python', '-m', 'ipykernel_launcher', '-f', '{connection_file}']);
  assert.equal(spec.spec.metadata.lattice.poolSize, 0);
  const res = await gatewayFetch(gw, '/api/kernels', { token, method: 'POST', body: { name: 'rogue', env: { KERNEL_PROJECT: project.id } } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const [row] = await t.db.select().from(kernels).where(eq(kernels.id, res.body.id));
  assert.deepEqual([row.environment.argv, row.environment.image, row.environment.poolSize], [null, null, 0]);
  assert.equal((await gatewayFetch(gw, `/api/kernels/${res.body.id}`, { token, method: 'DELETE' })).status, 204);
});

test('a project template runs the kernel of the global template it names, and none once that one is archived', async () => {
  const argv = [testPython(), '-m', 'ipykernel_launcher', '-f', '{connection_file}', '--HistoryManager.enabled=False'];
  const base = await createEnvironment(t.db, { slug: 'approved-kernel', argv, language: 'python' });
  const { user, token } = await createUserWithToken(t.db);
  const project = await createProject(t.db, { ownerId: user.id });
  await createEnvironment(t.db, { slug: 'sized', projectId: project.id, baseEnvironmentId: base.id, cpuLimitM: 2000, argv: ['ignored', '{connection_file}'] });

  assert.deepEqual((await gatewayFetch(gw, '/api/kernelspecs/sized', { token })).body.spec.argv, argv);
  const res = await gatewayFetch(gw, '/api/kernels', { token, method: 'POST', body: { name: 'sized', env: { KERNEL_PROJECT: project.id } } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const [row] = await t.db.select().from(kernels).where(eq(kernels.id, res.body.id));
  assert.deepEqual([row.environment.argv, row.environment.cpuLimitM], [argv, 2000], 'the base’s kernel, the project template’s hardware');
  assert.equal((await gatewayFetch(gw, `/api/kernels/${res.body.id}`, { token, method: 'DELETE' })).status, 204);

  await t.db.update(environments).set({ archivedAt: new Date() }).where(eq(environments.id, base.id));
  const refused = await gatewayFetch(gw, '/api/kernels', { token, method: 'POST', body: { name: 'sized', env: { KERNEL_PROJECT: project.id } } });
  assert.equal(refused.status, 409);
  assert.match(refused.body.message, /archived by an administrator; a project owner must choose another kernel/);
  assert.equal((await gatewayFetch(gw, '/api/kernelspecs/sized', { token })).status, 404);
});
