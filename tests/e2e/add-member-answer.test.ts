/**
 * Adding a member by email answers the same whether or not the email has an account, so a
 * project owner (any signed-in user can be one) cannot use the form to find out who has one.
 * Checked on the route and in the members panel, as a person uses it.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startNotebookSuite, type TNotebookSuite } from '../helpers/notebook-pages';

const ADMIN = { email: 'admin@members.test', password: 'members-admin-password' };
let suite: TNotebookSuite;

before(async () => {
  suite = await startNotebookSuite({ admin: ADMIN, dataDirPrefix: 'lattice-e2e-add-member-', project: 'Answer Lab' });
  const page = await suite.context.newPage();
  for (const email of ['known@members.test', 'shown@members.test']) {
    const created = await page.request.post(`${suite.platform.webUrl}/api/users`, { data: { email, name: email.split('@')[0], password: 'member-password-1' } });
    assert.equal(created.status(), 201, await created.text());
  }
  await page.close();
});
after(() => suite?.close());

test('the route gives a known and an unknown email the same status and answer', async () => {
  const page = await suite.context.newPage();
  const post = (email: string) => page.request.post(`${suite.projectApi}/members`, { data: { email, role: 'viewer' } });
  const known = await post('known@members.test');
  const unknown = await post('nobody@members.test');
  assert.equal(known.status(), 201);
  assert.equal(unknown.status(), 201);
  const [k, u] = [await known.json(), await unknown.json()];
  assert.deepEqual(Object.keys(u).sort(), Object.keys(k).sort());
  assert.equal(u.message.replace('nobody@', 'known@'), k.message);
  await page.close();
});

test('the members panel shows that answer for both, and lists only the person who exists', async () => {
  const page = await suite.context.newPage();
  await page.goto(`${suite.platform.webUrl}/projects/${suite.projectId}`);
  const add = async (email: string) => {
    await page.fill('#member-email', email);
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByText(`If ${email} has a Lattice account, they are now a member of this project as editor.`).waitFor({ timeout: 15_000 });
  };
  await add('ghost@members.test');
  await add('shown@members.test');
  await page.getByText('Members (3)').waitFor({ timeout: 15_000 });
  assert.equal(await page.getByText('ghost@members.test', { exact: true }).count(), 0);
  await page.close();
});
