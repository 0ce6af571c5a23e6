import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { acceptsConnections } from '../server/zmq/await-listening';
import { KernelSocket } from '../server/zmq/kernel-socket';
import { loadConfig } from '../server/config';
import { newLocalConnection } from '../server/provisioners/local-connection';
import type { TConnectionInfo } from '../server/zmq/connection-info';
import { toBenchMessage, type TBenchMessage, type TKernelTransport } from './kernel-client';

/**
 * The floor: a Jupyter client talking ZeroMQ straight to ipykernel, no gateway in between.
 * It launches the kernel the way the local provisioner does (connection file, same Python,
 * same inherited environment, own process group) and uses the gateway's own socket, signing
 * and verification code, so the only thing missing compared with the gateway path is the gateway.
 */
export interface TFloorKernel {
  connection: TConnectionInfo;
  pid: number;
  /** SIGKILL to the kernel's process group, then its directory is removed. */
  stop(): Promise<void>;
}

const running = new Set<TFloorKernel>();

/** Kills every floor kernel still running (the benchmark was interrupted). */
export async function stopAllFloorKernels(): Promise<void> {
  await Promise.all([...running].map((k) => k.stop()));
}

/**
 * The variables kernels inherit from the gateway (PATH, HOME, locale), read as the gateway
 * reads them; the floor's kernels and the peer servers (hence their kernels) get the same.
 */
export const KERNEL_BASE_ENV = loadConfig({ ...process.env, DATABASE_URL: 'postgres://unused' }).kernelBaseEnv;

/** Spawns `python -m ipykernel_launcher -f <connection file>` under `dir`; returns once the process exists. */
export async function launchFloorKernel(python: string, dir: string): Promise<TFloorKernel> {
  const kernelDir = path.join(dir, `floor-${randomUUID()}`);
  await mkdir(kernelDir, { recursive: true, mode: 0o700 });
  const connection = await newLocalConnection('python3');
  const file = path.join(kernelDir, 'connection.json');
  await writeFile(file, JSON.stringify(connection), { mode: 0o600 });
  const child = spawn(python, ['-m', 'ipykernel_launcher', '-f', file], {
    cwd: kernelDir,
    env: { ...KERNEL_BASE_ENV, PYDEVD_DISABLE_FILE_VALIDATION: '1' } as Partial<NodeJS.ProcessEnv> as NodeJS.ProcessEnv,
    detached: true,
    stdio: 'ignore',
  });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  child.unref();
  const pid = child.pid as number;
  const kernel: TFloorKernel = {
    connection,
    pid,
    async stop() {
      running.delete(kernel);
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
      await rm(kernelDir, { recursive: true, force: true });
    },
  };
  running.add(kernel);
  return kernel;
}

/**
 * Resolves once the kernel accepts connections on each of `channels` (polled every 2 ms). A
 * floor client connects only then, so the reconnect back-off of its ZeroMQ sockets (100 ms
 * growing to 1 s in KernelSocket) cannot delay it past the kernel's own start: the floor is
 * the least any client could take.
 */
export async function kernelListening(connection: TConnectionInfo, channels: readonly ('shell' | 'iopub')[] = ['shell'], deadlineMs = 60_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  for (const channel of channels) {
    while (!(await acceptsConnections(connection, channel))) {
      if (Date.now() > deadline) throw new Error(`the kernel never listened on its ${channel} port`);
      await new Promise((r) => setTimeout(r, 2));
    }
  }
}

/** DEALER shell + control (one routing id) and SUB iopub to a kernel, as a direct client holds them. */
export function connectFloor(connection: TConnectionInfo): TKernelTransport {
  let handler: (msg: TBenchMessage) => void = () => undefined;
  const routingId = randomUUID();
  // A rejected message shows up as a missing one in the scenario's own checks.
  const onRejected = (err: Error) => console.error(`floor client: kernel message rejected: ${err.message}`);
  const open = (channel: 'shell' | 'control' | 'iopub') =>
    new KernelSocket(connection, channel, { onMessage: (msg) => handler(toBenchMessage(channel, msg.parts)), onRejected }, routingId);
  const sockets = { shell: open('shell'), control: open('control'), iopub: open('iopub') };
  return {
    send(channel, parts) {
      sockets[channel].send({ parts, buffers: [] });
    },
    onMessage(h) {
      handler = h;
    },
    async close() {
      for (const socket of Object.values(sockets)) socket.close();
    },
  };
}
