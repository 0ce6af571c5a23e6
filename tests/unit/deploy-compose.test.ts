// docker-compose.yml and the Deployments in deploy/kubernetes/, checked against the settings
// the code reads: each container's environment parses with the schema of the program it runs
// (gateway: ZGatewayEnv, web: ZWebConfig, database step: readStartConfig) and sets no key the
// program ignores, ports agree with the configured ones, the browser's gateway URL lands on the
// gateway, and the Ingress sends every gateway path to the gateway and every web route to the
// web. The compose `migrate` step is run for real against a fresh Postgres database.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { parse, parseAllDocuments } from 'yaml';
import { resolveGatewayUrl } from '../../common/gateway-url';
import { verifyPassword } from '../../db/passwords';
import { ZWebConfig } from '../../lib/config';
import { readStartConfig } from '../../scripts/start-config';
import { ZGatewayEnv } from '../../server/config';
import { createTestDatabase, type TTestDatabase } from '../helpers/postgres';

const execFileP = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');
const K8S_DIR = path.join(ROOT, 'deploy/kubernetes');

/** Variables next-auth reads by itself (lib/config.ts does not): allowed in the web's env besides ZWebConfig's keys. */
const WEB_LIBRARY_ENV = new Set(['NEXTAUTH_URL']);
/** The operator's shell for the compose tests: what the compose file requires to be set. */
const SHELL = { NEXTAUTH_SECRET: 'compose-test-secret-0123456789' };

type TEnv = Record<string, string>;

function assertKeysOf(env: TEnv, keys: Set<string>, who: string): void {
  for (const key of Object.keys(env)) assert.ok(keys.has(key), `${who} sets ${key}, which it does not read (a typo?)`);
}
const gatewayKeys = new Set(Object.keys(ZGatewayEnv.shape));
/** The database step's settings (readStartConfig) from a container's environment. */
const startConfigOf = (env: TEnv) => readStartConfig({ NODE_ENV: 'production', ...env });
const webKeys = new Set([...Object.keys(ZWebConfig.shape), ...WEB_LIBRARY_ENV]);

// ---------------------------------------------------------------------------------- compose

/** Compose's variable interpolation (the forms this file may use): `${V}`, `${V:-d}`, `${V-d}`, `${V:?e}`, `${V?e}`, `$$`. */
function interpolate(value: string, shell: Record<string, string>): string {
  return value.replace(/\$\$|\$\{(\w+)(?:(:?)([-?])((?:[^{}]|\{[^{}]*\})*))?\}/g, (whole, name: string, colon: string, kind: string, rest: string) => {
    if (whole === '$$') return '$';
    const set = name in shell && (colon ? shell[name] !== '' : true);
    if (set) return shell[name]!;
    if (kind === '-') return interpolate(rest, shell);
    if (kind === '?') throw new Error(`required variable ${name} is missing a value: ${rest}`);
    return '';
  });
}

interface TComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  pull_policy?: string;
  command?: string[];
  ports?: string[];
  environment?: Record<string, string | null>;
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
  healthcheck?: { test: string[] };
}

