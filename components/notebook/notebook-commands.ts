/**
 * Every notebook command with its JupyterLab 4 default keys: the one list the command-mode
 * keymap, the edit-mode keymap, the palette (Ctrl/Cmd+Shift+C) and the shortcut sheet (H)
 * are built from, so what they show is what the keys do.
 */
export type TCommandId =
  | 'run-advance' | 'run' | 'run-insert' | 'run-all' | 'run-above' | 'run-below' | 'restart-run-all' | 'restart-run-to-here'
  | 'insert-above' | 'insert-below' | 'insert-markdown-below' | 'cut' | 'copy' | 'paste-below' | 'paste-above' | 'delete' | 'undo' | 'redo'
  | 'to-code' | 'to-markdown' | 'to-raw' | 'heading-1' | 'heading-2' | 'heading-3' | 'heading-4' | 'heading-5' | 'heading-6'
  | 'merge' | 'split' | 'move-up' | 'move-down'
  | 'select-up' | 'select-down' | 'extend-up' | 'extend-down' | 'select-all'
  | 'edit' | 'command-mode'
  | 'interrupt' | 'restart' | 'shutdown' | 'clear-outputs' | 'clear-all-outputs' | 'collapse-outputs' | 'expand-outputs' | 'toggle-output-scrolling' | 'toggle-execution-time'
  | 'palette' | 'shortcuts' | 'find' | 'save' | 'toggle-line-numbers' | 'toggle-input' | 'toggle-outline' | 'toggle-full-width';

export type TCategory = 'Run' | 'Cells' | 'Selection' | 'Mode' | 'Kernel' | 'Notebook' | 'View';

export interface TCommand {
  id: TCommandId;
  label: string;
  category: TCategory;
  /** Keys in command mode, as `keyName` writes them (`A`, `D D`, `Shift+ArrowUp`, `Accel+Enter`). */
  commandKeys: readonly string[];
  /** Keys while editing a cell (CodeMirror key names are derived from these). */
  editKeys: readonly string[];
  /** Changes the notebook: hidden from viewers. */
  edits?: boolean;
  /** Needs a kernel the user may run code on. */
  runs?: boolean;
  /** Asks before it acts (restarts lose the kernel's state). */
  confirm?: string;
  /** The confirming button's label (default "Restart"). */
  confirmLabel?: string;
}

const c = (id: TCommandId, label: string, category: TCategory, commandKeys: string[], editKeys: string[] = [], more: Partial<TCommand> = {}): TCommand => ({
  id, label, category, commandKeys, editKeys, ...more,
});

