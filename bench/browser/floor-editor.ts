/**
 * The floor of `bench:notebook`: one CodeMirror 6 editor alone on a page, built from the same
 * packages in node_modules and with the extensions a Lattice code cell has today
 * (components/notebook/cell-editor.tsx: minimalSetup, Python, 4-space indent, bracket
 * matching and closing, Tab indents). The document comes from the page's #doc JSON, so it is
 * the very text of the notebook cell it stands for.
 */
import { closeBrackets, closeBracketsKeymap } from '@codemirror/autocomplete';
import { indentWithTab } from '@codemirror/commands';
import { python } from '@codemirror/lang-python';
import { bracketMatching, indentUnit } from '@codemirror/language';
import { EditorState } from '@codemirror/state';
import { EditorView, keymap } from '@codemirror/view';
import { minimalSetup } from 'codemirror';

const doc = JSON.parse(document.getElementById('doc')?.textContent ?? '""') as string;
new EditorView({
  parent: document.getElementById('editor')!,
  state: EditorState.create({
    doc,
    extensions: [minimalSetup, indentUnit.of('    '), EditorState.tabSize.of(4), bracketMatching(), closeBrackets(), keymap.of([...closeBracketsKeymap, indentWithTab]), python()],
  }),
});
