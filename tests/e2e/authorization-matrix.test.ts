/**
 * Issue 4 §6: every web route handler, server action and gateway endpoint against every role
 * (anonymous, non-member, viewer, editor, owner, admin). The expectations are data in
 * `authorization-matrix.ts`. The first test fails when a route exists without a row (or a
 * row without a route); the second runs each row as each role against the real platform
 * (`next start` + gateway with local ipykernels) and fails listing every cell that differs.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { WebSocket } from 'ws';
import { hashPassword } from '../../db/passwords';
import { apiTokens, environments, kernels, notebooks, platformSettings, projectMembers, projects, users } from '../../db/schema';
import { generateToken } from '../../db/tokens';
import type { TPlatform } from '../../scripts/platform';
import { addMember, createProject, createToken, gatewayFetch, startTestGateway } from '../helpers/gateway';
import { createTestDatabase, type TTestDatabase } from '../helpers/postgres';
import { startTestPlatform, type TTestPlatform } from '../helpers/test-platform';
import { csrfToken, signIn, webFetch, type TCookieJar, type TWebResponse } from '../helpers/web-session';
import {
  MATRIX,
  matches,
  parsePrintedRoutes,
  ROLES,
  routeKey,
  serverActions,
  webRoutes,
  websocketRoutes,
  type TMatrixFixtures,
  type TMatrixRow,
  type TProbe,
  type TRole,
} from './authorization-matrix';

const PASSWORD = 'matrix-password-1';
const ADMIN = { email: 'admin@example.com', password: 'matrix-admin-password' };

type TSignedInRole = Exclude<TRole, 'anonymous'>;
interface TIdentity {
  id: string;
  email: string;
  token: string;
  cookies: TCookieJar;
}

let db: TTestDatabase;
let testPlatform: TTestPlatform | undefined;
let platform: TPlatform;
let fx: TMatrixFixtures;
/** The gateway's routes as a real instance registers them. */
let gatewayRoutes: string[];
const who = {} as Record<TSignedInRole, TIdentity>;

const environmentInput = (name: string) => ({
  name,
  language: 'python',
  cpuRequest: 0.5,
  cpuLimit: 1,
  memoryRequestGib: 1,
  memoryLimitGib: 2,
  idleTimeoutMinutes: 60,
});

async function createMember(label: string): Promise<{ id: string; email: string }> {
  const email = `${label.toLowerCase()}@matrix.test`;
  const [user] = await db.db.insert(users).values({ email, name: label, role: 'member', passwordHash: await hashPassword(PASSWORD) }).returning();
  return { id: user.id, email };
}

const gatewayUrl = () => platform.gatewayUrl.replace('localhost', '127.0.0.1');
const webUrl = () => platform.webUrl.replace('localhost', '127.0.0.1');

async function expectOk<T extends { status: number; body: any }>(res: T | Promise<T>, what: string): Promise<T> {
  const r = await res;
  if (r.status < 200 || r.status >= 300) throw new Error(`fixture: ${what} answered ${r.status} ${JSON.stringify(r.body)}`);
  return r;
}

async function startKernel(role: 'owner' | 'editor', slug: string, projectId: string, notebookId?: string): Promise<string> {
  const env = { KERNEL_PROJECT: projectId, ...(notebookId ? { KERNEL_NOTEBOOK: notebookId } : {}) };
  const res = await expectOk(
    gatewayFetch({ url: gatewayUrl() }, '/api/kernels', { method: 'POST', token: who[role].token, body: { name: slug, env } }),
    `starting a kernel as ${role}`,
  );
  return res.body.id;
}