const compose = parse(readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8')) as { services: Record<string, TComposeService>; volumes?: Record<string, unknown> };

/** A service's environment as the container gets it: interpolated; `KEY:` with no value passes the shell's through, else stays unset. */
function composeEnv(service: string, shell: Record<string, string> = SHELL): TEnv {
  const env: TEnv = {};
  for (const [key, value] of Object.entries(compose.services[service]!.environment ?? {})) {
    if (value === null) {
      if (key in shell) env[key] = shell[key]!;
    } else env[key] = interpolate(String(value), shell);
  }
  return env;
}

/** `HOST:CONTAINER` port mappings of a service. */
function published(service: string): { host: number; container: number }[] {
  return (compose.services[service]!.ports ?? []).map((p) => {
    const [host, container] = String(p).split(':').slice(-2).map(Number);
    return { host: host!, container: container! };
  });
}

const PREPARE_DATABASE = ['node', '--import', 'tsx', 'deploy/prepare-database.ts'];

describe('docker-compose.yml', () => {
  it('runs Postgres (official image, named volume, healthcheck), the database step, the gateway and the web', () => {
    assert.deepEqual(Object.keys(compose.services).sort(), ['gateway', 'migrate', 'postgres', 'web']);
    const postgres = compose.services.postgres!;
    assert.match(postgres.image!, /^postgres:\d+$/);
    const volume = postgres.volumes?.find((v) => v.endsWith(':/var/lib/postgresql/data'));
    assert.ok(volume, 'Postgres keeps its data in a volume');
    assert.ok(volume!.split(':')[0]! in (compose.volumes ?? {}), 'a named volume declared under volumes:');
    assert.ok(postgres.healthcheck?.test.join(' ').includes('pg_isready'));
    assert.deepEqual(postgres.ports ?? [], [], 'Postgres is not published on the host');
  });

  it('builds the web and gateway images from deploy/ and never pulls them', () => {
    const dockerfiles = { migrate: 'deploy/gateway.Dockerfile', gateway: 'deploy/gateway.Dockerfile', web: 'deploy/web.Dockerfile' };
    for (const [service, dockerfile] of Object.entries(dockerfiles)) {
      const s = compose.services[service]!;
      assert.deepEqual(s.build, { context: '.', dockerfile }, service);
      assert.ok(statSync(path.join(ROOT, dockerfile)).isFile());
      assert.equal(s.pull_policy, 'build', `${service}: an image of that name on a registry is not ours`);
    }
    assert.equal(compose.services.migrate!.image, compose.services.gateway!.image, 'the database step runs from the gateway image');
    assert.ok(readFileSync(path.join(ROOT, 'deploy/gateway.Dockerfile'), 'utf8').includes('COPY deploy/prepare-database.ts'));
  });

  it('starts in order: Postgres healthy → database prepared → gateway and web', () => {
    assert.deepEqual(compose.services.migrate!.depends_on, { postgres: { condition: 'service_healthy' } });
    assert.equal(compose.services.gateway!.depends_on?.migrate?.condition, 'service_completed_successfully');
    assert.equal(compose.services.web!.depends_on?.migrate?.condition, 'service_completed_successfully');
    assert.deepEqual(compose.services.migrate!.command, PREPARE_DATABASE);
  });

  it('gateway: its environment parses with ZGatewayEnv, listens on all interfaces, publishes its port, local kernels', () => {
    const env = composeEnv('gateway');
    assertKeysOf(env, gatewayKeys, 'the compose gateway');
    const config = ZGatewayEnv.parse(env);
    assert.equal(config.LATTICE_GATEWAY_HOST, '0.0.0.0');
    assert.deepEqual(published('gateway'), [{ host: config.LATTICE_GATEWAY_PORT, container: config.LATTICE_GATEWAY_PORT }]);
    assert.equal(config.LATTICE_PROVISIONERS, 'local');
    assert.match(readFileSync(path.join(ROOT, 'deploy/gateway.Dockerfile'), 'utf8'), new RegExp(`LATTICE_PYTHON=${config.LATTICE_PYTHON}\\b`));
    const health = compose.services.gateway!.healthcheck!.test.join(' ');
    assert.ok(health.includes(`:${config.LATTICE_GATEWAY_PORT}/healthz`), health);
  });

  it('web: its environment parses with ZWebConfig; the browser finds the gateway at its published port; the gateway admits the web origin', () => {
    const env = composeEnv('web');
    assertKeysOf(env, webKeys, 'the compose web');
    const config = ZWebConfig.parse(env);
    const webPort = startConfigOf({}).LATTICE_WEB_PORT;
    assert.deepEqual(published('web'), [{ host: webPort, container: webPort }]);
    // What a browser on http://localhost:<web port> is told (app/api/gateway-token) and resolves.
    const gatewayUrl = resolveGatewayUrl({ gatewayUrl: config.LATTICE_GATEWAY_PUBLIC_URL ?? null, gatewayPort: config.LATTICE_GATEWAY_PORT }, { protocol: 'http:', hostname: 'localhost' });
    assert.equal(gatewayUrl, `http://localhost:${published('gateway')[0]!.host}`);
    const webOrigin = new URL(env.NEXTAUTH_URL!).origin;
    assert.equal(webOrigin, `http://localhost:${published('web')[0]!.host}`);
    const origins = ZGatewayEnv.parse(composeEnv('gateway')).LATTICE_WEB_ORIGINS.split(',');
    assert.ok(origins.includes(webOrigin), `the gateway allows ${webOrigin}`);
  });

  it('web, gateway and the database step share one DATABASE_URL pointing at the postgres service', () => {
    const urls = ['migrate', 'gateway', 'web'].map((s) => composeEnv(s).DATABASE_URL);
    assert.equal(new Set(urls).size, 1);
    const url = new URL(urls[0]!);
    const pgEnv = composeEnv('postgres');
    assert.equal(url.hostname, 'postgres');
    assert.equal(decodeURIComponent(url.username), pgEnv.POSTGRES_USER);
    assert.equal(decodeURIComponent(url.password), pgEnv.POSTGRES_PASSWORD);
    assert.equal(url.pathname, `/${pgEnv.POSTGRES_DB}`);
    // A password chosen in the shell reaches both sides.
    const shell = { ...SHELL, POSTGRES_PASSWORD: 'chosen' };
    assert.equal(new URL(composeEnv('gateway', shell).DATABASE_URL!).password, composeEnv('postgres', shell).POSTGRES_PASSWORD);
  });

  it('refuses to start without NEXTAUTH_SECRET (no built-in session secret)', () => {
    assert.throws(() => composeEnv('web', {}), /NEXTAUTH_SECRET/);
  });

  it('database step: its environment parses with the start settings; the admin password passes through from the shell', () => {
    const env = composeEnv('migrate');
    const config = startConfigOf(env);
    assert.ok(config.DATABASE_URL);
    assert.equal(config.LATTICE_ADMIN_PASSWORD, undefined, 'unset: generated and printed once');
    assert.equal(startConfigOf(composeEnv('migrate', { ...SHELL, LATTICE_ADMIN_PASSWORD: 'chosen-password' })).LATTICE_ADMIN_PASSWORD, 'chosen-password');
  });
});

describe('the database step (deploy/prepare-database.ts, as the migrate service runs it)', () => {
  let server: TTestDatabase;
  let owner: pg.Pool;
  let fresh: string;
  const name = `fresh_${process.pid}`;

  before(async () => {
    // Any database on the test Postgres server; the step gets a new, empty one beside it,
    // made (and later dropped) with the owner's rights: the application role may create no database.
    server = await createTestDatabase();
    owner = new pg.Pool({ connectionString: server.ownerUrl, max: 1 });
    await owner.query(`create database ${name}`);
    fresh = server.ownerUrl.replace(/\/[^/]*$/, `/${name}`);
  });
  after(async () => {
    await owner.query(`drop database if exists ${name} with (force)`);
    await owner.end();
    await server.drop();
  });

  const run = (env: NodeJS.ProcessEnv) => execFileP(process.execPath, ['--import', 'tsx', 'deploy/prepare-database.ts'], { cwd: ROOT, env, timeout: 120_000 });

  it('migrates an empty database, seeds the default environment and prints the generated admin password once', { timeout: 240_000 }, async () => {
    const env = { ...composeEnv('migrate'), DATABASE_URL: fresh };
    const first = await run({ ...process.env, ...env });
    const match = /First admin: (\S+) with password (\S+)/.exec(first.stdout);
    assert.ok(match, first.stdout);
    assert.equal(match![1], startConfigOf(env).LATTICE_ADMIN_EMAIL);
    const client = new pg.Client({ connectionString: fresh });
    await client.connect();
    try {
      const users = await client.query<{ email: string; role: string; password_hash: string }>('select email, role, password_hash from users');
      assert.equal(users.rows.length, 1);
      assert.equal(users.rows[0]!.role, 'admin');
      assert.ok(await verifyPassword(users.rows[0]!.password_hash, match![2]!), 'the printed password signs in');
      const environments = await client.query('select slug from environments');
      assert.equal(environments.rows.length, 1);
    } finally {
      await client.end();
    }
    // Every later start (each gateway rollout) finds everything in place and prints no password.
    const second = await run({ ...process.env, ...env });
    assert.doesNotMatch(second.stdout, /password/);
    assert.match(second.stdout, /Database migrated/);
  });

  it('fails with a message naming DATABASE_URL when it is unset', async () => {
    const { DATABASE_URL: _unset, ...rest } = process.env;
    await assert.rejects(
      run(rest),
      (err: { code: number; stdout: string }) => err.code === 2 && /DATABASE_URL is not set/.test(err.stdout),
    );
  });
});

// ------------------------------------------------------------------------------- Kubernetes

interface TObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  [key: string]: unknown;
}
interface TEnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean }; configMapKeyRef?: { name: string; key: string } };
}
interface TContainer {
  name: string;
  image: string;
  command?: string[];
  ports?: { name?: string; containerPort: number }[];
  env?: TEnvVar[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  readinessProbe?: { httpGet?: { path: string; port: string | number } };
  livenessProbe?: { httpGet?: { path: string; port: string | number } };
  startupProbe?: { httpGet?: { path: string; port: string | number } };
  securityContext?: { allowPrivilegeEscalation?: boolean; capabilities?: { drop?: string[] } };
}
interface TPodSpec {
  serviceAccountName?: string;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
  initContainers?: TContainer[];
  containers: TContainer[];
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? yamlFiles(path.join(dir, e.name)) : e.name.endsWith('.yaml') && e.name !== 'kustomization.yaml' ? [path.join(dir, e.name)] : [],
  );
}

