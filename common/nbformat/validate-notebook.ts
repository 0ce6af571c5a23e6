import { z } from 'zod';
import { newCellId } from './cell-id';
import { joinBundle, joinMultiline } from './multiline';
import {
  CELL_SCHEMAS,
  CELL_TYPES,
  NBFORMAT_MAJOR,
  NBFORMAT_MINOR,
  OUTPUT_SCHEMAS,
  OUTPUT_TYPES,
  ZNotebookMetadata,
  type TCell,
  type TNotebook,
  type TOutput,
} from './schema';

export interface TValidNotebook {
  ok: true;
  /** Normalised to nbformat 4.5: every cell has a unique id, multiline strings are joined. */
  notebook: TNotebook;
  /** What was changed on the way in (upgrade, ids assigned, unknown future fields dropped). */
  warnings: string[];
}

export interface TInvalidNotebook {
  ok: false;
  /** One line per problem, each naming where it is: `cells[3].outputs[0]: output_type must be …`. */
  errors: string[];
  /** A one-paragraph summary to show a person. */
  message: string;
}

const MAX_ERRORS = 50;
const TOP_LEVEL_KEYS = new Set(['metadata', 'nbformat', 'nbformat_minor', 'cells']);

type TPath = ReadonlyArray<PropertyKey>;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'number') return `the number ${v}`;
  if (typeof v === 'string') return v.length > 40 ? 'a string' : `"${v}"`;
  if (typeof v === 'object') return 'an object';
  return typeof v;
}

const EXPECTED: Record<string, string> = {
  string: 'a string',
  int: 'a whole number',
  number: 'a number',
  object: 'an object',
  record: 'an object',
  array: 'a list',
  boolean: 'true or false',
  null: 'null',
};

/** `cells[3].outputs[0].data["text/plain"]` */
export function formatPath(path: TPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(String(seg))) out += out ? `.${String(seg)}` : String(seg);
    else out += `[${JSON.stringify(String(seg))}]`;
  }
  return out;
}

function valueAt(root: unknown, path: TPath): unknown {
  let v = root;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[seg as string];
  }
  return v;
}

/** "where: field what-is-wrong", e.g. `cells[0]: source is required`. */
function locate(path: TPath, problem: string): string {
  const last = path[path.length - 1];
  if (typeof last === 'string' && /^[A-Za-z_][A-Za-z0-9_.]*$/.test(last)) {
    const where = formatPath(path.slice(0, -1));
    return where ? `${where}: ${last} ${problem}` : `${last} ${problem}`;
  }
  const where = formatPath(path);
  return where ? `${where}: ${problem}` : problem;
}

/** One zod issue as a person reads it, located from `prefix` (`cells[3].metadata: collapsed must be true or false (got "true")`). */
export function describeIssue(issue: z.core.$ZodIssue, prefix: TPath, value: unknown): string {
  const path = [...prefix, ...issue.path];
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => `"${k}"`).join(', ');
    const where = formatPath(path);
    const what = `unexpected field${issue.keys.length > 1 ? 's' : ''} ${keys} (not part of nbformat 4.5)`;
    return where ? `${where}: ${what}` : what;
  }
  const got = valueAt(value, issue.path);
  if (got === undefined) return locate(path, 'is required');
  switch (issue.code) {
    case 'invalid_type':
      return locate(path, `must be ${EXPECTED[issue.expected] ?? issue.expected} (got ${typeName(got)})`);
    case 'invalid_value': {
      const allowed = issue.values.map((v) => JSON.stringify(v));
      return locate(path, `must be ${allowed.length === 1 ? allowed[0] : `one of ${allowed.join(', ')}`} (got ${typeName(got)})`);
    }
    case 'too_small':
      return issue.origin === 'number'
        ? locate(path, `must be ${String(issue.minimum)} or more (got ${typeName(got)})`)
        : locate(path, issue.message);
    default:
      return locate(path, issue.message);
  }
}

function fail(errors: string[]): TInvalidNotebook {
  const shown = errors.slice(0, 5);
  const more = errors.length > shown.length ? ` (and ${errors.length - shown.length} more)` : '';
  return { ok: false, errors, message: `This is not a valid nbformat 4 notebook: ${shown.join('; ')}${more}.` };
}

