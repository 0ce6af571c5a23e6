/**
 * The authorization matrix (issue 4 §6) as data: for every web route handler, server action
 * and gateway endpoint, what each role gets — `allow` (a 2xx: the action really happened)
 * or the status of the refusal. `authorization-matrix.test.ts` checks that this list and
 * the routes the code defines are the same set, then runs every row against the real
 * platform as each role.
 *
 * Rules (DESIGN 4.1, common/roles.ts): anonymous → 401; non-member → 404 on anything of the
 * project; viewer sees; editor edits notebooks and runs kernels; owner manages the project
 * and stops anyone's kernel; admin may do everything; admin-only routes are 403 for members.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export const ROLES = ['anonymous', 'nonMember', 'viewer', 'editor', 'owner', 'admin'] as const;
export type TRole = (typeof ROLES)[number];
/** The roles that are members of the fixture project. */
export type TMemberRole = 'viewer' | 'editor' | 'owner';

export type TOutcome = 'allow' | 401 | 403 | 404;
export type TExpectation = Readonly<Record<TRole, TOutcome>>;

/** Where an endpoint lives: a Next route handler, a server action, the gateway's HTTP API or its websocket. */
export type TSurface = 'web' | 'action' | 'gateway' | 'websocket';

/** One concrete request for one role. */
export interface TProbe {
  path: string;
  json?: unknown;
  form?: Record<string, string>;
  /** Add next-auth's csrf token (from the caller's own cookie jar) to `form`. */
  withCsrf?: boolean;
  /** A never-ending response (server-sent events): only its status is read. */
  stream?: boolean;
}

/** What the test run provides to build probes: fixture ids and fresh throwaway resources. */
export interface TMatrixFixtures {
  projectId: string;
  notebookId: string;
  /** Project template the fixture kernels run on (never archived). */
  kernelEnvironment: { id: string; slug: string };
  /** Project template that update/archive rows change. */
  projectEnvironmentId: string;
  /** Global template that update/archive rows change. */
  globalEnvironmentId: string;
  /** A user outside the project whose membership, quota and account rows change. */
  bystander: { id: string; email: string; password: string };
  /** Long-lived kernels started (through the gateway) by the project's owner and editor. */
  kernels: { owner: string; editor: string };
  /** A kernel of the editor's that died out of memory (its notebook: the fixture notebook; a larger template exists). */
  deadKernel(): Promise<string>;
  /** A kernel started by `who`, used up by the call. */
  freshKernel(who: 'owner' | 'editor'): Promise<string>;
  /** Stops a kernel a probe started (cleanup). */
  stopKernel(id: string): Promise<void>;
  /** A notebook in the project, used up by the call. */
  freshNotebook(): Promise<string>;
  /** A file in the project's file area (uploaded by the owner), used up by the call. */
  freshProjectFile(): Promise<string>;
  /** Another project with the same owner, editor and viewer (archived if asked), used up by the call. */
  freshProject(archived?: boolean): Promise<{ id: string; name: string }>;
  /** A personal token id of `role`'s user (anonymous: of the bystander), used up by the call. */
  freshTokenId(role: TRole): Promise<string>;
  /** The bystander's membership in the project (null: not a member). */
  setBystanderMembership(role: TMemberRole | null): Promise<void>;
  setArchived(environmentId: string, archived: boolean): Promise<void>;
  /** The fixture notebook as stored, for a save with the right base version. */
  notebookContent(): Promise<{ content: unknown; version: number }>;
  /** Valid template fields (JSON API units). */
  environmentInput(name: string): Record<string, unknown>;
  /** The platform maximums as they are (a PUT that changes nothing). */
  platformInput(): Promise<Record<string, unknown>>;
  /** A name no earlier call used. */
  unique(label: string): string;
  /** A throwaway member for account rows that reset, revoke or delete it, used up by the call. */
  freshUserId(): Promise<string>;
  /** A password change of `role`'s own account from its current password to a new one (recorded as current). */
  passwordChange(role: TRole): { currentPassword: string; newPassword: string };
}

