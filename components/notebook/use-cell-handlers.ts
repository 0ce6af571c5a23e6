'use client';

import { useMemo, type Dispatch, type RefObject } from 'react';
import { ZLargerChoice } from '@/lib/client/dashboard-responses';
import { webClient } from '@/lib/client/web-client';
import type { TFocusRequest } from './cell-editor';
import type { TKernelHelp } from './kernel-help';
import type { TCommandId } from './notebook-commands';
import type { TCellHandlers } from './notebook-cell';
import type { TEditorAction, TEditorState } from './notebook-model';
import { outputActionFor } from './output-metadata';
import type { useEnvironmentSwitch } from './use-environment-switch';

/**
 * What every cell calls back (typing, focus, moving between cells, collapsing, answering the
 * kernel, "restart on a larger environment"): one object for the page's life, so cells
 * re-render only when their own props change. Everything that changes is read through refs.
 */
export function useCellHandlers(opts: {
  state: RefObject<TEditorState>;
  dispatch: Dispatch<TEditorAction>;
  visibleIds: () => string[];
  editCell: (id: string | null, at?: TFocusRequest['at']) => void;
  focusActiveCell: () => void;
  command: RefObject<(command: TCommandId, at: { cellId: string; selection: { from: number; to: number } }) => void>;
  help: TKernelHelp | null;
  answerInput: (id: string, value: string) => void;
  /** Where a dead kernel's notebook may move to a larger environment (editors who may run), else null. */
  largerEnvironments: { projectId: string; switcher: RefObject<ReturnType<typeof useEnvironmentSwitch>> } | null;
}): TCellHandlers {
  const { state, dispatch, visibleIds, editCell, focusActiveCell, command, help, answerInput, largerEnvironments } = opts;
  const projectId = largerEnvironments?.projectId ?? null;
  const switcher = largerEnvironments?.switcher ?? null;
  return useMemo<TCellHandlers>(
    () => ({
      change: (id, source) => dispatch({ type: 'edit-source', id, source }),
      focusEditor: (id) => {
        dispatch({ type: 'select', id });
        dispatch({ type: 'set-mode', mode: 'edit' });
      },
      command: (id, cmd, selection) => command.current(cmd, { cellId: id, selection }),
      leave: (id, direction) => {
        const visible = visibleIds();
        const next = visible[visible.indexOf(id) + (direction === 'up' ? -1 : 1)];
        if (!next) return;
        const cell = state.current.cells.find((c) => c.id === next);
        dispatch({ type: 'select', id: next });
        if (cell?.cellType === 'markdown' && !cell.editing) {
          dispatch({ type: 'set-mode', mode: 'command' });
          focusActiveCell();
        } else editCell(next, direction === 'up' ? 'end' : 'start');
      },
      select: (id, extend) => {
        dispatch({ type: 'select', id, extend });
        dispatch({ type: 'set-mode', mode: 'command' });
      },
      editMarkdown: (id) => {
        dispatch({ type: 'select', id });
        dispatch({ type: 'set-editing', id, editing: true });
        editCell(id);
      },
      toggleInput: (id) => dispatch({ type: 'toggle-input-hidden', ids: [id] }),
      toggleHeading: (id) => dispatch({ type: 'toggle-heading-collapsed', id }),
      outputs: (id, action) => dispatch(outputActionFor([id], action)),
      drop: (dragged, target, where) => {
        const index = state.current.cells.findIndex((c) => c.id === target) + (where === 'after' ? 1 : 0);
        dispatch({ type: 'move-to', id: dragged, index });
      },
      help: help ? () => help : null,
      answerInput,
      notices:
        projectId && switcher
          ? {
              largerEnvironment: (kernelId) => webClient.send('GET', `/api/projects/${projectId}/dashboard/kernels/${kernelId}/larger-environment`, ZLargerChoice),
              chooseEnvironment: (fit) => switcher.current.choose(fit),
            }
          : null,
    }),
    [answerInput, command, dispatch, editCell, focusActiveCell, help, projectId, state, switcher, visibleIds],
  );
}