before(async () => {
  db = await createTestDatabase();
  // Before any kernel exists: a second gateway on this database would try to reattach them.
  const gateway = await startTestGateway({ db: db.db });
  try {
    gatewayRoutes = parsePrintedRoutes(gateway.app.fastify.printRoutes({ includeMeta: ['__none__'] } as never));
  } finally {
    await gateway.close();
  }
  testPlatform = await startTestPlatform({ admin: ADMIN, dataDirPrefix: 'lattice-matrix-', db });
  ({ platform } = testPlatform);

  const [admin] = await db.db.select().from(users).where(eq(users.email, ADMIN.email));
  const members = { nonMember: await createMember('Outsider'), viewer: await createMember('Viewer'), editor: await createMember('Editor'), owner: await createMember('Owner') };
  const bystander = { ...(await createMember('Bystander')), password: PASSWORD };
  const accounts: Record<TSignedInRole, { id: string; email: string; password: string }> = {
    ...Object.fromEntries(Object.entries(members).map(([role, u]) => [role, { ...u, password: PASSWORD }])),
    admin: { id: admin.id, email: admin.email, password: ADMIN.password },
  } as Record<TSignedInRole, { id: string; email: string; password: string }>;
  for (const role of ROLES) {
    if (role === 'anonymous') continue;
    const account = accounts[role];
    const session = await signIn(webUrl(), account);
    who[role] = { id: account.id, email: account.email, token: await createToken(db.db, account.id), cookies: session.cookies };
  }

  const project = await createProject(db.db, { name: 'Matrix project', ownerId: who.owner.id });
  await addMember(db.db, project.id, who.editor.id, 'editor');
  await addMember(db.db, project.id, who.viewer.id, 'viewer');
  const asOwner = (p: string, json: unknown) => expectOk(webFetch(webUrl(), who.owner.cookies, p, { method: 'POST', json }), `POST ${p}`);
  const notebook = await asOwner(`/api/projects/${project.id}/notebooks`, { name: 'Matrix notebook' });
  const kernelEnv = await asOwner(`/api/projects/${project.id}/environments`, environmentInput('Matrix kernels'));
  const projectEnv = await asOwner(`/api/projects/${project.id}/environments`, environmentInput('Matrix project template'));
  const globalEnv = await expectOk(
    webFetch(webUrl(), who.admin.cookies, '/api/admin/environments', { method: 'POST', json: environmentInput('Matrix global template') }),
    'creating a global template',
  );
  // Larger in memory than the kernels' template: where a dead kernel's notebook can move.
  await asOwner(`/api/projects/${project.id}/environments`, { ...environmentInput('Matrix larger'), memoryLimitGib: 4 });
  const slug: string = kernelEnv.body.slug;
  let dead: Promise<string> | null = null;

  let counter = 0;
  fx = {
    projectId: project.id,
    notebookId: notebook.body.id,
    kernelEnvironment: { id: kernelEnv.body.id, slug },
    projectEnvironmentId: projectEnv.body.id,
    globalEnvironmentId: globalEnv.body.id,
    bystander,
    kernels: { owner: await startKernel('owner', slug, project.id), editor: await startKernel('editor', slug, project.id) },
    deadKernel() {
      dead ??= (async () => {
        const id = await startKernel('editor', slug, project.id, notebook.body.id);
        await fx.stopKernel(id);
        await db.db.update(kernels).set({ state: 'dead', reason: 'oom-killed' }).where(eq(kernels.id, id));
        return id;
      })();
      return dead;
    },
    freshKernel: (role) => startKernel(role, slug, project.id),
    async stopKernel(id) {
      await gatewayFetch({ url: gatewayUrl() }, `/api/kernels/${id}`, { method: 'DELETE', token: who.admin.token });
    },
    async freshNotebook() {
      return (await asOwner(`/api/projects/${project.id}/notebooks`, { name: `Throwaway ${++counter}` })).body.id;
    },
    async freshProjectFile() {
      const name = `throwaway-${++counter}.txt`;
      await expectOk(webFetch(webUrl(), who.owner.cookies, `/api/projects/${project.id}/files/upload?path=${name}`, { method: 'PUT', json: 'x' }), 'uploading a file');
      return name;
    },
    async freshProject(archived = false) {
      const fresh = await createProject(db.db, { name: `Matrix throwaway ${++counter}`, ownerId: who.owner.id });
      await addMember(db.db, fresh.id, who.editor.id, 'editor');
      await addMember(db.db, fresh.id, who.viewer.id, 'viewer');
      if (archived) await db.db.update(projects).set({ archivedAt: new Date() }).where(eq(projects.id, fresh.id));
      return { id: fresh.id, name: fresh.name };
    },
    async freshTokenId(role) {
      const { prefix, hash } = generateToken();
      const userId = role === 'anonymous' ? bystander.id : who[role].id;
      const [row] = await db.db.insert(apiTokens).values({ userId, kind: 'personal', name: 'matrix', tokenHash: hash, prefix }).returning();
      return row.id;
    },
    async setBystanderMembership(role) {
      if (role) await addMember(db.db, project.id, bystander.id, role);
      else await db.db.delete(projectMembers).where(eq(projectMembers.userId, bystander.id));
    },
    async setArchived(id, archived) {
      await db.db.update(environments).set({ archivedAt: archived ? new Date() : null }).where(eq(environments.id, id));
    },
    async notebookContent() {
      const [row] = await db.db.select().from(notebooks).where(eq(notebooks.id, notebook.body.id));
      return { content: row.content, version: row.version };
    },
    environmentInput,
    async platformInput() {
      const [row] = await db.db.select().from(platformSettings);
      return { maxCpu: row.maxCpuM / 1000, maxMemoryGib: row.maxMemoryMib / 1024, maxGpus: row.maxGpus, maxExecutors: row.maxExecutors };
    },
    unique: (label) => `${label} ${++counter}`,
    async freshUserId() {
      return (await createMember(`Throwaway${++counter}`)).id;
    },
    passwordChange(role) {
      if (role === 'anonymous') return { currentPassword: PASSWORD, newPassword: 'anonymous-password' };
      const change = { currentPassword: accounts[role].password, newPassword: `${accounts[role].password}-changed` };
      accounts[role].password = change.newPassword;
      return change;
    },
  };
});

