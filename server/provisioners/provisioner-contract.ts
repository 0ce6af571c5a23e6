import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import type { TEnvironmentSpec } from '../../common/environment';
import type { KernelProvisioner, TLaunchProgress, TProvisionerContext, TProvisionerFactory } from './provisioner';
import { ZConnectionInfo } from '../zmq/connection-info';

/**
 * The behaviour every provisioner owes the kernel manager (STYLE: one shared contract
 * suite). A provisioner's own test file calls this with a factory and an environment it can
 * launch; `isUp` says whether the kernel's process/pod exists right now.
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
      await p.terminate({ restart: true });
      assert.ok(await waitForExit(p), 'terminate ends the kernel');
      await p.cleanup({ restart: true });
      const second = await p.launch({ kernelId, environment: opts.environment, env: {} }, () => undefined);
      // The address may change (a new pod gets a new IP); what clients hold on to may not.
      assert.deepEqual({ ...second, ip: null }, { ...first, ip: null });
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
      await p.launch({ kernelId, environment: opts.environment, env: {} }, () => undefined);
      const info = JSON.parse(JSON.stringify(p.toInfo()));
      const again = factory.fromInfo(info, ctx(kernelId));
      assert.equal(await again.poll(), null);
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
