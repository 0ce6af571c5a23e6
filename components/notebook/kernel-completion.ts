import {
  acceptCompletion,
  autocompletion,
  completionStatus,
  startCompletion,
  type Completion,
  type CompletionContext,
  type CompletionResult,
} from '@codemirror/autocomplete';
import { indentMore } from '@codemirror/commands';
import { Prec, type EditorState, type Extension } from '@codemirror/state';
import { keymap, type Command } from '@codemirror/view';
import { completionType, type TCompletionItem, type TKernelHelp } from './kernel-help';

/** A Python identifier character (Unicode letters and digits included) or an attribute dot. */
const COMPLETES_AFTER = /[\p{L}\p{N}_.]/u;
/** While the list is open, typing more of a name filters it instead of asking the kernel again. */
const NAME_SO_FAR = /^[\p{L}\p{N}_]*$/u;

/** JupyterLab's rule for Tab: complete after an identifier or `.` with a bare cursor; otherwise Tab indents. */
export function tabCompletes(state: EditorState): boolean {
  const { ranges, main } = state.selection;
  if (ranges.length !== 1 || !main.empty) return false;
  const line = state.doc.lineAt(main.head);
  if (main.head === line.from) return false;
  return COMPLETES_AFTER.test(state.sliceDoc(main.head - 1, main.head));
}

/** Tab: accept the open list's choice, else ask the kernel where Tab completes, else indent as `indentMore` does. */
const tab: Command = (view) => {
  const status = completionStatus(view.state);
  if (status === 'active') {
    acceptCompletion(view);
    return true;
  }
  // A request is on its way; indenting now would move the text under it.
  if (status === 'pending') return true;
  return tabCompletes(view.state) ? startCompletion(view) : indentMore(view);
};

function toOption(item: TCompletionItem): Completion {
  return {
    label: item.label,
    type: completionType(item.kind),
    // The kernel's own word, which JupyterLab users read beside each name.
    detail: item.kind ?? undefined,
    info: item.signature,
  };
}

/** The completion source: one `complete_request` per explicit start, aborted as soon as the user types on. */
function kernelSource(help: () => TKernelHelp | null) {
  return async (context: CompletionContext): Promise<CompletionResult | null> => {
    const kernel = help();
    if (!kernel) return null;
    const controller = new AbortController();
    // onDocChange: typing on gives the request up even where CodeMirror would wait for it and map its result.
    context.addEventListener('abort', () => controller.abort(), { onDocChange: true });
    const result = await kernel.complete(context.state.doc.toString(), context.pos, controller.signal);
    if (!result || context.aborted) return null;
    return { from: result.from, to: result.to, options: result.items.map(toOption), validFor: NAME_SO_FAR };
  };
}

/**
 * Kernel completion for a cell editor, JupyterLab 4 style: Tab (after a name or `.`) and
 * Ctrl+Space ask the kernel, nothing opens while typing, and Tab elsewhere indents. `help`
 * is read at each request, so the editor follows the notebook's kernel as it changes.
 * Its Tab binding is `Prec.high` to win over an editor's own Tab handling.
 */
export function kernelCompletion(help: () => TKernelHelp | null): Extension {
  return [
    autocompletion({
      override: [kernelSource(help)],
      activateOnTyping: false,
      // CodeMirror ignores Enter for 75 ms after a list opens, lest a list that popped up while
      // typing eat a newline. Here a list opens only when asked for, and any keystroke while the
      // request is out cancels it; so Enter takes the choice at once, as in JupyterLab.
      interactionDelay: 0,
    }),
    Prec.high(keymap.of([{ key: 'Tab', run: tab }])),
  ];
}
