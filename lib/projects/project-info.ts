import type { TProject } from './get-project-access';

/** A project's own fields as its page and its settings routes return them. */
export interface TProjectInfo {
  id: string;
  name: string;
  slug: string;
  description: string;
  personal: boolean;
  /** When it was archived (read-only until restored); null while active. */
  archivedAt: string | null;
  createdAt: string;
}

export function toProjectInfo(project: TProject): TProjectInfo {
  return {
    id: project.id,
    name: project.name,
    slug: project.slug,
    description: project.description,
    personal: project.personalOwnerId !== null,
    archivedAt: project.archivedAt?.toISOString() ?? null,
    createdAt: project.createdAt.toISOString(),
  };
}
