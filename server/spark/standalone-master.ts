import net from 'node:net';

/**
 * Resolves once the standalone master (`spark://host:port`) accepts a TCP connection. Called
 * before a launch: a driver pointed at a master that does not answer still starts, and only
 * gives up a minute later with a stopped session, long after the kernel looked ready.
 */
export function checkSparkMaster(master: string, timeoutMs = 3000): Promise<void> {
  const { hostname, port } = new URL(master.replace(/^spark:/, 'http:'));
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: hostname, port: Number(port || 7077), timeout: timeoutMs });
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('timeout', () => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs / 1000} s`));
    });
    socket.once('error', (err) => reject(err));
  });
}
