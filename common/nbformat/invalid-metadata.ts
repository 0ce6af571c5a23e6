import { z } from 'zod';
import { describeIssue } from './validate-notebook';
import { CELL_SCHEMAS, ZNotebookMetadata, type TNotebook, type TNotebookMetadata } from './schema';

/**
 * Notebooks whose cells are sound but whose metadata fails the nbformat schema (a kernelspec
 * without display_name, `"collapsed": "true"`, `"tags": "slow"`) are common in the wild;
 * JupyterLab opens them with a warning. Lattice does too: on import and save, each invalid
 * metadata field is taken out of its place and kept aside, with what is wrong with it, under
 * the notebook metadata's `lattice_invalid_metadata` — so what is stored always satisfies the
 * schema (the editor's types hold) and nothing is lost. The editor lists the problems and
 * offers `repairMetadata`: each value kept aside is coerced where its meaning is clear
 * ("true" → true, "slow" → ["slow"], a language name → `{name}`, a missing display_name →
 * the kernel's name) and put back, and dropped otherwise, as nbformat's
 * `validate(..., strip_invalid_metadata=True)` drops it.
 */

export const INVALID_METADATA_KEY = 'lattice_invalid_metadata';

export const ZMetadataProblem = z.object({
  /** The cell's id, or absent for the notebook's own metadata. */
  cell: z.string().optional(),
  /** Where in that metadata object the value was. */
  path: z.array(z.string()).min(1),
  value: z.unknown(),
  /** What is wrong, located as the notebook was when it arrived. */
  problem: z.string(),
});
export type TMetadataProblem = z.infer<typeof ZMetadataProblem>;

/** A problem found before cell ids are final: which cell by its position. */
type TFoundProblem = Omit<TMetadataProblem, 'cell'> & { cellIndex?: number };

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

type TShape = Record<string, z.ZodType>;

/** A field schema's object shape (optional unwrapped), when it is an object schema. */
function shapeOf(schema: z.ZodType): TShape | null {
  let s: z.ZodType = schema;
  if (s instanceof z.ZodOptional) s = s.unwrap() as z.ZodType;
  return s instanceof z.ZodObject ? (s.shape as TShape) : null;
}

/**
 * Removes from `metadata` (a copy) every field of `shape` whose value fails its schema and
 * returns them. An object field is checked field by field first, so only its bad parts go;
 * if it still fails (a required part missing), the whole field goes.
 */
function takeInvalid(metadata: Record<string, unknown>, shape: TShape, prefix: (string | number)[], path: string[]): { kept: Record<string, unknown>; found: TFoundProblem[] } {
  const kept = { ...metadata };
  const found: TFoundProblem[] = [];
  for (const [key, schema] of Object.entries(shape)) {
    const value = kept[key];
    if (value === undefined || schema.safeParse(value).success) continue;
    const inner = shapeOf(schema);
    if (inner && isPlainObject(value)) {
      const sub = takeInvalid(value, inner, [...prefix, key], [...path, key]);
      if (schema.safeParse(sub.kept).success) {
        found.push(...sub.found);
        kept[key] = sub.kept;
        continue;
      }
    }
    const issues = schema.safeParse(value).error?.issues ?? [];
    found.push({ path: [...path, key], value, problem: issues.map((i) => describeIssue(i, [...prefix, key], value)).join('; ') });
    delete kept[key];
  }
  return { kept, found };
}

/**
 * Takes invalid metadata fields out of a parsed `.ipynb` (before `validateNotebook`), so a
 * notebook whose only problems are in metadata validates. Anything that is not metadata is
 * left for `validateNotebook` to accept or refuse.
 */
export function setAsideInvalidMetadata(input: unknown): { input: unknown; found: TFoundProblem[] } {
  if (!isPlainObject(input)) return { input, found: [] };
  const found: TFoundProblem[] = [];
  const out: Record<string, unknown> = { ...input };
  if (isPlainObject(input.metadata)) {
    const r = takeInvalid(input.metadata, ZNotebookMetadata.shape as TShape, ['metadata'], []);
    out.metadata = r.kept;
    found.push(...r.found);
  }
  if (Array.isArray(input.cells)) {
    out.cells = input.cells.map((cell: unknown, i) => {
      if (!isPlainObject(cell) || !isPlainObject(cell.metadata) || typeof cell.cell_type !== 'string' || !(cell.cell_type in CELL_SCHEMAS)) return cell;
      const schema = CELL_SCHEMAS[cell.cell_type as keyof typeof CELL_SCHEMAS];
      const r = takeInvalid(cell.metadata, schema.shape.metadata.shape as TShape, ['cells', i, 'metadata'], []);
      if (!r.found.length) return cell;
      found.push(...r.found.map((f) => ({ ...f, cellIndex: i })));
      return { ...cell, metadata: r.kept };
    });
  }
  return { input: out, found };
}

