import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { freePort } from '../tests/helpers/free-port';
import { peerBin } from '../tests/helpers/peers';
import { KERNEL_BASE_ENV } from './floor-client';
import { descendantPids } from './process-cpu';
import type { TPeer } from './scenario';

/** How each peer is started as a kernel server on 127.0.0.1 with a token. */
const SERVERS = {
  'enterprise-gateway': {
    venv: 'enterprise-gateway',
    name: 'Enterprise Gateway',
    module: 'enterprise_gateway',
    argv: (port: number, token: string) => [
      'jupyter-enterprisegateway',
      '--EnterpriseGatewayApp.ip=127.0.0.1',
      `--EnterpriseGatewayApp.port=${port}`,
      '--EnterpriseGatewayApp.port_retries=0',
      `--EnterpriseGatewayApp.auth_token=${token}`,
    ],
  },
  // jupyter_server itself, with its own kernel manager (not as a gateway client).
  'jupyter-server': {
    venv: 'jupyterlab',
    name: 'jupyter_server',
    module: 'jupyter_server',
    argv: (port: number, token: string, dir: string) => [
      'jupyter-server',
      '--ServerApp.ip=127.0.0.1',
      `--ServerApp.port=${port}`,
      '--ServerApp.port_retries=0',
      `--IdentityProvider.token=${token}`,
      `--ServerApp.root_dir=${dir}`,
      '--allow-root',
      '--no-browser',
    ],
  },
} as const;
export type TPeerServerId = keyof typeof SERVERS;

const ZKernelspecs = z.object({
  kernelspecs: z.record(z.string(), z.object({ spec: z.object({ argv: z.array(z.string()) }) })),
});

/** Polls `GET /api/kernelspecs` until the server answers; throws if it exits or stays silent. */
async function waitUntilServing(url: string, token: string, exited: () => string | null, what: string): Promise<unknown> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const why = exited();
    if (why) throw new Error(`${what} exited during start-up (${why})`);
    const res = await fetch(`${url}/api/kernelspecs`, { headers: { authorization: `token ${token}` } }).catch(() => null);
    if (res?.ok) return res.json();
    if (Date.now() > deadline) throw new Error(`${what} did not serve /api/kernelspecs within 60 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Starts Enterprise Gateway or jupyter_server from its peer virtualenv (scripts/ensure-peers.sh)
 * as a comparison target: a free port of 127.0.0.1, a random token, and fresh config, data and
 * runtime dirs under `workDir` (its log beside them). Their only kernelspec, `python3`, launches
 * the bench's kernel Python as Lattice's local provisioner does (`python -m ipykernel_launcher
 * -f {connection_file}`, the gateway's inherited variables, PYDEVD_DISABLE_FILE_VALIDATION), which
 * is checked through `GET /api/kernelspecs` before the server is used. JUPYTER_NO_CONFIG keeps
 * the venv's server extensions (JupyterLab's) and any user config out: a bare kernel server.
 * Its kernels run unsandboxed over tcp loopback, as those servers run them.
 */
export async function startPeerServer(id: TPeerServerId, python: string, workDir: string): Promise<TPeer> {
  const server = SERVERS[id];
  const bin = peerBin(server.venv);
  const version = execFileSync(path.join(bin, 'python'), ['-c', `import ${server.module}; print(${server.module}.__version__)`], { encoding: 'utf8' }).trim();
  const dir = await mkdtemp(path.join(workDir, `${id}-`));
  const dirs = { config: path.join(dir, 'config'), data: path.join(dir, 'data'), runtime: path.join(dir, 'runtime'), root: path.join(dir, 'root') };
  const argv = [python, '-m', 'ipykernel_launcher', '-f', '{connection_file}'];
  await mkdir(path.join(dirs.data, 'kernels', 'python3'), { recursive: true });
  await Promise.all([dirs.config, dirs.runtime, dirs.root].map((d) => mkdir(d, { recursive: true })));
  await writeFile(
    path.join(dirs.data, 'kernels', 'python3', 'kernel.json'),
    JSON.stringify({ argv, display_name: 'Python 3 (bench)', language: 'python', env: { PYDEVD_DISABLE_FILE_VALIDATION: '1' } }),
  );

  const [port, token] = [await freePort(), randomBytes(24).toString('hex')];
  const [command, ...args] = server.argv(port, token, dirs.root);
  const log = openSync(`${dir}.log`, 'a');
  const child = spawn(path.join(bin, command), args, {
    env: {
      ...KERNEL_BASE_ENV,
      JUPYTER_NO_CONFIG: '1',
      JUPYTER_CONFIG_DIR: dirs.config,
      JUPYTER_DATA_DIR: dirs.data,
      JUPYTER_PATH: dirs.data,
      JUPYTER_RUNTIME_DIR: dirs.runtime,
    } as Partial<NodeJS.ProcessEnv> as NodeJS.ProcessEnv,
    cwd: dirs.root,
    detached: true,
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  let exit: string | null = null;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exit = `code ${code}, signal ${signal}`;
      resolve();
    });
    child.once('error', (err) => {
      exit = err.message;
      resolve();
    });
  });
  const label = `${server.name} ${version}`;
  const stop = async () => {
    // Its kernels are children in process groups of their own; any that outlive the server's shutdown are killed.
    const kernels = child.pid ? descendantPids(child.pid) : [];
    if (exit === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    }
    for (const pid of kernels) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await rm(dir, { recursive: true, force: true });
  };

  const url = `http://127.0.0.1:${port}`;
  try {
    const specs = ZKernelspecs.parse(await waitUntilServing(url, token, () => exit, label));
    const served = specs.kernelspecs.python3?.spec.argv;
    if (JSON.stringify(served) !== JSON.stringify(argv)) {
      throw new Error(`${label} serves python3 as ${JSON.stringify(served)}, not the bench's kernelspec ${JSON.stringify(argv)}`);
    }
  } catch (err) {
    await stop();
    const tail = (await readFile(`${dir}.log`, 'utf8').catch(() => '')).trimEnd().split('\n').slice(-15).join('\n');
    throw new Error(`${(err as Error).message}\n${tail}`);
  }
  return { id, label, url, wsUrl: `ws://127.0.0.1:${port}`, token, pid: child.pid as number, stop };
}
