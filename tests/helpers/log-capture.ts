import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';

/** A pino logger whose JSON lines tests can read (and assert never hold secrets). */
export interface TCapturedLog {
  logger: Logger;
  lines: Array<Record<string, unknown>>;
  /** Lines whose `msg` contains `text`. */
  find(text: string): Array<Record<string, unknown>>;
}

export function captureLog(level = 'info'): TCapturedLog {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const logger = pino({ level, base: { service: 'gateway' } }, sink);
  return { logger, lines, find: (text) => lines.filter((l) => String(l.msg ?? '').includes(text)) };
}
