import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { peerBin } from '../helpers/peers';
import { freePort } from '../helpers/free-port';
import { jupyterConnect } from '../../common/jupyter-connect';

export interface TJupyterLab {
  /** http://127.0.0.1:<port> */
  url: string;
  /** JupyterLab's own token (not the gateway's). */
  token: string;
  /** Everything jupyter lab printed so far, for failure messages. */
  log(): string;
  /** SIGTERM (SIGKILL if it lingers), then removes its private directories. */
  close(): Promise<void>;
}

/**
 * Stock `jupyter lab` from the peer venv with Lattice as its kernel backend. Its config,
 * data, runtime, settings, workspaces and HOME are private temp dirs, so nothing of this
 * machine's Jupyter set-up leaks in and no workspace state survives the test. The gateway
 * token goes in the environment (JUPYTER_GATEWAY_AUTH_TOKEN) rather than argv, where
 * every process listing would show it.
 */
export async function startJupyterLab(opts: { gatewayUrl: string; gatewayToken: string }): Promise<TJupyterLab> {
  const bin = peerBin('jupyterlab');
  const dir = await mkdtemp(path.join(tmpdir(), 'lattice-jlab-'));
  const sub = (name: string) => path.join(dir, name);
  await Promise.all(['root', 'home', 'config', 'data', 'runtime'].map((d) => mkdir(sub(d))));
  // Answers JupyterLab's "get notified about Jupyter news?" toast up front (no: offline).
  const settings = sub('config/lab/user-settings/@jupyterlab/apputils-extension');
  await mkdir(settings, { recursive: true });
  await writeFile(path.join(settings, 'notification.jupyterlab-settings'), JSON.stringify({ fetchNews: 'false' }));
  const port = await freePort();
  const token = randomBytes(24).toString('hex');
  // What the profile page tells people to run (common/jupyter-connect.ts).
  const connect = jupyterConnect(opts.gatewayUrl, opts.gatewayToken);
  let output = '';
  const child: ChildProcess = spawn(
    path.join(bin, 'jupyter'),
    [
      'lab',
      ...connect.args,
      '--ServerApp.ip=127.0.0.1',
      `--ServerApp.port=${port}`,
      '--ServerApp.port_retries=0',
      `--ServerApp.root_dir=${sub('root')}`,
      `--IdentityProvider.token=${token}`,
      '--no-browser',
      '--allow-root',
      `--LabApp.user_settings_dir=${sub('config/lab/user-settings')}`,
      `--LabApp.workspaces_dir=${sub('config/lab/workspaces')}`,
      // Offline machine: no announcements feed, no PyPI update check.
      '--LabApp.news_url=None',
      '--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate',
    ],
    {
      cwd: sub('root'),
      env: {
        PATH: `${bin}:/usr/bin:/bin`,
        LANG: 'C.UTF-8',
        HOME: sub('home'),
        JUPYTER_CONFIG_DIR: sub('config'),
        JUPYTER_DATA_DIR: sub('data'),
        JUPYTER_RUNTIME_DIR: sub('runtime'),
        ...connect.env,
      } as Partial<NodeJS.ProcessEnv> as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;

  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) {
      await close();
      throw new Error(`jupyter lab exited at start-up (${child.exitCode}):\n${output.slice(-3000)}`);
    }
    const ready = await fetch(`${url}/api/status`, { headers: { authorization: `token ${token}` } }).then((r) => r.ok, () => false);
    if (ready) break;
    if (Date.now() > deadline) {
      await close();
      throw new Error(`jupyter lab did not answer within 90 s:\n${output.slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, token, log: () => output, close };
}