export const COMMANDS: readonly TCommand[] = [
  c('run-advance', 'Run cell and select next', 'Run', ['Shift+Enter'], ['Shift+Enter'], { edits: true }),
  c('run', 'Run cell', 'Run', ['Accel+Enter'], ['Accel+Enter'], { edits: true }),
  c('run-insert', 'Run cell and insert below', 'Run', ['Alt+Enter'], ['Alt+Enter'], { edits: true }),
  c('run-all', 'Run all cells', 'Run', [], [], { runs: true, edits: true }),
  c('run-above', 'Run all above selected cell', 'Run', [], [], { runs: true, edits: true }),
  c('run-below', 'Run selected cell and all below', 'Run', [], [], { runs: true, edits: true }),
  c('restart-run-all', 'Restart kernel and run all cells…', 'Run', [], [], { runs: true, edits: true, confirm: 'Restart the kernel and run every cell? Variables in the kernel are lost.' }),
  c('restart-run-to-here', 'Restart kernel and run up to selected cell…', 'Run', [], [], { runs: true, edits: true, confirm: 'Restart the kernel and run every cell up to the selected one? Variables in the kernel are lost.' }),
  c('insert-above', 'Insert cell above', 'Cells', ['A'], [], { edits: true }),
  c('insert-below', 'Insert cell below', 'Cells', ['B'], [], { edits: true }),
  c('insert-markdown-below', 'Insert Markdown cell below', 'Cells', [], [], { edits: true }),
  c('cut', 'Cut cells', 'Cells', ['X'], [], { edits: true }),
  c('copy', 'Copy cells', 'Cells', ['C'], []),
  c('paste-below', 'Paste cells below', 'Cells', ['V'], [], { edits: true }),
  c('paste-above', 'Paste cells above', 'Cells', ['Shift+V'], [], { edits: true }),
  c('delete', 'Delete cells', 'Cells', ['D D'], [], { edits: true }),
  c('undo', 'Undo cell action', 'Cells', ['Z'], [], { edits: true }),
  c('redo', 'Redo cell action', 'Cells', ['Shift+Z'], [], { edits: true }),
  c('to-code', 'Change to code cell', 'Cells', ['Y'], [], { edits: true }),
  c('to-markdown', 'Change to Markdown cell', 'Cells', ['M'], [], { edits: true }),
  c('to-raw', 'Change to raw cell', 'Cells', ['R'], [], { edits: true }),
  ...([1, 2, 3, 4, 5, 6] as const).map((n) => c(`heading-${n}`, `Change to heading ${n}`, 'Cells', [String(n)], [], { edits: true })),
  c('merge', 'Merge selected cells', 'Cells', ['Shift+M'], [], { edits: true }),
  c('split', 'Split cell at cursor', 'Cells', [], ['Accel+Shift+-'], { edits: true }),
  c('move-up', 'Move cells up', 'Cells', ['Accel+Shift+ArrowUp'], ['Accel+Shift+ArrowUp'], { edits: true }),
  c('move-down', 'Move cells down', 'Cells', ['Accel+Shift+ArrowDown'], ['Accel+Shift+ArrowDown'], { edits: true }),
  c('select-up', 'Select cell above', 'Selection', ['ArrowUp', 'K'], []),
  c('select-down', 'Select cell below', 'Selection', ['ArrowDown', 'J'], []),
  c('extend-up', 'Extend selection above', 'Selection', ['Shift+ArrowUp', 'Shift+K'], []),
  c('extend-down', 'Extend selection below', 'Selection', ['Shift+ArrowDown', 'Shift+J'], []),
  c('select-all', 'Select all cells', 'Selection', ['Accel+A'], []),
  c('edit', 'Edit cell (edit mode)', 'Mode', ['Enter'], []),
  c('command-mode', 'Leave the editor (command mode)', 'Mode', [], ['Escape', 'Accel+M']),
  c('interrupt', 'Interrupt kernel', 'Kernel', ['I I'], [], { runs: true }),
  c('restart', 'Restart kernel…', 'Kernel', ['0 0'], [], { runs: true, confirm: 'Restart the kernel? Variables in the kernel are lost; outputs stay.' }),
  c('shutdown', 'Shut down kernel…', 'Kernel', [], [], {
    runs: true,
    confirm: 'Shut down the kernel? Variables in the kernel are lost; outputs stay. It stops costing now, and the next run starts a new kernel.',
    confirmLabel: 'Shut down',
  }),
  c('clear-outputs', 'Clear cell outputs', 'Cells', [], [], { edits: true }),
  c('clear-all-outputs', 'Clear all outputs', 'Notebook', [], [], { edits: true }),
  c('collapse-outputs', 'Collapse selected outputs', 'View', [], []),
  c('expand-outputs', 'Expand selected outputs', 'View', [], []),
  c('toggle-output-scrolling', 'Toggle output scrolling', 'View', [], []),
  c('toggle-execution-time', 'Show or hide execution times', 'View', [], []),
  c('palette', 'Command palette', 'Notebook', ['Accel+Shift+C'], ['Accel+Shift+C']),
  c('shortcuts', 'Keyboard shortcuts', 'Notebook', ['H'], []),
  c('find', 'Find and replace', 'Notebook', ['Accel+F'], ['Accel+F']),
  c('save', 'Save notebook', 'Notebook', ['Accel+S'], ['Accel+S'], { edits: true }),
  c('toggle-line-numbers', 'Show or hide line numbers', 'View', ['Shift+L'], []),
  c('toggle-input', 'Collapse or expand cell input', 'View', [], []),
  c('toggle-outline', 'Show or hide the table of contents', 'View', [], []),
  c('toggle-full-width', 'Use the full width of the window', 'View', [], []),
];

export const COMMANDS_BY_ID: ReadonlyMap<TCommandId, TCommand> = new Map(COMMANDS.map((cmd) => [cmd.id, cmd]));

/** How a key reads on screen: `Accel` is ⌘ on a Mac and Ctrl elsewhere. */
export function displayKeys(keys: string, mac: boolean): string {
  return keys
    .split(' ')
    .map((chord) => chord.replace('Accel', mac ? '⌘' : 'Ctrl').replace('ArrowUp', '↑').replace('ArrowDown', '↓'))
    .join(' ');
}

/**
 * `Accel+Shift+ArrowUp` → CodeMirror's `Mod-Shift-ArrowUp`. Letters go lower case: CodeMirror
 * matches a letter with Ctrl/Cmd by its unshifted key (`Mod-Shift-c`); `Mod-C` would never fire.
 */
export function codeMirrorKey(keys: string): string {
  const parts = keys.replace('Accel', 'Mod').split('+');
  const last = parts.pop()!;
  return [...parts, /^[A-Z]$/.test(last) ? last.toLowerCase() : last].join('-');
}
