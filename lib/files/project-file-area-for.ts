import path from 'node:path';
import { projectFilesDir, projectFilesGid } from '@/common/project-files-location';
import { getConfig } from '@/lib/config';
import { ProjectFileArea } from './project-file-area';

/** The file area of a project, wherever this web keeps it. No access check: callers check first. */
export function projectFileAreaFor(projectId: string): ProjectFileArea {
  return new ProjectFileArea(projectFilesDir(path.resolve(getConfig().LATTICE_DATA_DIR), projectId), projectFilesGid(projectId));
}
