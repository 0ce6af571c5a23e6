import '@fortawesome/fontawesome-free/css/all.min.css';
import '@lumino/widgets/style/index.css';
import '@jupyter-widgets/controls/css/widgets-base.css';
import '@jupyter-widgets/controls/css/labvariables.css';
import './widgets-frame.css';
import * as base from '@jupyter-widgets/base';
import { put_buffers, uuid, type DOMWidgetView, type ICallbacks, type IClassicComm, type WidgetModel, type WidgetView } from '@jupyter-widgets/base';
import { ManagerBase } from '@jupyter-widgets/base-manager';
import * as controls from '@jupyter-widgets/controls';
import * as output from '@jupyter-widgets/html-manager/lib/output';
import { WIDGET_MIMETYPE, WidgetRenderer } from '@jupyter-widgets/html-manager/lib/output_renderers';
import { RenderMimeRegistry, standardRendererFactories } from '@jupyterlab/rendermime';
import { Widget } from '@lumino/widgets';
import { fromEncoded } from '../widgets/widget-buffers';
import { WIDGET_COMM_TARGET, type TBinary, type TWidgetToFrame } from '../widgets/widget-protocol';
import type { TWidgetState } from '../widgets/widget-schemas';
import { startFrame } from './frame-runtime';

/**
 * One ipywidgets view in a sandboxed frame (`/frames/widgets.html`). The frame's origin is
 * opaque, so it has no kernel connection of its own: its widget manager's comms are proxies
 * that post to the app's widget bridge, which relays to and from the kernel. Only the widget
 * libraries bundled here load; nothing is fetched from a CDN.
 */

/** A widget that could not be made says why in words (base's own view hides it behind "Click to show javascript error"). */
class UnavailableWidgetView extends base.ErrorWidgetView {
  override render(): void {
    const error = this.model.get('error') as unknown;
    this.el.classList.add('jupyter-widgets', 'lattice-widget-unavailable');
    this.el.textContent = error instanceof Error ? error.message : String(error ?? this.model.get('msg'));
  }
}

/**
 * The widget libraries this frame carries (ipywidgets 8's). html-manager's own `HTMLManager`
 * also bundles ipywidgets 7's, whose stylesheet then lands after 8's and restyles its controls;
 * so the manager below is html-manager's pieces (output widget, nested-widget renderer) over
 * `ManagerBase`, as `HTMLManager` itself is.
 */
const BUILT_IN: Record<string, Record<string, unknown>> = {
  '@jupyter-widgets/base': { ...base, ErrorWidgetView: UnavailableWidgetView },
  '@jupyter-widgets/controls': controls,
  '@jupyter-widgets/output': output,
};

const frame = startFrame((message) => receive(message as TWidgetToFrame | { type: 'init'; content: { modelId?: unknown } }));

/** Widgets wait for the kernel to be idle after each update before sending the next (their throttle). */
const waitingForStatus = new Map<string, ICallbacks>();

/** A kernel comm as the frame sees it: sends go to the bridge; the kernel's messages come back from it. */
class FrameComm implements IClassicComm {
  readonly target_name = WIDGET_COMM_TARGET;
  private onMsg: ((msg: unknown) => void) | null = null;
  private onClose: ((msg: unknown) => void) | null = null;

  constructor(readonly comm_id: string) {}

  /** The kernel opened these comms; the frame never opens one. */
  open(): string {
    return '';
  }

  send(data: unknown, callbacks?: ICallbacks, metadata?: Record<string, unknown>, buffers?: TBinary[]): string {
    const sendId = uuid();
    if (callbacks?.iopub?.status) waitingForStatus.set(sendId, callbacks);
    frame.post({ type: 'widgets:send', commId: this.comm_id, sendId, data, metadata: metadata ?? {}, buffers: buffers ?? [] });
    return sendId;
  }

  /** The kernel's comms outlive a view: only the kernel closes them. */
  close(): string {
    return '';
  }

  on_msg(callback: (msg: unknown) => void): void {
    this.onMsg = callback;
  }

  on_close(callback: (msg: unknown) => void): void {
    this.onClose = callback;
  }

  receive(data: Record<string, unknown>, parentMsgId: string, buffers: TBinary[]): void {
    this.onMsg?.({ content: { comm_id: this.comm_id, data }, buffers, parent_header: { msg_id: parentMsgId }, metadata: {} });
  }

  closed(): void {
    this.onClose?.({ content: { comm_id: this.comm_id, data: {} } });
  }
}

class FrameWidgetManager extends ManagerBase {
  readonly comms = new Map<string, FrameComm>();
  /** What the output widget renders its outputs with (html-manager's `renderMime`, sandboxed with the frame). */
  readonly renderMime = new RenderMimeRegistry({ initialFactories: standardRendererFactories });

