import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { splitLines, toFileForm } from './multiline';
import { newNotebook } from './new-notebook';
import { FIXTURES, officialNotebookValidator } from '../../tests/helpers/nbformat-fixtures';
import { validateNotebook } from './validate-notebook';

const NOTEBOOKS = path.join(FIXTURES, 'notebooks');
const load = (name: string): Record<string, unknown> => JSON.parse(readFileSync(path.join(NOTEBOOKS, name), 'utf8'));

const official = officialNotebookValidator();

const ALL = readdirSync(NOTEBOOKS).filter((f) => f.endsWith('.ipynb'));
const REFUSED: Record<string, RegExp[]> = {
  'nbformat-invalid.ipynb': [/cells\[0\]: source is required/, /cells\[2\]: cell_type must be one of code, markdown, raw \(got "heading"/, /cells\[3\]\.outputs\[0\]: output_type must be one of execute_result, display_data, stream, error \(got "bad stream"\)/],
  'nbformat-invalid_cell_id.ipynb': [/cells\[0\]: id may only contain letters, digits/],
  'nbformat-test3.ipynb': [/^nbformat 3 notebooks are not supported; open and re-save it in Jupyter to upgrade to version 4\.$/],
};

describe('validateNotebook on every fixture notebook', () => {
  test('the fixture set is what this test expects', () => {
    assert.ok(ALL.length >= 13, `found ${ALL.length} fixtures`);
    for (const name of Object.keys(REFUSED)) assert.ok(ALL.includes(name), name);
  });

  for (const name of ALL) {
    if (REFUSED[name]) {
      test(`${name} is refused with a message naming the problem`, () => {
        const r = validateNotebook(load(name));
        assert.equal(r.ok, false);
        if (r.ok) return;
        for (const re of REFUSED[name]) assert.match(r.message, re);
      });
    } else {
      test(`${name} is accepted, normalised to a 4.5 notebook the official schema accepts`, () => {
        const r = validateNotebook(load(name));
        assert.ok(r.ok, r.ok ? '' : r.message);
        if (!r.ok) return;
        assert.equal(r.notebook.nbformat, 4);
        assert.equal(r.notebook.nbformat_minor, 5);
        const ids = r.notebook.cells.map((c) => c.id);
        assert.equal(new Set(ids).size, ids.length, 'cell ids are unique');
        assert.ok(official(r.notebook), JSON.stringify(official.errors?.slice(0, 3)));
        assert.ok(official(toFileForm(r.notebook)), 'the exported file form is valid too');
        // Normalising again changes nothing but is still accepted (what save does).
        const again = validateNotebook(JSON.parse(JSON.stringify(r.notebook)));
        assert.ok(again.ok);
        if (again.ok) assert.deepEqual(again.notebook, r.notebook);
      });
    }
  }

  test('the official schema also refuses the invalid fixtures (given the ids 4.5 requires)', () => {
    for (const name of ['nbformat-invalid.ipynb', 'nbformat-invalid_cell_id.ipynb']) {
      const raw = load(name);
      const cells = (raw.cells as Record<string, unknown>[]).map((c, i) => ({ id: `c${i}`, ...c }));
      assert.equal(official({ ...raw, nbformat_minor: 5, cells }), false, name);
    }
  });
});

describe('validateNotebook normalisation', () => {
  test('4.5 without ids gets ids; 4.0 is upgraded; multiline strings are joined', () => {
    const r = validateNotebook(load('nbformat-v4_5_no_cell_id.ipynb'));
    assert.ok(r.ok);
    if (!r.ok) return;
    assert.match(r.notebook.cells[0].id, /^[0-9a-f]{8}$/);
    assert.match(r.warnings.join(), /new ids were assigned/);
    const old = validateNotebook(load('nbformat-test4.ipynb'));
    assert.ok(old.ok);
    if (!old.ok) return;
    assert.match(old.warnings.join(), /Upgraded from nbformat 4\.0 to 4\.5/);
    const code = old.notebook.cells.find((c) => c.cell_type === 'code');
    assert.equal(typeof code?.source, 'string');
  });

  test('a notebook from a newer minor version keeps what 4.5 knows and says what was dropped', () => {
    const r = validateNotebook(load('nbformat-test4plus.ipynb'));
    assert.ok(r.ok);
    if (!r.ok) return;
    assert.equal(r.notebook.cells.length, 10, 'the "future cell" is dropped');
    assert.match(r.warnings.join(), /cells\[9\] \(cell_type "future cell"\)/);
    assert.match(r.warnings.join(), /cells\[0\]\.extra/);
  });

  test('duplicate cell ids are replaced', () => {
    const nb = newNotebook();
    nb.cells.push({ ...nb.cells[0] });
    const r = validateNotebook(nb);
    assert.ok(r.ok);
    if (r.ok) assert.notEqual(r.notebook.cells[0].id, r.notebook.cells[1].id);
  });

  test('splitLines keeps the text when joined back', () => {
    assert.deepEqual(splitLines('a\nb\n\nc'), ['a\n', 'b\n', '\n', 'c']);
    assert.deepEqual(splitLines(''), []);
    assert.deepEqual(splitLines('x\n'), ['x\n']);
  });
});

describe('messages a person can act on', () => {
  const cases: Array<[string, unknown, RegExp]> = [
    ['not an object', [], /expected a JSON object with "nbformat", "metadata" and "cells" \(got a list\)/],
    ['no nbformat', { cells: [] }, /nbformat is required/],
    ['nbformat 5', { nbformat: 5, nbformat_minor: 0, metadata: {}, cells: [] }, /nbformat 5 is newer/],
    ['cells not a list', { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: {} }, /cells must be a list \(got an object\)/],
    ['execution_count', { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ id: 'a', cell_type: 'code', metadata: {}, source: '', outputs: [], execution_count: 'one' }] }, /cells\[0\]: execution_count must be a whole number/],
    ['extra field', { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ id: 'a', cell_type: 'markdown', metadata: {}, source: '', outputs: [] }] }, /cells\[0\]: unexpected field "outputs"/],
    ['mime data', { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ id: 'a', cell_type: 'code', metadata: {}, source: '', execution_count: null, outputs: [{ output_type: 'display_data', metadata: {}, data: { 'text/plain': 5 } }] }] }, /cells\[0\]\.outputs\[0\]\.data\["text\/plain"\]: must be a string or a list of strings/],
    ['kernelspec', { nbformat: 4, nbformat_minor: 5, metadata: { kernelspec: { name: 'python3' } }, cells: [] }, /metadata\.kernelspec: display_name is required/],
    ['tags', { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ id: 'a', cell_type: 'raw', metadata: { tags: ['a,b'] }, source: '' }] }, /cells\[0\]\.metadata\.tags\[0\]: must be non-empty and contain no commas/],
  ];
  for (const [what, input, re] of cases) {
    test(what, () => {
      const r = validateNotebook(input);
      assert.equal(r.ok, false);
      if (!r.ok) assert.match(r.message, re);
    });
  }
});