const objects: TObject[] = yamlFiles(K8S_DIR).flatMap((file) =>
  parseAllDocuments(readFileSync(file, 'utf8')).map((doc) => {
    assert.equal(doc.errors.length, 0, `${file}: ${doc.errors.join('; ')}`);
    return doc.toJS() as TObject;
  }),
);

function object<T = TObject>(kind: string, name: string): T {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  assert.ok(found, `deploy/kubernetes has ${kind} ${name}`);
  return found as T;
}

const podSpec = (deployment: string) => (object<{ spec: { template: { spec: TPodSpec } } }>('Deployment', deployment)).spec.template.spec;

/**
 * A container's environment as Kubernetes builds it: envFrom ConfigMaps of deploy/kubernetes,
 * then env (values, ConfigMap keys, and Secret keys — taken from the try-out Secret, the
 * one Secret the manifests ship; a key it lacks must be `optional`).
 */
function containerEnv(container: TContainer): TEnv {
  const secret = object<{ stringData: TEnv }>('Secret', 'lattice-secrets').stringData;
  const env: TEnv = {};
  for (const from of container.envFrom ?? []) {
    assert.ok(from.configMapRef, `${container.name}: only ConfigMaps are pulled in whole (Secrets key by key)`);
    Object.assign(env, object<{ data: TEnv }>('ConfigMap', from.configMapRef!.name).data);
  }
  for (const v of container.env ?? []) {
    const secretRef = v.valueFrom?.secretKeyRef;
    const configRef = v.valueFrom?.configMapKeyRef;
    if (v.value !== undefined) env[v.name] = v.value;
    else if (secretRef) {
      assert.equal(secretRef.name, 'lattice-secrets');
      if (secretRef.key in secret) env[v.name] = secret[secretRef.key]!;
      else assert.ok(secretRef.optional, `${container.name}: Secret key ${secretRef.key} is documented in the try-out Secret or optional`);
    } else if (configRef) env[v.name] = object<{ data: TEnv }>('ConfigMap', configRef.name).data[configRef.key]!;
  }
  return env;
}

