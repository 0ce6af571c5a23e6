import { COMMANDS, type TCommandId } from './notebook-commands';

/**
 * Command-mode key handling: a key event named the way `COMMANDS` writes keys, and the
 * two-key sequences (D D, I I, 0 0) JupyterLab uses for what must not happen by accident.
 */

/** The physical key, so Shift+- is `-` (not `_`) and letters do not depend on Shift. */
function baseKey(e: Pick<KeyboardEvent, 'key' | 'code'>): string {
  if (/^Key[A-Z]$/.test(e.code)) return e.code.slice(3);
  if (/^Digit[0-9]$/.test(e.code)) return e.code.slice(5);
  if (e.code === 'Minus') return '-';
  return e.key.length === 1 ? e.key.toUpperCase() : e.key;
}

/** `Accel+Shift+C`, `Shift+ArrowUp`, `D`; null for a lone modifier. */
export function keyName(e: Pick<KeyboardEvent, 'key' | 'code' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey'>): string | null {
  if (['Shift', 'Control', 'Alt', 'Meta'].includes(e.key)) return null;
  const mods = [e.ctrlKey || e.metaKey ? 'Accel' : '', e.altKey ? 'Alt' : '', e.shiftKey ? 'Shift' : ''].filter(Boolean);
  return [...mods, baseKey(e)].join('+');
}

const BINDINGS: ReadonlyMap<string, TCommandId> = new Map(COMMANDS.flatMap((cmd) => cmd.commandKeys.map((k) => [k, cmd.id] as const)));
const PREFIXES: ReadonlySet<string> = new Set([...BINDINGS.keys()].filter((k) => k.includes(' ')).map((k) => k.split(' ')[0]!));

/** How long the second key of a sequence may wait, as in JupyterLab's keymap. */
export const SEQUENCE_TIMEOUT_MS = 1000;

export interface TKeyMatch {
  /** The command the keys name, if complete. */
  command: TCommandId | null;
  /** The first key of a sequence still waiting for its second. */
  pending: string | null;
  /** The key belongs to a binding (so the browser's default is prevented). */
  handled: boolean;
}

/** What one key does after `pending` (the first key of a sequence pressed just before, or null). */
export function matchKey(pending: string | null, key: string): TKeyMatch {
  if (pending) {
    const command = BINDINGS.get(`${pending} ${key}`);
    if (command) return { command, pending: null, handled: true };
  }
  const command = BINDINGS.get(key) ?? null;
  if (command) return { command, pending: null, handled: true };
  if (PREFIXES.has(key)) return { command: null, pending: key, handled: true };
  return { command: null, pending: null, handled: false };
}

/** Focus in something the user types into (a text field in an output, a dialog, an editor): command keys stay out. */
export function isEditableTarget(target: EventTarget | null): boolean {
  if (!target || typeof (target as Element).closest !== 'function') return false;
  const el = target as HTMLElement;
  if (el.isContentEditable) return true;
  if (el.closest('input, textarea, select, [contenteditable=""], [contenteditable="true"], dialog, [role=dialog], [role=search]')) return true;
  return false;
}
