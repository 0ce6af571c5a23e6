'use client';

import { closeBrackets, closeBracketsKeymap } from '@codemirror/autocomplete';
import { indentWithTab } from '@codemirror/commands';
import { markdown } from '@codemirror/lang-markdown';
import { python } from '@codemirror/lang-python';
import { bracketMatching, indentUnit } from '@codemirror/language';
import { Compartment, EditorState, Prec } from '@codemirror/state';
import { EditorView, keymap, placeholder as placeholderExt } from '@codemirror/view';
import { minimalSetup } from 'codemirror';
import { useEffect, useRef } from 'react';

export interface TCellKeys {
  /** Shift+Enter: run and move to the next cell. */
  onRunAdvance?: () => void;
  /** Ctrl/Cmd+Enter: run and stay. */
  onRun?: () => void;
  /** Ctrl/Cmd+S. */
  onSave?: () => void;
  /** Escape: leave the editor (Markdown: show rendered). */
  onEscape?: () => void;
}

const theme = EditorView.theme({
  '&': { fontSize: '13px', backgroundColor: 'transparent' },
  '&.cm-focused': { outline: 'none' },
  '.cm-scroller': { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace', lineHeight: '1.5' },
  '.cm-content': { padding: '6px 0' },
  '.cm-line': { padding: '0 8px' },
});

/**
 * A CodeMirror 6 editor for one cell: Python or Markdown highlighting, Tab indents (4
 * spaces), and the notebook's run/save keys taking precedence over CodeMirror's own.
 */
export function CellEditor({ value, language, readOnly, focusSignal, placeholder, keys, onChange, onFocus }: {
  value: string;
  language: 'python' | 'markdown' | 'plain';
  readOnly: boolean;
  /** Changes to a new number whenever the notebook wants this editor focused. */
  focusSignal?: number;
  placeholder?: string;
  keys: TCellKeys;
  onChange: (value: string) => void;
  onFocus?: () => void;
}) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const callbacks = useRef({ keys, onChange, onFocus });
  callbacks.current = { keys, onChange, onFocus };
  const editable = useRef(new Compartment());
  /**
   * Texts this editor reported since the `value` prop last matched it. When typing outpaces
   * rendering, `value` arrives with an older one of these — an echo, not an outside change.
   */
  const echoes = useRef(new Set<string>());

  useEffect(() => {
    const run = (fn: keyof TCellKeys) => () => {
      const cb = callbacks.current.keys[fn];
      if (!cb) return false;
      cb();
      return true;
    };
    const notebookKeys = Prec.highest(
      keymap.of([
        { key: 'Shift-Enter', run: run('onRunAdvance') },
        { key: 'Mod-Enter', run: run('onRun') },
        { key: 'Mod-s', run: run('onSave'), preventDefault: true },
        { key: 'Escape', run: run('onEscape') },
      ]),
    );
    const lang = language === 'python' ? [python()] : language === 'markdown' ? [markdown(), EditorView.lineWrapping] : [EditorView.lineWrapping];
    const v = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: value,
        extensions: [
          notebookKeys,
          minimalSetup,
          indentUnit.of('    '),
          EditorState.tabSize.of(4),
          bracketMatching(),
          closeBrackets(),
          keymap.of([...closeBracketsKeymap, indentWithTab]),
          ...lang,
          theme,
          placeholder ? placeholderExt(placeholder) : [],
          editable.current.of([EditorState.readOnly.of(readOnly), EditorView.editable.of(!readOnly)]),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) {
              const text = u.state.doc.toString();
              echoes.current.add(text);
              callbacks.current.onChange(text);
            }
            if (u.focusChanged && u.view.hasFocus) callbacks.current.onFocus?.();
          }),
          EditorView.contentAttributes.of({ 'aria-label': language === 'markdown' ? 'Markdown cell' : 'Code cell' }),
        ],
      }),
    });
    view.current = v;
    return () => {
      v.destroy();
      view.current = null;
    };
    // The editor is created once per cell; later prop changes are applied below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [language]);

  // A value changed from outside (e.g. a reload) replaces the document.
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
    view.current?.dispatch({ effects: editable.current.reconfigure([EditorState.readOnly.of(readOnly), EditorView.editable.of(!readOnly)]) });
  }, [readOnly]);

  useEffect(() => {
    if (focusSignal && view.current && !view.current.hasFocus) view.current.focus();
  }, [focusSignal]);

  return <div ref={host} className="min-h-[2rem]" />;
}