export interface TMatrixRow {
  surface: TSurface;
  /** `METHOD /path/{param}` as the enumeration names it (websockets: `WS …`). */
  route: string;
  /** What distinguishes this row from others of the same route. */
  variant?: string;
  expect: TExpectation;
  /** Builds the request; `allowed` says whether this role is expected to succeed (consume fresh resources only then). */
  probe(fx: TMatrixFixtures, role: TRole, allowed: boolean): TProbe | Promise<TProbe>;
  /** For list answers: whether the fixture thing is in the body, and who must see it. */
  sees?: { what: string; roles: readonly TRole[]; in(fx: TMatrixFixtures, body: any): boolean };
  /** Undo what an allowed call created (e.g. stop a started kernel). */
  cleanup?(fx: TMatrixFixtures, body: any): Promise<void>;
}

const row = (surface: TSurface, route: string, expect: TExpectation, probe: TMatrixRow['probe'], more: Partial<TMatrixRow> = {}): TMatrixRow => ({
  surface,
  route,
  expect,
  probe,
  ...more,
});

// The rules, one line each.
const PUBLIC: TExpectation = { anonymous: 'allow', nonMember: 'allow', viewer: 'allow', editor: 'allow', owner: 'allow', admin: 'allow' };
const SIGNED_IN: TExpectation = { anonymous: 401, nonMember: 'allow', viewer: 'allow', editor: 'allow', owner: 'allow', admin: 'allow' };
const ADMIN_ONLY: TExpectation = { anonymous: 401, nonMember: 403, viewer: 403, editor: 403, owner: 403, admin: 'allow' };
const PROJECT_VIEW: TExpectation = { anonymous: 401, nonMember: 404, viewer: 'allow', editor: 'allow', owner: 'allow', admin: 'allow' };
/**
 * Edit notebooks, run kernels. Interrupt, restart and channels need run rights on any kernel
 * of the project, the caller's own or not (server/auth/access.ts; gateway-auth integration
 * test "an editor connects and interrupts, but may not stop another user's kernel").
 */
const PROJECT_EDIT: TExpectation = { anonymous: 401, nonMember: 404, viewer: 403, editor: 'allow', owner: 'allow', admin: 'allow' };
const PROJECT_MANAGE: TExpectation = { anonymous: 401, nonMember: 404, viewer: 403, editor: 403, owner: 'allow', admin: 'allow' };
/** Stopping the editor's own kernel: the editor (its starter), the owner (stop-any), admins. */
const STOP_OWN_KERNEL: TExpectation = PROJECT_EDIT;
/** Stopping the owner's kernel: not the editor — stopping someone else's kernel takes an owner. */
const STOP_OTHERS_KERNEL: TExpectation = PROJECT_MANAGE;
/** Kernelspec resources: signed-in callers get 404 (environments have no logos). */
const NO_RESOURCE: TExpectation = { anonymous: 401, nonMember: 404, viewer: 404, editor: 404, owner: 404, admin: 404 };
/** Someone else's token: 404 to everyone, admins included (ids reveal nothing). */
const OTHERS_TOKEN: TExpectation = NO_RESOURCE;

const PROJECT_SEERS: readonly TRole[] = ['viewer', 'editor', 'owner', 'admin'];

const web = (route: string, expect: TExpectation, probe: TMatrixRow['probe'], more?: Partial<TMatrixRow>) => row('web', route, expect, probe, more);
const gw = (route: string, expect: TExpectation, probe: TMatrixRow['probe'], more?: Partial<TMatrixRow>) => row('gateway', route, expect, probe, more);

const P = (fx: TMatrixFixtures) => `/api/projects/${fx.projectId}`;
const NB = (fx: TMatrixFixtures) => `${P(fx)}/notebooks/${fx.notebookId}`;

