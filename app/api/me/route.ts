import { NextResponse } from 'next/server';
import { requireUser } from '@/lib/auth/current-user';
import { getDb } from '@/lib/db';
import { apiHandler, parseJson } from '@/lib/http/api-handler';
import { updateMyName, ZUpdateMyNameInput } from '@/lib/users/update-my-name';

/** GET /api/me — the signed-in user {id, email, name, role}. */
export const GET = apiHandler(async () => NextResponse.json(await requireUser()));

/** PATCH /api/me {name} — the signed-in user renames themself. */
export const PATCH = apiHandler(async (req: Request) => {
  const user = await requireUser();
  return NextResponse.json(await updateMyName(getDb(), user, await parseJson(req, ZUpdateMyNameInput, 'profile')));
});
