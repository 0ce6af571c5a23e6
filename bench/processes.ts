import { fork, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { TMemoryReading } from './process-memory';

const HERE = import.meta.dirname;

/** A child the benchmark talks to over IPC: the gateway (bundle + gateway-hooks) or `zmq-holder-child.ts`. */
export interface TBenchChild {
  pid: number;
  /** The gateway's port (0 for the ZeroMQ holder). */
  port: number;
  /** Sends `request` and resolves with the first reply of type `replyType`. */
  ask<T = Record<string, unknown>>(request: Record<string, unknown>, replyType: string, timeoutMs?: number): Promise<T>;
  memory(): Promise<TMemoryReading>;
  /** Asks the child to finish (the gateway stops its kernels first); kills it after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** What a child's readiness check gets: a way to ask it, and whether it has exited (with its log's tail). */
export interface TStartingChild {
  ask: TBenchChild['ask'];
  exitReport(): string | null;
}

/**
 * Forks `module` with `execArgv` (plus `--expose-gc`, and `--cpu-prof` into `cpuProfDir`) and
 * its stdout/stderr in `logFile`; resolves once `ready` resolves with the child's port.
 */
export async function startChild(
  module: string,
  opts: { execArgv: readonly string[]; env: NodeJS.ProcessEnv; logFile: string; cpuProfDir?: string; ready(child: TStartingChild): Promise<number> },
): Promise<TBenchChild> {
  const log = openSync(opts.logFile, 'a');
  const execArgv = ['--expose-gc', ...opts.execArgv, ...(opts.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${opts.cpuProfDir}`] : [])];
  let child: ChildProcess;
  try {
    child = fork(module, [], { env: opts.env, execArgv, stdio: ['ignore', log, log, 'ipc'] });
  } finally {
    closeSync(log);
  }
  const name = path.basename(module);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // The log is in the benchmark's scratch dir, removed at the end: its tail goes into the error.
  const exitReport = () => {
    if (child.exitCode === null && child.signalCode === null) return null;
    const tail = readFileSync(opts.logFile, 'utf8').trimEnd().split('\n').slice(-15).join('\n');
    return `${name} exited (code ${child.exitCode}, signal ${child.signalCode}); the end of ${opts.logFile}:\n${tail}`;
  };

  const ask = <T>(request: Record<string, unknown>, replyType: string, timeoutMs = 300_000) =>
    new Promise<T>((resolve, reject) => {
      const onMessage = (reply: { type: string }) => {
        if (reply.type !== replyType) return;
        cleanup();
        resolve(reply as T);
      };
      const onExit = () => {
        cleanup();
        reject(new Error(`before answering ${String(request.type)}: ${exitReport()}`));
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`${name} did not answer ${String(request.type)} in time`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
      if (request.type !== 'wait') child.send(request);
    });

  const port = await opts.ready({ ask, exitReport });
  return {
    pid: child.pid as number,
    port,
    ask,
    async memory() {
      return (await ask<{ memory: TMemoryReading }>({ type: 'memory' }, 'memory')).memory;
    },
    async stop(graceMs = 30_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.send({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The memory floor's process (`zmq-holder-child.ts`, under tsx); ready when it says so. */
export function startZmqHolder(opts: { env: NodeJS.ProcessEnv; logFile: string }): Promise<TBenchChild> {
  return startChild(path.join(HERE, 'zmq-holder-child.ts'), {
    ...opts,
    execArgv: ['--import', 'tsx'],
    ready: async ({ ask }) => (await ask<{ port: number }>({ type: 'wait' }, 'ready', 60_000)).port,
  });
}
