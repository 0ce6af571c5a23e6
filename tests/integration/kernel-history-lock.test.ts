/**
 * A user's kernels share one IPython history database (in their home). Under load one kernel
 * can hold its lock longer than SQLite's default 5 s wait; IPython's history thread then gave
 * up, printed "The history saving thread hit an unexpected error (database is locked)" into
 * whichever cell was current and stopped saving history. Kernels the gateway starts wait longer
 * (ipykernel-command.ts); this holds the lock for 8 s, as a busy neighbour would.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createUserWithToken, gatewayFetch, openChannels, startTestGateway, type TTestGateway } from '../helpers/gateway';
import { createTestDatabase, type TTestDatabase } from '../helpers/postgres';

let t: TTestDatabase;
let gw: TTestGateway;

before(async () => {
  t = await createTestDatabase();
  gw = await startTestGateway({ db: t.db });
});

after(async () => {
  await gw?.close();
  await t?.drop();
});

const HOLD_LOCK = `
import subprocess, sys
hist = str(get_ipython().history_manager.hist_file)
holder = subprocess.Popen(
    [sys.executable, '-c', "import sqlite3, sys, time; c = sqlite3.connect(sys.argv[1], isolation_level=None); c.execute('BEGIN EXCLUSIVE'); print('locked', flush=True); time.sleep(8)", hist],
    stdout=subprocess.PIPE, text=True)
print(holder.stdout.readline().strip())
`;

// Matched whole, so this cell's own source (saved too, at some point) is never counted.
const SAVED_COUNT = `
import sqlite3, time
MARKER = "print('marker-while-locked')"
for _ in range(50):
    saved = sqlite3.connect(hist).execute('select count(*) from history where source = ?', (MARKER,)).fetchone()[0]
    if saved: break
    time.sleep(0.2)
print('saved', saved)
`;

test('history written while another kernel holds the database for 8 s is saved, with no error in any cell', { timeout: 120_000 }, async () => {
  const { token } = await createUserWithToken(t.db);
  const started = await gatewayFetch(gw, '/api/kernels', { token, method: 'POST', body: { name: 'python3' } });
  assert.equal(started.status, 201, JSON.stringify(started.body));
  const ch = await openChannels(gw, started.body.id, { token });
  try {
    const locked = await ch.execute(HOLD_LOCK);
    assert.deepEqual(
      locked.iopub.filter((m) => m.header.msg_type === 'stream').map((m) => m.content.text),
      ['locked\n'],
    );
    await ch.execute("print('marker-while-locked')");
    await ch.execute('holder.wait()', 60_000);
    const { iopub } = await ch.execute(SAVED_COUNT, 60_000);
    assert.deepEqual(
      iopub.filter((m) => m.header.msg_type === 'stream').map((m) => m.content.text),
      ['saved 1\n'],
    );
    const streams = ch.messages.filter((m) => m.channel === 'iopub' && m.header.msg_type === 'stream').map((m) => String(m.content.text));
    assert.deepEqual(
      streams.filter((text) => /history/i.test(text)),
      [],
      'no history error in any output',
    );
  } finally {
    await ch.close();
    await gatewayFetch(gw, `/api/kernels/${started.body.id}`, { token, method: 'DELETE' });
  }
});
