import { NextResponse } from 'next/server';
import { requireSessionUser } from '@/lib/auth/current-user';
import { getDb } from '@/lib/db';
import { apiHandler, parseJson } from '@/lib/http/api-handler';
import { changeMyPassword, ZChangeMyPasswordInput } from '@/lib/users/change-my-password';

/**
 * POST /api/me/password {currentPassword, newPassword} — the signed-in user replaces their
 * password; their other sign-ins end, this one stays. Open to users who must change it first.
 */
export const POST = apiHandler(async (req: Request) => {
  const user = await requireSessionUser();
  await changeMyPassword(getDb(), user, await parseJson(req, ZChangeMyPasswordInput, 'password change'));
  return NextResponse.json({ changed: true });
});
