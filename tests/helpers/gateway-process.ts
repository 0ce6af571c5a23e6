import { after, before } from 'node:test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findFreePorts } from '../../server/provisioners/free-ports';
import { createUserWithToken } from './gateway';
import { killGroup } from './kernels';
import { createTestDatabase, type TTestDatabase } from './postgres';
import { testPython } from './python';

/**
 * The gateway as a real process (`node --import tsx server/main.ts`), for what an in-process
 * gateway cannot show: being killed with SIGKILL and started again. Logs are JSON lines.
 */
export interface TGatewayProcess {
  url: string;
  wsUrl: string;
  child: ChildProcess;
  logs: Array<Record<string, unknown>>;
  /** SIGKILL: no handler runs, kernels are left as they are. */
  kill(): Promise<void>;
  /** SIGTERM: the gateway's own shutdown (LATTICE_KERNELS_ON_EXIT). */
  stop(): Promise<void>;
}

const ROOT = path.resolve(import.meta.dirname, '../..');

/** A data dir several gateway processes can share in turn (kernel dirs survive the gateway). */
export async function makeDataDir(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'lattice-gwp-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * After-hook for tests that SIGKILL gateways: kills the gateways and the kernels' process groups,
 * then starts and stops one last gateway on the same database and data dir, because the cgroups
 * of kernels killed this way are released by nobody else; finally removes the data dir.
 */
export async function cleanUpGatewayProcesses(opts: {
  gateways: TGatewayProcess[];
  pids: number[];
  databaseUrl: string;
  data: Awaited<ReturnType<typeof makeDataDir>>;
}): Promise<void> {
  for (const gw of opts.gateways) await gw.kill();
  for (const pid of opts.pids) killGroup(pid);
  const sweeper = await startGatewayProcess({ databaseUrl: opts.databaseUrl, dataDir: opts.data.dir }).catch(() => null);
  await sweeper?.stop();
  await opts.data.remove();
}

/**
 * What most files that run gateway processes set up: before their tests a database, a data dir
 * and a user's token; after them every gateway and kernel they recorded is stopped and removed.
 * Read `t`, `data` and `token` inside tests (they are set in `before`).
 */
export function gatewayProcessFixture(): { t: TTestDatabase; data: Awaited<ReturnType<typeof makeDataDir>>; token: string; gateways: TGatewayProcess[]; pids: number[] } {
  const fx = { gateways: [], pids: [] } as unknown as ReturnType<typeof gatewayProcessFixture>;
  before(async () => {
    fx.t = await createTestDatabase();
    fx.data = await makeDataDir();
    ({ token: fx.token } = await createUserWithToken(fx.t.db));
  });
  after(async () => {
    if (fx.data) await cleanUpGatewayProcesses({ gateways: fx.gateways, pids: fx.pids, databaseUrl: fx.t.url, data: fx.data });
    await fx.t?.drop();
  });
  return fx;
}

export async function startGatewayProcess(opts: {
  databaseUrl: string;
  dataDir: string;
  env?: Record<string, string>;
  /** A fixed port (a replacement on the port its predecessor had, which browsers keep using); default a free one. */
  port?: number;
  /** node's arguments; default the sources under tsx (`npm run gateway`), e.g. `['.build/gateway.mjs']` for the bundle. */
  nodeArgs?: string[];
}): Promise<TGatewayProcess> {
  const port = opts.port ?? (await findFreePorts(1))[0];
  const child = spawn(process.execPath, opts.nodeArgs ?? ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/root',
      DATABASE_URL: opts.databaseUrl,
      LATTICE_DATA_DIR: opts.dataDir,
      LATTICE_GATEWAY_HOST: '127.0.0.1',
      LATTICE_GATEWAY_PORT: String(port),
      LATTICE_PYTHON: testPython(),
      LATTICE_LOG_LEVEL: 'info',
      ...opts.env,
    } as Partial<NodeJS.ProcessEnv> as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Array<Record<string, unknown>> = [];
  let buffered = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      try {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        logs.push({ msg: line });
      }
    }
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`gateway exited at start-up (${child.exitCode}): ${stderr.slice(-2000)}`);
    try {
      if ((await fetch(`${url}/api`)).ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      const tail = logs.slice(-40).map((l) => JSON.stringify(l)).join('\n');
      throw new Error(`gateway did not answer within 30 s: ${stderr.slice(-2000)}\n${tail}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const signal = async (sig: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    await exited;
  };
  return { url, wsUrl: `ws://127.0.0.1:${port}`, child, logs, kill: () => signal('SIGKILL'), stop: () => signal('SIGTERM') };
}
