import { NextResponse } from 'next/server';
import type { z } from 'zod';
import { AppError, fromZodIssues, toErrorBody } from '@/common/errors';

type THandler<C> = (req: Request, ctx: C) => Promise<Response>;

/**
 * Wraps a route handler: domain errors become `{code, message}` JSON with their status;
 * anything else is logged and answered with a generic 500 (never a stack trace).
 */
export function apiHandler<C>(fn: THandler<C>): THandler<C> {
  return async (req, ctx) => {
    try {
      return await fn(req, ctx);
    } catch (err) {
      const { status, body } = toErrorBody(err);
      if (status === 500) console.error('[api]', req.method, new URL(req.url).pathname, err);
      return NextResponse.json(body, { status });
    }
  };
}

/** Parses a JSON body with a zod schema; a bad body is a 400 naming each wrong field. */
export async function parseJson<S extends z.ZodType>(req: Request, schema: S, what = 'request'): Promise<z.infer<S>> {
  let raw: unknown;
  try {
    raw = await req.json();
  } catch {
    throw new AppError('BAD_REQUEST', `The ${what} body must be JSON.`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw fromZodIssues(parsed.error.issues, what);
  return parsed.data;
}

/** Validates route params (e.g. UUIDs) so a malformed id is a clear 404/400, not a SQL error. */
export function parseParams<S extends z.ZodType>(params: unknown, schema: S): z.infer<S> {
  const parsed = schema.safeParse(params);
  if (!parsed.success) throw new AppError('NOT_FOUND', 'Not found.');
  return parsed.data;
}