after(async () => {
  // Stopped here rather than left to the gateway's exit, which has a few seconds before it is killed.
  if (fx) await Promise.all([fx.stopKernel(fx.kernels.owner), fx.stopKernel(fx.kernels.editor)]).catch(() => undefined);
  await testPlatform?.close();
  await db?.drop();
});

test('every route handler, server action and gateway endpoint has a row in the matrix, and every row a route', async () => {
  const websockets = websocketRoutes();
  assert.deepEqual(websockets.unknownFiles, [], 'these files handle websocket upgrades: list their paths in WEBSOCKET_HANDLERS and add matrix rows');

  const defined = new Set([
    ...webRoutes().map((r) => routeKey('web', r)),
    ...serverActions().map((r) => routeKey('action', r)),
    ...gatewayRoutes.map((r) => routeKey('gateway', r)),
    ...websockets.routes.map((r) => routeKey('websocket', r)),
  ]);
  const inMatrix = new Set(MATRIX.map((r) => routeKey(r.surface, r.route)));
  const missing = [...defined].filter((k) => !inMatrix.has(k));
  const stale = [...inMatrix].filter((k) => !defined.has(k));
  assert.deepEqual(missing, [], `routes without a row in tests/e2e/authorization-matrix.ts:\n  ${missing.join('\n  ')}`);
  assert.deepEqual(stale, [], `matrix rows whose route no longer exists:\n  ${stale.join('\n  ')}`);
  assert.ok(gatewayRoutes.length >= 8 && webRoutes().length >= 30, 'enumeration found the routes');
  console.log(`coverage: ${webRoutes().length} web methods, ${serverActions().length} server actions, ${gatewayRoutes.length} gateway routes, ${websockets.routes.length} websocket`);
});

async function sendWeb(role: TRole, method: string, probe: TProbe): Promise<TWebResponse> {
  const own = role === 'anonymous' ? null : who[role].cookies;
  if (!probe.withCsrf) return webFetch(webUrl(), own, probe.path, { method, json: probe.json, form: probe.form });
  // A copy of the jar: the probe must not change the role's own session.
  const jar: TCookieJar = new Map(own ?? []);
  const csrf = await csrfToken(webUrl(), jar);
  return webFetch(webUrl(), jar, probe.path, { method, form: { ...probe.form, csrfToken: csrf } });
}

