/**
 * The comparison targets of `npm run bench` for real: Enterprise Gateway and jupyter_server
 * from their peer virtualenvs, started by peer-server.ts, launch the bench's kernelspec, speak
 * the v1 websocket protocol to the bench's client, run a cell, and leave no process behind.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { testPython } from '../tests/helpers/python';
import { connectGateway, startGatewayKernel, stopGatewayKernel } from './gateway-client';
import { KernelConversation } from './kernel-client';
import { startPeerServer, type TPeerServerId } from './peer-server';
import { descendantPids } from './process-cpu';

let workDir: string;
before(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), 'lattice-bench-peers-'));
  await chmod(workDir, 0o711);
});
after(async () => {
  await rm(workDir, { recursive: true, force: true });
});

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

for (const id of ['enterprise-gateway', 'jupyter-server'] as const satisfies readonly TPeerServerId[]) {
  test(`${id}: the bench's kernelspec runs a cell over the v1 protocol; stop leaves no process`, async () => {
    const peer = await startPeerServer(id, testPython(), workDir);
    let kernels: number[] = [];
    try {
      assert.match(peer.label, id === 'enterprise-gateway' ? /^Enterprise Gateway 3\.3\.0$/ : /^jupyter_server 2\.\d+\.\d+$/);
      assert.match(peer.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      const refused = await fetch(`${peer.url}/api/kernels`);
      assert.ok([401, 403].includes(refused.status), `the token is required (got ${refused.status})`);

      const kernelId = await startGatewayKernel(peer);
      const client = new KernelConversation(await connectGateway(peer, kernelId));
      const results: unknown[] = [];
      await client.execute('import sys; sys.executable', (m) => {
        if (m.msgType === 'execute_result') results.push((m.content.data as Record<string, string>)['text/plain']);
      });
      assert.deepEqual(results, [`'${testPython()}'`], "the kernel runs the bench's Python");
      kernels = descendantPids(peer.pid);
      assert.ok(kernels.length >= 1, 'the kernel is a child of the server');
      const cmdline = readFileSync(`/proc/${kernels[0]}/cmdline`, 'utf8').split('\0');
      assert.deepEqual(cmdline.slice(0, 4), [testPython(), '-m', 'ipykernel_launcher', '-f']);
      await client.close();
      await stopGatewayKernel(peer, kernelId);
    } finally {
      await peer.stop();
    }
    assert.equal(alive(peer.pid), false, 'the server is gone');
    assert.deepEqual(kernels.filter(alive), [], 'its kernels are gone');
    assert.deepEqual(
      readdirSync(workDir).filter((f) => f.startsWith(`${id}-`) && !f.endsWith('.log')),
      [],
      'its config, data and runtime dirs are removed',
    );
  });
}
