import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import type { TEnvironmentSpec } from '../../common/environment';
import type { KernelProvisioner, TLaunchProgress, TProvisionerContext, TProvisionerFactory } from './provisioner';
import { ZConnectionInfo, type TConnectionInfo } from '../zmq/connection-info';
import { KernelSocket } from '../zmq/kernel-socket';
import { buildMessage, parentMsgId } from '../zmq/messages';

/** How long a kernel may take to answer its first request: Python's start-up on a loaded machine. */
const KERNEL_READY_MS = 60_000;

/**
 * Asks the kernel for kernel_info on its shell channel at the address and with the key the
 * provisioner returned, and resolves with the reply's content once a reply signed with that
 * key arrives: the kernel is really there, reachable as the manager will reach it.
 */
async function kernelInfo(conn: TConnectionInfo): Promise<{ status?: unknown; protocol_version?: unknown }> {
  const { msgId, parts } = buildMessage('kernel_info_request', {}, crypto.randomUUID());
  let socket: KernelSocket | null = null;
  let timer: NodeJS.Timeout | undefined;
  try {
    return await new Promise((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`no kernel_info_reply at ${conn.ip}:${conn.shell_port} within ${KERNEL_READY_MS} ms`)), KERNEL_READY_MS);
      socket = new KernelSocket(conn, 'shell', {
        onMessage: (msg) => {
          if (parentMsgId(msg.parts[1]) === msgId) resolve(JSON.parse(msg.parts[3].toString('utf8')));
        },
        onRejected: reject,
      });
      socket.send({ parts, buffers: [] });
    });
  } finally {
    clearTimeout(timer);
    (socket as KernelSocket | null)?.close();
  }
}

/**
 * The behaviour every provisioner owes the kernel manager (STYLE: one shared contract
 * suite). A provisioner's own test file calls this with a factory and an environment whose
 * kernel speaks the Jupyter protocol: each launch is checked over ZeroMQ with the connection
 * info it returned.
 */
export function provisionerContract(opts: {
  factory: () => TProvisionerFactory;
  environment: TEnvironmentSpec;
  timeoutMs?: number;
  /** Whose kernels these are, for provisioners that place them by owner (the `kubernetes` namespace). */
  context?: Pick<TProvisionerContext, 'owner' | 'projectSlug'>;
}): void {
  const ctx = (kernelId: string): TProvisionerContext => ({ kernelId, logger: pino({ level: 'silent' }), ...opts.context });
  const waitForExit = async (p: KernelProvisioner, ms = opts.timeoutMs ?? 10_000) => {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      const exit = await p.poll();
      if (exit) return exit;
      await new Promise((r) => setTimeout(r, 100));
    }
    return null;
  };

  test('launch → connection info and progress; poll is null while it runs; kill ends it; cleanup', async () => {
    const kernelId = crypto.randomUUID();
    const p = opts.factory().create(ctx(kernelId));
    const steps: TLaunchProgress[] = [];
    try {
      const conn = ZConnectionInfo.parse(await p.launch({ kernelId, environment: opts.environment, env: {} }, (s) => steps.push(s)));
      assert.ok(conn.key.length >= 16, 'a real HMAC key');
      assert.equal(new Set([conn.shell_port, conn.iopub_port, conn.stdin_port, conn.control_port, conn.hb_port]).size, 5);
      assert.ok(steps.includes('starting'));
      assert.equal((await kernelInfo(conn)).status, 'ok', 'the kernel answers on the returned address with the returned key');
      assert.equal(await p.poll(), null);
      await p.kill({ restart: false });
      const exit = await waitForExit(p);
      assert.ok(exit, 'kill ends the kernel');
      assert.equal(typeof exit.reason, 'string');
    } finally {
      await p.kill({ restart: false });
      await p.cleanup({ restart: false });
    }
  });

  test('terminate ends it; a relaunch after cleanup({restart: true}) reuses ports and key', async () => {
    const kernelId = crypto.randomUUID();
    const p = opts.factory().create(ctx(kernelId));
    try {
      const first = await p.launch({ kernelId, environment: opts.environment, env: {} }, () => undefined);
      assert.equal((await kernelInfo(first)).status, 'ok');
      await p.terminate({ restart: true });
      assert.ok(await waitForExit(p), 'terminate ends the kernel');
      await p.cleanup({ restart: true });
      const second = await p.launch({ kernelId, environment: opts.environment, env: {} }, () => undefined);
      // The address may change (a new pod gets a new IP); what clients hold on to may not.
      assert.deepEqual({ ...second, ip: null }, { ...first, ip: null });
      assert.equal((await kernelInfo(second)).status, 'ok', 'the relaunched kernel answers with the same key and ports');
      assert.equal(await p.poll(), null);
    } finally {
      await p.kill({ restart: false });
      await p.cleanup({ restart: false });
    }
  });

  test('toInfo/fromInfo: a rebuilt provisioner sees and controls the same kernel', async () => {
    const kernelId = crypto.randomUUID();
    const factory = opts.factory();
    const p = factory.create(ctx(kernelId));
    try {
      const conn = await p.launch({ kernelId, environment: opts.environment, env: {} }, () => undefined);
      const info = JSON.parse(JSON.stringify(p.toInfo()));
      const again = factory.fromInfo(info, ctx(kernelId));
      assert.equal(await again.poll(), null);
      assert.equal((await kernelInfo(conn)).status, 'ok', 'the kernel the rebuilt provisioner sees is the one still answering');
      await again.kill({ restart: false });
      assert.ok(await waitForExit(again), 'the rebuilt provisioner can stop it');
      await again.cleanup({ restart: false });
      assert.throws(() => factory.fromInfo({ nonsense: true }, ctx(kernelId)));
    } finally {
      await p.kill({ restart: false });
      await p.cleanup({ restart: false });
    }
  });
}
