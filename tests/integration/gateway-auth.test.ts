/**
 * Who may do what to a kernel: anonymous callers and bad tokens are 401, non-members see
 * nothing (404), viewers may look but not start, run, interrupt, restart or stop (403),
 * on every route and on the websocket. Plus CORS/Origin rules and kernelspec visibility.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { environments, users } from '../../db/schema';
import { createTestDatabase, type TTestDatabase } from '../helpers/postgres';
import {
  addMember,
  createProject,
  createToken,
  createUserWithToken,
  gatewayFetch,
  openChannels,
  startTestGateway,
  type TTestGateway,
} from '../helpers/gateway';

let t: TTestDatabase;
let gw: TTestGateway;
let kernelId: string;
let projectId: string;
const tokens: Record<string, string> = {};

const ALLOWED_ORIGIN = 'http://localhost:3000';

before(async () => {
  t = await createTestDatabase();
  gw = await startTestGateway({ db: t.db });
  const owner = await createUserWithToken(t.db);
  tokens.owner = owner.token;
  const project = await createProject(t.db, { ownerId: owner.user.id });
  projectId = project.id;
  for (const role of ['viewer', 'editor'] as const) {
    const u = await createUserWithToken(t.db);
    await addMember(t.db, projectId, u.user.id, role);
    tokens[role] = u.token;
  }
  tokens.stranger = (await createUserWithToken(t.db)).token;
  tokens.admin = (await createUserWithToken(t.db, { role: 'admin' })).token;
  const elsewhere = await createProject(t.db, { ownerId: owner.user.id });
  tokens.scopedElsewhere = await createToken(t.db, owner.user.id, { kind: 'browser', projectId: elsewhere.id, expiresAt: new Date(Date.now() + 600_000) });
  tokens.expired = await createToken(t.db, owner.user.id, { kind: 'browser', expiresAt: new Date(Date.now() - 1000) });
  tokens.revoked = await createToken(t.db, owner.user.id, { revoked: true });
  const disabled = await createUserWithToken(t.db);
  await addMember(t.db, projectId, disabled.user.id, 'owner');
  await t.db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, disabled.user.id));
  tokens.disabled = disabled.token;

  const res = await gatewayFetch(gw, '/api/kernels', { token: tokens.owner, method: 'POST', body: { env: { KERNEL_PROJECT: projectId } } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  kernelId = res.body.id;
});

after(async () => {
  await gw?.close();
  await t?.drop();
});

/** Every route that acts on one kernel; restart last since it is the slowest when allowed. */
const kernelRoutes = () => [
  { method: 'GET', path: `/api/kernels/${kernelId}` },
  { method: 'GET', path: `/api/lattice/kernels/${kernelId}` },
  { method: 'POST', path: `/api/kernels/${kernelId}/interrupt` },
  { method: 'POST', path: `/api/kernels/${kernelId}/restart` },
  { method: 'DELETE', path: `/api/kernels/${kernelId}` },
];

async function wsStatus(token: string | undefined, opts: { origin?: string; tokenInQuery?: boolean } = {}): Promise<number> {
  try {
    const ch = await openChannels(gw, kernelId, { token, ...opts });
    await ch.close();
    return 101;
  } catch (err) {
    return (err as { status?: number }).status ?? -1;
  }
}

describe('unauthenticated callers', () => {
  for (const who of [undefined, 'lat_not-a-real-token', 'expired', 'revoked', 'disabled']) {
    test(`${who ?? 'anonymous'} is refused (401) on every kernel route and the websocket`, async () => {
      const token = who && tokens[who] ? tokens[who] : who;
      const routes = [
        { method: 'GET', path: '/api/kernels' },
        { method: 'POST', path: '/api/kernels' },
        { method: 'GET', path: '/api/kernelspecs' },
        { method: 'GET', path: '/api/kernelspecs/python3' },
        ...kernelRoutes(),
      ];
      for (const r of routes) {
        const res = await gatewayFetch(gw, r.path, { token, method: r.method, body: r.method === 'POST' ? {} : undefined });
        assert.equal(res.status, 401, `${r.method} ${r.path}`);
        assert.equal(res.body.code, 'UNAUTHENTICATED');
      }
      assert.equal(await wsStatus(token), 401);
    });
  }
});

describe('a non-member', () => {
  test('gets 404 on every route of the kernel and on its websocket, and does not see it listed', async () => {
    for (const token of [tokens.stranger, tokens.scopedElsewhere]) {
      for (const r of kernelRoutes()) {
        const res = await gatewayFetch(gw, r.path, { token, method: r.method });
        assert.equal(res.status, 404, `${r.method} ${r.path}`);
        assert.equal(res.body.code, 'NOT_FOUND');
      }
      assert.equal(await wsStatus(token), 404);
      assert.deepEqual((await gatewayFetch(gw, '/api/kernels', { token })).body, []);
    }
  });

  test('cannot start a kernel in the project (404), nor with a token scoped elsewhere (403)', async () => {
    const stranger = await gatewayFetch(gw, '/api/kernels', { token: tokens.stranger, method: 'POST', body: { env: { KERNEL_PROJECT: projectId } } });
    assert.equal(stranger.status, 404);
    const scoped = await gatewayFetch(gw, '/api/kernels', { token: tokens.scopedElsewhere, method: 'POST', body: { env: { KERNEL_PROJECT: projectId } } });
    assert.equal(scoped.status, 403);
  });
});