describe('verdicts agree with the official schema on mutated notebooks', () => {
  type TMut = [string, (nb: any) => void];
  const mutations: TMut[] = [
    ['no mutation', () => undefined],
    ['source removed', (nb) => delete nb.cells[0].source],
    ['metadata removed', (nb) => delete nb.cells[0].metadata],
    ['unknown cell type', (nb) => (nb.cells[0].cell_type = 'heading')],
    ['extra top-level field', (nb) => (nb.extra = 1)],
    ['extra cell field', (nb) => (nb.cells[0].extra = 1)],
    ['bad id', (nb) => (nb.cells[0].id = 'has space')],
    ['id too long', (nb) => (nb.cells[0].id = 'x'.repeat(65))],
    ['source a number', (nb) => (nb.cells[0].source = 3)],
    ['source list with a number', (nb) => (nb.cells[0].source = ['a', 1])],
    ['tags duplicated', (nb) => (nb.cells[0].metadata.tags = ['a', 'a'])],
    ['metadata name empty', (nb) => (nb.cells[0].metadata.name = '')],
    ['kernelspec without name', (nb) => (nb.metadata.kernelspec = { display_name: 'x' })],
    ['language_info without name', (nb) => (nb.metadata.language_info = {})],
    ['code: execution_count -1', (nb) => firstCode(nb) && (firstCode(nb).execution_count = -1)],
    ['code: execution_count 1.5', (nb) => firstCode(nb) && (firstCode(nb).execution_count = 1.5)],
    ['code: outputs missing', (nb) => firstCode(nb) && delete firstCode(nb).outputs],
    ['code: attachments', (nb) => firstCode(nb) && (firstCode(nb).attachments = {})],
    ['code: scrolled "yes"', (nb) => firstCode(nb) && (firstCode(nb).metadata.scrolled = 'yes')],
    ['code: execution not strings', (nb) => firstCode(nb) && (firstCode(nb).metadata.execution = { 'iopub.status.busy': 1 })],
    ['output: bad type', (nb) => firstOutput(nb) && (firstOutput(nb).output_type = 'bad stream')],
    ['output: extra field', (nb) => firstOutput(nb) && (firstOutput(nb).transient = {})],
    ['output: json mime holds an object', (nb) => firstCode(nb)?.outputs.push({ output_type: 'display_data', metadata: {}, data: { 'application/vnd.x+json': { a: 1 } } })],
    ['output: text mime holds an object', (nb) => firstCode(nb)?.outputs.push({ output_type: 'display_data', metadata: {}, data: { 'text/html': { a: 1 } } })],
    ['output: stream without name', (nb) => firstCode(nb)?.outputs.push({ output_type: 'stream', text: 'x' })],
    ['output: error traceback string', (nb) => firstCode(nb)?.outputs.push({ output_type: 'error', ename: 'E', evalue: 'v', traceback: 'x' })],
    ['output: execute_result without count', (nb) => firstCode(nb)?.outputs.push({ output_type: 'execute_result', metadata: {}, data: {} })],
  ];
  const firstCode = (nb: any) => nb.cells.find((c: any) => c.cell_type === 'code');
  const firstOutput = (nb: any) => nb.cells.find((c: any) => c.cell_type === 'code' && c.outputs.length)?.outputs[0];

  for (const name of ['nbformat-test4.5.ipynb', 'nbconvert-notebook2.ipynb', 'nbconvert-attachment.ipynb', 'nbformat-many_tracebacks.ipynb']) {
    test(name, () => {
      const base = validateNotebook(load(name));
      assert.ok(base.ok);
      if (!base.ok) return;
      for (const [what, mutate] of mutations) {
        const nb: Record<string, unknown> = structuredClone(base.notebook);
        mutate(nb);
        const ours: boolean = validateNotebook(structuredClone(nb)).ok;
        const theirs: boolean = official(nb);
        assert.equal(ours, theirs, `${name} / ${what}: ours=${ours} official=${theirs}`);
      }
    });
  }
});
