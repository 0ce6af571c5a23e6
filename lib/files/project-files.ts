import type { FileHandle } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import type { TProjectFolder } from '@/common/project-path';
import type { TSignedInUser } from '@/lib/auth/authorize-credentials';
import { getConfig } from '@/lib/config';
import type { TDb } from '@/db/client';
import { getProjectAccess } from '@/lib/projects/get-project-access';
import { storageText } from './project-file-area';
import { projectFileAreaFor } from './project-file-area-for';
import { noteProjectFilesChanged } from './project-storage-use';

/**
 * What the routes under /api/projects/:projectId/files call. Each checks the caller's access
 * first (viewers read; editors, owners and admins write; archived projects are read-only, as
 * getProjectAccess enforces for every action but `view`), then acts on the project's area.
 */

async function areaFor(db: TDb, user: TSignedInUser, projectId: string, action: 'view' | 'run') {
  const { project } = await getProjectAccess(db, user, projectId, action);
  return { area: projectFileAreaFor(project.id), limitBytes: getConfig().LATTICE_PROJECT_STORAGE_BYTES };
}

/** A folder's entries with the project's storage use and limit. */
export async function listProjectFolder(db: TDb, user: TSignedInUser, input: { projectId: string; path: string }): Promise<TProjectFolder> {
  const { area, limitBytes } = await areaFor(db, user, input.projectId, 'view');
  const entries = await area.list(input.path);
  return { path: input.path, entries, usedBytes: await area.usage(), limitBytes };
}

/** Streams a request body into a file; refused with a 413 once it would pass the project's storage limit. */
export async function uploadProjectFile(
  db: TDb,
  user: TSignedInUser,
  input: { projectId: string; path: string; body: AsyncIterable<Uint8Array>; declaredBytes?: number },
): Promise<{ size: number }> {
  const { area, limitBytes } = await areaFor(db, user, input.projectId, 'run');
  const used = await area.usage();
  const uploaded = await area.upload(input.path, input.body, Math.max(0, limitBytes - used), storageText(used, limitBytes), input.declaredBytes);
  noteProjectFilesChanged(input.projectId);
  return uploaded;
}

/** Opens a file for download (the caller streams and closes it). */
export async function openProjectFile(db: TDb, user: TSignedInUser, input: { projectId: string; path: string }): Promise<{ file: FileHandle; stats: Stats }> {
  const { area } = await areaFor(db, user, input.projectId, 'view');
  return area.openForRead(input.path);
}

export async function createProjectFolder(db: TDb, user: TSignedInUser, input: { projectId: string; path: string }): Promise<void> {
  const { area } = await areaFor(db, user, input.projectId, 'run');
  await area.mkdir(input.path);
}

export async function moveProjectFile(db: TDb, user: TSignedInUser, input: { projectId: string; from: string; to: string }): Promise<void> {
  const { area } = await areaFor(db, user, input.projectId, 'run');
  await area.move(input.from, input.to);
}

export async function deleteProjectFile(db: TDb, user: TSignedInUser, input: { projectId: string; path: string }): Promise<void> {
  const { area } = await areaFor(db, user, input.projectId, 'run');
  await area.remove(input.path);
  noteProjectFilesChanged(input.projectId);
}
