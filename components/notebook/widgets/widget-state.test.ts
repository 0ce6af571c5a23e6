import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fromEncoded } from './widget-buffers';
import { newNotebook } from '@/common/nbformat/new-notebook';
import { editorReducer, fromNotebook, toNotebook } from '../notebook-model';
import { applyCommMessage, modelFromCommOpen, modelsFromStates, savedWidgetState, shownWidgetState, toWidgetState } from './widget-state';

const sliderOpen = {
  state: { _model_name: 'IntSliderModel', _model_module: '@jupyter-widgets/controls', _model_module_version: '2.0.0', value: 7, max: 100 },
  buffer_paths: [],
};

function bytes(view: DataView): number[] {
  return [...new Uint8Array(view.buffer, view.byteOffset, view.byteLength)];
}

describe('widget state from comm messages', () => {
  test('comm_open gives the model its name, module and state, as the notebook saves it', () => {
    const model = modelFromCommOpen(sliderOpen);
    assert.deepEqual(model, {
      model_name: 'IntSliderModel',
      model_module: '@jupyter-widgets/controls',
      model_module_version: '2.0.0',
      state: sliderOpen.state,
    });
    assert.equal(modelFromCommOpen({ state: { value: 1 } }), null, 'a comm without a model name is not a widget');
    assert.equal(modelFromCommOpen('nonsense'), null);
  });

  test('update and echo_update change the attributes they carry; custom messages change nothing', () => {
    const model = modelFromCommOpen(sliderOpen)!;
    const moved = applyCommMessage(model, { method: 'update', state: { value: 42 }, buffer_paths: [] });
    assert.equal(moved.state.value, 42);
    assert.equal(moved.state.max, 100);
    assert.equal(model.state.value, 7, 'the earlier state is not changed in place');
    assert.equal(applyCommMessage(moved, { method: 'echo_update', state: { value: 43 } }).state.value, 43);
    assert.equal(applyCommMessage(moved, { method: 'custom', content: { event: 'click' } }), moved);
  });

  test('binary values are kept in base64 at their paths, and replaced when their attribute is', () => {
    const image = {
      state: { _model_name: 'ImageModel', _model_module: '@jupyter-widgets/controls', _model_module_version: '2.0.0', format: 'png' },
      buffer_paths: [['value']],
    };
    const model = modelFromCommOpen(image, [new Uint8Array([1, 2, 3]).buffer])!;
    assert.deepEqual(model.buffers, [{ path: ['value'], encoding: 'base64', data: 'AQID' }]);
    assert.deepEqual(bytes(fromEncoded(model.buffers![0]!.data, 'base64')), [1, 2, 3]);

    // A DataView over part of a larger buffer (as @jupyterlab/services hands them over) keeps only its own bytes.
    const whole = new Uint8Array([9, 9, 4, 5, 9]);
    const updated = applyCommMessage(model, { method: 'update', state: {}, buffer_paths: [['value']] }, [new DataView(whole.buffer, 2, 2)]);
    assert.deepEqual(updated.buffers, [{ path: ['value'], encoding: 'base64', data: 'BAU=' }]);

    const formatOnly = applyCommMessage(updated, { method: 'update', state: { format: 'jpeg' }, buffer_paths: [] });
    assert.deepEqual(formatOnly.buffers, updated.buffers, 'other attributes leave the binary value alone');
    const cleared = applyCommMessage(updated, { method: 'update', state: { value: null }, buffer_paths: [] });
    assert.equal(cleared.buffers, undefined, 'an attribute set to a plain value drops its old binary value');
  });

  test('saved state round-trips through the notebook metadata; malformed state is ignored', () => {
    const models = new Map([['abc', modelFromCommOpen(sliderOpen)!]]);
    const state = toWidgetState(models);
    assert.deepEqual(state, { version_major: 2, version_minor: 0, state: { abc: models.get('abc') } });
    const metadata = { widgets: { 'application/vnd.jupyter.widget-state+json': JSON.parse(JSON.stringify(state)) } };
    assert.deepEqual(savedWidgetState(metadata), state);
    assert.equal(savedWidgetState({}), null);
    assert.equal(savedWidgetState({ widgets: { 'application/vnd.jupyter.widget-state+json': { version_major: 2, state: 'x' } } }), null);
  });

  test("a kernel's update_states gives every live model, each with its own binary values", () => {
    const data = {
      method: 'update_states',
      states: {
        s1: { model_name: 'IntSliderModel', model_module: '@jupyter-widgets/controls', model_module_version: '2.0.0', state: sliderOpen.state },
        i1: {
          model_name: 'ImageModel',
          model_module: '@jupyter-widgets/controls',
          model_module_version: '2.0.0',
          state: { _model_name: 'ImageModel', _model_module: '@jupyter-widgets/controls', _model_module_version: '2.0.0', format: 'png' },
        },
      },
      buffer_paths: [['i1', 'state', 'value']],
    };
    const models = modelsFromStates(data, [new Uint8Array([1, 2, 3])]);
    assert.deepEqual([...models.keys()].sort(), ['i1', 's1']);
    assert.equal(models.get('s1')!.state.value, 7);
    assert.equal(models.get('s1')!.buffers, undefined);
    assert.deepEqual(models.get('i1')!.buffers, [{ path: ['value'], encoding: 'base64', data: 'AQID' }]);
    assert.equal(modelsFromStates({ method: 'something else', states: data.states }).size, 0);
  });
});

