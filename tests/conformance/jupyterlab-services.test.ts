/**
 * Conformance: the stock Jupyter client library (@jupyterlab/services, what the browser
 * uses) drives the gateway exactly as it drives jupyter_server: start, execute, interrupt,
 * restart, shut down — over its default websocket protocol.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { KernelManager, KernelSpecManager, type Kernel, type KernelMessage } from '@jupyterlab/services';
import { createTestDatabase, type TTestDatabase } from '../helpers/postgres';
import { createUserWithToken, startTestGateway, type TTestGateway } from '../helpers/gateway';
import { jupyterServerSettings } from '../helpers/jupyter-client';

let t: TTestDatabase;
let gw: TTestGateway;
let manager: KernelManager;
let specs: KernelSpecManager;
let kernel: Kernel.IKernelConnection;

before(async () => {
  t = await createTestDatabase();
  gw = await startTestGateway({ db: t.db });
  const { token } = await createUserWithToken(t.db);
  const serverSettings = jupyterServerSettings(gw, token);
  manager = new KernelManager({ serverSettings });
  specs = new KernelSpecManager({ serverSettings });
  await manager.ready;
  await specs.ready;
});

after(async () => {
  manager?.dispose();
  specs?.dispose();
  await gw?.close();
  await t?.drop();
});

async function run(code: string): Promise<{ reply: KernelMessage.IExecuteReplyMsg; iopub: KernelMessage.IIOPubMessage[] }> {
  const iopub: KernelMessage.IIOPubMessage[] = [];
  const future = kernel.requestExecute({ code });
  future.onIOPub = (msg) => {
    iopub.push(msg);
  };
  const reply = (await future.done) as KernelMessage.IExecuteReplyMsg;
  return { reply, iopub };
}

test('kernelspecs: python3 is there and is the default', () => {
  assert.equal(specs.specs?.default, 'python3');
  assert.ok(specs.specs?.kernelspecs.python3);
});

test('KernelManager.startNew connects and the kernel answers kernel_info', async () => {
  kernel = await manager.startNew({ name: 'python3' });
  const info = await kernel.info;
  assert.equal(info.language_info.name, 'python');
  assert.equal(kernel.connectionStatus, 'connected');
  await manager.refreshRunning();
  assert.deepEqual([...manager.running()].map((m) => m.id), [kernel.id]);
});

test('execute: stream output and an execute_result', async () => {
  const { reply, iopub } = await run('y = 6 * 7\nprint("ok")\ny');
  assert.equal(reply.content.status, 'ok');
  assert.ok(iopub.some((m) => m.header.msg_type === 'stream' && (m.content as { text: string }).text === 'ok\n'));
  const result = iopub.find((m) => m.header.msg_type === 'execute_result');
  assert.equal((result?.content as { data: Record<string, string> }).data['text/plain'], '42');
});

test('interrupt: a running time.sleep(30) ends with KeyboardInterrupt', async () => {
  const started = Date.now();
  const future = kernel.requestExecute({ code: 'import time\ntime.sleep(30)' });
  await new Promise<void>((resolve) => {
    future.onIOPub = (msg) => {
      if (msg.header.msg_type === 'execute_input') resolve();
    };
  });
  await new Promise((r) => setTimeout(r, 300));
  await kernel.interrupt();
  const reply = (await future.done) as KernelMessage.IExecuteReplyMsg;
  assert.equal(reply.content.status, 'error');
  assert.equal((reply.content as { ename?: string }).ename, 'KeyboardInterrupt');
  assert.ok(Date.now() - started < 15_000);
});

test('restart: same kernel id, reconnected, variables gone', async () => {
  const id = kernel.id;
  await kernel.restart();
  assert.equal(kernel.id, id);
  const { reply } = await run('y');
  assert.equal(reply.content.status, 'error');
  assert.equal((reply.content as { ename?: string }).ename, 'NameError');
  // The reply can overtake iopub's idle status; the client must still get there.
  const deadline = Date.now() + 5000;
  while (kernel.status !== 'idle' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.equal(kernel.status, 'idle');
});

test('shutdown: the kernel is gone from the running list', async () => {
  await kernel.shutdown();
  assert.equal(kernel.isDisposed, true);
  await manager.refreshRunning();
  assert.equal([...manager.running()].length, 0);
});
