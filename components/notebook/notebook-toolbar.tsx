'use client';

import type { ReactNode } from 'react';
import type { TCellType } from '@/common/nbformat/schema';

function ToolButton({ label, title, onClick, disabled, children }: { label: string; title?: string; onClick: () => void; disabled?: boolean; children: ReactNode }) {
  return (
    <button
      type="button"
      onClick={onClick}
      disabled={disabled}
      aria-label={label}
      title={title ?? label}
      className="inline-flex h-7 items-center gap-1 rounded px-2 text-xs font-medium text-slate-700 hover:bg-slate-100 hover:text-slate-900 focus-visible:outline focus-visible:outline-2 focus-visible:outline-indigo-500 disabled:cursor-not-allowed disabled:text-slate-300 disabled:hover:bg-transparent"
    >
      {children}
    </button>
  );
}

const Sep = () => <span className="mx-1 h-5 w-px bg-slate-200" aria-hidden />;

export interface TToolbarActions {
  save: () => void;
  addCode: () => void;
  addMarkdown: () => void;
  run: () => void;
  runAll: () => void;
  interrupt: () => void;
  restart: () => void;
  moveUp: () => void;
  moveDown: () => void;
  remove: () => void;
  setType: (t: TCellType) => void;
  clearOutputs: () => void;
}

/** Notebook actions for editors; viewers get none of them. */
export function NotebookToolbar({ actions, activeType, canRun, hasActive }: { actions: TToolbarActions; activeType: TCellType | null; canRun: boolean; hasActive: boolean }) {
  return (
    <div className="flex flex-wrap items-center gap-0.5" role="toolbar" aria-label="Notebook">
      <ToolButton label="Save" title="Save (Ctrl/Cmd+S)" onClick={actions.save}>
        <svg viewBox="0 0 16 16" className="h-3.5 w-3.5" fill="currentColor" aria-hidden><path d="M2 2h9l3 3v9H2V2zm2 1v3h6V3H4zm4 6a2 2 0 100 4 2 2 0 000-4z" /></svg>
        Save
      </ToolButton>
      <Sep />
      <ToolButton label="Add code cell" title="Insert a code cell below" onClick={actions.addCode}>+ Code</ToolButton>
      <ToolButton label="Add Markdown cell" title="Insert a Markdown cell below" onClick={actions.addMarkdown}>+ Markdown</ToolButton>
      <Sep />
      <ToolButton label="Run cell" title="Run the cell and advance (Shift+Enter)" onClick={actions.run} disabled={!canRun || !hasActive}>
        <svg viewBox="0 0 16 16" className="h-3.5 w-3.5" fill="currentColor" aria-hidden><path d="M4 2.5v11l9-5.5-9-5.5z" /></svg>
        Run
      </ToolButton>
      <ToolButton label="Run all cells" onClick={actions.runAll} disabled={!canRun}>
        <svg viewBox="0 0 16 16" className="h-3.5 w-3.5" fill="currentColor" aria-hidden><path d="M1.5 2.5v11l6-5.5-6-5.5zm7 0v11l6-5.5-6-5.5z" /></svg>
        Run all
      </ToolButton>
      <ToolButton label="Interrupt kernel" onClick={actions.interrupt} disabled={!canRun}>
        <svg viewBox="0 0 16 16" className="h-3.5 w-3.5" fill="currentColor" aria-hidden><rect x="3.5" y="3.5" width="9" height="9" rx="1" /></svg>
        Interrupt
      </ToolButton>
      <ToolButton label="Restart kernel" onClick={actions.restart} disabled={!canRun}>
        <svg viewBox="0 0 16 16" className="h-3.5 w-3.5" fill="none" stroke="currentColor" strokeWidth="1.6" aria-hidden><path d="M13 8a5 5 0 11-1.5-3.6M13 2.5v3h-3" /></svg>
        Restart
      </ToolButton>
      <Sep />
      <ToolButton label="Move cell up" onClick={actions.moveUp} disabled={!hasActive}>↑</ToolButton>
      <ToolButton label="Move cell down" onClick={actions.moveDown} disabled={!hasActive}>↓</ToolButton>
      <ToolButton label="Delete cell" onClick={actions.remove} disabled={!hasActive}>Delete</ToolButton>
      <ToolButton label="Clear outputs" title="Clear all outputs" onClick={actions.clearOutputs}>Clear outputs</ToolButton>
      <Sep />
      <label className="sr-only" htmlFor="cell-type">Cell type</label>
      <select
        id="cell-type"
        value={activeType ?? ''}
        disabled={!hasActive}
        onChange={(e) => actions.setType(e.target.value as TCellType)}
        className="h-7 rounded border-0 bg-transparent py-0 pl-2 pr-7 text-xs text-slate-700 ring-1 ring-inset ring-slate-200 focus:ring-2 focus:ring-indigo-500 disabled:text-slate-300"
      >
        <option value="code">Code</option>
        <option value="markdown">Markdown</option>
        <option value="raw">Raw</option>
      </select>
    </div>
  );
}