/** The problems kept aside in a notebook's metadata (an unreadable record counts as none). */
export function metadataProblems(metadata: TNotebookMetadata): TMetadataProblem[] {
  const parsed = z.array(ZMetadataProblem).safeParse(metadata[INVALID_METADATA_KEY]);
  return parsed.success ? parsed.data : [];
}

/** The validated notebook with what was set aside recorded in its metadata (added to any earlier record). */
export function recordSetAside(notebook: TNotebook, found: TFoundProblem[]): TNotebook {
  if (!found.length) return notebook;
  const problems: TMetadataProblem[] = found.map(({ cellIndex, ...p }) => (cellIndex === undefined ? p : { ...p, cell: notebook.cells[cellIndex]?.id }));
  return { ...notebook, metadata: { ...notebook.metadata, [INVALID_METADATA_KEY]: [...metadataProblems(notebook.metadata), ...problems] } };
}

/** The warning shown on import. */
export function setAsideWarning(found: readonly TFoundProblem[]): string {
  return `Metadata that fails the nbformat schema was kept aside (open the notebook to repair it): ${found.map((f) => f.problem).join('; ')}.`;
}

const TRUE = new Set(['true', 'yes', '1', 'on']);
const FALSE = new Set(['false', 'no', '0', 'off']);

/** What a kept-aside value may have meant, most literal first. */
function readings(value: unknown): unknown[] {
  const out: unknown[] = [];
  if (typeof value === 'string') {
    const s = value.trim().toLowerCase();
    if (TRUE.has(s)) out.push(true);
    if (FALSE.has(s)) out.push(false);
    out.push(value.split(',').map((t) => t.trim()).filter(Boolean));
    out.push({ name: value });
  }
  if (typeof value === 'number' && (value === 0 || value === 1)) out.push(value === 1);
  if (Array.isArray(value)) out.push([...new Set(value.filter((t): t is string => typeof t === 'string' && t !== '' && !t.includes(',')))]);
  if (isPlainObject(value) && typeof value.name === 'string' && value.display_name === undefined) out.push({ ...value, display_name: value.name });
  return out;
}

function fieldSchema(shape: TShape, path: readonly string[]): z.ZodType | null {
  let current: TShape | null = shape;
  let schema: z.ZodType | null = null;
  for (const key of path) {
    schema = current?.[key] ?? null;
    if (!schema) return null;
    current = shapeOf(schema);
  }
  return schema;
}

function setAt(metadata: Record<string, unknown>, path: readonly string[], value: unknown): Record<string, unknown> {
  const [key, ...rest] = path;
  if (!rest.length) return { ...metadata, [key!]: value };
  const inner = isPlainObject(metadata[key!]) ? (metadata[key!] as Record<string, unknown>) : {};
  return { ...metadata, [key!]: setAt(inner, rest, value) };
}

/** How a problem was resolved, for the message after a repair. */
export interface TRepairOutcome {
  problem: TMetadataProblem;
  action: 'coerced' | 'dropped';
}

/**
 * Puts each kept-aside value back coerced where a reading of it satisfies the schema, drops
 * it otherwise, and removes the record. `cellType(id)` says which cell schema applies (null:
 * the cell is gone, its problems are dropped).
 */
export function repairMetadata(
  notebookMetadata: TNotebookMetadata,
  cellMetadata: (id: string) => { cellType: keyof typeof CELL_SCHEMAS; metadata: Record<string, unknown> } | null,
): { notebook: TNotebookMetadata; cells: Map<string, Record<string, unknown>>; outcomes: TRepairOutcome[] } {
  const { [INVALID_METADATA_KEY]: _record, ...rest } = notebookMetadata;
  let notebook: Record<string, unknown> = rest;
  const cells = new Map<string, Record<string, unknown>>();
  const outcomes: TRepairOutcome[] = [];
  for (const problem of metadataProblems(notebookMetadata)) {
    const target = problem.cell === undefined ? { shape: ZNotebookMetadata.shape as TShape, metadata: notebook } : null;
    const cell = problem.cell !== undefined ? cellMetadata(problem.cell) : null;
    const shape = target?.shape ?? (cell ? (CELL_SCHEMAS[cell.cellType].shape.metadata.shape as TShape) : null);
    const current = target?.metadata ?? (problem.cell !== undefined ? (cells.get(problem.cell) ?? cell?.metadata) : undefined);
    const schema = shape ? fieldSchema(shape, problem.path) : null;
    const fixed = schema ? readings(problem.value).find((v) => schema.safeParse(v).success) : undefined;
    if (fixed === undefined || !current) {
      outcomes.push({ problem, action: 'dropped' });
      continue;
    }
    const next = setAt(current, problem.path, fixed);
    if (problem.cell === undefined) notebook = next;
    else cells.set(problem.cell, next);
    outcomes.push({ problem, action: 'coerced' });
  }
  return { notebook: notebook as TNotebookMetadata, cells, outcomes };
}
