'use client';

import { closeBrackets, closeBracketsKeymap, completionStatus } from '@codemirror/autocomplete';
import { markdown } from '@codemirror/lang-markdown';
import { python } from '@codemirror/lang-python';
import { bracketMatching, indentUnit } from '@codemirror/language';
import { Compartment, EditorSelection, EditorState, Prec, type Extension } from '@codemirror/state';
import { EditorView, keymap, lineNumbers, placeholder as placeholderExt } from '@codemirror/view';
import { minimalSetup } from 'codemirror';
import { memo, useEffect, useRef } from 'react';
import { inspectTooltip } from './inspect-tooltip';
import { kernelCompletion } from './kernel-completion';
import type { TKernelHelp } from './kernel-help';
import { COMMANDS, codeMirrorKey, type TCommandId } from './notebook-commands';
import { searchHighlight, setSearchMatches } from './search-highlight';

/** What the notebook hears from a cell's editor. */
export interface TEditorEvents {
  onChange(value: string): void;
  onFocus(): void;
  /** A notebook command pressed while editing, with the editor's selection (split needs it). */
  onCommand(id: TCommandId, selection: { from: number; to: number }): void;
  /** ↑ on the first line or ↓ on the last: the neighbouring cell takes the cursor. */
  onLeave(direction: 'up' | 'down'): void;
}

/** Focus this editor; `at` puts the cursor at the start or end (arriving from the cell below or above). */
export interface TFocusRequest {
  n: number;
  at?: 'start' | 'end';
}

export interface TSearchMarks {
  ranges: { from: number; to: number }[];
  current: number | null;
}

