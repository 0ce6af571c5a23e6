import type { users } from '@/db/schema';

/** What the web shows about a user: never the password hash. Dates as ISO strings (JSON-safe). */
export interface TUserSummary {
  id: string;
  email: string;
  name: string;
  role: 'admin' | 'member';
  disabledAt: string | null;
  createdAt: string;
}

export function toUserSummary(row: typeof users.$inferSelect): TUserSummary {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    disabledAt: row.disabledAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}