export const MATRIX: readonly TMatrixRow[] = [
  // ——— web: auth and the caller ———
  web('GET /api/auth/{...nextauth}', PUBLIC, () => ({ path: '/api/auth/session' })),
  web(
    'POST /api/auth/{...nextauth}',
    PUBLIC,
    (fx) => ({ path: '/api/auth/callback/credentials', form: { email: fx.bystander.email, password: fx.bystander.password, json: 'true' }, withCsrf: true }),
    { variant: 'credentials sign-in' },
  ),
  web('GET /api/me', SIGNED_IN, () => ({ path: '/api/me' })),
  // Renaming oneself: any signed-in user, and only themself (the body names no user).
  web('PATCH /api/me', SIGNED_IN, (_fx, role) => ({ path: '/api/me', json: { name: `Matrix ${role}` } })),
  web('GET /api/me/quota', SIGNED_IN, () => ({ path: '/api/me/quota' }), { variant: 'own limits' }),
  web('GET /api/me/quota', PROJECT_VIEW, (fx) => ({ path: `/api/me/quota?projectId=${fx.projectId}` }), { variant: 'inside the project' }),
  // Changing one's own password (the current one proves it): any signed-in user, only themself.
  web('POST /api/me/password', SIGNED_IN, (fx, role) => ({ path: '/api/me/password', json: fx.passwordChange(role) })),
  web('GET /api/gateway-token', SIGNED_IN, () => ({ path: '/api/gateway-token' })),
  web('GET /api/tokens', SIGNED_IN, () => ({ path: '/api/tokens' })),
  web('POST /api/tokens', SIGNED_IN, () => ({ path: '/api/tokens', json: { name: 'matrix' } })),
  web('DELETE /api/tokens/{tokenId}', SIGNED_IN, async (fx, role) => ({ path: `/api/tokens/${await fx.freshTokenId(role)}` }), { variant: 'own token' }),
  web('DELETE /api/tokens/{tokenId}', OTHERS_TOKEN, async (fx) => ({ path: `/api/tokens/${await fx.freshTokenId('anonymous')}` }), {
    variant: "another user's token",
  }),

  // ——— web: users and platform administration ———
  web('GET /api/users', ADMIN_ONLY, () => ({ path: '/api/users' })),
  web('GET /api/users', ADMIN_ONLY, () => ({ path: '/api/users?q=example&sort=created&order=desc&limit=5' }), { variant: 'search, sort, page size' }),
  web('POST /api/users', ADMIN_ONLY, (fx) => ({
    path: '/api/users',
    json: { email: `${fx.unique('user').replace(/\W+/g, '-')}@example.test`, name: 'Matrix user', password: 'matrix-password-1' },
  })),
  web('PATCH /api/users/{userId}', ADMIN_ONLY, (fx) => ({ path: `/api/users/${fx.bystander.id}`, json: { disabled: false } })),
  // Account actions on another user: a throwaway one when the call is expected to act.
  web('DELETE /api/users/{userId}', ADMIN_ONLY, async (fx, _role, allowed) => ({ path: `/api/users/${allowed ? await fx.freshUserId() : fx.bystander.id}` })),
  web('POST /api/users/{userId}/password-reset', ADMIN_ONLY, async (fx, _role, allowed) => ({
    path: `/api/users/${allowed ? await fx.freshUserId() : fx.bystander.id}/password-reset`,
  })),
  web('POST /api/users/{userId}/revoke-access', ADMIN_ONLY, async (fx, _role, allowed) => ({
    path: `/api/users/${allowed ? await fx.freshUserId() : fx.bystander.id}/revoke-access`,
  })),
  // Global templates are readable by every signed-in user (the picker lists them); archived ones only by admins.
  web('GET /api/admin/environments', SIGNED_IN, () => ({ path: '/api/admin/environments' })),
  web('POST /api/admin/environments', ADMIN_ONLY, (fx) => ({ path: '/api/admin/environments', json: fx.environmentInput(fx.unique('Matrix global')) })),
  web('PUT /api/admin/environments/{environmentId}', ADMIN_ONLY, (fx) => ({
    path: `/api/admin/environments/${fx.globalEnvironmentId}`,
    json: fx.environmentInput('Matrix global template'),
  })),
  web('POST /api/admin/environments/{environmentId}/archive', ADMIN_ONLY, async (fx) => {
    await fx.setArchived(fx.globalEnvironmentId, false);
    return { path: `/api/admin/environments/${fx.globalEnvironmentId}/archive` };
  }),
  web('DELETE /api/admin/environments/{environmentId}/archive', ADMIN_ONLY, async (fx) => {
    await fx.setArchived(fx.globalEnvironmentId, true);
    return { path: `/api/admin/environments/${fx.globalEnvironmentId}/archive` };
  }),
  // Platform maximums are no secret: project owners' template forms show them.
  web('GET /api/admin/platform', SIGNED_IN, () => ({ path: '/api/admin/platform' })),
  web('PUT /api/admin/platform', ADMIN_ONLY, async (fx) => ({ path: '/api/admin/platform', json: await fx.platformInput() })),
  // Warm-pool kernels are the admins' to watch (issue 10 §3).
  web('GET /api/admin/pooled-kernels', ADMIN_ONLY, () => ({ path: '/api/admin/pooled-kernels' })),
  web('GET /api/admin/quotas', ADMIN_ONLY, () => ({ path: '/api/admin/quotas' })),
  web('GET /api/admin/quotas', ADMIN_ONLY, () => ({ path: '/api/admin/quotas?kind=project&q=matrix&sort=created' }), { variant: 'projects, searched' }),
  web('PUT /api/admin/quotas', ADMIN_ONLY, (fx) => ({ path: '/api/admin/quotas', json: { scope: 'user', userId: fx.bystander.id, limits: null } })),

  // ——— web: projects and members ———
  web('GET /api/projects', SIGNED_IN, () => ({ path: '/api/projects' }), {
    sees: { what: 'the fixture project', roles: PROJECT_SEERS, in: (fx, body) => JSON.stringify(body).includes(fx.projectId) },
  }),
  // The Archived filter shows only what the caller could see anyway: the fixture project is not archived.
  web('GET /api/projects', SIGNED_IN, () => ({ path: '/api/projects?archived=true&sort=created&order=desc' }), {
    variant: 'archived',
    sees: { what: 'the fixture project', roles: [], in: (fx, body) => JSON.stringify(body).includes(fx.projectId) },
  }),
  web('POST /api/projects', SIGNED_IN, (fx) => ({ path: '/api/projects', json: { name: fx.unique('Matrix project') } })),
  web('GET /api/projects/{projectId}', PROJECT_VIEW, (fx) => ({ path: P(fx) })),
  web('PATCH /api/projects/{projectId}', PROJECT_MANAGE, (fx, role) => ({ path: P(fx), json: { description: `Described by ${role}` } })),
  // Archiving or deleting the fixture project would stop its kernels: these act on throwaway ones with the same members.
  web('DELETE /api/projects/{projectId}', PROJECT_MANAGE, async (fx) => {
    const project = await fx.freshProject();
    return { path: `/api/projects/${project.id}`, json: { confirm: project.name } };
  }),
  web('POST /api/projects/{projectId}/archive', PROJECT_MANAGE, async (fx) => ({ path: `/api/projects/${(await fx.freshProject()).id}/archive` })),
  web('DELETE /api/projects/{projectId}/archive', PROJECT_MANAGE, async (fx) => ({ path: `/api/projects/${(await fx.freshProject(true)).id}/archive` })),
  web('GET /api/projects/{projectId}/members', PROJECT_VIEW, (fx) => ({ path: `${P(fx)}/members` })),
  web('POST /api/projects/{projectId}/members', PROJECT_MANAGE, async (fx) => {
    await fx.setBystanderMembership(null);
    return { path: `${P(fx)}/members`, json: { email: fx.bystander.email, role: 'viewer' } };
  }),
  web('PATCH /api/projects/{projectId}/members/{userId}', PROJECT_MANAGE, async (fx) => {
    await fx.setBystanderMembership('viewer');
    return { path: `${P(fx)}/members/${fx.bystander.id}`, json: { role: 'editor' } };
  }),
  web('DELETE /api/projects/{projectId}/members/{userId}', PROJECT_MANAGE, async (fx) => {
    await fx.setBystanderMembership('viewer');
    return { path: `${P(fx)}/members/${fx.bystander.id}` };
  }),

  // ——— web: notebooks ———
  web('GET /api/projects/{projectId}/notebooks', PROJECT_VIEW, (fx) => ({ path: `${P(fx)}/notebooks` })),
  web('POST /api/projects/{projectId}/notebooks', PROJECT_EDIT, (fx) => ({ path: `${P(fx)}/notebooks`, json: { name: fx.unique('Matrix notebook') } })),
  web('GET /api/projects/{projectId}/notebooks/{notebookId}', PROJECT_VIEW, (fx) => ({ path: NB(fx) })),
  web('PATCH /api/projects/{projectId}/notebooks/{notebookId}', PROJECT_EDIT, (fx, role) => ({ path: NB(fx), json: { name: `Matrix notebook (${role})` } })),
  web('PUT /api/projects/{projectId}/notebooks/{notebookId}', PROJECT_EDIT, async (fx) => {
    const { content, version } = await fx.notebookContent();
    return { path: NB(fx), json: { content, baseVersion: version } };
  }),
  web('DELETE /api/projects/{projectId}/notebooks/{notebookId}', PROJECT_EDIT, async (fx) => ({ path: `${P(fx)}/notebooks/${await fx.freshNotebook()}` })),
  web('GET /api/projects/{projectId}/notebooks/{notebookId}/export', PROJECT_VIEW, (fx) => ({ path: `${NB(fx)}/export` })),
  web('PUT /api/projects/{projectId}/notebooks/{notebookId}/environment', PROJECT_EDIT, (fx) => ({
    path: `${NB(fx)}/environment`,
    json: { environmentId: fx.kernelEnvironment.id },
  })),

  // ——— web: project files ———
  web('GET /api/projects/{projectId}/files', PROJECT_VIEW, (fx) => ({ path: `${P(fx)}/files?path=` })),
  web('PUT /api/projects/{projectId}/files/upload', PROJECT_EDIT, (fx) => ({ path: `${P(fx)}/files/upload?path=${encodeURIComponent(fx.unique('upload'))}`, json: 'x' })),
  web('GET /api/projects/{projectId}/files/download', PROJECT_VIEW, async (fx) => ({ path: `${P(fx)}/files/download?path=${await fx.freshProjectFile()}` })),
  web('POST /api/projects/{projectId}/files/folders', PROJECT_EDIT, (fx) => ({ path: `${P(fx)}/files/folders`, json: { path: fx.unique('folder') } })),
  web('PATCH /api/projects/{projectId}/files', PROJECT_EDIT, async (fx) => ({ path: `${P(fx)}/files`, json: { from: await fx.freshProjectFile(), to: fx.unique('moved') } })),
  web('DELETE /api/projects/{projectId}/files', PROJECT_EDIT, async (fx) => ({ path: `${P(fx)}/files?path=${await fx.freshProjectFile()}` })),

  // ——— web: project dashboard ———
  web('GET /api/projects/{projectId}/dashboard', PROJECT_VIEW, (fx) => ({ path: `${P(fx)}/dashboard` }), {
    sees: { what: "the owner's kernel", roles: PROJECT_SEERS, in: (fx, body) => JSON.stringify(body).includes(fx.kernels.owner) },
  }),
  // Restarting a dead kernel's notebook on a larger template takes run rights, and so does asking which one it would be.
  web('GET /api/projects/{projectId}/dashboard/kernels/{kernelId}/larger-environment', PROJECT_EDIT, async (fx) => ({
    path: `${P(fx)}/dashboard/kernels/${await fx.deadKernel()}/larger-environment`,
  })),
  web('POST /api/projects/{projectId}/dashboard/kernels/{kernelId}/larger-environment', PROJECT_EDIT, async (fx) => ({
    path: `${P(fx)}/dashboard/kernels/${await fx.deadKernel()}/larger-environment`,
  })),

  // ——— web: project environments ———
  web('GET /api/projects/{projectId}/environments', PROJECT_VIEW, (fx) => ({ path: `${P(fx)}/environments` })),
  web('POST /api/projects/{projectId}/environments', PROJECT_MANAGE, (fx) => ({
    path: `${P(fx)}/environments`,
    json: fx.environmentInput(fx.unique('Matrix project template')),
  })),
  // A template's build log: the project's members for its templates; admins for global ones (lists show everyone the build state, not the installer's output).
  web('GET /api/environments/{environmentId}/software-build', PROJECT_VIEW, (fx) => ({ path: `/api/environments/${fx.projectEnvironmentId}/software-build` }), { variant: 'project template' }),
  web('GET /api/environments/{environmentId}/software-build', ADMIN_ONLY, (fx) => ({ path: `/api/environments/${fx.globalEnvironmentId}/software-build` }), { variant: 'global template' }),
  web('GET /api/projects/{projectId}/environments/fit', PROJECT_VIEW, (fx) => ({ path: `${P(fx)}/environments/fit` })),
  web('PUT /api/projects/{projectId}/environments/{environmentId}', PROJECT_MANAGE, (fx) => ({
    path: `${P(fx)}/environments/${fx.projectEnvironmentId}`,
    json: fx.environmentInput('Matrix project template'),
  })),
  web('POST /api/projects/{projectId}/environments/{environmentId}/archive', PROJECT_MANAGE, async (fx) => {
    await fx.setArchived(fx.projectEnvironmentId, false);
    return { path: `${P(fx)}/environments/${fx.projectEnvironmentId}/archive` };
  }),
  web('DELETE /api/projects/{projectId}/environments/{environmentId}/archive', PROJECT_MANAGE, async (fx) => {
    await fx.setArchived(fx.projectEnvironmentId, true);
    return { path: `${P(fx)}/environments/${fx.projectEnvironmentId}/archive` };
  }),

  // ——— gateway: Jupyter API ———
  gw('GET /api', PUBLIC, () => ({ path: '/api' })),
  gw('GET /healthz', PUBLIC, () => ({ path: '/healthz' })),
  // Only Prometheus' scrape token (LATTICE_METRICS_TOKEN, which npm start sets) reads metrics; no user's token does.
  gw('GET /metrics', { anonymous: 401, nonMember: 401, viewer: 401, editor: 401, owner: 401, admin: 401 }, () => ({ path: '/metrics' })),
  // Server-sent events: open to every signed-in caller, filtered to the projects they may view.
  gw('GET /api/events', SIGNED_IN, (fx) => ({ path: `/api/events?project=${fx.projectId}`, stream: true })),
  // Unnamed, the listing is what launches where a launch naming no project goes: the caller's personal project.
  gw('GET /api/kernelspecs', SIGNED_IN, () => ({ path: '/api/kernelspecs' }), {
    variant: 'no project named',
    sees: { what: "the project's kernelspec", roles: [], in: (fx, body) => fx.kernelEnvironment.slug in (body?.kernelspecs ?? {}) },
  }),
  gw('GET /api/kernelspecs', PROJECT_VIEW, (fx) => ({ path: `/api/kernelspecs?project=${fx.projectId}` }), {
    variant: '?project=',
    sees: { what: "the project's kernelspec", roles: PROJECT_SEERS, in: (fx, body) => fx.kernelEnvironment.slug in (body?.kernelspecs ?? {}) },
  }),
  gw('GET /api/kernelspecs/{name}', PROJECT_VIEW, (fx) => ({ path: `/api/kernelspecs/${fx.kernelEnvironment.slug}` }), { variant: "a project's kernelspec" }),
  gw('GET /kernelspecs/{name}/*', NO_RESOURCE, (fx) => ({ path: `/kernelspecs/${fx.kernelEnvironment.slug}/logo-64x64.png` })),
  gw('GET /api/kernels', SIGNED_IN, () => ({ path: '/api/kernels' }), {
    sees: { what: "the owner's kernel", roles: PROJECT_SEERS, in: (fx, body) => Array.isArray(body) && body.some((k) => k.id === fx.kernels.owner) },
  }),
  gw(
    'POST /api/kernels',
    PROJECT_EDIT,
    (fx) => ({ path: '/api/kernels', json: { name: fx.kernelEnvironment.slug, env: { KERNEL_PROJECT: fx.projectId, KERNEL_NOTEBOOK: fx.notebookId } } }),
    { cleanup: (fx, body) => fx.stopKernel(body.id) },
  ),
  gw('GET /api/kernels/{id}', PROJECT_VIEW, (fx) => ({ path: `/api/kernels/${fx.kernels.editor}` })),
  gw('GET /api/lattice/kernels/{id}', PROJECT_VIEW, (fx) => ({ path: `/api/lattice/kernels/${fx.kernels.editor}` })),
  gw('DELETE /api/kernels/{id}', STOP_OWN_KERNEL, async (fx, _role, allowed) => ({ path: `/api/kernels/${allowed ? await fx.freshKernel('editor') : fx.kernels.editor}` }), {
    variant: "the editor's kernel",
  }),
  gw('DELETE /api/kernels/{id}', STOP_OTHERS_KERNEL, async (fx, _role, allowed) => ({ path: `/api/kernels/${allowed ? await fx.freshKernel('owner') : fx.kernels.owner}` }), {
    variant: "the owner's kernel",
  }),
  gw('POST /api/kernels/{id}/interrupt', PROJECT_EDIT, (fx) => ({ path: `/api/kernels/${fx.kernels.owner}/interrupt` }), { variant: "the owner's kernel" }),
  // "Keep running" before a cull: as running code.
  gw('POST /api/kernels/{id}/activity', PROJECT_EDIT, (fx) => ({ path: `/api/kernels/${fx.kernels.owner}/activity` }), { variant: "the owner's kernel" }),
  gw('POST /api/kernels/{id}/restart', PROJECT_EDIT, (fx) => ({ path: `/api/kernels/${fx.kernels.owner}/restart` }), { variant: "the owner's kernel" }),
  row('websocket', 'WS /api/kernels/{id}/channels', PROJECT_EDIT, (fx) => ({ path: `/api/kernels/${fx.kernels.owner}/channels?session_id=${fx.unique('session')}` }), {
    variant: "the owner's kernel",
  }),
];

