import { pino, type DestinationStream, type Logger } from 'pino';
import { PinoPretty } from 'pino-pretty';

export type TLogFormatSetting = 'auto' | 'pretty' | 'json';
export type TLogFormat = 'pretty' | 'json';

/**
 * `auto` is readable lines for a person at a terminal and JSON everywhere else: log
 * collectors (journald, Docker, Kubernetes) read the gateway's stdout, which is never a TTY there.
 */
export function chooseLogFormat(setting: TLogFormatSetting, stdoutIsTTY: boolean): TLogFormat {
  if (setting === 'auto') return stdoutIsTTY ? 'pretty' : 'json';
  return setting;
}

export interface TGatewayLoggerOptions {
  level: string;
  format: TLogFormatSetting;
  /** Where lines go; stdout by default. Tests pass a stream and say whether it counts as a TTY. */
  destination?: DestinationStream & { isTTY?: boolean };
}

/**
 * The gateway's root logger. Pretty lines are formatted in this thread with pino-pretty rather
 * than through a pino transport: a transport is a worker that loads pino-pretty by module path,
 * which the bundled gateway (.build/gateway.mjs) could not resolve reliably, and `sync` keeps the
 * last lines before `process.exit` (shutdown) from being lost.
 */
export function createGatewayLogger(opts: TGatewayLoggerOptions): Logger {
  const destination = opts.destination ?? process.stdout;
  const format = chooseLogFormat(opts.format, destination.isTTY === true);
  const base = { level: opts.level, base: { service: 'gateway' } };
  if (format === 'json') return opts.destination ? pino(base, opts.destination) : pino(base);
  return pino(
    base,
    PinoPretty({
      destination,
      sync: true,
      colorize: destination.isTTY === true,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname,service',
      singleLine: true,
    }),
  );
}
