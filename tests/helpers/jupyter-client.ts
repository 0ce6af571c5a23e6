import { ServerConnection } from '@jupyterlab/services';
import { WebSocket } from 'ws';
import type { TTestGateway } from './gateway';

/** `@jupyterlab/services` settings for a test gateway, in Node: `ws` as the WebSocket, the token on every URL as Jupyter clients send it. */
export function jupyterServerSettings(gw: TTestGateway, token: string): ServerConnection.ISettings {
  return ServerConnection.makeSettings({
    baseUrl: `${gw.url}/`,
    wsUrl: `${gw.wsUrl}/`,
    token,
    appendToken: true,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    fetch,
    Request,
    Headers,
  });
}
