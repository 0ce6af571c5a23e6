import { Prec, StateEffect, StateField, type Extension } from '@codemirror/state';
import { EditorView, ViewPlugin, keymap, showTooltip, type Command, type Tooltip } from '@codemirror/view';
import type { TKernelHelp } from './kernel-help';
import { ansiToHtml } from './outputs/mime';

/** What the kernel said about the code at `pos`. */
interface TShownHelp {
  pos: number;
  text: string;
}

const showHelp = StateEffect.define<TShownHelp>();
const hideHelp = StateEffect.define<null>();

/** The open tooltip; it goes with any edit, a cursor that moves away, or Escape. */
const shownHelp = StateField.define<TShownHelp | null>({
  create: () => null,
  update(value, tr) {
    for (const e of tr.effects) {
      if (e.is(showHelp)) return e.value;
      if (e.is(hideHelp)) return null;
    }
    if (!value || tr.docChanged) return null;
    const { main } = tr.state.selection;
    return main.empty && main.head === value.pos ? value : null;
  },
  provide: (field) => showTooltip.from(field, (help) => (help ? helpTooltip(help) : null)),
});

function helpTooltip(help: TShownHelp): Tooltip {
  return {
    pos: help.pos,
    above: false,
    create() {
      const dom = document.createElement('div');
      dom.className = 'lattice-inspect-tooltip';
      dom.setAttribute('role', 'tooltip');
      const pre = document.createElement('pre');
      // ansi_up escapes the text's own <, > and & and adds only coloured spans: no markup from the kernel gets through.
      pre.innerHTML = ansiToHtml(help.text);
      dom.append(pre);
      return { dom };
    },
  };
}

/** The inspect request in flight, given up when the user types on, moves away, or the editor goes. */
const pendingInspect = ViewPlugin.fromClass(
  class {
    controller: AbortController | null = null;
    update(u: { docChanged: boolean; selectionSet: boolean }) {
      if (u.docChanged || u.selectionSet) this.cancel();
    }
    cancel() {
      this.controller?.abort();
      this.controller = null;
    }
    destroy() {
      this.cancel();
    }
  },
);

/** Shift+Tab: ask the kernel about the code at the cursor. Always handled, so it never dedents. */
function inspectAtCursor(help: () => TKernelHelp | null): Command {
  return (view) => {
    const pending = view.plugin(pendingInspect);
    const kernel = help();
    if (!pending || !kernel) return true;
    pending.cancel();
    const controller = new AbortController();
    pending.controller = controller;
    const asked = view.state;
    const pos = asked.selection.main.head;
    void kernel.inspect(asked.doc.toString(), pos, controller.signal).then((result) => {
      // A reply for text that has since changed, or a cursor that has moved, is dropped.
      if (controller.signal.aborted || view.state.doc !== asked.doc || view.state.selection.main.head !== pos) return;
      pending.controller = null;
      view.dispatch({ effects: result ? showHelp.of({ pos, text: result.text }) : hideHelp.of(null) });
    });
    return true;
  };
}

/** Escape closes the tooltip and goes no further (the notebook's Escape would leave the cell). */
const closeHelp: Command = (view) => {
  if (!view.state.field(shownHelp, false)) return false;
  view.dispatch({ effects: hideHelp.of(null) });
  return true;
};

const helpTheme = EditorView.baseTheme({
  '.lattice-inspect-tooltip': {
    maxHeight: '40vh',
    maxWidth: 'min(90ch, 90vw)',
    overflow: 'auto',
    padding: '6px 10px',
  },
  '.lattice-inspect-tooltip pre': {
    margin: '0',
    whiteSpace: 'pre-wrap',
    fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace',
    fontSize: '12px',
  },
});

/**
 * The kernel's help for a cell editor, JupyterLab 4 style: Shift+Tab shows the signature and
 * docstring of the name at the cursor in a tooltip below it (`.lattice-inspect-tooltip`,
 * `role="tooltip"`, scrollable). Shift+Tab is `Prec.high` so it beats an editor's dedent;
 * Escape is `Prec.highest` and handled only while the tooltip is open.
 */
export function inspectTooltip(help: () => TKernelHelp | null): Extension {
  return [
    shownHelp,
    pendingInspect,
    helpTheme,
    Prec.high(keymap.of([{ key: 'Shift-Tab', run: inspectAtCursor(help) }])),
    Prec.highest(keymap.of([{ key: 'Escape', run: closeHelp }])),
  ];
}
