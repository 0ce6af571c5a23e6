import { randomBytes } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import { lstat, mkdir, open, readdir, rename, rm, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '@/common/errors';
import { projectPathProblem, type TProjectFileEntry } from '@/common/project-path';
import { formatStorageSize } from '@/common/storage-size';

/**
 * The one owner of a project's file area on disk: `<data dir>/project-files/<project id>`,
 * created on first use. Kernels write into the same folders and may plant symlinks, so no path
 * is ever handed to the filesystem as a string from the area's root: each folder is opened one
 * name at a time with O_NOFOLLOW, and the final operation runs on `/proc/self/fd/<fd>/<name>`,
 * which names the opened folder itself. A folder swapped for a symlink after it was checked
 * therefore changes nothing; a symlink anywhere in a path is refused (ELOOP), and a symlink as
 * the last name is never opened, only listed, renamed or deleted as the link it is.
 */

const DIR_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;
/** Uploads land under this prefix in their target folder, then are renamed into place. */
const UPLOAD_PREFIX = '.lattice-upload-';


/** An opened folder of the area; `at(name)` is a path to one of its entries that cannot be redirected. */
interface TOpenDir {
  at(name: string): string;
  close(): Promise<void>;
}

/** Files are shared by every member's kernels through the project's group (common/project-files-location.ts). */
const FILE_MODE = 0o660;
const DIR_MODE = 0o2770;

export class ProjectFileArea {
  /** `root` is the project's folder (projectFilesDir), `gid` its group (projectFilesGid). */
  constructor(
    readonly root: string,
    private readonly gid: number,
  ) {}

  /** The entries of a folder (`''` = the area's root), folders first; uploads in progress are left out. */
  async list(folder: string): Promise<TProjectFileEntry[]> {
    const dir = await this.openDir(folder);
    try {
      const names = (await readdir(dir.at('.'))).filter((n) => !n.startsWith(UPLOAD_PREFIX));
      const entries = await Promise.all(
        names.map(async (name) => {
          const st = await lstat(dir.at(name)).catch(() => null);
          if (!st) return null;
          return { name, path: folder ? `${folder}/${name}` : name, isDir: st.isDirectory(), size: st.isFile() ? st.size : 0, mtime: st.mtime.toISOString() };
        }),
      );
      return entries.filter((e): e is TProjectFileEntry => e !== null).sort((a, b) => Number(b.isDir) - Number(a.isDir) || a.name.localeCompare(b.name));
    } finally {
      await dir.close();
    }
  }

  /** Creates one folder; its parent must exist. */
  async mkdir(target: string): Promise<void> {
    await this.inParent(target, async (dir, name) => {
      await mkdir(dir.at(name)).catch((err) => {
        throw fsError(err, target);
      });
      // The mode is set on the opened folder, not by name: a kernel may swap the name for a link.
      const made = await open(dir.at(name), DIR_FLAGS);
      await made.chmod(DIR_MODE).finally(() => made.close());
    });
  }

  /**
   * Writes `body` to `target`, streamed to a temporary file beside it and renamed into place
   * only when complete, so a reader never sees half a file. Stops with a 413 (and removes what
   * was written) as soon as the bytes received pass `maxBytes`.
   */
  async upload(
    target: string,
    body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
    maxBytes: number,
    limitText: string,
    /** The size the client announced (Content-Length): over the limit, refused before a byte is read. */
    declaredBytes?: number,
  ): Promise<{ size: number }> {
    const refusal = () => new AppError('STORAGE_QUOTA_EXCEEDED', `This upload does not fit in the project's storage: ${limitText}. Delete files you no longer need, or ask an administrator for more space.`);
    if (declaredBytes !== undefined && declaredBytes > maxBytes) throw refusal();
    return this.inParent(target, async (dir, name) => {
      const existing = await lstat(dir.at(name)).catch(() => null);
      if (existing?.isDirectory()) throw new AppError('CONFLICT', `"${target}" is a folder: choose another name for the file.`);
      const temp = dir.at(`${UPLOAD_PREFIX}${randomBytes(8).toString('hex')}`);
      const file = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o660);
      let size = 0;
      try {
        for await (const chunk of body) {
          size += chunk.byteLength;
          if (size > maxBytes) throw refusal();
          await writeAll(file, chunk);
        }
        await file.chmod(FILE_MODE);
        await file.close();
        await rename(temp, dir.at(name));
        return { size };
      } catch (err) {
        await file.close().catch(() => undefined);
        await unlink(temp).catch(() => undefined);
        throw err;
      }
    });
  }

  /**
   * Opens a regular file for reading; symlinks, folders and anything else a kernel can make
   * (a FIFO would block the open forever without O_NONBLOCK) are refused.
   */
  async openForRead(target: string): Promise<{ file: FileHandle; stats: Stats }> {
    return this.inParent(target, async (dir, name) => {
      const file = await open(dir.at(name), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK).catch((err) => {
        throw fsError(err, target);
      });
      const stats = await file.stat();
      if (!stats.isFile()) {
        await file.close();
        throw new AppError('BAD_REQUEST', stats.isDirectory() ? `"${target}" is a folder: only files can be downloaded.` : `"${target}" is not a regular file: only files can be downloaded.`);
      }
      return { file, stats };
    });
  }

  /** Renames or moves a file or folder; an existing entry at `to` is never replaced. */
  async move(from: string, to: string): Promise<void> {
    if (to === from || to.startsWith(`${from}/`)) throw new AppError('BAD_REQUEST', `"${from}" cannot be moved into itself.`);
    await this.inParent(from, (src, fromName) =>
      this.inParent(to, async (dst, toName) => {
        if (!(await lstat(src.at(fromName)).catch(() => null))) throw new AppError('NOT_FOUND', `"${from}" does not exist.`);
        if (await lstat(dst.at(toName)).catch(() => null)) throw new AppError('CONFLICT', `"${to}" already exists: choose another name.`);
        await rename(src.at(fromName), dst.at(toName)).catch((err) => {
          throw fsError(err, to);
        });
      }),
    );
  }

  /** Deletes a file, a symlink (not what it points to) or a folder with everything in it. */
  async remove(target: string): Promise<void> {
    await this.inParent(target, async (dir, name) => {
      const st = await lstat(dir.at(name)).catch((err) => {
        throw fsError(err, target);
      });
      await (st.isDirectory() ? rm(dir.at(name), { recursive: true }) : unlink(dir.at(name)));
    });
  }

  /** Bytes the area's files take (sizes of regular files; symlinks are not followed); 0 for an area not made yet. */
  async usage(): Promise<number> {
    const walk = async (dir: string): Promise<number> => {
      const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
      let total = 0;
      for (const e of entries) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) total += await walk(p);
        else if (e.isFile()) total += (await lstat(p).catch(() => null))?.size ?? 0;
      }
      return total;
    };
    return walk(this.root);
  }

  /**
   * Creates the area on first use: `project-files/` is traversable (0711: kernels' uids pass
   * through it to their own project's folder, which bwrap mounts as them) but not listable; the
   * area is the project group's (2770). Only root can give it that group: run unprivileged
   * (no sandbox, one person), kernels run as the same user and need no group.
   */
  private async ensureRoot(): Promise<void> {
    if (await lstat(this.root).catch(() => null)) return;
    await mkdir(path.dirname(this.root), { recursive: true, mode: 0o711 });
    await mkdir(this.root, { mode: DIR_MODE }).catch((err) => {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    });
    const dir = await open(this.root, DIR_FLAGS);
    try {
      if (process.getuid?.() === 0) await dir.chown(0, this.gid);
      await dir.chmod(DIR_MODE);
    } finally {
      await dir.close();
    }
  }

  /** Runs `fn` with the opened parent folder of `target` and its last name. */
  private async inParent<T>(target: string, fn: (dir: TOpenDir, name: string) => Promise<T>): Promise<T> {
    const problem = projectPathProblem(target);
    if (problem) throw new AppError('BAD_REQUEST', problem);
    const names = target.split('/');
    const dir = await this.openDir(names.slice(0, -1).join('/'));
    try {
      return await fn(dir, names[names.length - 1]);
    } finally {
      await dir.close();
    }
  }

  /** Opens a folder of the area one name at a time, never following a symlink. */
  private async openDir(folder: string): Promise<TOpenDir> {
    const problem = projectPathProblem(folder, { allowRoot: true });
    if (problem) throw new AppError('BAD_REQUEST', problem);
    await this.ensureRoot();
    let handle = await open(this.root, DIR_FLAGS);
    const walked: string[] = [];
    for (const name of folder ? folder.split('/') : []) {
      walked.push(name);
      try {
        const next = await open(`/proc/self/fd/${handle.fd}/${name}`, DIR_FLAGS);
        await handle.close();
        handle = next;
      } catch (err) {
        // O_DIRECTORY reports a symlink as ENOTDIR before O_NOFOLLOW's ELOOP: say which it was.
        const link = (await lstat(`/proc/self/fd/${handle.fd}/${name}`).catch(() => null))?.isSymbolicLink();
        await handle.close();
        throw fsError(link ? Object.assign(new Error('symlink'), { code: 'ELOOP' }) : err, walked.join('/'));
      }
    }
    const fd = handle.fd;
    return { at: (name) => `/proc/self/fd/${fd}/${name}`, close: () => handle.close() };
  }
}

/** A project's limit as people read it: "2.0 MB of 10.0 GB used". */
export function storageText(usedBytes: number, limitBytes: number): string {
  return `${formatStorageSize(usedBytes)} of ${formatStorageSize(limitBytes)} used`;
}

async function writeAll(file: FileHandle, chunk: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < chunk.byteLength) offset += (await file.write(chunk, offset)).bytesWritten;
}

/** Filesystem errors as messages naming the path the person gave. */
function fsError(err: unknown, target: string): Error {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new AppError('NOT_FOUND', `"${target}" does not exist.`);
  if (code === 'ELOOP') return new AppError('BAD_REQUEST', `"${target}" is a symbolic link: links are not followed in project files.`);
  if (code === 'ENOTDIR') return new AppError('BAD_REQUEST', `"${target}" is not a folder.`);
  if (code === 'EEXIST' || code === 'ENOTEMPTY') return new AppError('CONFLICT', `"${target}" already exists: choose another name.`);
  if (code === 'EINVAL') return new AppError('BAD_REQUEST', `"${target}" cannot be moved into itself.`);
  return err instanceof Error ? err : new Error(String(err));
}
