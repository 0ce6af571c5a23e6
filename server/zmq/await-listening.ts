import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { channelEndpoint, type TConnectionInfo } from './connection-info';

/** First pause between checks; it grows by half each time up to the ceiling. */
const FIRST_WAIT_MS = 2;
const MAX_WAIT_MS = 50;

function accepts(conn: TConnectionInfo, channel: 'shell' | 'iopub' | 'control'): Promise<boolean> {
  const endpoint = channelEndpoint(conn, channel);
  const path = conn.transport === 'ipc' ? endpoint.slice('ipc://'.length) : null;
  // A unix socket's file appears at bind: one stat, no connection, while the kernel boots.
  if (path !== null && !existsSync(path)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const sock = path !== null ? connect({ path }) : connect({ host: conn.ip, port: conn[`${channel}_port`] });
    sock.once('connect', () => (sock.destroy(), resolve(true)));
    sock.once('error', () => resolve(false));
  });
}

/**
 * Resolves true once the kernel accepts connections on these channels, false if `stop()` says
 * to give up first (the process ended, the deadline passed). Sockets opened before the kernel
 * listens wait on ZeroMQ's reconnect back-off (100 ms doubling to 1 s here), which cost a
 * cold start up to a few hundred ms; a socket opened after this connects at once.
 */
export async function awaitListening(conn: TConnectionInfo, channels: readonly ('shell' | 'iopub' | 'control')[], stop: () => Promise<boolean>): Promise<boolean> {
  let wait = FIRST_WAIT_MS;
  let lastStopCheck = Date.now();
  for (const channel of channels) {
    while (!(await accepts(conn, channel))) {
      if (Date.now() - lastStopCheck >= 100) {
        lastStopCheck = Date.now();
        if (await stop()) return false;
      }
      await new Promise((r) => setTimeout(r, wait));
      wait = Math.min(MAX_WAIT_MS, wait * 1.5);
    }
  }
  return true;
}