const controls = { model_module: '@jupyter-widgets/controls', model_module_version: '2.0.0' };
const model = (model_name: string, state: Record<string, unknown>) => ({ model_name, ...controls, state: { _view_name: model_name.replace('Model', 'View'), ...state } });
const view = (id: string) => ({ output_type: 'display_data', data: { 'text/plain': 'w', 'application/vnd.jupyter.widget-view+json': { model_id: id, version_major: 2 } }, metadata: {} });

describe('what a notebook file keeps', () => {
  const state = {
    version_major: 2 as const,
    version_minor: 0,
    state: {
      box: model('VBoxModel', { children: ['IPY_MODEL_a', 'IPY_MODEL_out'], layout: 'IPY_MODEL_l1' }),
      a: model('IntSliderModel', { value: 3, layout: 'IPY_MODEL_l2' }),
      b: model('IntSliderModel', { value: 3 }),
      link: model('LinkModel', { _view_name: null, source: ['IPY_MODEL_a', 'value'], target: ['IPY_MODEL_b', 'value'] }),
      out: model('OutputModel', { outputs: [view('inner')] }),
      inner: model('ButtonModel', {}),
      l1: model('LayoutModel', {}),
      l2: model('LayoutModel', {}),
      old: model('IntSliderModel', { value: 1, layout: 'IPY_MODEL_l3' }),
      l3: model('LayoutModel', {}),
    },
  };

  test('the widgets the outputs show, what they refer to, and links between them; not models of earlier runs', () => {
    const kept = shownWidgetState(state, [[view('box')]]);
    assert.deepEqual(Object.keys(kept.state).sort(), ['a', 'b', 'box', 'inner', 'l1', 'l2', 'link', 'out']);
    assert.deepEqual(Object.keys(shownWidgetState(state, []).state), []);
  });

  test('set-widget-state is a change to save, and the saved file keeps only what its outputs show', () => {
    const nb = newNotebook();
    let s = fromNotebook({ ...nb, cells: [{ id: 'c1', cell_type: 'code', metadata: {}, source: 's', outputs: [view('old')] as never, execution_count: 1 }] });
    s = editorReducer(s, { type: 'set-widget-state', state });
    assert.equal(s.revision, 1);
    const saved = toNotebook(s).metadata.widgets as Record<string, { state: Record<string, unknown> }>;
    assert.deepEqual(Object.keys(saved['application/vnd.jupyter.widget-state+json']!.state).sort(), ['l3', 'old']);
  });
});

