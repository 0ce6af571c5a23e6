import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { generateToken } from '../../db/tokens';
import type { TDb } from '../../db/client';
import { apiTokens, projectMembers, projects, users } from '../../db/schema';
import type { TProjectRole, TUserRole } from '../../common/roles';
import { buildApp, type TGatewayApp } from '../../server/app';
import { loadConfig, type TGatewayConfig } from '../../server/config';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import { testPython } from './python';
import { waitForMatch } from './wait-for-match';

export interface TTestGateway {
  /** http://127.0.0.1:<port> */
  url: string;
  /** ws://127.0.0.1:<port> */
  wsUrl: string;
  app: TGatewayApp;
  /** The gateway's private LATTICE_DATA_DIR (connection files, kernel logs). */
  dataDir: string;
  /** Stops every kernel it started, closes the server, removes its data dir. */
  close(): Promise<void>;
}

/**
 * A gateway on 127.0.0.1 with a random port, a private data dir and the test Python.
 * Logs are silent unless LATTICE_TEST_LOG names a level.
 */
export async function startTestGateway(opts: { db: TDb; config?: Partial<TGatewayConfig>; logger?: Logger }): Promise<TTestGateway> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'lattice-gw-'));
  const config = {
    ...loadConfig({
      ...process.env,
      DATABASE_URL: 'postgres://injected-by-test',
      LATTICE_PYTHON: testPython(),
      LATTICE_DATA_DIR: dataDir,
      LATTICE_LOG_LEVEL: process.env.LATTICE_TEST_LOG ?? 'silent',
      LATTICE_GATEWAY_HOST: '127.0.0.1',
      LATTICE_GATEWAY_PORT: '0',
    }),
    kernelPollIntervalMs: 500,
    ...opts.config,
  };
  const app = await buildApp({ db: opts.db, config, logger: opts.logger });
  try {
    await app.fastify.listen({ host: '127.0.0.1', port: 0 });
  } catch (err) {
    await app.close();
    throw err;
  }
  const { port } = app.fastify.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}`,
    app,
    dataDir,
    async close() {
      try {
        await app.kernels.shutdownAll();
        await app.close();
      } finally {
        await rm(dataDir, { recursive: true, force: true });
      }
    },
  };
}

let counter = 0;

/** A user with a fresh API token (shown once, like the real thing). */
export async function createUserWithToken(
  db: TDb,
  opts: {
    role?: TUserRole;
    email?: string;
    name?: string;
    kind?: 'personal' | 'browser';
    /** Scope the token to one project. */
    projectId?: string;
    expiresAt?: Date;
  } = {},
): Promise<{ user: typeof users.$inferSelect; token: string }> {
  const n = ++counter;
  const [user] = await db
    .insert(users)
    .values({
      email: opts.email ?? `user${n}-${Date.now()}@example.test`,
      name: opts.name ?? `User ${n}`,
      role: opts.role ?? 'member',
      passwordHash: 'not-a-real-hash',
    })
    .returning();
  const token = await createToken(db, user.id, opts);
  return { user, token };
}

/** Another token for an existing user (e.g. a project-scoped browser token). */
export async function createToken(
  db: TDb,
  userId: string,
  opts: { kind?: 'personal' | 'browser'; projectId?: string; expiresAt?: Date; revoked?: boolean } = {},
): Promise<string> {
  const { token, prefix, hash } = generateToken();
  await db.insert(apiTokens).values({
    userId,
    kind: opts.kind ?? 'personal',
    name: 'test',
    tokenHash: hash,
    prefix,
    projectId: opts.projectId ?? null,
    expiresAt: opts.expiresAt ?? null,
    revokedAt: opts.revoked ? new Date() : null,
  });
  return token;
}

/** A project; `ownerId` (if given) becomes its owner member. */
export async function createProject(
  db: TDb,
  opts: { name?: string; slug?: string; ownerId?: string } = {},
): Promise<typeof projects.$inferSelect> {
  const n = ++counter;
  const [project] = await db
    .insert(projects)
    .values({ name: opts.name ?? `Project ${n}`, slug: opts.slug ?? `project-${n}-${Date.now()}`, createdBy: opts.ownerId ?? null })
    .returning();
  if (opts.ownerId) await addMember(db, project.id, opts.ownerId, 'owner');
  return project;
}

export async function addMember(db: TDb, projectId: string, userId: string, role: TProjectRole): Promise<void> {
  await db.insert(projectMembers).values({ projectId, userId, role }).onConflictDoUpdate({
    target: [projectMembers.projectId, projectMembers.userId],
    set: { role },
  });
}

export type TWsProtocolChoice = 'v1' | 'legacy';

/** A message as the test client sees it (the shape @jupyterlab/services produces). */
export interface TClientMessage {
  channel: string;
  header: { msg_id: string; msg_type: string; [k: string]: unknown };
  parent_header: { msg_id?: string; [k: string]: unknown };
  metadata: Record<string, unknown>;
  content: Record<string, unknown>;
  buffers?: Array<ArrayBuffer | ArrayBufferView>;
}

export interface TChannelsClient {
  ws: WebSocket;
  messages: TClientMessage[];
  /** Sends a request; returns its msg_id. */
  send(channel: string, msgType: string, content: Record<string, unknown>, buffers?: ArrayBuffer[]): string;
  /** Resolves with the first message (already received or future) that matches. */
  waitFor(match: (m: TClientMessage) => boolean, timeoutMs?: number): Promise<TClientMessage>;
  /** Runs code; resolves with the execute_reply and the iopub messages parented to it. */
  execute(code: string, timeoutMs?: number): Promise<{ reply: TClientMessage; iopub: TClientMessage[] }>;
  close(): Promise<void>;
}

/**
 * A minimal Jupyter websocket client for tests, using @jupyterlab/services' own serializer
 * so frames are exactly what JupyterLab sends. Rejects if the upgrade is refused.
 */
export async function openChannels(
  gw: Pick<TTestGateway, 'wsUrl'>,
  kernelId: string,
  opts: {
    token?: string;
    protocol?: TWsProtocolChoice;
    origin?: string;
    tokenInQuery?: boolean;
    /** The Jupyter session id (a reconnecting client reuses its own); random by default. */
    sessionId?: string;
    /** false: never answer the gateway's pings (a peer that has silently gone away). */
    autoPong?: boolean;
    /** The `username` in this client's message headers (clients may claim any). */
    username?: string;
  } = {},
): Promise<TChannelsClient> {
  const { WebSocket } = await import('ws');
  const { serialize, deserialize } = await import('@jupyterlab/services/lib/kernel/serialize.js');
  const protocol = opts.protocol ?? 'v1';
  const wire = protocol === 'v1' ? 'v1.kernel.websocket.jupyter.org' : '';
  const session = opts.sessionId ?? crypto.randomUUID();
  const query = new URLSearchParams({ session_id: session });
  if (opts.token && opts.tokenInQuery) query.set('token', opts.token);
  const headers: Record<string, string> = {};
  if (opts.token && !opts.tokenInQuery) headers.authorization = `token ${opts.token}`;
  if (opts.origin) headers.origin = opts.origin;
  const ws = new WebSocket(`${gw.wsUrl}/api/kernels/${kernelId}/channels?${query}`, wire ? [wire] : [], { headers, autoPong: opts.autoPong ?? true });
  const messages: TClientMessage[] = [];
  const waiters = new Set<() => void>();
  ws.binaryType = 'arraybuffer';
  ws.on('message', (data, isBinary) => {
    const raw = isBinary ? (data as ArrayBuffer) : (data.toString() as unknown as ArrayBuffer);
    messages.push(deserialize(raw, wire) as unknown as TClientMessage);
    for (const w of waiters) w();
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`upgrade refused: ${res.statusCode}`), { status: res.statusCode })));
    ws.once('error', reject);
  });
  if (ws.protocol !== wire) throw new Error(`gateway chose subprotocol "${ws.protocol}", expected "${wire}"`);

  const waitFor = (match: (m: TClientMessage) => boolean, timeoutMs = 20_000) => waitForMatch(messages, waiters, match, timeoutMs, 'a kernel message');

  const send: TChannelsClient['send'] = (channel, msgType, content, buffers) => {
    const msgId = crypto.randomUUID();
    const msg = {
      channel,
      header: { msg_id: msgId, msg_type: msgType, session, username: opts.username ?? 'test', date: new Date().toISOString(), version: '5.3' },
      parent_header: {},
      metadata: {},
      content,
      buffers: buffers ?? [],
    };
    ws.send(serialize(msg as never, wire));
    return msgId;
  };

  return {
    ws,
    messages,
    send,
    waitFor,
    async execute(code, timeoutMs = 30_000) {
      const id = send('shell', 'execute_request', { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true });
      const reply = await waitFor((m) => m.channel === 'shell' && m.parent_header.msg_id === id, timeoutMs);
      await waitFor((m) => m.channel === 'iopub' && m.parent_header.msg_id === id && m.header.msg_type === 'status' && m.content.execution_state === 'idle', timeoutMs);
      return { reply, iopub: messages.filter((m) => m.channel === 'iopub' && m.parent_header.msg_id === id) };
    },
    async close() {
      if (ws.readyState === WebSocket.CLOSED) return;
      await new Promise<void>((resolve) => {
        ws.once('close', () => resolve());
        ws.close();
      });
    },
  };
}

/** `fetch` against the gateway with a token; JSON in, `{status, body}` out. */
export async function gatewayFetch(
  gw: Pick<TTestGateway, 'url'>,
  path: string,
  opts: { token?: string; method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `token ${opts.token}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${gw.url}${path}`, { method: opts.method ?? 'GET', headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}