class Collector {
  readonly errors: string[] = [];
  /** Fields and items of a newer minor version that were dropped. */
  readonly dropped: string[] = [];

  add(message: string): void {
    if (this.errors.length < MAX_ERRORS) this.errors.push(message);
  }

  parse<S extends z.ZodType>(schema: S, value: unknown, prefix: TPath): z.infer<S> | undefined {
    const r = schema.safeParse(value);
    if (r.success) return r.data;
    for (const issue of r.error.issues) this.add(describeIssue(issue, prefix, value));
    return undefined;
  }

  /** In a notebook from a newer minor version, keys the 4.5 schema lacks are dropped, not refused. */
  stripUnknown(obj: Record<string, unknown>, known: Iterable<string>, prefix: TPath): Record<string, unknown> {
    const keep = new Set(known);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) {
      if (keep.has(k)) out[k] = v;
      else this.dropped.push(formatPath([...prefix, k]));
    }
    return out;
  }
}

function normaliseOutput(o: TOutput): TOutput {
  if (o.output_type === 'stream') return { ...o, text: joinMultiline(o.text) };
  if (o.output_type === 'error') return o;
  return { ...o, data: joinBundle(o.data) };
}

function normaliseCell(c: TCell): TCell {
  const source = joinMultiline(c.source);
  if (c.cell_type === 'code') return { ...c, source, outputs: c.outputs.map(normaliseOutput) };
  if (c.attachments) {
    return { ...c, source, attachments: Object.fromEntries(Object.entries(c.attachments).map(([k, b]) => [k, joinBundle(b)])) };
  }
  return { ...c, source };
}

function validateOutput(raw: unknown, prefix: TPath, future: boolean, col: Collector): TOutput | null | undefined {
  if (!isPlainObject(raw)) {
    col.add(`${formatPath(prefix)}: must be an object (got ${typeName(raw)})`);
    return undefined;
  }
  const type = raw.output_type;
  if (type === undefined) {
    col.add(`${formatPath(prefix)}: output_type is required`);
    return undefined;
  }
  if (typeof type !== 'string' || !(type in OUTPUT_SCHEMAS)) {
    if (future && typeof type === 'string') {
      col.dropped.push(`${formatPath(prefix)} (output_type "${type}")`);
      return null;
    }
    col.add(`${formatPath(prefix)}: output_type must be one of ${OUTPUT_TYPES.join(', ')} (got ${typeName(type)})`);
    return undefined;
  }
  const schema = OUTPUT_SCHEMAS[type as keyof typeof OUTPUT_SCHEMAS];
  const obj = future ? col.stripUnknown(raw, Object.keys(schema.shape), prefix) : raw;
  return col.parse(schema, obj, prefix) as TOutput | undefined;
}

function validateCell(raw: unknown, index: number, future: boolean, col: Collector): { cell: TCell; idAssigned: boolean } | null | undefined {
  const prefix: TPath = ['cells', index];
  if (!isPlainObject(raw)) {
    col.add(`${formatPath(prefix)}: must be an object (got ${typeName(raw)})`);
    return undefined;
  }
  const type = raw.cell_type;
  if (type === undefined) {
    col.add(`${formatPath(prefix)}: cell_type is required`);
    return undefined;
  }
  if (typeof type !== 'string' || !(type in CELL_SCHEMAS)) {
    if (future && typeof type === 'string') {
      col.dropped.push(`${formatPath(prefix)} (cell_type "${type}")`);
      return null;
    }
    const hint = type === 'heading' ? '; heading cells are from nbformat 3: use a Markdown cell starting with "#"' : '';
    col.add(`${formatPath(prefix)}: cell_type must be one of ${CELL_TYPES.join(', ')} (got ${typeName(type)}${hint})`);
    return undefined;
  }
  const schema = CELL_SCHEMAS[type as keyof typeof CELL_SCHEMAS];
  const obj = future ? col.stripUnknown(raw, Object.keys(schema.shape), prefix) : { ...raw };
  // nbformat < 4.5 has no cell ids, and 4.5 files written without them are common: assign one.
  const idAssigned = obj.id === undefined;
  if (idAssigned) obj.id = newCellId();

  let outputs: TOutput[] | undefined;
  if (type === 'code' && Array.isArray(obj.outputs)) {
    outputs = [];
    obj.outputs.forEach((o, j) => {
      const parsed = validateOutput(o, [...prefix, 'outputs', j], future, col);
      if (parsed) outputs!.push(parsed);
    });
    obj.outputs = [];
  }
  const cell = col.parse(schema, obj, prefix) as TCell | undefined;
  if (!cell) return undefined;
  if (cell.cell_type === 'code' && outputs) cell.outputs = outputs;
  return { cell, idAssigned };
}

