import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { ZProjectRole, ZUserRole } from '../../common/roles';
import type { TDb } from '../../db/client';
import { accessIn, decideKernelAccess } from './access';
import { TOKEN_REFUSAL_MESSAGES, tokenRefusal } from './token-refusal';

/** An open kernel connection as the rights check sees it: whose token, which kernel. */
export interface TConnectionKey {
  tokenId: string;
  kernel: { projectId: string; userId: string };
}

const date = z.coerce.date().nullable();

/** One row per (token, project) asked about; every column null when the token row is gone. */
const ZConnectionRights = z.object({
  token_id: z.string(),
  project_id: z.string(),
  token_found: z.boolean(),
  revoked_at: date,
  expires_at: date,
  token_project_id: z.string().nullable(),
  user_id: z.string().nullable(),
  user_role: ZUserRole.nullable(),
  user_disabled_at: date,
  user_deleted_at: date,
  session_id: z.string().nullable(),
  session_found: z.boolean(),
  session_revoked_at: date,
  session_expires_at: date,
  member_role: ZProjectRole.nullable(),
  project_found: z.boolean(),
  project_archived_at: date,
  project_deleted_at: date,
});
export type TConnectionRights = z.infer<typeof ZConnectionRights>;

const pairKey = (tokenId: string, projectId: string) => `${tokenId}/${projectId}`;

/**
 * Everything that decides the connections' rights, for all of them in ONE query: each
 * distinct (token, project) with its token, user, sign-in, membership and project. Keyed by
 * `rightsKey`.
 */
export async function readConnectionRights(db: TDb, keys: readonly TConnectionKey[]): Promise<Map<string, TConnectionRights>> {
  const pairs = [...new Map(keys.map((k) => [pairKey(k.tokenId, k.kernel.projectId), { token_id: k.tokenId, project_id: k.kernel.projectId }])).values()];
  if (!pairs.length) return new Map();
  const result = await db.execute(sql`
    SELECT c.token_id, c.project_id,
      t.id IS NOT NULL AS token_found, t.revoked_at, t.expires_at, t.project_id AS token_project_id,
      u.id AS user_id, u.role AS user_role, u.disabled_at AS user_disabled_at, u.deleted_at AS user_deleted_at,
      t.session_id, s.id IS NOT NULL AS session_found, s.revoked_at AS session_revoked_at, s.expires_at AS session_expires_at,
      m.role AS member_role,
      p.id IS NOT NULL AS project_found, p.archived_at AS project_archived_at, p.deleted_at AS project_deleted_at
    FROM jsonb_to_recordset(${JSON.stringify(pairs)}::jsonb) AS c(token_id uuid, project_id uuid)
    LEFT JOIN api_tokens t ON t.id = c.token_id
    LEFT JOIN users u ON u.id = t.user_id
    LEFT JOIN web_sessions s ON s.id = t.session_id
    LEFT JOIN project_members m ON m.project_id = c.project_id AND m.user_id = t.user_id
    LEFT JOIN projects p ON p.id = c.project_id`);
  const rows = z.array(ZConnectionRights).parse(result.rows);
  return new Map(rows.map((r) => [pairKey(r.token_id, r.project_id), r]));
}

export function rightsKey(key: TConnectionKey): string {
  return pairKey(key.tokenId, key.kernel.projectId);
}

/** Close codes (RFC 6455 leaves 4000–4999 to applications), modelled on HTTP 401 and 403. */
export const CLOSE_SIGNED_OUT = 4401;
export const CLOSE_ACCESS_ENDED = 4403;

export type TConnectionVerdict =
  | { action: 'keep'; mayStop: boolean }
  | { action: 'close'; code: typeof CLOSE_SIGNED_OUT | typeof CLOSE_ACCESS_ENDED; reason: string };

/**
 * Whether an open connection may go on, by the rules its upgrade passed (a valid token; the
 * `run` right on the kernel in a live project), and whether its holder may still stop the
 * kernel (the DELETE rule). `rights` undefined: nothing was found, which is a revoked token.
 */
export function judgeConnection(rights: TConnectionRights | undefined, key: TConnectionKey, now = Date.now()): TConnectionVerdict {
  if (!rights?.token_found || !rights.user_id || !rights.user_role) return { action: 'close', code: CLOSE_SIGNED_OUT, reason: TOKEN_REFUSAL_MESSAGES.revoked };
  const refusal = tokenRefusal(
    {
      revokedAt: rights.revoked_at,
      expiresAt: rights.expires_at,
      userDisabledAt: rights.user_disabled_at,
      userDeletedAt: rights.user_deleted_at,
      sessionId: rights.session_id,
      sessionFound: rights.session_found,
      sessionRevokedAt: rights.session_revoked_at,
      sessionExpiresAt: rights.session_expires_at,
    },
    now,
  );
  if (refusal) return { action: 'close', code: CLOSE_SIGNED_OUT, reason: TOKEN_REFUSAL_MESSAGES[refusal] };
  if (!rights.project_found || rights.project_deleted_at) return { action: 'close', code: CLOSE_ACCESS_ENDED, reason: 'This project was deleted.' };
  if (rights.project_archived_at) return { action: 'close', code: CLOSE_ACCESS_ENDED, reason: 'This project was archived: restore it to run kernels.' };
  const access = accessIn({ userRole: rights.user_role, tokenProjectId: rights.token_project_id }, key.kernel.projectId, rights.member_role);
  const own = key.kernel.userId === rights.user_id;
  if (decideKernelAccess(access, 'run', own) !== 'allow') {
    return { action: 'close', code: CLOSE_ACCESS_ENDED, reason: 'Your role in this project changed: you may no longer run code here.' };
  }
  return { action: 'keep', mayStop: decideKernelAccess(access, 'stop', own) === 'allow' };
}

/**
 * Whether the connection's holder may stop its kernel now (a `shutdown_request`): their
 * current role, not the one they had when they connected.
 */
export async function mayStopNow(db: TDb, key: TConnectionKey): Promise<boolean> {
  const rights = await readConnectionRights(db, [key]);
  const verdict = judgeConnection(rights.get(rightsKey(key)), key);
  return verdict.action === 'keep' && verdict.mayStop;
}
