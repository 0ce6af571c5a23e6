import { NextResponse } from 'next/server';
import { requireSessionUser, requireUser } from '@/lib/auth/current-user';
import { getDb } from '@/lib/db';
import { apiHandler, parseJson } from '@/lib/http/api-handler';
import { updateMyName, ZUpdateMyNameInput } from '@/lib/users/update-my-name';

/**
 * GET /api/me — the signed-in user {id, email, name, role, mustChangePassword}; answered even
 * while the password must be replaced, so a client can tell why everything else is refused.
 */
export const GET = apiHandler(async () => {
  const { id, email, name, role, mustChangePassword } = await requireSessionUser();
  return NextResponse.json({ id, email, name, role, mustChangePassword });
});

/** PATCH /api/me {name} — the signed-in user renames themself. */
export const PATCH = apiHandler(async (req: Request) => {
  const user = await requireUser();
  return NextResponse.json(await updateMyName(getDb(), user, await parseJson(req, ZUpdateMyNameInput, 'profile')));
});
