import { z } from 'zod';

/** What the web tells a signed-in browser about reaching the gateway (GET /api/gateway-token). */
export const ZGatewayToken = z.object({
  token: z.string().min(1),
  /** Set when the operator configured the gateway's public URL; null = same host as the page. */
  gatewayUrl: z.string().nullable(),
  gatewayPort: z.number().int().positive(),
  expiresAt: z.string(),
});
export type TGatewayToken = z.infer<typeof ZGatewayToken>;

/** The gateway's base URL for a page at `page` (window.location): configured, else same host. */
export function resolveGatewayUrl(t: Pick<TGatewayToken, 'gatewayUrl' | 'gatewayPort'>, page: { protocol: string; hostname: string }): string {
  return (t.gatewayUrl ?? `${page.protocol}//${page.hostname}:${t.gatewayPort}`).replace(/\/+$/, '');
}