const ingress = object<{
  spec: { rules: { host: string; http: { paths: { path: string; pathType: 'Exact' | 'Prefix'; backend: { service: { name: string; port: { number: number } } } }[] } }[] };
}>('Ingress', 'lattice');
const publicOrigin = `https://${ingress.spec.rules[0]!.host}`;

/** The Service an Ingress sends `requestPath` to (networking.k8s.io/v1 matching: Exact, else the longest element-wise Prefix). */
function routeOf(requestPath: string): string | undefined {
  const paths = ingress.spec.rules[0]!.http.paths;
  const exact = paths.find((p) => p.pathType === 'Exact' && p.path === requestPath);
  if (exact) return exact.backend.service.name;
  const prefixes = paths
    .filter((p) => p.pathType === 'Prefix' && (p.path === '/' || requestPath === p.path || requestPath.startsWith(`${p.path.replace(/\/$/, '')}/`)))
    .sort((a, b) => b.path.length - a.path.length);
  return prefixes[0]?.backend.service.name;
}

/** Paths the gateway serves (its fastify routes, read from server/http/) plus the kernel websocket. */
function gatewayPaths(): string[] {
  const dir = path.join(ROOT, 'server/http');
  const routes = readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .flatMap((f) => [...readFileSync(path.join(dir, f), 'utf8').matchAll(/app\.(?:get|post|put|patch|delete)\('([^']+)'/g)].map((m) => m[1]!));
  return [...routes, '/api/kernels/:id/channels'].map((r) => r.replace(/:\w+/g, 'x1').replace(/\*$/, 'logo-64x64.png'));
}

/** URL paths of the web's pages and route handlers, from app/ (groups dropped, dynamic segments filled in). */
function webPaths(dir = path.join(ROOT, 'app'), prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.isDirectory()) {
      const segment = /^\(.*\)$/.test(e.name) ? '' : `/${e.name.replace(/^\[+\.*(\w+)\]+$/, 'x1')}`;
      return webPaths(path.join(dir, e.name), prefix + segment);
    }
    return /^(page|route)\.tsx?$/.test(e.name) ? [prefix || '/'] : [];
  });
}

