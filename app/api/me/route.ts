import { NextResponse } from 'next/server';
import { requireUser } from '@/lib/auth/current-user';
import { apiHandler } from '@/lib/http/api-handler';

/** GET /api/me — the signed-in user {id, email, name, role}. */
export const GET = apiHandler(async () => NextResponse.json(await requireUser()));
