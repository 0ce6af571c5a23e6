import { newCellId } from './cell-id';
import { NBFORMAT_MAJOR, NBFORMAT_MINOR, type TCell, type TCellType, type TNotebook } from './schema';

/** The kernelspec new notebooks name: `python3` is the gateway's alias of the default environment. */
export const DEFAULT_KERNELSPEC = { name: 'python3', display_name: 'Python 3', language: 'python' } as const;

/** An empty cell of the given type with a fresh id. */
export function newCell(type: TCellType, source = ''): TCell {
  const id = newCellId();
  if (type === 'code') return { id, cell_type: 'code', metadata: {}, source, outputs: [], execution_count: null };
  return { id, cell_type: type, metadata: {}, source };
}

/** A new notebook: nbformat 4.5, Python 3 kernelspec, one empty code cell. */
export function newNotebook(): TNotebook {
  return {
    metadata: {
      kernelspec: { ...DEFAULT_KERNELSPEC },
      language_info: { name: 'python' },
    },
    nbformat: NBFORMAT_MAJOR,
    nbformat_minor: NBFORMAT_MINOR,
    cells: [newCell('code')],
  };
}
