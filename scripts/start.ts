/**
 * `npm start`: embedded Postgres (unless DATABASE_URL), migrations, the gateway on 8888 and
 * the web on 3000. Prints the URL and, on the first start only, the admin's password.
 * The gateway runs bundled (.build/gateway.mjs, rebuilt when its sources change) and is
 * started again whenever it exits (scripts/supervisor.ts). Ctrl-C stops everything it started.
 */
import { secureDataDir } from '../db/secret-file';
import { dropLauncherSecrets } from './child-env';
import { missingSandboxTools } from './check-sandbox-tools';
import { ensurePython } from './ensure-python';
import { resolveDatabaseUrl, startPlatform } from './platform';
import { readStartConfig } from './start-config';

const log = (line: string) => console.log(`[lattice] ${line}`);
const config = readStartConfig();
// Read once above; from here on no process this one starts (Postgres, pip, the web, the gateway) inherits them.
dropLauncherSecrets(process.env);
const dev = process.argv.includes('--dev');
secureDataDir(config.LATTICE_DATA_DIR);

const python = ensurePython({ configured: config.LATTICE_PYTHON, dataDir: config.LATTICE_DATA_DIR, log });
if (!python.ok) log(`WARNING: ${python.message}`);
else if (python.note) log(python.note);
const sandboxTools = config.LATTICE_LOCAL_SANDBOX === 'on' ? missingSandboxTools(process.env.PATH ?? '') : null;
if (sandboxTools) log(`WARNING: ${sandboxTools.message}`);
else if (config.LATTICE_LOCAL_SANDBOX === 'off') log('WARNING: LATTICE_LOCAL_SANDBOX=off: kernels are not isolated from the platform or from each other.');

const database = await resolveDatabaseUrl(log, config);
let platform: Awaited<ReturnType<typeof startPlatform>> | null = null;
let starting: ReturnType<typeof startPlatform> | null = null;
const aborting = new AbortController();
let stopping = false;
async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  log('Stopping…');
  // Ctrl-C before the platform is up: what it has started so far is stopped as it unwinds.
  aborting.abort();
  await starting?.catch(() => undefined);
  await platform?.stop();
  await database.stop();
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

try {
  starting = startPlatform({
    databaseUrl: database.url,
    ownerDatabaseUrl: database.ownerUrl,
    dataDir: config.LATTICE_DATA_DIR,
    host: config.LATTICE_HOST,
    webPort: config.LATTICE_WEB_PORT,
    gatewayPort: config.LATTICE_GATEWAY_PORT,
    adminEmail: config.LATTICE_ADMIN_EMAIL,
    adminPassword: config.LATTICE_ADMIN_PASSWORD,
    python: python.ok ? python.python : (python.python ?? undefined),
    sessionSecret: config.NEXTAUTH_SECRET,
    metricsToken: config.LATTICE_METRICS_TOKEN,
    dev,
    log,
    stdio: 'inherit',
    signal: aborting.signal,
  });
  platform = await starting;
} catch (err) {
  if (!stopping) {
    log(`Could not start: ${(err as Error).message}`);
    await shutdown(1);
  }
}

if (platform) {
  log(`Lattice is running at ${platform.webUrl}  (gateway ${platform.gatewayUrl})`);
  if (platform.admin) {
    log(`First start: sign in as ${platform.admin.email}` + (platform.admin.generated ? ` with password ${platform.admin.password}  (shown only this once)` : ' with LATTICE_ADMIN_PASSWORD'));
  }
  if (!python.ok) log(`Kernels will not start until this is fixed: ${python.message}`);
  log('Press Ctrl-C to stop.');
}