  constructor() {
    super();
    this.renderMime.addFactory({ safe: false, mimeTypes: [WIDGET_MIMETYPE], createRenderer: (options) => new WidgetRenderer(options, this as never) }, 0);
  }

  /** Third-party widget libraries would have to come from a CDN (as html-manager's loader does): say so instead. */
  protected loadClass(className: string, moduleName: string, moduleVersion: string): Promise<typeof WidgetModel | typeof WidgetView> {
    const module = BUILT_IN[moduleName];
    if (!module) return Promise.reject(new Error(unavailable(moduleName, moduleVersion)));
    const cls = module[className];
    return cls ? Promise.resolve(cls as typeof WidgetModel) : Promise.reject(new Error(`${moduleName} has no ${className}.`));
  }

  /** Models are created from the bridge's state (with their comms) in `load`, not asked of the kernel. */
  protected _get_comm_info(): Promise<object> {
    return Promise.resolve({});
  }

  protected _create_comm(_target: string, modelId?: string): Promise<IClassicComm> {
    const comm = modelId ? this.comms.get(modelId) : undefined;
    return comm ? Promise.resolve(comm) : Promise.reject(new Error('A widget frame cannot open comms to the kernel.'));
  }

  async display(view: DOMWidgetView, el: HTMLElement): Promise<void> {
    Widget.attach(view.luminoWidget, el);
  }

  commFor(commId: string): FrameComm {
    let comm = this.comms.get(commId);
    if (!comm) this.comms.set(commId, (comm = new FrameComm(commId)));
    return comm;
  }
}

function unavailable(moduleName: string, moduleVersion: string): string {
  return `The widget library ${moduleName} ${moduleVersion} is not available here: Lattice shows the built-in ipywidgets controls only, and never loads widget code from the internet.`;
}

const manager = new FrameWidgetManager();
let modelId: string | null = null;
let loaded = false;

function receive(message: TWidgetToFrame | { type: 'init'; content: { modelId?: unknown } }): void {
  switch (message.type) {
    case 'init':
      if (typeof message.content?.modelId === 'string') modelId = message.content.modelId;
      return;
    case 'widgets:load':
      if (loaded || !modelId) return;
      loaded = true;
      void load(message.state, new Set(message.live), modelId);
      return;
    case 'widgets:comm-open': {
      const comm = manager.commFor(message.commId);
      void manager.handle_comm_open(comm, { content: { comm_id: message.commId, target_name: WIDGET_COMM_TARGET, data: message.data }, metadata: message.metadata, buffers: message.buffers } as never);
      return;
    }
    case 'widgets:comm-msg':
      manager.comms.get(message.commId)?.receive(message.data, message.parentMsgId, message.buffers);
      return;
    case 'widgets:comm-close':
      manager.comms.get(message.commId)?.closed();
      manager.comms.delete(message.commId);
      return;
    case 'widgets:status': {
      const callbacks = waitingForStatus.get(message.sendId);
      callbacks?.iopub?.status?.({ header: { msg_type: 'status' }, content: { execution_state: message.state } } as never);
      if (message.state === 'idle') waitingForStatus.delete(message.sendId);
      return;
    }
  }
}

/** Creates every model (connected to its comm when live), then shows the one this output displays. */
async function load(state: TWidgetState, live: Set<string>, shown: string): Promise<void> {
  const created = Object.entries(state.state).map(([id, model]) => {
    const attributes = model.state;
    if (model.buffers?.length) {
      put_buffers(attributes as never, model.buffers.map((b) => b.path), model.buffers.map((b) => fromEncoded(b.data, b.encoding)));
    }
    // `new_model` registers each model before its first await, so models may refer to each other in any order.
    return manager
      .new_model(
        { model_id: id, model_name: model.model_name, model_module: model.model_module, model_module_version: model.model_module_version, comm: live.has(id) ? manager.commFor(id) : undefined },
        attributes as never,
      )
      .catch((err: unknown) => console.error(err));
  });
  const target = document.createElement('div');
  target.className = 'lattice-widget';
  document.body.appendChild(target);
  await Promise.all(created);
  if (!manager.has_model(shown)) {
    target.textContent = 'This widget is no longer available: run its cell again.';
    return;
  }
  const view = state.state[shown]?.state ?? {};
  const [viewModule, viewVersion] = [String(view._view_module ?? ''), String(view._view_module_version ?? '')];
  if (viewModule && !BUILT_IN[viewModule]) {
    target.classList.add('lattice-widget-unavailable');
    target.textContent = unavailable(viewModule, viewVersion);
    return;
  }
  await manager.display(await manager.create_view<DOMWidgetView>(await manager.get_model(shown)), target);
}
