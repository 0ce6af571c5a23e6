import { NextResponse } from 'next/server';
import type { TGatewayToken } from '@/common/gateway-url';
import { requireUser } from '@/lib/auth/current-user';
import { mintBrowserToken } from '@/lib/auth/mint-browser-token';
import { getConfig } from '@/lib/config';
import { getDb } from '@/lib/db';
import { apiHandler } from '@/lib/http/api-handler';

/**
 * GET /api/gateway-token — a `TGatewayToken` for the signed-in browser to reach the gateway;
 * the browser resolves the URL with `resolveGatewayUrl` (common/gateway-url.ts).
 */
export const GET = apiHandler(async () => {
  const actor = await requireUser();
  const config = getConfig();
  const { token, expiresAt } = await mintBrowserToken(getDb(), actor, { ttlS: config.LATTICE_BROWSER_TOKEN_TTL_S });
  return NextResponse.json(
    { token, gatewayUrl: config.LATTICE_GATEWAY_PUBLIC_URL ?? null, gatewayPort: config.LATTICE_GATEWAY_PORT, expiresAt } satisfies TGatewayToken,
    { headers: { 'cache-control': 'no-store' } },
  );
});
