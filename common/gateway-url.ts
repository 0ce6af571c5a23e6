/** What the web tells a signed-in browser about reaching the gateway (GET /api/gateway-token). */
export interface TGatewayToken {
  token: string;
  /** Set when the operator configured the gateway's public URL; null = same host as the page. */
  gatewayUrl: string | null;
  gatewayPort: number;
  expiresAt: string;
}

/** The gateway's base URL for a page at `page` (window.location): configured, else same host. */
export function resolveGatewayUrl(t: Pick<TGatewayToken, 'gatewayUrl' | 'gatewayPort'>, page: { protocol: string; hostname: string }): string {
  return (t.gatewayUrl ?? `${page.protocol}//${page.hostname}:${t.gatewayPort}`).replace(/\/+$/, '');
}
