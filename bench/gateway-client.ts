import { randomUUID } from 'node:crypto';
import { WebSocket } from 'ws';
import { decodeV1, encodeV1, V1_PROTOCOL } from '../server/bridge/ws-serializers';
import { toBenchMessage, type TBenchMessage, type TKernelTransport } from './kernel-client';

/**
 * A client of the gateway as a stock Jupyter client talks to it: REST for the kernel's
 * lifecycle, one websocket with the `v1.kernel.websocket.jupyter.org` binary framing for
 * its channels. Frames are built and split with the gateway's own v1 serializer (the same
 * bytes @jupyterlab/services sends) and parsed exactly like the floor's ZeroMQ frames.
 */
export interface TGatewayEndpoint {
  url: string;
  wsUrl: string;
  token: string;
  /** The gateway's `LATTICE_METRICS_TOKEN`, for `GET /metrics`. */
  metricsToken?: string;
}

async function call(gw: TGatewayEndpoint, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${gw.url}${path}`, {
    method,
    headers: { authorization: `token ${gw.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/**
 * `POST /api/kernels`; resolves with the kernel id once the server answers. `KERNEL_USERNAME`
 * is what Enterprise Gateway's clients send (it refuses kernels for its own user, root here);
 * Lattice and jupyter_server pass it to the kernel and take identity from the token.
 */
export async function startGatewayKernel(gw: TGatewayEndpoint, kernelspec = 'python3'): Promise<string> {
  const model = (await call(gw, 'POST', '/api/kernels', { name: kernelspec, env: { KERNEL_USERNAME: 'bench' } })) as { id: string };
  return model.id;
}

export async function stopGatewayKernel(gw: TGatewayEndpoint, kernelId: string): Promise<void> {
  await call(gw, 'DELETE', `/api/kernels/${kernelId}`);
}

/** Opens `/api/kernels/{id}/channels` with the v1 subprotocol. */
export async function connectGateway(gw: TGatewayEndpoint, kernelId: string): Promise<TKernelTransport> {
  const ws = new WebSocket(`${gw.wsUrl}/api/kernels/${kernelId}/channels?session_id=${randomUUID()}`, [V1_PROTOCOL], {
    headers: { authorization: `token ${gw.token}` },
    perMessageDeflate: false,
  });
  let handler: (msg: TBenchMessage) => void = () => undefined;
  ws.on('message', (data) => {
    const frame = decodeV1(data as Buffer);
    handler(toBenchMessage(frame.channel, frame.parts));
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`websocket refused: ${res.statusCode}`)));
    ws.once('error', reject);
  });
  if (ws.protocol !== V1_PROTOCOL) throw new Error(`gateway chose subprotocol "${ws.protocol}"`);
  return {
    send(channel, parts) {
      ws.send(encodeV1({ channel, parts, buffers: [] }));
    },
    onMessage(h) {
      handler = h;
    },
    close() {
      if (ws.readyState === WebSocket.CLOSED) return Promise.resolve();
      return new Promise((resolve) => {
        ws.once('close', () => resolve());
        ws.close();
      });
    },
  };
}

/**
 * One sample from the gateway's `GET /metrics` (Prometheus text): the first line of metric
 * `name` carrying every given label; null when there is none (or no /metrics at all).
 */
export async function scrapeMetric(gw: Pick<TGatewayEndpoint, 'url' | 'metricsToken'>, name: string, labels: Record<string, string> = {}): Promise<number | null> {
  const res = await fetch(`${gw.url}/metrics`, { headers: gw.metricsToken ? { authorization: `Bearer ${gw.metricsToken}` } : {} });
  if (!res.ok) return null;
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = (await res.text())
    .split('\n')
    .find((l) => (l.startsWith(`${name}{`) || l.startsWith(`${name} `)) && wanted.every((w) => l.includes(w)));
  return line ? Number(line.trim().split(/\s+/).at(-1)) : null;
}