function openWebsocket(role: TRole, probe: TProbe): Promise<{ status: number; body: unknown }> {
  const headers: Record<string, string> = role === 'anonymous' ? {} : { authorization: `token ${who[role].token}` };
  const ws = new WebSocket(`${gatewayUrl().replace(/^http/, 'ws')}${probe.path}`, ['v1.kernel.websocket.jupyter.org'], { headers });
  return new Promise((resolve, reject) => {
    ws.once('open', () => {
      ws.close();
      resolve({ status: 101, body: null });
    });
    ws.once('unexpected-response', (_req, res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    ws.once('error', reject);
  });
}

/** Status of a streaming answer (the stream is closed at once); an error's body is read in full. */
async function openStream(token: string | undefined, probe: TProbe): Promise<{ status: number; body: unknown }> {
  const abort = new AbortController();
  const res = await fetch(`${gatewayUrl()}${probe.path}`, { headers: token ? { authorization: `token ${token}` } : {}, signal: abort.signal });
  if (res.status >= 300) return { status: res.status, body: await res.text() };
  abort.abort();
  return { status: res.status, body: null };
}

async function send(row: TMatrixRow, role: TRole, probe: TProbe): Promise<{ status: number; body: any }> {
  const method = row.route.split(' ')[0];
  if (row.surface === 'web') return sendWeb(role, method, probe);
  if (row.surface === 'websocket') return openWebsocket(role, probe);
  if (row.surface === 'gateway') {
    const token = role === 'anonymous' ? undefined : who[role].token;
    if (probe.stream) return openStream(token, probe);
    return webFetch(gatewayUrl(), null, probe.path, { method, json: probe.json, headers: token ? { authorization: `token ${token}` } : {} });
  }
  throw new Error(`no runner for ${row.surface} rows (${row.route}): add one`);
}

const short = (outcome: string | number) => (outcome === 'allow' ? 'ok' : String(outcome));

test('each role gets exactly what the matrix says, on the running platform', { timeout: 900_000 }, async () => {
  const failures: string[] = [];
  const table: string[] = [`${'route'.padEnd(78)} ${ROLES.map((r) => r.slice(0, 9).padEnd(9)).join(' ')}`];
  for (const row of MATRIX) {
    const label = `${row.surface === 'web' ? 'web' : row.surface === 'websocket' ? 'ws ' : 'gw '} ${row.route}${row.variant ? ` (${row.variant})` : ''}`;
    const cells: string[] = [];
    for (const role of ROLES) {
      const expected = row.expect[role];
      let cell: string;
      try {
        const probe = await row.probe(fx, role, expected === 'allow');
        const res = await send(row, role, probe);
        const ok = matches(expected, res.status);
        cell = ok ? short(expected) : `${res.status}≠${short(expected)}`;
        if (!ok) failures.push(`${label} as ${role}: expected ${expected}, got ${res.status} ${JSON.stringify(res.body)?.slice(0, 200)}`);
        if (ok && res.status >= 200 && res.status < 300 && row.sees) {
          const sees = row.sees.in(fx, res.body);
          const should = row.sees.roles.includes(role);
          if (sees !== should) failures.push(`${label} as ${role}: ${should ? 'does not see' : 'sees'} ${row.sees.what}`);
          if (sees !== should) cell = `${cell}!`;
        }
        if (res.status >= 200 && res.status < 300 && row.cleanup) await row.cleanup(fx, res.body);
      } catch (err) {
        cell = 'ERR';
        failures.push(`${label} as ${role}: ${(err as Error).message}`);
      }
      cells.push(cell.padEnd(9));
    }
    table.push(`${label.slice(0, 78).padEnd(78)} ${cells.join(' ')}`);
  }
  console.log(table.join('\n'));
  assert.deepEqual(failures, [], `${failures.length} cell(s) differ from the matrix:\n  ${failures.join('\n  ')}`);
});

test("kernel events reach exactly the callers who may view the kernel's project", { timeout: 120_000 }, async () => {
  const listeners = (['nonMember', 'viewer', 'editor', 'owner', 'admin'] as const).map((role) => {
    const abort = new AbortController();
    let text = '';
    const done = (async () => {
      const res = await fetch(`${gatewayUrl()}/api/events`, { headers: { authorization: `token ${who[role].token}` }, signal: abort.signal });
      if (res.status !== 200) throw new Error(`GET /api/events as ${role} answered ${res.status}`);
      const decoder = new TextDecoder();
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) text += decoder.decode(chunk, { stream: true });
    })().then(
      () => null,
      (err: Error) => (err.name === 'AbortError' ? null : err),
    );
    return { role, abort, done, received: () => text };
  });
  await new Promise((r) => setTimeout(r, 500));
  const kernelId = await fx.freshKernel('editor');
  await fx.stopKernel(kernelId);
  await new Promise((r) => setTimeout(r, 1500));
  for (const l of listeners) l.abort.abort();
  assert.deepEqual((await Promise.all(listeners.map((l) => l.done))).filter(Boolean), []);
  for (const l of listeners) {
    const heard = l.received().includes(kernelId);
    assert.equal(heard, l.role !== 'nonMember', `${l.role} ${heard ? 'heard' : 'did not hear'} the editor's kernel start and stop`);
  }
});
