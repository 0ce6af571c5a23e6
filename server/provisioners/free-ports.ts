import net from 'node:net';

/**
 * Asks the OS for `count` distinct free TCP ports on `host` by binding them all at once and
 * releasing them, as jupyter_client does. Another process may grab one before the kernel
 * binds it; the kernel then fails to start and the launch is reported as failed.
 */
export async function findFreePorts(count: number, host = '127.0.0.1'): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = net.createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, host, () => resolve());
      });
    }
    return servers.map((s) => (s.address() as net.AddressInfo).port);
  } finally {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  }
}