describe('a viewer', () => {
  test('sees the kernel', async () => {
    assert.equal((await gatewayFetch(gw, `/api/kernels/${kernelId}`, { token: tokens.viewer })).status, 200);
    assert.equal((await gatewayFetch(gw, `/api/lattice/kernels/${kernelId}`, { token: tokens.viewer })).status, 200);
    const list = await gatewayFetch(gw, '/api/kernels', { token: tokens.viewer });
    assert.deepEqual(list.body.map((k: { id: string }) => k.id), [kernelId]);
  });

  test('is refused (403) on start, interrupt, restart, stop and the websocket', async () => {
    const start = await gatewayFetch(gw, '/api/kernels', { token: tokens.viewer, method: 'POST', body: { env: { KERNEL_PROJECT: projectId } } });
    assert.equal(start.status, 403);
    assert.equal(start.body.code, 'FORBIDDEN');
    for (const r of kernelRoutes().filter((r) => r.method !== 'GET')) {
      const res = await gatewayFetch(gw, r.path, { token: tokens.viewer, method: r.method });
      assert.equal(res.status, 403, `${r.method} ${r.path}`);
    }
    assert.equal(await wsStatus(tokens.viewer), 403);
    assert.equal(await wsStatus(tokens.viewer, { tokenInQuery: true }), 403);
  });
});

describe('members who may run', () => {
  test("an editor connects and interrupts, but may not stop another user's kernel", async () => {
    assert.equal(await wsStatus(tokens.editor), 101);
    assert.equal(await wsStatus(tokens.editor, { tokenInQuery: true }), 101);
    assert.equal((await gatewayFetch(gw, `/api/kernels/${kernelId}/interrupt`, { token: tokens.editor, method: 'POST' })).status, 204);
    assert.equal((await gatewayFetch(gw, `/api/kernels/${kernelId}`, { token: tokens.editor, method: 'DELETE' })).status, 403);
  });

  test('?token= works on HTTP too', async () => {
    assert.equal((await gatewayFetch(gw, `/api/kernels/${kernelId}?token=${tokens.owner}`)).status, 200);
  });
});

describe('origins', () => {
  test('CORS preflight from a web origin is answered; other browser origins are refused', async () => {
    const pre = await fetch(`${gw.url}/api/kernels`, {
      method: 'OPTIONS',
      headers: { origin: ALLOWED_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get('access-control-allow-origin'), ALLOWED_ORIGIN);
    assert.match(pre.headers.get('access-control-allow-headers') ?? '', /authorization/);
    const ok = await gatewayFetch(gw, '/api/kernels', { token: tokens.owner, headers: { origin: ALLOWED_ORIGIN } });
    assert.equal(ok.headers.get('access-control-allow-origin'), ALLOWED_ORIGIN);
    const evil = await gatewayFetch(gw, '/api/kernels', { token: tokens.owner, headers: { origin: 'https://evil.example' } });
    assert.equal(evil.status, 403);
  });

  test('websocket upgrades check Origin before the handshake', async () => {
    assert.equal(await wsStatus(tokens.owner, { origin: 'https://evil.example' }), 403);
    assert.equal(await wsStatus(tokens.owner, { origin: ALLOWED_ORIGIN }), 101);
  });
});

describe('kernelspecs', () => {
  test('global environments and those of the project named, with python3 as an alias of default', async () => {
    await t.db.insert(environments).values({
      projectId,
      slug: 'project-gpu',
      name: 'Project GPU',
      cpuRequestM: 1000,
      cpuLimitM: 2000,
      memoryRequestMib: 2048,
      memoryLimitMib: 8192,
      gpus: 1,
    });
    // Unnamed, the listing is the personal project's: a project template is listed where it can be launched.
    assert.equal((await gatewayFetch(gw, '/api/kernelspecs', { token: tokens.viewer })).body.kernelspecs['project-gpu'], undefined);
    const mine = await gatewayFetch(gw, `/api/kernelspecs?project=${projectId}`, { token: tokens.viewer });
    assert.equal(mine.body.default, 'python3');
    assert.deepEqual(Object.keys(mine.body.kernelspecs).sort(), ['default', 'project-gpu', 'python3']);
    const gpu = mine.body.kernelspecs['project-gpu'];
    assert.equal(gpu.spec.display_name, 'Project GPU · 2 vCPU · 8 GiB · 1 GPU');
    assert.equal(gpu.spec.metadata.lattice.computeUnitsPerHour, 14);
    assert.equal(mine.body.kernelspecs.python3.spec.interrupt_mode, 'signal');
    const theirs = await gatewayFetch(gw, '/api/kernelspecs', { token: tokens.stranger });
    assert.deepEqual(Object.keys(theirs.body.kernelspecs).sort(), ['default', 'python3']);
    assert.equal((await gatewayFetch(gw, `/api/kernelspecs?project=${projectId}`, { token: tokens.stranger })).status, 404);
    assert.equal((await gatewayFetch(gw, '/api/kernelspecs/project-gpu', { token: tokens.stranger })).status, 404);
    assert.equal((await gatewayFetch(gw, '/api/kernelspecs/python3', { token: tokens.stranger })).body.name, 'python3');
  });
});

describe('stopping', () => {
  test("an admin may stop anyone's kernel", async () => {
    assert.equal((await gatewayFetch(gw, `/api/kernels/${kernelId}`, { token: tokens.admin, method: 'DELETE' })).status, 204);
  });
});
