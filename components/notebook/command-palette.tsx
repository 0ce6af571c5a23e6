'use client';

import { useEffect, useMemo, useRef, useState } from 'react';
import { Dialog } from '@/components/ui/dialog';
import { displayKeys, type TCommand, type TCommandId } from './notebook-commands';

/** Keys as small key caps; several bindings separated. */
export function KeyCaps({ keys, mac }: { keys: readonly string[]; mac: boolean }) {
  return (
    <span className="flex shrink-0 flex-wrap justify-end gap-1">
      {keys.map((k) => (
        <kbd key={k} className="rounded border border-slate-300 bg-slate-50 px-1.5 py-0.5 font-mono text-[11px] text-slate-700">
          {displayKeys(k, mac)}
        </kbd>
      ))}
    </span>
  );
}

/**
 * Ctrl/Cmd+Shift+C: every command the user may run, filtered as they type (every word must
 * appear in the label or category), with its keys; ↑/↓ choose, Enter runs, Escape closes.
 */
export function CommandPalette({ open, commands, mac, onRun, onClose }: {
  open: boolean;
  commands: readonly TCommand[];
  mac: boolean;
  onRun: (id: TCommandId) => void;
  onClose: () => void;
}) {
  const [query, setQuery] = useState('');
  const [chosen, setChosen] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const shown = useMemo(() => {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    return commands.filter((cmd) => words.every((w) => `${cmd.label} ${cmd.category}`.toLowerCase().includes(w)));
  }, [commands, query]);

  useEffect(() => {
    if (!open) return;
    setQuery('');
    setChosen(0);
    requestAnimationFrame(() => input.current?.focus());
  }, [open]);

  const run = (cmd: TCommand | undefined) => {
    if (!cmd) return;
    onClose();
    onRun(cmd.id);
  };

  return (
    <Dialog size="lg" open={open} onClose={onClose} title="Command palette">
      <input
        ref={input}
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setChosen(0);
        }}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
            e.preventDefault();
            setChosen((i) => (shown.length ? (i + (e.key === 'ArrowDown' ? 1 : -1) + shown.length) % shown.length : 0));
          } else if (e.key === 'Enter') {
            e.preventDefault();
            run(shown[chosen]);
          }
        }}
        role="combobox"
        aria-expanded
        aria-controls="command-palette-list"
        aria-activedescendant={shown[chosen] ? `command-${shown[chosen].id}` : undefined}
        aria-label="Search commands"
        placeholder="Type to search commands"
        className="mb-2 w-full rounded-md border-0 px-3 py-2 text-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-indigo-500"
      />
      <ul id="command-palette-list" role="listbox" aria-label="Commands" className="max-h-80 overflow-y-auto" data-testid="command-palette">
        {shown.map((cmd, i) => (
          <li
            key={cmd.id}
            id={`command-${cmd.id}`}
            role="option"
            aria-selected={i === chosen}
            onMouseEnter={() => setChosen(i)}
            onClick={() => run(cmd)}
            className={`flex cursor-pointer items-center justify-between gap-3 rounded px-2 py-1.5 text-sm ${i === chosen ? 'bg-indigo-50 text-indigo-900' : 'text-slate-700'}`}
          >
            <span>
              {cmd.label}
              <span className="ml-2 text-xs text-slate-400">{cmd.category}</span>
            </span>
            <KeyCaps keys={[...cmd.commandKeys, ...cmd.editKeys.filter((k) => !cmd.commandKeys.includes(k))]} mac={mac} />
          </li>
        ))}
        {!shown.length && <li className="px-2 py-3 text-sm text-slate-500">No command matches “{query}”.</li>}
      </ul>
    </Dialog>
  );
}
