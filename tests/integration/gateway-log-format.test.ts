/**
 * The operator's terminal (issue 13 §5): on a pseudo-terminal the gateway writes readable
 * lines by default; forced `pretty` shows the kernel lifecycle at info and no line per HTTP
 * request; `json` writes one JSON object per line, with requests at debug and their query
 * (and its fx.token) cut off.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { freePort } from '../helpers/free-port';
import { testPython } from '../helpers/python';
import { gatewayFetch } from '../helpers/gateway';
import { gatewayProcessFixture, startGatewayProcess, type TGatewayProcess } from '../helpers/gateway-process';
import { localState, until } from '../helpers/kernels';

const fx = gatewayProcessFixture();
const { gateways, pids } = fx;

async function start(env: Record<string, string>): Promise<TGatewayProcess> {
  const gw = await startGatewayProcess({ databaseUrl: fx.t.url, dataDir: fx.data.dir, env });
  gateways.push(gw);
  return gw;
}

/** Starts a kernel, lists kernels twice (token in the header and in the query), stops it. */
async function kernelSession(gw: TGatewayProcess): Promise<string> {
  const res = await gatewayFetch(gw, '/api/kernels', { token: fx.token, method: 'POST', body: {} });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  pids.push((await localState(fx.t.db, res.body.id)).pid);
  assert.equal((await gatewayFetch(gw, '/api/kernels', { token: fx.token })).status, 200);
  assert.equal((await gatewayFetch(gw, `/api/kernels?token=${encodeURIComponent(fx.token)}`)).status, 200);
  assert.equal((await gatewayFetch(gw, `/api/kernels/${res.body.id}`, { token: fx.token, method: 'DELETE' })).status, 204);
  return res.body.id as string;
}

test('auto on a terminal: readable lines, no JSON', async () => {
  const port = await freePort();
  // util-linux `script` gives the gateway a pseudo-terminal as stdout, as `npm start` in a terminal does.
  const command = `exec ${process.execPath} --import tsx server/main.ts`;
  const terminal = spawn('script', ['--quiet', '--flush', '--return', '--command', command, '/dev/null'], {
    cwd: path.resolve(import.meta.dirname, '../..'),
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: fx.t.url,
      LATTICE_DATA_DIR: fx.data.dir,
      LATTICE_GATEWAY_PORT: String(port),
      LATTICE_PYTHON: testPython(),
    } as Partial<NodeJS.ProcessEnv> as NodeJS.ProcessEnv,
  });
  let output = '';
  terminal.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  // 'close', not 'exit': the last lines may still be in the pipe when the process has exited.
  const exited = once(terminal, 'close');
  try {
    await until('the gateway listens', () => output.includes('Server listening'), 60_000);
    assert.equal((await fetch(`http://127.0.0.1:${port}/api`)).status, 200);
  } finally {
    // The gateway is the child of `script` (the shell exec'd it), which forwards no signal: stop it directly.
    for (const pid of readFileSync(`/proc/${terminal.pid}/task/${terminal.pid}/children`, 'utf8').split(/\s+/).filter(Boolean)) {
      process.kill(Number(pid), 'SIGTERM');
    }
    await exited;
  }
  const lines = output.replace(/\x1b\[[0-9;]*m/g, '').split(/\r?\n/).filter(Boolean);
  assert.ok(output.includes('\x1b['), 'coloured, as a terminal shows it');
  assert.ok(lines.some((l) => /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: Server listening at http:\/\/127\.0\.0\.1:\d+/.test(l)), lines.join('\n'));
  assert.ok(lines.some((l) => /INFO: gateway shutting down \{"signal":"SIGTERM"\}/.test(l)), 'the last line before exit is written:\n' + lines.join('\n'));
  for (const line of lines) assert.throws(() => JSON.parse(line), `not JSON: ${line}`);
  assert.equal(lines.some((l) => /request completed|incoming request/.test(l)), false);
});

const rawLines = (gw: TGatewayProcess) => gw.logs.map((l) => (typeof l.msg === 'string' && Object.keys(l).length === 1 ? l.msg : JSON.stringify(l)));

test('pretty: start-up and the kernel lifecycle read as text; requests are not logged at info', async () => {
  const gw = await start({ LATTICE_LOG_FORMAT: 'pretty' });
  const kernelId = await kernelSession(gw);
  await until('the stopped line', () => rawLines(gw).some((l) => l.includes('"to":"stopped"')));
  await gw.stop();

  const lines = rawLines(gw);
  for (const line of lines) assert.throws(() => JSON.parse(line), `not JSON: ${line}`);
  assert.ok(lines.some((l) => /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: Server listening at http:\/\/127\.0\.0\.1:\d+/.test(l)), 'start-up');
  const lifecycle = lines.filter((l) => l.includes(`"kernelId":"${kernelId}"`) && /INFO: kernel state /.test(l));
  for (const to of ['provisioning', 'starting', 'idle', 'stopping', 'stopped']) {
    assert.ok(lifecycle.some((l) => l.includes(`"to":"${to}"`)), `a line says the kernel became ${to}:\n${lines.join('\n')}`);
  }
  assert.equal(lines.some((l) => /request completed|incoming request/.test(l)), false, 'no request lines at info');
  assert.equal(lines.join('\n').includes(fx.token), false);
});

test('json: every line is a JSON object; at debug requests are logged without their query', async () => {
  const gw = await start({ LATTICE_LOG_FORMAT: 'json', LATTICE_LOG_LEVEL: 'debug' });
  const kernelId = await kernelSession(gw);
  await until('the stopped line', () => gw.logs.some((l) => l.kernelId === kernelId && l.to === 'stopped'));
  await gw.stop();

  for (const line of gw.logs) assert.equal(typeof line.level, 'number', `not a pino JSON line: ${JSON.stringify(line)}`);
  const completed = gw.logs.filter((l) => l.msg === 'request completed');
  assert.ok(completed.length >= 4, 'each request is logged at debug');
  for (const l of completed) assert.equal(l.level, 20);
  const incoming = gw.logs.filter((l) => l.msg === 'incoming request').map((l) => (l.req as { url: string }).url);
  assert.ok(incoming.includes('/api/kernels'));
  assert.equal(incoming.some((url) => url.includes('?')), false, 'URLs are logged without their query');
  assert.equal(JSON.stringify(gw.logs).includes(fx.token), false);
});
