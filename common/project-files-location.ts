/**
 * Where a project's files are, for the web (which serves them) and the gateway (which mounts
 * them into the project's kernels). No `node:` imports: plain string paths under the data dir.
 */

/** The folder inside every sandboxed kernel where its project's files are mounted; also its working directory. */
export const KERNEL_PROJECT_DIR = '/project';

/** The host folder of a project's files. */
export function projectFilesDir(dataDir: string, projectId: string): string {
  return `${dataDir.replace(/\/+$/, '')}/project-files/${projectId}`;
}

/** First group id of the range project groups are drawn from (above the kernels' uid range and below 2^31). */
const PROJECT_GID_BASE = 1_000_000_000;
const PROJECT_GID_SPAN = 1_000_000_000;

/**
 * The group every kernel of a project runs with (besides its user's own): the project's files
 * are `root:<this gid>`, mode 2770 (setgid: new entries keep the group), so every member's
 * kernels read and write each other's files. Derived from the id so the web and the gateway
 * agree without a table. Two projects may, rarely, share a gid: that gives nothing, since a
 * kernel only has its own project's folder mounted (the mount is the isolation; the group is
 * what lets several uids share one folder).
 */
export function projectFilesGid(projectId: string): number {
  const hex = projectId.replace(/-/g, '').slice(0, 12);
  return PROJECT_GID_BASE + (Number.parseInt(hex, 16) % PROJECT_GID_SPAN);
}
