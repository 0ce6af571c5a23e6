/**
 * The default environment's data-science stack, through the gateway as a notebook uses it:
 * a matplotlib figure arrives as a PNG, a DataFrame as HTML, and every package is at the
 * version python/kernel-requirements.txt pins.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, type TTestDatabase } from '../helpers/postgres';
import { createUserWithToken, gatewayFetch, openChannels, startTestGateway, type TChannelsClient, type TTestGateway } from '../helpers/gateway';
import { readKernelPins } from '../../common/kernel-requirements';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

let t: TTestDatabase;
let gw: TTestGateway;
let ch: TChannelsClient;

before(async () => {
  t = await createTestDatabase();
  gw = await startTestGateway({ db: t.db });
  const { token } = await createUserWithToken(t.db);
  const res = await gatewayFetch(gw, '/api/kernels', { token, method: 'POST', body: { name: 'python3' } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  ch = await openChannels(gw, res.body.id, { token });
});

after(async () => {
  await ch?.close();
  await gw?.close();
  await t?.drop();
});

test('a plot arrives as a PNG display_data', async () => {
  const code = 'import numpy, pandas as pd, scipy, sklearn, pyarrow, tqdm\nimport matplotlib.pyplot as plt\nplt.plot([1, 2])\nplt.show()';
  // The first import of the stack (font cache, compiled modules) takes seconds on a busy machine.
  const { reply, iopub } = await ch.execute(code, 120_000);
  assert.equal(reply.content.status, 'ok', JSON.stringify(reply.content));
  const display = iopub.find((m) => m.header.msg_type === 'display_data');
  const png = (display?.content.data as Record<string, string> | undefined)?.['image/png'];
  assert.ok(png, `no image/png display_data among: ${iopub.map((m) => m.header.msg_type).join(', ')}`);
  const bytes = Buffer.from(png, 'base64');
  assert.deepEqual([...bytes.subarray(0, 8)], PNG_SIGNATURE);
  assert.ok(bytes.length > 1000, `a ${bytes.length}-byte PNG is no plot`);
});

test('a DataFrame renders as an HTML table', async () => {
  const { reply, iopub } = await ch.execute('import pandas as pd\npd.DataFrame({"city": ["Oslo", "Lima"], "sales": [3, 4]})', 60_000);
  assert.equal(reply.content.status, 'ok', JSON.stringify(reply.content));
  const result = iopub.find((m) => m.header.msg_type === 'execute_result');
  const html = (result?.content.data as Record<string, string> | undefined)?.['text/html'] ?? '';
  assert.match(html, /<table[\s\S]*<td>Oslo<\/td>[\s\S]*<td>4<\/td>/);
});

test('every package is at the pinned version', async () => {
  const pins = readKernelPins();
  const code = `import json, importlib.metadata as md\nprint(json.dumps({n: md.version(n) for n in ${JSON.stringify([...pins.keys()])}}))`;
  const { reply, iopub } = await ch.execute(code, 60_000);
  assert.equal(reply.content.status, 'ok', JSON.stringify(reply.content));
  const stream = iopub.find((m) => m.header.msg_type === 'stream');
  assert.deepEqual(JSON.parse(String(stream?.content.text)), Object.fromEntries(pins));
});
