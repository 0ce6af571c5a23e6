/**
 * The websocket relay against a real ipykernel, in both framings: execution, binary buffers
 * both ways (a comm that echoes them), stdin, replies routed to the right one of two
 * clients, and malformed frames closing only the socket that sent them.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, type TTestDatabase } from '../helpers/postgres';
import { createUserWithToken, gatewayFetch, openChannels, startTestGateway, type TChannelsClient, type TTestGateway } from '../helpers/gateway';

let t: TTestDatabase;
let gw: TTestGateway;
let token: string;
let kernelId: string;

const ECHO_COMM = `
from ipykernel.comm import Comm
def _open(comm, msg):
    @comm.on_msg
    def _echo(m):
        comm.send({'echo': m['content']['data']}, buffers=m['buffers'])
get_ipython().kernel.comm_manager.register_target('echo', _open)
`;

before(async () => {
  t = await createTestDatabase();
  gw = await startTestGateway({ db: t.db });
  ({ token } = await createUserWithToken(t.db));
  const res = await gatewayFetch(gw, '/api/kernels', { token, method: 'POST', body: { name: 'python3' } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  kernelId = res.body.id;
});

after(async () => {
  await gw?.close();
  await t?.drop();
});

function bytes(b: ArrayBuffer | ArrayBufferView): number[] {
  return [...(ArrayBuffer.isView(b) ? new Uint8Array(b.buffer, b.byteOffset, b.byteLength) : new Uint8Array(b))];
}

for (const protocol of ['v1', 'legacy'] as const) {
  describe(`${protocol} framing`, () => {
    let ch: TChannelsClient;
    before(async () => {
      ch = await openChannels(gw, kernelId, { token, protocol });
    });
    after(async () => {
      await ch?.close();
    });

    test('kernel_info and execution round-trip', async () => {
      const id = ch.send('shell', 'kernel_info_request', {});
      const info = await ch.waitFor((m) => m.parent_header.msg_id === id && m.header.msg_type === 'kernel_info_reply');
      assert.equal(info.channel, 'shell');
      assert.equal((info.content.language_info as { name: string }).name, 'python');
      const { iopub } = await ch.execute('print("hé", 6 * 7)');
      const stream = iopub.find((m) => m.header.msg_type === 'stream');
      assert.equal(stream?.content.text, 'hé 42\n');
    });

    test('binary buffers pass through in both directions', async () => {
      assert.equal((await ch.execute(ECHO_COMM)).reply.content.status, 'ok');
      const commId = crypto.randomUUID();
      ch.send('shell', 'comm_open', { comm_id: commId, target_name: 'echo', data: {} });
      const payload = new Uint8Array([0, 1, 2, 250, 255, 128]);
      const msgId = ch.send('shell', 'comm_msg', { comm_id: commId, data: { n: 1 } }, [payload.buffer, new Uint8Array([7]).buffer]);
      const echo = await ch.waitFor((m) => m.channel === 'iopub' && m.header.msg_type === 'comm_msg' && m.parent_header.msg_id === msgId);
      assert.deepEqual(echo.content.data, { echo: { n: 1 } });
      assert.deepEqual(echo.buffers?.map(bytes), [[0, 1, 2, 250, 255, 128], [7]]);
    });

    test('stdin: input() asks this client and gets its answer', async () => {
      const id = ch.send('shell', 'execute_request', { code: 'answer = input("name? ")', silent: false, store_history: false, user_expressions: {}, allow_stdin: true, stop_on_error: true });
      const request = await ch.waitFor((m) => m.channel === 'stdin' && m.header.msg_type === 'input_request');
      assert.equal(request.content.prompt, 'name? ');
      ch.send('stdin', 'input_reply', { value: 'ada' });
      await ch.waitFor((m) => m.channel === 'shell' && m.parent_header.msg_id === id);
      const { iopub } = await ch.execute('answer');
      assert.equal((iopub.find((m) => m.header.msg_type === 'execute_result')?.content.data as Record<string, string>)['text/plain'], "'ada'");
    });
  });
}

describe('several clients', () => {
  test('each client gets its own replies; both see iopub', async () => {
    const a = await openChannels(gw, kernelId, { token, protocol: 'v1' });
    const b = await openChannels(gw, kernelId, { token, protocol: 'legacy' });
    try {
      const [ra, rb] = await Promise.all([a.execute('"from a"'), b.execute('"from b"')]);
      assert.equal(ra.reply.content.status, 'ok');
      assert.equal(rb.reply.content.status, 'ok');
      assert.ok(!a.messages.some((m) => m.channel === 'shell' && m.parent_header.msg_id === rb.reply.parent_header.msg_id));
      assert.ok(!b.messages.some((m) => m.channel === 'shell' && m.parent_header.msg_id === ra.reply.parent_header.msg_id));
      await a.waitFor((m) => m.channel === 'iopub' && m.parent_header.msg_id === rb.reply.parent_header.msg_id);
      const model = await gatewayFetch(gw, `/api/kernels/${kernelId}`, { token });
      assert.equal(model.body.connections, 2);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe('malformed frames', () => {
  const garbage: Array<{ name: string; protocol: 'v1' | 'legacy'; frame: string | Buffer }> = [
    { name: 'non-JSON text (legacy)', protocol: 'legacy', frame: 'this is not json' },
    { name: 'a message without header (legacy)', protocol: 'legacy', frame: JSON.stringify({ channel: 'shell', content: {} }) },
    { name: 'a message for iopub (legacy)', protocol: 'legacy', frame: JSON.stringify({ channel: 'iopub', header: { msg_id: 'x', msg_type: 'status' } }) },
    { name: 'a bad offset table (v1)', protocol: 'v1', frame: Buffer.from([255, 255, 255, 255, 0, 0, 0, 0, 1, 2, 3]) },
    { name: 'a text frame (v1)', protocol: 'v1', frame: '{"channel":"shell"}' },
  ];
  for (const g of garbage) {
    test(`${g.name} closes that socket; other clients and the gateway carry on`, async () => {
      const bystander = await openChannels(gw, kernelId, { token, protocol: 'v1' });
      const bad = await openChannels(gw, kernelId, { token, protocol: g.protocol });
      try {
        const closed = new Promise<number>((resolve) => bad.ws.once('close', (code) => resolve(code)));
        bad.ws.send(g.frame);
        assert.equal(await closed, 1007);
        assert.equal((await bystander.execute('1 + 1')).reply.content.status, 'ok');
        const again = await openChannels(gw, kernelId, { token, protocol: g.protocol });
        assert.equal((await again.execute('2 + 2')).reply.content.status, 'ok');
        await again.close();
        assert.equal((await gatewayFetch(gw, '/healthz')).status, 200);
      } finally {
        await bystander.close();
        await bad.close();
      }
    });
  }
});
