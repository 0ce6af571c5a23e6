// An HTTPS forward proxy (HTTP CONNECT) on the host, for pods: the test cluster has no route off
// the host and no DNS, so a build pod reaches the package index as on a cluster whose egress
// goes through a proxy (LATTICE_K8S_BUILD_PROXY). It only relays bytes; TLS stays end to end.
import http from 'node:http';
import net from 'node:net';

export async function startConnectProxy(host: string): Promise<{ url: string; tunnels: () => string[]; close(): Promise<void> }> {
  const opened: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((_req, res) => {
    res.writeHead(405, { 'content-type': 'text/plain' }).end('only CONNECT');
  });
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    const [hostname, port] = (req.url ?? '').split(':');
    opened.push(req.url ?? '');
    const upstream = net.connect(Number(port) || 443, hostname!, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    }
    const fail = () => {
      client.destroy();
      upstream.destroy();
    };
    upstream.on('error', fail);
    client.on('error', fail);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://${host}:${port}`,
    tunnels: () => [...opened],
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
