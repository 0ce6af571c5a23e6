// Pods reach the host only at the bridge address, while the API server listens on 127.0.0.1.
// The pod agent forwards <bridge IP>:<API server port> to it, so in-pod clients (Spark drivers
// creating executor pods) use https://<bridge IP>:<same port>; the serving certificate has the
// bridge IP as a SAN (cluster.ts), so TLS verifies as usual.
import net from 'node:net';
import { BRIDGE_IP } from './config';

/** The API server URL as pods see it, from the admin kubeconfig's `https://127.0.0.1:<port>`. */
export function apiUrlForPods(server: string): string {
  const url = new URL(server);
  return `${url.protocol}//${BRIDGE_IP}:${url.port}`;
}

/** Listens on the bridge IP and pipes each connection to the API server; `close()` ends all. */
export async function forwardApiServer(server: string): Promise<{ close(): Promise<void> }> {
  const target = new URL(server);
  const sockets = new Set<net.Socket>();
  const listener = net.createServer((inbound) => {
    const outbound = net.connect(Number(target.port), target.hostname);
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        inbound.destroy();
        outbound.destroy();
      });
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(Number(target.port), BRIDGE_IP, () => resolve());
  });
  return {
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        listener.close(() => resolve());
      }),
  };
}
