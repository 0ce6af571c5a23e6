/**
 * Who may stop a kernel (issue 4 §5), one by one and in bulk (a dashboard's "stop all" is
 * one DELETE per kernel, each checked): project owners stop anyone's, editors their own,
 * viewers none. The same rule holds for a `shutdown_request` sent over the kernel's
 * websocket (issue 14 §1); `restart: true` is a restart, which editors may do.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, type TTestDatabase } from '../helpers/postgres';
import { addMember, createProject, createUserWithToken, gatewayFetch, openChannels, startTestGateway, type TTestGateway } from '../helpers/gateway';
import { killGroup, localState, until } from '../helpers/kernels';
import { captureLog, type TCapturedLog } from '../helpers/log-capture';

let t: TTestDatabase;
let gw: TTestGateway;
let log: TCapturedLog;
let projectId: string;
const tokens: Record<'owner' | 'editor' | 'viewer', string> = { owner: '', editor: '', viewer: '' };
const pids: number[] = [];

before(async () => {
  t = await createTestDatabase();
  log = captureLog();
  gw = await startTestGateway({ db: t.db, logger: log.logger });
  const owner = await createUserWithToken(t.db);
  const editor = await createUserWithToken(t.db);
  const viewer = await createUserWithToken(t.db);
  projectId = (await createProject(t.db, { ownerId: owner.user.id })).id;
  await addMember(t.db, projectId, editor.user.id, 'editor');
  await addMember(t.db, projectId, viewer.user.id, 'viewer');
  Object.assign(tokens, { owner: owner.token, editor: editor.token, viewer: viewer.token });
});

after(async () => {
  await gw?.close();
  for (const pid of pids) killGroup(pid);
  await t?.drop();
});

async function launch(token: string): Promise<string> {
  const res = await gatewayFetch(gw, '/api/kernels', { token, method: 'POST', body: { env: { KERNEL_PROJECT: projectId } } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  pids.push((await localState(t.db, res.body.id)).pid);
  return res.body.id;
}

const stop = async (token: string, ids: string[]) =>
  Promise.all(ids.map(async (id) => (await gatewayFetch(gw, `/api/kernels/${id}`, { token, method: 'DELETE' })).status));

/**
 * The reply to shutdown request `id`. Not just any message under it: a request the kernel gets
 * is also announced on iopub (`status: busy`), and which of the two arrives first is not fixed.
 */
const isShutdownReply = (m: { header: { msg_type: string }; parent_header: { msg_id?: string } }, id: string) =>
  m.parent_header.msg_id === id && m.header.msg_type === 'shutdown_reply';

describe('stop rights', () => {
  test('viewers stop none, editors only their own, owners anyone’s — singly and in bulk', async () => {
    const ownersKernel = await launch(tokens.owner);
    const editorsKernels = [await launch(tokens.editor), await launch(tokens.editor)];
    const all = [ownersKernel, ...editorsKernels];

    assert.deepEqual(await stop(tokens.viewer, all), [403, 403, 403], 'a viewer stops nothing');
    assert.deepEqual(await stop(tokens.editor, [ownersKernel]), [403], "an editor may not stop the owner's kernel");
    const refused = await gatewayFetch(gw, `/api/kernels/${ownersKernel}`, { token: tokens.editor, method: 'DELETE' });
    assert.equal(refused.body.code, 'FORBIDDEN');
    assert.match(refused.body.message, /owner/);
    assert.deepEqual(await stop(tokens.editor, [editorsKernels[0]]), [204], 'an editor stops their own');
    assert.deepEqual(await stop(tokens.owner, [ownersKernel, editorsKernels[1]]), [204, 204], 'the owner stops anyone’s, in bulk');
    assert.deepEqual((await gatewayFetch(gw, `/api/kernels?project=${projectId}`, { token: tokens.owner })).body, []);
  });

  test('a shutdown_request over the websocket obeys the same rule; restart: true restarts', async () => {
    const ownersKernel = await launch(tokens.owner);
    const state = async () => (await gatewayFetch(gw, `/api/kernels/${ownersKernel}`, { token: tokens.owner })).body?.lattice?.state;
    const editor = await openChannels(gw, ownersKernel, { token: tokens.editor });
    try {
      await editor.execute('x = 1');
      for (const channel of ['control', 'shell']) {
        const id = editor.send(channel, 'shutdown_request', { restart: false });
        const reply = await editor.waitFor((m) => isShutdownReply(m, id));
        assert.deepEqual([reply.channel, reply.header.msg_type, reply.content.status, reply.content.ename], [channel, 'shutdown_reply', 'error', 'Forbidden']);
        assert.match(String(reply.content.evalue), /owner/, 'the reply says who may stop it');
      }
      assert.equal(log.find('refused a shutdown_request').length, 2, 'each refusal is logged');
      assert.equal((await editor.execute('x')).reply.content.status, 'ok', 'the kernel lives, its state intact');
      assert.equal(await state(), 'idle');

      const id = editor.send('control', 'shutdown_request', { restart: true });
      const reply = await editor.waitFor((m) => isShutdownReply(m, id), 60_000);
      assert.deepEqual([reply.header.msg_type, reply.content.status, reply.content.restart], ['shutdown_reply', 'ok', true]);
      pids.push((await localState(t.db, ownersKernel)).pid);
      const after = await editor.execute('x');
      assert.equal(after.reply.content.ename, 'NameError', 'a fresh kernel answers on the same socket');
      assert.equal(await state(), 'idle', 'restarted, not stopped');
    } finally {
      await editor.close();
    }

    const owner = await openChannels(gw, ownersKernel, { token: tokens.owner });
    try {
      const id = owner.send('control', 'shutdown_request', { restart: false });
      const reply = await owner.waitFor((m) => isShutdownReply(m, id));
      assert.deepEqual([reply.header.msg_type, reply.content.status], ['shutdown_reply', 'ok'], "the kernel's owner still shuts it down over the socket");
      await until('the kernel is gone', async () => (await gatewayFetch(gw, `/api/kernels/${ownersKernel}`, { token: tokens.owner })).status === 404);
    } finally {
      await owner.close();
    }
  });
});
