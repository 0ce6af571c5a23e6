/**
 * Who may stop a kernel (issue 4 §5), one by one and in bulk (a dashboard's "stop all" is
 * one DELETE per kernel, each checked): project owners stop anyone's, editors their own,
 * viewers none.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, type TTestDatabase } from '../helpers/postgres';
import { addMember, createProject, createUserWithToken, gatewayFetch, startTestGateway, type TTestGateway } from '../helpers/gateway';
import { killGroup, localState } from '../helpers/kernels';

let t: TTestDatabase;
let gw: TTestGateway;
let projectId: string;
const tokens: Record<'owner' | 'editor' | 'viewer', string> = { owner: '', editor: '', viewer: '' };
const pids: number[] = [];

before(async () => {
  t = await createTestDatabase();
  gw = await startTestGateway({ db: t.db });
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
});
