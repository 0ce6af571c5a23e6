import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  bigint,
  bigserial,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import type { TEnvironmentSpec, TPlacement, TSparkSpec } from '../common/environment';
import type { TExecutor, TLaunchProgressInfo } from '../common/kernel-model';

const id = () => uuid('id').primaryKey().default(sql`gen_random_uuid()`);
const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

export const users = pgTable(
  'users',
  {
  id: id(),
  email: text('email').notNull().unique(),
  name: text('name').notNull(),
  passwordHash: text('password_hash').notNull(),
  role: text('role', { enum: ['admin', 'member'] }).notNull().default('member'),
  disabledAt: timestamp('disabled_at', { withTimezone: true }),
  /**
   * The OS uid this user's local kernels run as, allocated by the gateway from
   * LATTICE_SANDBOX_UID_MIN..MAX on first launch; null until then.
   */
  sandboxUid: integer('sandbox_uid').unique(),
  /** Set when an admin-set, generated or reset password must be replaced before anything else. */
  mustChangePassword: boolean('must_change_password').notNull().default(false),
  /**
   * A deleted user: the row stays so history (kernels, metering) still names someone, but
   * email and password are scrubbed, memberships and tokens are gone and nothing signs in.
   */
  deletedAt: timestamp('deleted_at', { withTimezone: true }),
  createdAt: createdAt(),
},
(t) => [index('users_name_sort_idx').on(sql`lower(${t.name})`, t.id), index('users_created_idx').on(t.createdAt, t.id)],
);

/**
 * One row per browser sign-in; its id rides in the session cookie (JWT `sid`) and is checked
 * on every request, so signing out, changing a password or disabling a user ends it at once.
 */
export const webSessions = pgTable(
  'web_sessions',
  {
    id: id(),
    userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index('web_sessions_user_idx').on(t.userId)],
);

/**
 * Personal API tokens (kind `personal`) and the short-lived tokens the web mints for the
 * browser to reach the gateway (kind `browser`). Only a SHA-256 of the token is stored.
 */
export const apiTokens = pgTable(
  'api_tokens',
  {
    id: id(),
    userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['personal', 'browser'] }).notNull().default('personal'),
    name: text('name').notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    prefix: text('prefix').notNull(),
    projectId: uuid('project_id').references(() => projects.id, { onDelete: 'cascade' }),
    /** A browser token's sign-in: it dies with that session (null for personal tokens). */
    sessionId: uuid('session_id').references(() => webSessions.id, { onDelete: 'cascade' }),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index('api_tokens_user_idx').on(t.userId)],
);

/** Failed sign-ins per client address, to slow down password guessing. */
export const loginFailures = pgTable('login_failures', {
  address: text('address').primaryKey(),
  failures: integer('failures').notNull().default(0),
  lastFailureAt: timestamp('last_failure_at', { withTimezone: true }).notNull().defaultNow(),
});

export const projects = pgTable(
  'projects',
  {
  id: id(),
  name: text('name').notNull(),
  slug: text('slug').notNull().unique(),
  description: text('description').notNull().default(''),
  /** A user's personal project: where kernels go that name no project. */
  personalOwnerId: uuid('personal_owner_id')
    .unique()
    .references(() => users.id, { onDelete: 'cascade' }),
  createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
  /** Archived: its kernels are stopped, it is read-only and hidden from lists until restored. */
  archivedAt: timestamp('archived_at', { withTimezone: true }),
  /** Deleted: gone for everyone at once; its rows are removed when no kernel of it still runs. */
  deletedAt: timestamp('deleted_at', { withTimezone: true }),
  createdAt: createdAt(),
},
(t) => [index('projects_name_sort_idx').on(sql`lower(${t.name})`, t.id), index('projects_created_idx').on(t.createdAt, t.id)],
);

export const projectMembers = pgTable(
  'project_members',
  {
    projectId: uuid('project_id').notNull().references(() => projects.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    role: text('role', { enum: ['owner', 'editor', 'viewer'] }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.userId] }), index('project_members_user_idx').on(t.userId)],
);

/**
 * Content-addressed Python environments (issue 15 §3): one row per distinct software definition
 * (`spec_hash` = base + normalized package list), built once in the background by a gateway.
 * Its files live under `<data dir>/software/envs/<lock_hash>` (local) or on the software volume
 * (Kubernetes): rows whose lists resolve to the same lock share them. Read-only once ready.
 */
