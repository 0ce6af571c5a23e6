import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { loadConfig } from '../config';
import { chooseLogFormat, createGatewayLogger } from './gateway-logger';

/** A destination that keeps what is written and claims to be (or not be) a terminal. */
function capture(isTTY: boolean): Writable & { isTTY: boolean; text(): string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  return Object.assign(stream, { isTTY, text: () => chunks.join('') });
}

test('auto is pretty on a terminal and JSON otherwise; pretty and json are taken as said', () => {
  assert.equal(chooseLogFormat('auto', true), 'pretty');
  assert.equal(chooseLogFormat('auto', false), 'json');
  for (const tty of [true, false]) {
    assert.equal(chooseLogFormat('pretty', tty), 'pretty');
    assert.equal(chooseLogFormat('json', tty), 'json');
  }
});

test('LATTICE_LOG_FORMAT defaults to auto and refuses other values, naming the choices', () => {
  assert.equal(loadConfig({ DATABASE_URL: 'postgres://x/y' }).logFormat, 'auto');
  assert.equal(loadConfig({ DATABASE_URL: 'postgres://x/y', LATTICE_LOG_FORMAT: 'json' }).logFormat, 'json');
  assert.throws(() => loadConfig({ DATABASE_URL: 'postgres://x/y', LATTICE_LOG_FORMAT: 'text' }), /LATTICE_LOG_FORMAT: .*"auto"\|"pretty"\|"json"/);
});

test('on a terminal a line is readable text with its fields; elsewhere it is one JSON object', () => {
  const tty = capture(true);
  createGatewayLogger({ level: 'info', format: 'auto', destination: tty }).info({ kernelId: 'k-1', from: 'starting', to: 'idle' }, 'kernel state');
  const line = tty.text().replace(/\x1b\[[0-9;]*m/g, '');
  assert.match(line, /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: kernel state \{"kernelId":"k-1","from":"starting","to":"idle"\}\n$/);

  const pipe = capture(false);
  createGatewayLogger({ level: 'info', format: 'auto', destination: pipe }).info({ kernelId: 'k-1' }, 'kernel state');
  const parsed = JSON.parse(pipe.text()) as Record<string, unknown>;
  assert.deepEqual([parsed.msg, parsed.kernelId, parsed.level, parsed.service], ['kernel state', 'k-1', 30, 'gateway']);
});

test('the level holds in both formats', () => {
  for (const isTTY of [true, false]) {
    const out = capture(isTTY);
    const logger = createGatewayLogger({ level: 'info', format: 'auto', destination: out });
    logger.debug('hidden');
    logger.warn('shown');
    assert.equal(out.text().includes('hidden'), false);
    assert.equal(out.text().includes('shown'), true);
  }
});