describe('deploy/kubernetes Deployments', () => {
  it('gateway: its environment parses with ZGatewayEnv; kubernetes and local provisioners, kernels kept for reattach', () => {
    const gateway = podSpec('lattice-gateway').containers.find((c) => c.name === 'gateway')!;
    const env = containerEnv(gateway);
    assertKeysOf(env, gatewayKeys, 'the gateway Deployment');
    const config = ZGatewayEnv.parse(env);
    assert.equal(config.LATTICE_GATEWAY_HOST, '0.0.0.0');
    assert.deepEqual(config.LATTICE_PROVISIONERS.split(','), ['kubernetes', 'local']);
    assert.equal(config.LATTICE_KERNELS_ON_EXIT, 'keep');
    assert.ok(config.LATTICE_WEB_ORIGINS.split(',').includes(publicOrigin), `the gateway admits the page origin ${publicOrigin}`);
    // No project namespace can be the platform's own.
    assert.ok(!'lattice-system'.startsWith(config.LATTICE_K8S_NAMESPACE_PREFIX), `prefix ${config.LATTICE_K8S_NAMESPACE_PREFIX} + a project slug could be lattice-system`);
    assert.equal(podSpec('lattice-gateway').serviceAccountName, 'lattice-gateway');
    assert.deepEqual(gateway.ports, [{ name: 'http', containerPort: config.LATTICE_GATEWAY_PORT }]);
    for (const probe of [gateway.startupProbe, gateway.readinessProbe, gateway.livenessProbe]) assert.deepEqual(probe?.httpGet, { path: '/healthz', port: 'http' });
  });

  it('gateway: its init container prepares the database with the start settings, as the compose step does', () => {
    const [init] = podSpec('lattice-gateway').initContainers ?? [];
    assert.ok(init);
    assert.deepEqual(init!.command, PREPARE_DATABASE);
    assert.equal(init!.image, podSpec('lattice-gateway').containers[0]!.image);
    const config = startConfigOf(containerEnv(init!));
    assert.ok(config.DATABASE_URL);
    assert.equal(config.LATTICE_ADMIN_PASSWORD, object<{ stringData: TEnv }>('Secret', 'lattice-secrets').stringData.LATTICE_ADMIN_PASSWORD);
  });

  it('web: its environment parses with ZWebConfig; the browser is sent to the gateway on the Ingress host; next-auth knows that host', () => {
    const web = podSpec('lattice-web').containers[0]!;
    const env = containerEnv(web);
    assertKeysOf(env, webKeys, 'the web Deployment');
    const config = ZWebConfig.parse(env);
    const page = new URL(`${publicOrigin}/projects`);
    assert.equal(resolveGatewayUrl({ gatewayUrl: config.LATTICE_GATEWAY_PUBLIC_URL ?? null, gatewayPort: config.LATTICE_GATEWAY_PORT }, page), publicOrigin);
    assert.equal(env.NEXTAUTH_URL, publicOrigin);
    const webPort = startConfigOf({}).LATTICE_WEB_PORT;
    assert.deepEqual(web.ports, [{ name: 'http', containerPort: webPort }]);
    for (const probe of [web.readinessProbe, web.livenessProbe]) assert.deepEqual(probe?.httpGet, { path: '/signin', port: 'http' });
  });

  it('Services point at the containers\' named ports; the Ingress at existing Services and ports', () => {
    for (const name of ['lattice-gateway', 'lattice-web']) {
      const service = object<{ spec: { selector: Record<string, string>; ports: { port: number; targetPort: string }[] } }>('Service', name);
      const deployment = object<{ spec: { template: { metadata: { labels: Record<string, string> } } } }>('Deployment', name);
      for (const [k, v] of Object.entries(service.spec.selector)) assert.equal(deployment.spec.template.metadata.labels[k], v);
      const container = podSpec(name).containers[0]!;
      for (const port of service.spec.ports) {
        const target = container.ports!.find((p) => p.name === port.targetPort);
        assert.ok(target, `${name}: targetPort ${port.targetPort}`);
        assert.equal(port.port, target!.containerPort);
      }
    }
    for (const p of ingress.spec.rules[0]!.http.paths) {
      const service = object<{ spec: { ports: { port: number }[] } }>('Service', p.backend.service.name);
      assert.ok(service.spec.ports.some((sp) => sp.port === p.backend.service.port.number), `${p.path} → ${p.backend.service.name}:${p.backend.service.port.number}`);
    }
  });

  it('the Ingress sends every gateway path (websocket included) to the gateway and every web page and route to the web', () => {
    const gateway = gatewayPaths().filter((p) => p !== '/healthz' && p !== '/metrics');
    assert.ok(gateway.includes('/api/kernels/x1/channels') && gateway.includes('/api/events') && gateway.includes('/api'));
    for (const p of gateway) assert.equal(routeOf(p), 'lattice-gateway', p);
    const web = webPaths();
    assert.ok(web.includes('/signin') && web.includes('/api/gateway-token'));
    for (const p of web) assert.equal(routeOf(p), 'lattice-web', p);
    // Probes and metrics stay inside the cluster.
    for (const p of ['/healthz', '/metrics']) assert.notEqual(routeOf(p), 'lattice-gateway', p);
  });

  it('every pod runs non-root without privilege escalation', () => {
    const pods = objects.filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet') as unknown as { metadata: { name: string }; spec: { template: { spec: TPodSpec } } }[];
    assert.ok(pods.length >= 2);
    for (const pod of pods) {
      const spec = pod.spec.template.spec;
      assert.equal(spec.securityContext?.runAsNonRoot, true, pod.metadata.name);
      assert.ok((spec.securityContext?.runAsUser ?? 0) > 0, pod.metadata.name);
      for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
        assert.equal(c.securityContext?.allowPrivilegeEscalation, false, `${pod.metadata.name}/${c.name}`);
        assert.deepEqual(c.securityContext?.capabilities?.drop, ['ALL'], `${pod.metadata.name}/${c.name}`);
      }
    }
  });

  it('try-out: the Secret\'s DATABASE_URL reaches the try-out Postgres with its password', () => {
    const secret = object<{ stringData: TEnv }>('Secret', 'lattice-secrets').stringData;
    const url = new URL(secret.DATABASE_URL!);
    object('Service', url.hostname);
    const postgres = object<{ spec: { template: { spec: TPodSpec } } }>('StatefulSet', 'lattice-postgres').spec.template.spec.containers[0]!;
    const env = Object.fromEntries((postgres.env ?? []).map((v) => [v.name, v.value ?? secret[v.valueFrom!.secretKeyRef!.key]!]));
    assert.equal(decodeURIComponent(url.username), env.POSTGRES_USER);
    assert.equal(decodeURIComponent(url.password), env.POSTGRES_PASSWORD);
    assert.equal(url.pathname, `/${env.POSTGRES_DB}`);
  });

  it('each kustomization lists every manifest beside it', () => {
    for (const dir of [path.join(K8S_DIR, 'platform'), path.join(K8S_DIR, 'try-out')]) {
      const kustomization = parse(readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8')) as { resources: string[] };
      const files = readdirSync(dir).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
      assert.deepEqual(kustomization.resources.filter((r) => r.endsWith('.yaml')).sort(), files.sort(), dir);
    }
  });
});
