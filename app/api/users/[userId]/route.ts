import { NextResponse } from 'next/server';
import { z } from 'zod';
import { ZUserRole } from '@/common/roles';
import { requireUser } from '@/lib/auth/current-user';
import { getDb } from '@/lib/db';
import { apiHandler, parseJson } from '@/lib/http/api-handler';
import { deleteUser } from '@/lib/users/delete-user';
import { setUserDisabled } from '@/lib/users/set-user-disabled';
import { setUserRole } from '@/lib/users/set-user-role';

const ZPatchUser = z.union([z.object({ role: ZUserRole }).strict(), z.object({ disabled: z.boolean() }).strict()]);
type TCtx = { params: Promise<{ userId: string }> };

/** PATCH /api/users/:userId {role} | {disabled} — change one thing about a user (admins only). */
export const PATCH = apiHandler(async (req: Request, ctx: TCtx) => {
  const actor = await requireUser();
  const { userId } = await ctx.params;
  const body = await parseJson(req, ZPatchUser, 'user change');
  const user = 'role' in body
    ? await setUserRole(getDb(), actor, { userId, role: body.role })
    : await setUserDisabled(getDb(), actor, { userId, disabled: body.disabled });
  return NextResponse.json(user);
});

/** DELETE /api/users/:userId — delete a user, keeping their history; 200 {handedOver: projectIds} (admins only). */
export const DELETE = apiHandler(async (_req: Request, ctx: TCtx) => {
  const actor = await requireUser();
  const { userId } = await ctx.params;
  return NextResponse.json(await deleteUser(getDb(), actor, { userId }));
});
