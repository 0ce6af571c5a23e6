import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './free-port';
import { until } from './kernels';
import { testPython } from './python';

/** The standalone master's `/json` view (the parts tests read). */
export interface TMasterStatus {
  workers: Array<{ id: string; host: string; state: string; cores: number; memory: number }>;
  activeapps: Array<{ id: string; name: string; state: string; cores: number }>;
  completedapps: Array<{ id: string; name: string; state: string }>;
}

export interface TSparkStandalone {
  /** spark://127.0.0.1:<port> */
  masterUrl: string;
  /** The master's web UI; `status()` reads its JSON. */
  webUrl: string;
  status(): Promise<TMasterStatus>;
  /** SIGTERM, then SIGKILL, to the master's and the workers' process groups (executors included). */
  stop(): Promise<void>;
}

/** The Spark that PyPI's `pyspark` bundles (jars and `bin/spark-class`), in the test Python. */
export function pysparkHome(): string {
  return execFileSync(testPython(), ['-c', 'import os, pyspark; print(os.path.dirname(pyspark.__file__))'], { encoding: 'utf8' }).trim();
}

/**
 * A real Spark standalone cluster from pyspark's own `spark-class`, on 127.0.0.1 only: one
 * master and `workers` workers, each offering `cores` cores and `memoryMib` MiB to executors.
 * Every daemon runs in its own process group, so executors a worker started go with it.
 * Resolves once every worker has registered with the master.
 */
export async function startSparkStandalone(opts: { workers: number; cores: number; memoryMib: number }): Promise<TSparkStandalone> {
  const sparkHome = pysparkHome();
  const dir = await mkdtemp(path.join(tmpdir(), 'lattice-spark-'));
  const children: ChildProcess[] = [];
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: dir,
    SPARK_HOME: sparkHome,
    SPARK_LOCAL_IP: '127.0.0.1',
    SPARK_LOG_DIR: dir,
    // Master and workers need little heap; the default is 1 GiB each.
    SPARK_DAEMON_MEMORY: '256m',
  } as Partial<NodeJS.ProcessEnv> as NodeJS.ProcessEnv;

  const daemon = (name: string, args: string[]) => {
    const log = openSync(path.join(dir, `${name}.log`), 'a');
    const child = spawn(path.join(sparkHome, 'bin', 'spark-class'), args, { env, cwd: dir, detached: true, stdio: ['ignore', log, log] });
    closeSync(log);
    children.push(child);
  };

  const stop = async () => {
    for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
      for (const child of children) {
        if (child.exitCode !== null || child.signalCode !== null) continue;
        try {
          process.kill(-child.pid!, signal);
        } catch {
          // Already gone.
        }
      }
      await until('Spark daemons to exit', () => children.every((c) => c.exitCode !== null || c.signalCode !== null), 10_000).catch(() => undefined);
    }
    await rm(dir, { recursive: true, force: true });
  };

  try {
    const [port, webPort] = [await freePort(), await freePort()];
    const masterUrl = `spark://127.0.0.1:${port}`;
    const webUrl = `http://127.0.0.1:${webPort}`;
    daemon('master', ['org.apache.spark.deploy.master.Master', '--host', '127.0.0.1', '--port', String(port), '--webui-port', String(webPort)]);
    for (let i = 0; i < opts.workers; i++) {
      daemon(`worker-${i}`, [
        'org.apache.spark.deploy.worker.Worker',
        '--host', '127.0.0.1',
        '--cores', String(opts.cores),
        '--memory', `${opts.memoryMib}m`,
        '--webui-port', '0',
        '--work-dir', path.join(dir, `work-${i}`),
        masterUrl,
      ]);
    }
    const status = async (): Promise<TMasterStatus> => {
      const res = await fetch(`${webUrl}/json`, { signal: AbortSignal.timeout(5000) });
      return (await res.json()) as TMasterStatus;
    };
    await until(
      `${opts.workers} Spark workers registered with the master`,
      async () => (await status().catch(() => null))?.workers.filter((w) => w.state === 'ALIVE').length === opts.workers,
      90_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\nmaster log:\n${readFileSync(path.join(dir, 'master.log'), 'utf8').slice(-3000)}`);
    });
    return { masterUrl, webUrl, status, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