/**
 * Checks a parsed `.ipynb` against nbformat 4 and normalises it to 4.5.
 * - 4.0–4.4: upgraded to 4.5, cell ids assigned; 4.5 without ids: ids assigned.
 * - 4.6+ (a newer minor version): fields and cell/output types unknown to 4.5 are dropped
 *   (as nbformat does for notebooks from the future), and the warnings say which.
 * - nbformat 3 and older, or 5+: refused.
 * Duplicate cell ids are repaired (later ones get new ids), as nbformat does.
 */
export function validateNotebook(input: unknown): TValidNotebook | TInvalidNotebook {
  if (!isPlainObject(input)) {
    return fail([`expected a JSON object with "nbformat", "metadata" and "cells" (got ${typeName(input)})`]);
  }
  const major = input.nbformat;
  if (major === undefined) return fail(['nbformat is required (this does not look like a Jupyter notebook file)']);
  if (typeof major !== 'number' || !Number.isInteger(major)) return fail([`nbformat must be a whole number (got ${typeName(major)})`]);
  if (major < NBFORMAT_MAJOR) {
    const message = `nbformat ${major} notebooks are not supported; open and re-save it in Jupyter to upgrade to version 4.`;
    return { ok: false, errors: [message], message };
  }
  if (major > NBFORMAT_MAJOR) {
    const message = `nbformat ${major} is newer than this platform supports (version 4).`;
    return { ok: false, errors: [message], message };
  }
  const minor = input.nbformat_minor;
  if (minor === undefined) return fail(['nbformat_minor is required']);
  if (typeof minor !== 'number' || !Number.isInteger(minor) || minor < 0) {
    return fail([`nbformat_minor must be a whole number, 0 or more (got ${typeName(minor)})`]);
  }
  const future = minor > NBFORMAT_MINOR;
  const col = new Collector();

  for (const key of Object.keys(input)) {
    if (TOP_LEVEL_KEYS.has(key)) continue;
    if (future) col.dropped.push(key);
    else col.add(`unexpected field "${key}" at the top level (not part of nbformat 4.5)`);
  }
  const metadata = col.parse(ZNotebookMetadata, input.metadata, ['metadata']);

  const cells: TCell[] = [];
  let idsAssigned = 0;
  if (input.cells === undefined) col.add('cells is required');
  else if (!Array.isArray(input.cells)) col.add(`cells must be a list (got ${typeName(input.cells)})`);
  else {
    input.cells.forEach((raw, i) => {
      const r = validateCell(raw, i, future, col);
      if (!r) return;
      cells.push(r.cell);
      if (r.idAssigned) idsAssigned++;
    });
  }
  if (col.errors.length || !metadata) return fail(col.errors);

  const warnings: string[] = [];
  const seen = new Set<string>();
  let repaired = 0;
  for (const cell of cells) {
    while (seen.has(cell.id)) {
      cell.id = newCellId();
      if (!seen.has(cell.id)) repaired++;
    }
    seen.add(cell.id);
  }
  if (minor < NBFORMAT_MINOR) warnings.push(`Upgraded from nbformat 4.${minor} to 4.5 (cell ids assigned).`);
  else if (idsAssigned) warnings.push(`${idsAssigned} cell${idsAssigned > 1 ? 's' : ''} had no id; new ids were assigned.`);
  if (repaired) warnings.push(`${repaired} duplicate cell id${repaired > 1 ? 's were' : ' was'} replaced.`);
  if (col.dropped.length) {
    warnings.push(`This notebook is nbformat 4.${minor}; parts that version 4.5 does not know were dropped: ${col.dropped.join(', ')}.`);
  }
  return {
    ok: true,
    notebook: { metadata, nbformat: NBFORMAT_MAJOR, nbformat_minor: NBFORMAT_MINOR, cells: cells.map(normaliseCell) },
    warnings,
  };
}
