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
import { testPython } from './python';

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
export async function startTestGateway(opts: { db: TDb; config?: Partial<TGatewayConfig> }): Promise<TTestGateway> {
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
  const app = await buildApp({ db: opts.db, config });
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
  const { token, prefix, hash } = generateToken();
  await db.insert(apiTokens).values({
    userId: user.id,
    kind: opts.kind ?? 'personal',
    name: 'test',
    tokenHash: hash,
    prefix,
    projectId: opts.projectId ?? null,
    expiresAt: opts.expiresAt ?? null,
  });
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