const theme = EditorView.theme({
  '&': { fontSize: '13px', backgroundColor: 'transparent' },
  '&.cm-focused': { outline: 'none' },
  '.cm-scroller': { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace', lineHeight: '1.5' },
  '.cm-content': { padding: '6px 0' },
  '.cm-line': { padding: '0 8px' },
  '.cm-gutters': { backgroundColor: 'transparent', border: 'none', color: '#94a3b8' },
});

const EDIT_BINDINGS = COMMANDS.flatMap((cmd) => cmd.editKeys.map((k) => ({ key: codeMirrorKey(k), id: cmd.id })));

const editable = (readOnly: boolean) => [EditorState.readOnly.of(readOnly), EditorView.editable.of(!readOnly)];

/**
 * A CodeMirror 6 editor for one cell: Python or Markdown highlighting, kernel completion on
 * Tab and help on Shift+Tab, the notebook's keys (JupyterLab's edit-mode keymap) ahead of
 * CodeMirror's own, and ↑/↓ at the edges moving to the neighbouring cell. Its text area is
 * out of the Tab order (tabindex -1): keyboard users reach it with Enter from command mode,
 * so Tab never traps them in a cell.
 */
export const CellEditor = memo(function CellEditor({ value, language, readOnly, focus, placeholder, label, lineNumbers: showLineNumbers, search, help, events }: {
  value: string;
  language: 'python' | 'markdown' | 'plain';
  readOnly: boolean;
  focus?: TFocusRequest;
  placeholder?: string;
  label: string;
  lineNumbers: boolean;
  search?: TSearchMarks;
  /** The kernel's completion and inspection; null for viewers and non-code cells. */
  help: (() => TKernelHelp | null) | null;
  events: TEditorEvents;
}) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const eventsRef = useRef(events);
  eventsRef.current = events;
  const compartments = useRef({ editable: new Compartment(), gutter: new Compartment() });
  /**
   * Texts this editor reported since the `value` prop last matched it. When typing outpaces
   * rendering, `value` arrives with an older one of these — an echo, not an outside change.
   */
  const echoes = useRef(new Set<string>());
  /**
   * The text not yet reported to the notebook. Typing reports after the frame that shows the
   * key is painted, so the notebook's render never delays that paint (bench/notebook-editor.ts);
   * anything that reads the model — a command, leaving the cell, blur — reports it first.
   */
  const unreported = useRef<string | null>(null);
  const report = useRef(() => {
    const text = unreported.current;
    if (text === null) return;
    unreported.current = null;
    eventsRef.current.onChange(text);
  });

  useEffect(() => {
    const selection = (v: EditorView) => ({ from: v.state.selection.main.from, to: v.state.selection.main.to });
    const edge = (direction: 'up' | 'down') => (v: EditorView) => {
      const { main } = v.state.selection;
      if (!main.empty || completionStatus(v.state) !== null) return false;
      const line = v.state.doc.lineAt(main.head);
      if (direction === 'up' ? line.number !== 1 : line.number !== v.state.doc.lines) return false;
      // Within a wrapped first/last line, ↑/↓ first move between its visual lines.
      if (v.lineWrapping) {
        const here = v.coordsAtPos(main.head);
        const end = v.coordsAtPos(direction === 'up' ? line.from : line.to);
        if (here && end && Math.abs(here.top - end.top) > 1) return false;
      }
      report.current();
      eventsRef.current.onLeave(direction);
      return true;
    };
    const notebookKeys = Prec.highest(
      keymap.of([
        ...EDIT_BINDINGS.map(({ key, id }) => ({
          key,
          preventDefault: true,
          run: (v: EditorView) => {
            // An open completion list owns Escape (it closes the list first, as in JupyterLab).
            if (key === 'Escape' && completionStatus(v.state) !== null) return false;
            report.current();
            eventsRef.current.onCommand(id, selection(v));
            return true;
          },
        })),
        { key: 'ArrowUp', run: edge('up') },
        { key: 'ArrowDown', run: edge('down') },
      ]),
    );
    const lang = language === 'python' ? [python()] : language === 'markdown' ? [markdown(), EditorView.lineWrapping] : [EditorView.lineWrapping];
    const kernel: Extension = help ? Prec.highest([kernelCompletion(help), inspectTooltip(help)]) : [];
    const v = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: value,
        extensions: [
          kernel,
          notebookKeys,
          minimalSetup,
          indentUnit.of('    '),
          EditorState.tabSize.of(4),
          bracketMatching(),
          closeBrackets(),
          keymap.of(closeBracketsKeymap),
          ...lang,
          theme,
          searchHighlight(),
          compartments.current.gutter.of(showLineNumbers ? lineNumbers() : []),
          placeholder ? placeholderExt(placeholder) : [],
          compartments.current.editable.of(editable(readOnly)),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) {
              const text = u.state.doc.toString();
              echoes.current.add(text);
              if (unreported.current === null) requestAnimationFrame(() => setTimeout(() => report.current()));
              unreported.current = text;
            }
            if (u.focusChanged) {
              if (u.view.hasFocus) eventsRef.current.onFocus();
              else report.current();
            }
          }),
          EditorView.contentAttributes.of({ 'aria-label': label, tabindex: '-1' }),
        ],
      }),
    });
    view.current = v;
    return () => {
      report.current();
      v.destroy();
      view.current = null;
    };
    // The editor is created once per cell and language; later prop changes are applied below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [language, help === null]);

  // A value changed from outside (a reload, find/replace) replaces the document.
  useEffect(() => {
    const v = view.current;
    if (!v) return;
    const doc = v.state.doc.toString();
    if (doc === value) echoes.current.clear();
    else if (!echoes.current.has(value)) {
      echoes.current.clear();
      v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
    }
  }, [value]);

  useEffect(() => {
    view.current?.dispatch({ effects: compartments.current.editable.reconfigure(editable(readOnly)) });
  }, [readOnly]);

  useEffect(() => {
    view.current?.dispatch({ effects: compartments.current.gutter.reconfigure(showLineNumbers ? lineNumbers() : []) });
  }, [showLineNumbers]);

  useEffect(() => {
    view.current?.dispatch({ effects: setSearchMatches.of(search ?? { ranges: [], current: null }) });
    const current = search?.current !== null && search?.current !== undefined ? search.ranges[search.current] : undefined;
    if (current && view.current) view.current.dispatch({ effects: EditorView.scrollIntoView(current.from, { y: 'nearest' }) });
  }, [search]);

  useEffect(() => {
    const v = view.current;
    if (!focus || !v) return;
    if (focus.at) v.dispatch({ selection: EditorSelection.cursor(focus.at === 'start' ? 0 : v.state.doc.length) });
    if (!v.hasFocus) v.focus();
  }, [focus]);

  return <div ref={host} className="min-h-[2rem]" />;
});