export const softwareBuilds = pgTable(
  'software_builds',
  {
    id: id(),
    specHash: text('spec_hash').notNull().unique(),
    /** `python:3.11` (a Python on the gateway's machine) or `image:<ref>` (a kernel image; `image:` = the gateway's default). */
    base: text('base').notNull(),
    /** The template's package list, normalized (requirements format, one per line). */
    requirements: text('requirements').notNull(),
    state: text('state', { enum: ['queued', 'building', 'ready', 'failed'] }).notNull().default('queued'),
    /** What the build is doing now, for people ("Resolving 3 packages", "Installing 14 packages"). */
    step: text('step'),
    /** The resolved lock (uv pip compile, with hashes) and its hash with the base's exact Python version. */
    lock: text('lock'),
    lockHash: text('lock_hash'),
    /** The installer's output (last 64 KiB). */
    log: text('log').notNull().default(''),
    /** Why it failed: the installer's own message. */
    error: text('error'),
    sizeBytes: bigint('size_bytes', { mode: 'number' }),
    /** The gateway building it (a build whose gateway died is taken over). */
    builderId: text('builder_id'),
    heartbeatAt: timestamp('heartbeat_at', { withTimezone: true }),
    createdAt: createdAt(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [index('software_builds_lock_hash_idx').on(t.lockHash)],
);

/** Environment templates. `project_id` null = global (admin-managed). Each is a kernelspec. */
export const environments = pgTable('environments', {
  id: id(),
  projectId: uuid('project_id').references(() => projects.id, { onDelete: 'cascade' }),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  description: text('description').notNull().default(''),
  language: text('language').notNull().default('python'),
  argv: jsonb('argv').$type<string[] | null>(),
  image: text('image'),
  cpuRequestM: integer('cpu_request_m').notNull(),
  cpuLimitM: integer('cpu_limit_m').notNull(),
  memoryRequestMib: integer('memory_request_mib').notNull(),
  memoryLimitMib: integer('memory_limit_mib').notNull(),
  gpus: integer('gpus').notNull().default(0),
  spark: jsonb('spark').$type<TSparkSpec | null>(),
  /** Node selector and tolerations for the `kubernetes` provisioner's pods. */
  placement: jsonb('placement').$type<TPlacement>().notNull().default({ nodeSelector: {}, tolerations: [] }),
  idleTimeoutS: integer('idle_timeout_s').notNull().default(3600),
  /** A kernel with no websocket client for this long is culled, however recently it ran (issue 12). */
  noClientTimeoutS: integer('no_client_timeout_s').notNull().default(600),
  provisioner: text('provisioner', { enum: ['local', 'kubernetes'] }).notNull().default('local'),
  poolSize: integer('pool_size').notNull().default(0),
  /** Outbound network of its kernels: `egress` = outside this host only, never its services; `none` = nothing. */
  network: text('network', { enum: ['none', 'egress'] }).notNull().default('egress'),
  /**
   * A project template's kernel: the global template whose argv, image and language it runs
   * (null = the platform's default ipykernel). Only global templates (admins') define what runs;
   * a project row's own argv, image and pool size are never used (DESIGN §6).
   */
  baseEnvironmentId: uuid('base_environment_id').references((): AnyPgColumn => environments.id, { onDelete: 'set null' }),
  /** The software section: a Python version available on the gateway's machine (null = the platform's default environment) … */
  pythonVersion: text('python_version'),
  /** … and the packages, in requirements format (empty with a null version = the default stack). */
  packages: text('packages').notNull().default(''),
  /** The build of this software definition (null = the platform's default Python environment). */
  softwareBuildId: uuid('software_build_id').references(() => softwareBuilds.id, { onDelete: 'set null' }),
  archivedAt: timestamp('archived_at', { withTimezone: true }),
  createdAt: createdAt(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Notebooks: nbformat 4 content; `version` guards against saving over a newer copy. */
export const notebooks = pgTable(
  'notebooks',
  {
    id: id(),
    projectId: uuid('project_id').notNull().references(() => projects.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    content: jsonb('content').notNull(),
    version: integer('version').notNull().default(1),
    environmentId: uuid('environment_id').references(() => environments.id, { onDelete: 'set null' }),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    updatedBy: uuid('updated_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('notebooks_project_name_idx').on(t.projectId, t.name)],
);

/**
 * Every kernel the gateway launched. `connection` holds ports and the HMAC key: it never
 * leaves the gateway. `provisionerState` is what `fromInfo()` needs to reattach.
 */
export const kernels = pgTable(
  'kernels',
  {
    id: uuid('id').primaryKey(),
    projectId: uuid('project_id').notNull().references(() => projects.id, { onDelete: 'cascade' }),
    notebookId: uuid('notebook_id').references(() => notebooks.id, { onDelete: 'set null' }),
    userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    environmentId: uuid('environment_id').references(() => environments.id, { onDelete: 'set null' }),
    environment: jsonb('environment').$type<TEnvironmentSpec>().notNull(),
    kernelspecName: text('kernelspec_name').notNull(),
    provisioner: text('provisioner').notNull(),
    provisionerState: jsonb('provisioner_state').$type<Record<string, unknown> | null>(),
    connection: jsonb('connection').$type<Record<string, unknown> | null>(),
    state: text('state').notNull(),
    reason: text('reason'),
    /** A message for people: the scheduler's words, the exit status, the limit hit. */
    detail: text('detail'),
    /** Set while a pre-started kernel waits in a warm pool, unowned by any notebook. */
    pooled: boolean('pooled').notNull().default(false),
    gatewayId: text('gateway_id'),
    /** Latest resource sample from the provisioner: CPU in millicores, memory in MiB. */
    usage: jsonb('usage').$type<{ cpuM: number; memoryMib: number; sampledAt: string } | null>(),
    /** The latest launch step while provisioning (cleared once ready), for pages loaded mid-launch. */
    progress: jsonb('progress').$type<TLaunchProgressInfo | null>(),
    /** A Spark kernel's executors as last read by the gateway (null without Spark). */
    executors: jsonb('executors').$type<TExecutor[] | null>(),
    requestedAt: timestamp('requested_at', { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    lastActivityAt: timestamp('last_activity_at', { withTimezone: true }).notNull().defaultNow(),
    /**
     * When a gateway last saw the kernel alive (written with each usage sample). A kernel
     * found dead after a gateway restart ended no earlier than this: its metering stops here.
     */
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }),
    stoppedAt: timestamp('stopped_at', { withTimezone: true }),
  },
  (t) => [index('kernels_project_idx').on(t.projectId), index('kernels_state_idx').on(t.state)],
);

export const kernelEvents = pgTable(
  'kernel_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    kernelId: uuid('kernel_id').notNull().references(() => kernels.id, { onDelete: 'cascade' }),
    fromState: text('from_state'),
    toState: text('to_state').notNull(),
    reason: text('reason'),
    detail: text('detail'),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('kernel_events_kernel_idx').on(t.kernelId)],
);

/**
 * Limits. scope `user` (user_id), `project` (project_id), `project_user` (both: a user's
 * limit inside one project), `default_user` / `default_project` (neither: defaults for new ones).
 * A null limit is unlimited. CPU in millicores, memory in MiB.
 */
export const quotas = pgTable(
  'quotas',
  {
    id: id(),
    scope: text('scope', { enum: ['user', 'project', 'project_user', 'default_user', 'default_project'] }).notNull(),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
    projectId: uuid('project_id').references(() => projects.id, { onDelete: 'cascade' }),
    cpuM: integer('cpu_m'),
    memoryMib: integer('memory_mib'),
    gpus: integer('gpus'),
    kernels: integer('kernels'),
    monthlyUnits: doublePrecision('monthly_units'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique('quotas_subject_uq').on(t.scope, t.userId, t.projectId).nullsNotDistinct()],
);

/** Metered running time: one row per kernel per uninterrupted interval; `ended_at` null while open. */
export const usageIntervals = pgTable(
  'usage_intervals',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    kernelId: uuid('kernel_id').notNull().references(() => kernels.id, { onDelete: 'cascade' }),
    projectId: uuid('project_id').notNull().references(() => projects.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    unitsPerHour: doublePrecision('units_per_hour').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    endedAt: timestamp('ended_at', { withTimezone: true }),
  },
  (t) => [
    index('usage_intervals_kernel_idx').on(t.kernelId),
    // At most one open interval per kernel: a gateway restart can never meter a kernel twice.
    uniqueIndex('usage_intervals_open_uq').on(t.kernelId).where(sql`ended_at is null`),
  ],
);

/** Platform-wide maximums for one environment template, set by an admin (one row, id 1). */
export const platformSettings = pgTable('platform_settings', {
  id: integer('id').primaryKey().default(1),
  maxCpuM: integer('max_cpu_m').notNull().default(16000),
  maxMemoryMib: integer('max_memory_mib').notNull().default(65536),
  maxGpus: integer('max_gpus').notNull().default(4),
  maxExecutors: integer('max_executors').notNull().default(16),
  /** Warm-pool kernels kept started across all environments at once. */
  poolBudget: integer('pool_budget').notNull().default(4),
  /** Non-archived templates one project may have. */
  maxEnvironmentsPerProject: integer('max_environments_per_project').notNull().default(20),
  /** Opening a notebook starts no kernel; its first run does (off: opening starts one, as before). */
  kernelStartsOnRun: boolean('kernel_starts_on_run').notNull().default(true),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Warm-pool kernels while they wait unowned (warm-pool.ts): one row each, so admins see what
 * the pools run. They have no `kernels` row (that needs an owner and a project) until a launch
 * claims them, when this row is deleted. Reaping after a killed gateway uses the pool's
 * ledger file on that host (pool-kernel-store.ts), which also deletes the row.
 */
export const poolKernels = pgTable('pool_kernels', {
  id: uuid('id').primaryKey(),
  environmentId: uuid('environment_id').notNull().references(() => environments.id, { onDelete: 'cascade' }),
  gatewayId: text('gateway_id').notNull(),
  state: text('state', { enum: ['starting', 'ready'] }).notNull().default('starting'),
  startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
  readyAt: timestamp('ready_at', { withTimezone: true }),
});
