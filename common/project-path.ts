import { z } from 'zod';

/**
 * Paths inside a project's file area, as the browser and the API name them: relative POSIX
 * paths ("data/sales.csv"). Checked here, at the edge, so storage never sees a name that could
 * leave the area ("..", "/etc"), hide what it is (control characters) or mean something else on
 * another system (backslashes). Storage still resolves every path and refuses symlinks: these
 * rules are about names, not about what is on disk.
 */

/** Longest path accepted, in bytes of UTF-8 (Linux's PATH_MAX is 4096 for the whole absolute path). */
export const MAX_PROJECT_PATH_BYTES = 1024;
/** Longest single name (Linux's NAME_MAX). */
export const MAX_PROJECT_NAME_BYTES = 255;

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Why `path` is not a valid file path inside a project, or null when it is. `''` is the area's root. */
export function projectPathProblem(path: string, opts: { allowRoot?: boolean } = {}): string | null {
  if (path === '') return opts.allowRoot ? null : 'Give a file or folder name.';
  if (new TextEncoder().encode(path).length > MAX_PROJECT_PATH_BYTES) return `The path is longer than ${MAX_PROJECT_PATH_BYTES} bytes.`;
  if (path.startsWith('/')) return `"${printable(path)}" is absolute: paths are relative to the project's files (e.g. data/sales.csv).`;
  if (path.includes('\\')) return `"${printable(path)}" contains a backslash: separate folders with "/".`;
  for (const name of path.split('/')) {
    if (CONTROL.test(name)) return `The name "${printable(name)}" contains a control character (tab, line break, NUL…): rename it without one.`;
    if (name === '') return `"${printable(path)}" has an empty folder name (a doubled or trailing "/").`;
    if (name === '.' || name === '..') return `"${printable(path)}" contains "${name}": name each folder; "." and ".." are not allowed.`;
    if (new TextEncoder().encode(name).length > MAX_PROJECT_NAME_BYTES) return `The name "${name.slice(0, 40)}…" is longer than ${MAX_PROJECT_NAME_BYTES} bytes.`;
  }
  return null;
}

/** Shows control characters as escapes, so the message can say which name was refused. */
function printable(s: string): string {
  return JSON.stringify(s).slice(1, -1);
}

/** A path to an existing or new file or folder (not the root). */
export const ZProjectPath = z.string().superRefine((p, ctx) => {
  const problem = projectPathProblem(p);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** A folder path where `''` means the area's root (listing, the target of a move). */
export const ZProjectFolderPath = z.string().superRefine((p, ctx) => {
  const problem = projectPathProblem(p, { allowRoot: true });
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** One entry of a folder listing. */
export const ZProjectFileEntry = z.object({
  name: z.string(),
  path: z.string(),
  isDir: z.boolean(),
  size: z.number().int().nonnegative(),
  mtime: z.string(),
});
export type TProjectFileEntry = z.infer<typeof ZProjectFileEntry>;

/** A folder listing with the project's storage use against its limit. */
export const ZProjectFolder = z.object({
  path: z.string(),
  entries: z.array(ZProjectFileEntry),
  usedBytes: z.number().int().nonnegative(),
  limitBytes: z.number().int().positive(),
});
export type TProjectFolder = z.infer<typeof ZProjectFolder>;
