import { toBase64 } from './widget-buffers';
import { WIDGET_STATE_MIME, WIDGET_VIEW_MIME, type TBinary } from './widget-protocol';
import { ZWidgetState, type TWidgetBuffer, type TWidgetModelState, type TWidgetState } from './widget-schemas';

/**
 * Widget models as plain JSON, kept from the kernel's comm messages the way JupyterLab's
 * manager keeps them, in the form a notebook saves (`metadata.widgets`): each model's state,
 * with its binary values in base64 at their paths.
 */

type TPath = (string | number)[];

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isPath(p: unknown): p is TPath {
  return Array.isArray(p) && p.every((k) => typeof k === 'string' || typeof k === 'number');
}

/** The binary values of a message, each at its place in `buffer_paths` (the n-th path is the n-th buffer's). */
function binaryValues(paths: unknown, buffers: readonly TBinary[]): TWidgetBuffer[] {
  if (!Array.isArray(paths)) return [];
  return paths.flatMap((path, i) => (isPath(path) && buffers[i] ? [{ path, encoding: 'base64' as const, data: toBase64(buffers[i]) }] : []));
}

/** A model as the kernel opens its comm (`comm_open` data: `state` and `buffer_paths`); null for anything that is not a widget. */
export function modelFromCommOpen(data: unknown, buffers: readonly TBinary[] = []): TWidgetModelState | null {
  if (!isRecord(data) || !isRecord(data.state)) return null;
  const { _model_name, _model_module, _model_module_version } = data.state;
  if (typeof _model_name !== 'string' || typeof _model_module !== 'string' || typeof _model_module_version !== 'string') return null;
  const values = binaryValues(data.buffer_paths, buffers);
  return {
    model_name: _model_name,
    model_module: _model_module,
    model_module_version: _model_module_version,
    state: { ...data.state },
    ...(values.length ? { buffers: values } : {}),
  };
}

/**
 * A model after one of its comm messages: `update` and `echo_update` replace the attributes
 * they carry (a binary value sent before at an attribute they replace is dropped); other
 * methods (`custom`) leave it as it was.
 */
export function applyCommMessage(model: TWidgetModelState, data: unknown, buffers: readonly TBinary[] = []): TWidgetModelState {
  if (!isRecord(data) || (data.method !== 'update' && data.method !== 'echo_update') || !isRecord(data.state)) return model;
  const changed = new Set(Object.keys(data.state));
  const values = binaryValues(data.buffer_paths, buffers);
  for (const v of values) changed.add(String(v.path[0]));
  const kept = (model.buffers ?? []).filter((b) => !changed.has(String(b.path[0])));
  const all = [...kept, ...values];
  const { buffers: _old, ...rest } = model;
  return { ...rest, state: { ...model.state, ...data.state }, ...(all.length ? { buffers: all } : {}) };
}

/** The models in the form the notebook's metadata saves them. */
export function toWidgetState(models: ReadonlyMap<string, TWidgetModelState>): TWidgetState {
  return { version_major: 2, version_minor: 0, state: Object.fromEntries(models) };
}

/** The widget state a notebook carries (saved here or by JupyterLab); null when it has none or it is malformed. */
export function savedWidgetState(metadata: Record<string, unknown>): TWidgetState | null {
  const widgets = metadata.widgets;
  if (!isRecord(widgets)) return null;
  const parsed = ZWidgetState.safeParse(widgets[WIDGET_STATE_MIME]);
  return parsed.success ? parsed.data : null;
}

/**
 * The models a kernel reports on its control comm (`update_states`, ipywidgets 8's answer to
 * `request_states`: every live widget, with binary values at paths `[model_id, 'state', …]`),
 * for a page that connects to a kernel whose widgets were made before it opened.
 */
export function modelsFromStates(data: unknown, buffers: readonly TBinary[] = []): Map<string, TWidgetModelState> {
  const models = new Map<string, TWidgetModelState>();
  if (!isRecord(data) || data.method !== 'update_states' || !isRecord(data.states)) return models;
  const paths = Array.isArray(data.buffer_paths) ? data.buffer_paths : [];
  for (const [id, entry] of Object.entries(data.states)) {
    if (!isRecord(entry)) continue;
    const mine = paths.flatMap((p, i) => (isPath(p) && p[0] === id && p[1] === 'state' && buffers[i] ? [{ path: p.slice(2), buffer: buffers[i] }] : []));
    const model = modelFromCommOpen({ state: entry.state, buffer_paths: mine.map((m) => m.path) }, mine.map((m) => m.buffer));
    if (model) models.set(id, model);
  }
  return models;
}

const MODEL_REFERENCE = /^IPY_MODEL_(.+)$/;

/** Adds the model ids `value` refers to: `IPY_MODEL_<id>` strings (children, layout, style, link ends) and widget views (in outputs, and in Output widgets' outputs). */
function collectReferences(value: unknown, found: Set<string>): void {
  if (typeof value === 'string') {
    const m = MODEL_REFERENCE.exec(value);
    if (m) found.add(m[1]!);
  } else if (Array.isArray(value)) {
    for (const v of value) collectReferences(v, found);
  } else if (isRecord(value)) {
    const view = value[WIDGET_VIEW_MIME];
    if (isRecord(view) && typeof view.model_id === 'string') found.add(view.model_id);
    for (const v of Object.values(value)) collectReferences(v, found);
  }
}

function referencesOf(value: unknown): Set<string> {
  const found = new Set<string>();
  collectReferences(value, found);
  return found;
}

/**
 * The widget state a notebook file keeps: the models its outputs show, what those refer to,
 * and view-less models tied to them (a `jslink`). Without this, the models of every earlier
 * run and kernel would pile up in the file.
 */
export function shownWidgetState(state: TWidgetState, outputs: readonly unknown[]): TWidgetState {
  const kept = new Set<string>();
  const keep = (id: string) => {
    const model = state.state[id];
    if (!model || kept.has(id)) return;
    kept.add(id);
    referencesOf(model.state).forEach(keep);
  };
  referencesOf(outputs).forEach(keep);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [id, model] of Object.entries(state.state)) {
      if (kept.has(id) || model.state._view_name != null || ![...referencesOf(model.state)].some((r) => kept.has(r))) continue;
      keep(id);
      grew = true;
    }
  }
  return { ...state, state: Object.fromEntries(Object.entries(state.state).filter(([id]) => kept.has(id))) };
}

/** Notebook metadata as saved: its widget state (if any) cut down to what `outputs` show. */
export function metadataToSave<T extends Record<string, unknown>>(metadata: T, outputs: readonly unknown[]): T {
  const state = savedWidgetState(metadata);
  if (!state) return metadata;
  return { ...metadata, widgets: { ...(metadata.widgets as Record<string, unknown>), [WIDGET_STATE_MIME]: shownWidgetState(state, outputs) } };
}
