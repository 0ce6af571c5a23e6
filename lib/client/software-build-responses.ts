import { z } from 'zod';
import type { TSoftwareBuildLog } from '@/lib/software/get-software-build-log';
import { ZSoftwareBuildInfo } from './environment-responses';

/** `GET /api/environments/{id}/software-build`: the template's build and the installer's output. */
export const ZSoftwareBuildLog = z.object({
  build: ZSoftwareBuildInfo.nullable(),
  log: z.string(),
}) satisfies z.ZodType<TSoftwareBuildLog>;
