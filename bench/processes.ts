import { fork, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { TMemoryReading } from './process-memory';

const HERE = import.meta.dirname;

/** A child the benchmark talks to over IPC: `gateway-child.ts` or `zmq-holder-child.ts`. */
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

/**
 * Forks a benchmark child under `node --expose-gc --import tsx` with its stdout/stderr in
 * `logFile`; resolves when it reports `ready`. `cpuProfDir` adds `--cpu-prof` there.
 */
export async function startChild(
  entry: 'gateway-child.ts' | 'zmq-holder-child.ts',
  opts: { env: NodeJS.ProcessEnv; logFile: string; cpuProfDir?: string },
): Promise<TBenchChild> {
  const log = openSync(opts.logFile, 'a');
  const execArgv = ['--expose-gc', '--import', 'tsx', ...(opts.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${opts.cpuProfDir}`] : [])];
  let child: ChildProcess;
  try {
    child = fork(path.join(HERE, entry), [], { env: opts.env, execArgv, stdio: ['ignore', log, log, 'ipc'] });
  } finally {
    closeSync(log);
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const ask = <T>(request: Record<string, unknown>, replyType: string, timeoutMs = 300_000) =>
    new Promise<T>((resolve, reject) => {
      const onMessage = (reply: { type: string }) => {
        if (reply.type !== replyType) return;
        cleanup();
        resolve(reply as T);
      };
      const onExit = () => {
        cleanup();
        // The log is in the benchmark's scratch dir, removed at the end: its tail goes into the error.
        const tail = readFileSync(opts.logFile, 'utf8').trimEnd().split('\n').slice(-15).join('\n');
        reject(new Error(`${entry} exited before answering ${String(request.type)}; the end of ${opts.logFile}:\n${tail}`));
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`${entry} did not answer ${String(request.type)} in time`));
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

  const ready = await ask<{ port: number }>({ type: 'wait' }, 'ready', 60_000);
  return {
    pid: child.pid as number,
    port: ready.port,
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
