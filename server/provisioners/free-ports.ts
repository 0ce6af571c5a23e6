import net from 'node:net';

/**
 * Ports this process handed out lately, so that simultaneous launches (whose kernels have
 * not bound their ports yet) never get the same one. jupyter_client keeps a similar cache.
 */
const handedOut = new Map<number, number>();
const HOLD_MS = 60_000;

/**
 * Asks the OS for `count` distinct free TCP ports on `host` by binding them all at once and
 * releasing them, as jupyter_client does, skipping ports given to another launch in the last
 * minute. Another process may still grab one before the kernel binds it; the kernel then
 * fails to start and the launch is reported as failed.
 */
export async function findFreePorts(count: number, host = '127.0.0.1'): Promise<number[]> {
  const now = Date.now();
  for (const [port, until] of handedOut) if (until < now) handedOut.delete(port);
  const servers: net.Server[] = [];
  const ports: number[] = [];
  try {
    // Bounded: the OS hands out distinct ephemeral ports while the servers stay bound.
    for (let attempts = 0; ports.length < count && attempts < count + 1000; attempts++) {
      const server = net.createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, host, () => resolve());
      });
      const port = (server.address() as net.AddressInfo).port;
      if (!handedOut.has(port)) ports.push(port);
    }
    if (ports.length < count) throw new Error(`no ${count} free ports on ${host}`);
    for (const port of ports) handedOut.set(port, now + HOLD_MS);
    return ports;
  } finally {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  }
}