/** `surface METHOD /path` — the identity enumeration and matrix are compared on. */
export const routeKey = (surface: TSurface, route: string) => `${surface} ${route}`;

/** Expected outcome → the statuses the runner accepts (`allow`: a 2xx, or 101 for a websocket handshake). */
export function matches(outcome: TOutcome, status: number): boolean {
  return outcome === 'allow' ? status === 101 || (status >= 200 && status < 300) : status === outcome;
}

// ——— enumeration of what the code defines ———

const ROOT = path.resolve(import.meta.dirname, '../..');
const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

function walk(dir: string, keep: (file: string) => boolean): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    const abs = path.join(dir, entry);
    if (statSync(abs).isDirectory()) out.push(...walk(abs, keep));
    else if (keep(abs)) out.push(abs);
  }
  return out;
}

/** The HTTP methods a route module exports: `export const GET`, `export async function POST`, `export { handler as GET }`. */
export function exportedMethods(source: string): string[] {
  const found = new Set<string>();
  for (const m of source.matchAll(/export\s+(?:const|let|var|async\s+function|function)\s+([A-Z]+)\b/g)) found.add(m[1]);
  for (const m of source.matchAll(/export\s*\{([^}]*)\}/g)) {
    for (const part of m[1].split(',')) {
      const name = part.trim().split(/\s+as\s+/).pop()?.trim();
      if (name) found.add(name);
    }
  }
  return [...found].filter((name) => HTTP_METHODS.includes(name)).sort();
}

