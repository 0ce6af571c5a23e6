import { NextResponse } from 'next/server';
import { requireUser } from '@/lib/auth/current-user';
import { getDb } from '@/lib/db';
import { apiHandler, parseJson } from '@/lib/http/api-handler';
import { flattenParams } from '@/lib/paging/list-query';
import { createUser, ZCreateUserInput } from '@/lib/users/create-user';
import { listUsers } from '@/lib/users/list-users';

/** GET /api/users?q=&sort=name|created&order=asc|desc&cursor=&limit= — one page {items, nextCursor} of users (admins only). */
export const GET = apiHandler(async (req: Request) => {
  const actor = await requireUser();
  return NextResponse.json(await listUsers(getDb(), actor, flattenParams(new URL(req.url).searchParams)));
});

/** POST /api/users {email, name, role?, password?} — 201 {user, generatedPassword} (admins only). */
export const POST = apiHandler(async (req: Request) => {
  const actor = await requireUser();
  const input = await parseJson(req, ZCreateUserInput, 'user');
  const result = await createUser(getDb(), actor, input);
  return NextResponse.json(result, { status: 201, headers: { 'cache-control': 'no-store' } });
});
