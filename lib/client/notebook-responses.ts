import { z } from 'zod';
import type { TNotebookListItem } from '@/lib/notebooks/list-notebooks';
import type { TNotebookSummary } from '@/lib/notebooks/notebook-summary';
import type { TSaveResult } from '@/lib/notebooks/save-notebook';

// Each schema is typed against what its route returns, so the two cannot drift apart unnoticed.

const summaryShape = {
  id: z.string(),
  projectId: z.string(),
  name: z.string(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  updatedBy: z.object({ id: z.string(), name: z.string() }).nullable(),
};

/** `POST /api/projects/{id}/notebooks` with `{name}`: the new notebook. */
export const ZNotebookSummary: z.ZodType<TNotebookSummary> = z.object(summaryShape);

/** The same POST as a multipart upload (an .ipynb import): the notebook and what was fixed on the way in. */
export const ZImportedNotebook: z.ZodType<TNotebookSummary & { warnings: string[] }> = z.object({ ...summaryShape, warnings: z.array(z.string()) });

/** `GET /api/projects/{id}/notebooks`. */
export const ZNotebookList: z.ZodType<{ notebooks: TNotebookListItem[] }> = z.object({
  notebooks: z.array(
    z.object({
      ...summaryShape,
      environment: z.object({ id: z.string(), slug: z.string(), name: z.string(), hardwareLabel: z.string(), archived: z.boolean() }).nullable(),
      running: z.boolean(),
    }),
  ),
});

/** `PUT /api/projects/{id}/notebooks/{id}`: the saved version. */
export const ZSaveResult: z.ZodType<TSaveResult> = z.object({ version: z.number().int(), updatedAt: z.string() });
