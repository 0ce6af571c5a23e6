import type { TProjectRole } from '@/common/roles';

/** A project as lists and pages show it. `role` is the caller's (null: an admin who is no member). */
export interface TProjectSummary {
  id: string;
  name: string;
  slug: string;
  description: string;
  personal: boolean;
  role: TProjectRole | null;
  memberCount: number;
  notebookCount: number;
  createdAt: string;
}

/** A project member as the members table shows it. */
export interface TProjectMember {
  userId: string;
  email: string;
  name: string;
  role: TProjectRole;
  disabled: boolean;
  addedAt: string;
}