/** `app/api/projects/[projectId]/route.ts` → `/api/projects/{projectId}` (route groups dropped). */
export function routeTemplate(file: string): string {
  const rel = path.relative(path.join(ROOT, 'app'), path.dirname(file)).split(path.sep);
  const segments = rel.filter((s) => !/^\(.*\)$/.test(s)).map((s) => s.replace(/^\[(.+)\]$/, '{$1}'));
  return `/${segments.join('/')}`;
}

/** Every `METHOD /path` that a `route.ts` under app/ exports. */
export function webRoutes(): string[] {
  const files = walk(path.join(ROOT, 'app'), (f) => /[/\\]route\.(ts|tsx|js|mjs)$/.test(f));
  return files.flatMap((file) => exportedMethods(readFileSync(file, 'utf8')).map((method) => `${method} ${routeTemplate(file)}`)).sort();
}

/** Server actions: every exported function of a module (or function) marked 'use server'. */
export function serverActions(): string[] {
  const files = walk(ROOT, (f) => /\.(ts|tsx|js|mjs)$/.test(f) && !/[/\\](tests|bench|server|scripts|\.next)[/\\]/.test(path.relative(ROOT, f) + '/'));
  const actions: string[] = [];
  for (const file of files) {
    const source = readFileSync(file, 'utf8');
    if (!/^\s*['"]use server['"]/m.test(source)) continue;
    const rel = path.relative(ROOT, file);
    const names = [...source.matchAll(/export\s+(?:default\s+)?(?:async\s+)?(?:function\s+|const\s+)(\w+)/g)].map((m) => m[1]);
    for (const name of names.length ? names : ['(inline)']) actions.push(`ACTION ${rel}#${name}`);
  }
  return actions.sort();
}

/**
 * Parses fastify's `printRoutes({includeMeta})` tree (which, with meta requested, prints
 * one node per path segment): each node's path is its parent's plus its label. HEAD routes
 * that fastify adds for every GET are left out.
 */
export function parsePrintedRoutes(tree: string): string[] {
  const stack: string[] = [];
  const routes: string[] = [];
  for (const line of tree.split('\n')) {
    const m = /^((?:[│ ] {3})*)[├└]── (\S+)(?: \(([A-Z, ]+)\))?\s*$/.exec(line);
    if (!m) continue;
    const depth = m[1].length / 4;
    stack.length = depth;
    const full = (stack[depth - 1] ?? '') + m[2];
    stack[depth] = full;
    if (!m[3]) continue;
    const methods = m[3].split(',').map((s) => s.trim());
    const template = full.replace(/:(\w+)/g, '{$1}');
    for (const method of methods) {
      if (method === 'HEAD' && methods.includes('GET')) continue;
      routes.push(`${method} ${template}`);
    }
  }
  return routes.sort();
}

/**
 * Websocket endpoints are not fastify routes: each file that handles `upgrade` lists its
 * paths here. A new upgrade handler elsewhere fails the coverage test until it is added.
 */
export const WEBSOCKET_HANDLERS: Readonly<Record<string, readonly string[]>> = {
  'server/bridge/upgrade.ts': ['WS /api/kernels/{id}/channels'],
};

/** The websocket endpoints of the files under server/ that listen for `upgrade`. */
export function websocketRoutes(): { routes: string[]; unknownFiles: string[] } {
  const files = walk(path.join(ROOT, 'server'), (f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
  const routes: string[] = [];
  const unknownFiles: string[] = [];
  for (const file of files) {
    if (!/\.on\(\s*['"]upgrade['"]/.test(readFileSync(file, 'utf8'))) continue;
    const rel = path.relative(ROOT, file).split(path.sep).join('/');
    if (WEBSOCKET_HANDLERS[rel]) routes.push(...WEBSOCKET_HANDLERS[rel]);
    else unknownFiles.push(rel);
  }
  return { routes: routes.sort(), unknownFiles };
}
