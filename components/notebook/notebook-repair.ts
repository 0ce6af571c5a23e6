import { repairMetadata } from '@/common/nbformat/invalid-metadata';
import type { TEditorAction, TEditorState } from './notebook-model';

/**
 * The model changes that repair the metadata kept aside on import (see
 * `common/nbformat/invalid-metadata.ts`): the notebook's own metadata and each affected cell's.
 */
export function repairActions(state: TEditorState): TEditorAction[] {
  const byId = new Map(state.cells.map((c) => [c.id, c]));
  const repaired = repairMetadata(state.metadata, (id) => {
    const cell = byId.get(id);
    return cell ? { cellType: cell.cellType, metadata: cell.metadata } : null;
  });
  return [
    { type: 'update-metadata', ids: [...repaired.cells.keys()], update: (_m, cell) => repaired.cells.get(cell.id)! },
    { type: 'update-notebook-metadata', update: () => repaired.notebook },
  ];
}
