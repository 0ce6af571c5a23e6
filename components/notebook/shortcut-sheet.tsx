'use client';

import { Dialog } from '@/components/ui/dialog';
import { KeyCaps } from './command-palette';
import type { TCategory, TCommand } from './notebook-commands';

const ORDER: TCategory[] = ['Mode', 'Run', 'Cells', 'Selection', 'Kernel', 'Notebook', 'View'];

/** H: every key binding, by category, in command mode and while editing. */
export function ShortcutSheet({ open, commands, mac, onClose }: { open: boolean; commands: readonly TCommand[]; mac: boolean; onClose: () => void }) {
  const bound = commands.filter((cmd) => cmd.commandKeys.length || cmd.editKeys.length);
  return (
    <Dialog size="lg" open={open} onClose={onClose} title="Keyboard shortcuts" description="Command mode (Esc) acts on cells; edit mode (Enter) types into the active cell. Two-key sequences are pressed one after the other.">
      <div className="max-h-[60vh] space-y-4 overflow-y-auto" data-testid="shortcut-sheet" tabIndex={0}>
        {ORDER.map((category) => {
          const rows = bound.filter((cmd) => cmd.category === category);
          if (!rows.length) return null;
          return (
            <table key={category} className="w-full text-sm">
              <caption className="mb-1 text-left text-xs font-semibold uppercase tracking-wide text-slate-500">{category}</caption>
              <thead className="sr-only">
                <tr><th>Command</th><th>Command mode</th><th>Edit mode</th></tr>
              </thead>
              <tbody>
                {rows.map((cmd) => (
                  <tr key={cmd.id} className="border-t border-slate-100">
                    <td className="py-1 pr-2 text-slate-700">{cmd.label}</td>
                    <td className="py-1"><KeyCaps keys={cmd.commandKeys} mac={mac} /></td>
                    <td className="py-1"><KeyCaps keys={cmd.editKeys} mac={mac} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          );
        })}
      </div>
    </Dialog>
  );
}
