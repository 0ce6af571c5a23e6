import { NextResponse } from 'next/server';
import { requireUser } from '@/lib/auth/current-user';
import { getDb } from '@/lib/db';
import { apiHandler, parseJson } from '@/lib/http/api-handler';
import { createApiToken, ZCreateApiTokenInput } from '@/lib/tokens/create-api-token';
import { listApiTokens } from '@/lib/tokens/list-api-tokens';

/** GET /api/tokens — the caller's personal tokens (prefixes only, never the tokens). */
export const GET = apiHandler(async () => {
  const actor = await requireUser();
  return NextResponse.json(await listApiTokens(getDb(), actor));
});

/** POST /api/tokens {name?, expiresInDays?} — 201 {token, summary}; the only time the token is sent. */
export const POST = apiHandler(async (req: Request) => {
  const actor = await requireUser();
  const input = await parseJson(req, ZCreateApiTokenInput, 'token');
  const created = await createApiToken(getDb(), actor, input);
  return NextResponse.json(created, { status: 201, headers: { 'cache-control': 'no-store' } });
});
