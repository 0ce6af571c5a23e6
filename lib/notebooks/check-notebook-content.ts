import { AppError } from '@/common/errors';
import { findNul } from '@/common/plain-text';
import type { TNotebook } from '@/common/nbformat/schema';
import { recordSetAside, setAsideInvalidMetadata, setAsideWarning } from '@/common/nbformat/invalid-metadata';
import { validateNotebook } from '@/common/nbformat/validate-notebook';
import { formatBytes, MAX_NOTEBOOK_BYTES } from './notebook-summary';

/**
 * Turns an uploaded file's text or a client's notebook JSON into validated nbformat 4.5,
 * or throws INVALID_NOTEBOOK saying what is wrong (size, JSON syntax, nbformat problems).
 * Used by import and save, so nothing invalid is ever stored: metadata that fails the schema
 * while the cells are sound is kept aside in the notebook's metadata for the editor to repair
 * (see `setAsideInvalidMetadata`), not refused.
 */
export function checkNotebookContent(content: unknown): { notebook: TNotebook; warnings: string[] } {
  const text = typeof content === 'string' ? content : null;
  const bytes = text !== null ? Buffer.byteLength(text, 'utf8') : Buffer.byteLength(JSON.stringify(content ?? null), 'utf8');
  if (bytes > MAX_NOTEBOOK_BYTES) {
    throw new AppError(
      'INVALID_NOTEBOOK',
      `This notebook is ${formatBytes(bytes)}; the limit is ${formatBytes(MAX_NOTEBOOK_BYTES)}. Clear large outputs (Kernel → Clear all outputs in Jupyter) and try again.`,
    );
  }
  let raw = content;
  if (text !== null) {
    try {
      raw = JSON.parse(text.replace(/^\uFEFF/, ''));
    } catch (err) {
      throw new AppError('INVALID_NOTEBOOK', `This file is not valid JSON, so it cannot be a notebook (.ipynb): ${(err as Error).message}.`);
    }
  }
  // Postgres jsonb cannot hold a NUL anywhere; without this the save was a 500.
  const nulAt = findNul(raw);
  if (nulAt) {
    const message = `The notebook holds a NUL character (at ${nulAt}), which cannot be stored. Remove it and try again.`;
    throw new AppError('BAD_REQUEST', message, { content: message });
  }
  const { input, found } = setAsideInvalidMetadata(raw);
  const result = validateNotebook(input);
  if (!result.ok) throw new AppError('INVALID_NOTEBOOK', result.message);
  if (!found.length) return { notebook: result.notebook, warnings: result.warnings };
  return { notebook: recordSetAside(result.notebook, found), warnings: [...result.warnings, setAsideWarning(found)] };
}
