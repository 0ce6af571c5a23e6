'use client';

import type { ReactNode } from 'react';
import type { TCellType } from '@/common/nbformat/schema';
import { COMMANDS_BY_ID, displayKeys, type TCommandId } from './notebook-commands';

function ToolButton({ label, title, onClick, disabled, pressed, children }: { label: string; title?: string; onClick: () => void; disabled?: boolean; pressed?: boolean; children: ReactNode }) {
  return (
    <button
      type="button"
      onClick={onClick}
      disabled={disabled}
      aria-label={label}
      aria-pressed={pressed}
      title={title ?? label}
      className={`inline-flex h-7 items-center gap-1 rounded px-2 text-xs font-medium hover:bg-slate-100 hover:text-slate-900 focus-visible:outline focus-visible:outline-2 focus-visible:outline-indigo-500 disabled:cursor-not-allowed disabled:text-slate-300 disabled:hover:bg-transparent ${pressed ? 'bg-indigo-50 text-indigo-700' : 'text-slate-700'}`}
    >
      {children}
    </button>
  );
}

const Sep = () => <span className="mx-1 h-5 w-px bg-slate-200" aria-hidden />;

/** A command's button: its label from the command list, with its keys in the tooltip. */
function CommandButton({ id, run, disabled, pressed, children }: { id: TCommandId; run: (id: TCommandId) => void; disabled?: boolean; pressed?: boolean; children: ReactNode }) {
  const cmd = COMMANDS_BY_ID.get(id)!;
  const keys = [...cmd.commandKeys, ...cmd.editKeys.filter((k) => !cmd.commandKeys.includes(k))].map((k) => displayKeys(k, false));
  const label = cmd.label.replace('…', '');
  return (
    <ToolButton label={label} title={keys.length ? `${label} (${keys.join(', ')})` : label} onClick={() => run(id)} disabled={disabled} pressed={pressed}>
      {children}
    </ToolButton>
  );
}

const icon = (d: string, fill = true) => (
  <svg viewBox="0 0 16 16" className="h-3.5 w-3.5" fill={fill ? 'currentColor' : 'none'} stroke={fill ? undefined : 'currentColor'} strokeWidth={fill ? undefined : 1.6} aria-hidden>
    <path d={d} />
  </svg>
);

/** The notebook's toolbar: editing and running for editors; find, outline, palette, shortcuts and view settings for everyone. */
export function NotebookToolbar({ run, setType, activeType, readOnly, canRun, toggles }: {
  run: (id: TCommandId) => void;
  setType: (t: TCellType) => void;
  activeType: TCellType | null;
  readOnly: boolean;
  canRun: boolean;
  toggles: { outline: boolean; lineNumbers: boolean; fullWidth: boolean };
}) {
  const hasActive = activeType !== null;
  return (
    <div className="flex flex-wrap items-center gap-0.5" role="toolbar" aria-label="Notebook">
      {!readOnly && (
        <>
          <CommandButton id="save" run={run}>{icon('M2 2h9l3 3v9H2V2zm2 1v3h6V3H4zm4 6a2 2 0 100 4 2 2 0 000-4z')}Save</CommandButton>
          <Sep />
          <CommandButton id="insert-below" run={run}>+ Code</CommandButton>
          <CommandButton id="insert-markdown-below" run={run}>+ Markdown</CommandButton>
          <CommandButton id="cut" run={run} disabled={!hasActive}>Cut</CommandButton>
          <CommandButton id="copy" run={run} disabled={!hasActive}>Copy</CommandButton>
          <CommandButton id="paste-below" run={run}>Paste</CommandButton>
          <CommandButton id="delete" run={run} disabled={!hasActive}>Delete</CommandButton>
          <CommandButton id="undo" run={run}>Undo</CommandButton>
          <CommandButton id="move-up" run={run} disabled={!hasActive}>↑</CommandButton>
          <CommandButton id="move-down" run={run} disabled={!hasActive}>↓</CommandButton>
          <Sep />
          <CommandButton id="run-advance" run={run} disabled={!canRun || !hasActive}>{icon('M4 2.5v11l9-5.5-9-5.5z')}Run</CommandButton>
          <CommandButton id="run-all" run={run} disabled={!canRun}>{icon('M1.5 2.5v11l6-5.5-6-5.5zm7 0v11l6-5.5-6-5.5z')}Run all</CommandButton>
          <CommandButton id="interrupt" run={run} disabled={!canRun}>{icon('M3.5 3.5h9v9h-9z')}Interrupt</CommandButton>
          <CommandButton id="restart" run={run} disabled={!canRun}>{icon('M13 8a5 5 0 11-1.5-3.6M13 2.5v3h-3', false)}Restart</CommandButton>
          <CommandButton id="shutdown" run={run} disabled={!canRun}>Shut down</CommandButton>
          <CommandButton id="clear-all-outputs" run={run}>Clear outputs</CommandButton>
          <Sep />
          <label className="sr-only" htmlFor="cell-type">Cell type</label>
          <select
            id="cell-type"
            value={activeType ?? ''}
            disabled={!hasActive}
            onChange={(e) => setType(e.target.value as TCellType)}
            className="h-7 rounded border-0 bg-transparent py-0 pl-2 pr-7 text-xs text-slate-700 ring-1 ring-inset ring-slate-200 focus:ring-2 focus:ring-indigo-500 disabled:text-slate-300"
          >
            <option value="code">Code</option>
            <option value="markdown">Markdown</option>
            <option value="raw">Raw</option>
          </select>
          <Sep />
        </>
      )}
      <CommandButton id="find" run={run}>Find</CommandButton>
      <CommandButton id="toggle-outline" run={run} pressed={toggles.outline}>Outline</CommandButton>
      <CommandButton id="toggle-line-numbers" run={run} pressed={toggles.lineNumbers}>Line numbers</CommandButton>
      <CommandButton id="toggle-full-width" run={run} pressed={toggles.fullWidth}>Full width</CommandButton>
      <CommandButton id="palette" run={run}>Commands</CommandButton>
      <CommandButton id="shortcuts" run={run}>Shortcuts</CommandButton>
      {readOnly && <span className="ml-2 text-xs text-slate-500">You can view this notebook; your role in the project does not allow changing or running it.</span>}
    </div>
  );
}
