import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { channelEndpoint, type TConnectionInfo } from './connection-info';

/** First pause between checks; it grows by half each time up to the ceiling. */
const FIRST_WAIT_MS = 2;
const MAX_WAIT_MS = 50;

/**
 * One check: does the kernel accept connections on this channel now? For a unix socket, whose
 * file appears at bind, a stat first (no connection while the kernel boots). Also the
 * benchmark floor's check (bench/floor-client.ts).
 */
export function acceptsConnections(conn: TConnectionInfo, channel: 'shell' | 'iopub' | 'control'): Promise<boolean> {
  const path = conn.transport === 'ipc' ? channelEndpoint(conn, channel).slice('ipc://'.length) : null;
  if (path !== null && !existsSync(path)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const sock = path !== null ? connect({ path }) : connect({ host: conn.ip, port: conn[`${channel}_port`] });
    sock.once('connect', () => (sock.destroy(), resolve(true)));
    sock.once('error', () => resolve(false));
  });
}

/**
 * For a kernel on unix sockets (`ipc`, a local sandboxed kernel): resolves true once it
 * accepts connections on these channels, false if `stop()` says to give up first (the process
 * ended, the deadline passed). Sockets opened before the kernel listens wait on ZeroMQ's
 * reconnect back-off (100 ms doubling to 1 s here): a kernel binding at 310 ms was reached at
 * 700 ms. A socket opened after this connects at once.
 *
 * Not for TCP (pods): probing a port is a connection attempt, and 1,000 pods starting at once
 * (bench:kubernetes) made that 20,000 attempts a second; ZeroMQ's own back-off serves there.
 */
export async function awaitIpcListening(conn: TConnectionInfo, channels: readonly ('shell' | 'iopub' | 'control')[], stop: () => Promise<boolean>): Promise<boolean> {
  if (conn.transport !== 'ipc') throw new Error('awaitIpcListening is for ipc connections');
  let wait = FIRST_WAIT_MS;
  let lastStopCheck = Date.now();
  for (const channel of channels) {
    while (!(await acceptsConnections(conn, channel))) {
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
