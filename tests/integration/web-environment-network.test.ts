/**
 * An environment's network setting (`none` | `egress`) from the web's create/update functions
 * (what the environments API routes call) to the gateway's kernelspec, where the provisioner
 * and any Jupyter client read it in `metadata.lattice`.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { eq } from 'drizzle-orm';
import type { TEnvironmentInput } from '../../common/environment-input';
import { environments } from '../../db/schema';
import type { TSignedInUser } from '../../lib/auth/authorize-credentials';
import { createEnvironment } from '../../lib/environments/create-environment';
import { updateEnvironment } from '../../lib/environments/update-environment';
import { createTestDatabase, type TTestDatabase } from '../helpers/postgres';
import { createUserWithToken, gatewayFetch, startTestGateway, type TTestGateway } from '../helpers/gateway';
import { refusal } from '../helpers/web-fixtures';

let t: TTestDatabase;
let gw: TTestGateway;
let admin: TSignedInUser;
let token: string;

const small: TEnvironmentInput = { name: 'Offline Python', language: 'python', cpuRequest: 0.5, cpuLimit: 1, memoryRequestGib: 1, memoryLimitGib: 2 };

before(async () => {
  t = await createTestDatabase();
  gw = await startTestGateway({ db: t.db });
  const created = await createUserWithToken(t.db, { role: 'admin' });
  token = created.token;
  const { id, email, name, role } = created.user;
  admin = { id, email, name, role };
});

after(async () => {
  await gw?.close();
  await t?.drop();
});

const lattice = async (slug: string) => (await gatewayFetch(gw, `/api/kernelspecs/${slug}`, { token })).body.spec.metadata.lattice as { network: string };

test('a template without a network setting gets egress, as does the seeded default', async () => {
  const env = await createEnvironment(t.db, admin, { ...small, name: 'Online Python' });
  assert.equal(env.network, 'egress');
  assert.equal((await lattice(env.slug)).network, 'egress');
  assert.equal((await lattice('python3')).network, 'egress');
});

test('none is stored, listed back and reaches the kernelspec; editing to egress does too', async () => {
  const env = await createEnvironment(t.db, admin, { ...small, network: 'none' });
  assert.equal(env.network, 'none');
  const [row] = await t.db.select().from(environments).where(eq(environments.id, env.id));
  assert.equal(row.network, 'none');
  assert.equal((await lattice(env.slug)).network, 'none');
  const edited = await updateEnvironment(t.db, admin, { ...small, id: env.id, network: 'egress' });
  assert.equal(edited.network, 'egress');
  assert.equal((await lattice(env.slug)).network, 'egress');
});

test('any other network value is refused with a message on the field', async () => {
  for (const network of ['host', 'bridge', '', 'EGRESS', null]) {
    const err = await refusal(createEnvironment(t.db, admin, { ...small, network } as unknown as TEnvironmentInput));
    assert.equal(err.code, 'BAD_REQUEST', String(network));
    assert.equal(err.fields?.network, 'Choose the network: none (no network) or egress (internet, never this host’s services)');
  }
});
