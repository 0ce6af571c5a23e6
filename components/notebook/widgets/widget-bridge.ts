import type { Kernel, KernelMessage } from '@jupyterlab/services';
import type { JSONObject } from '@lumino/coreutils';
import type { TOutput } from '@/common/nbformat/schema';
import { captureOutput, type TCapture } from './output-capture';
import { WIDGET_COMM_TARGET, type TBinary, type TWidgetToFrame } from './widget-protocol';
import { ZFrameCommSend, type TWidgetModelState, type TWidgetState } from './widget-schemas';
import { applyCommMessage, modelFromCommOpen, modelsFromStates, toWidgetState } from './widget-state';

/** How long the bridge waits after a widget change before handing the state over for saving (a dragged slider sends dozens). */
const SAVE_DELAY_MS = 1_000;
/** Messages a frame may send over a widget's comm: what ipywidgets' kernel side handles. */
const FRAME_METHODS = new Set(['update', 'custom', 'request_state']);
const OUTPUT_MODEL = 'OutputModel';
/** ipywidgets 8's control comm, on which a frontend asks a kernel for the widgets it already has. */
const CONTROL_COMM_TARGET = 'jupyter.widget.control';
const CONTROL_PROTOCOL_VERSION = '1.0.0';
/** How long to wait for the kernel's widgets (a busy kernel answers after its cell); after that its widgets stay as saved. */
const RESTORE_WAIT_MS = 10_000;

type TPost = (message: TWidgetToFrame) => void;

/** One widget frame on the page, as the bridge talks to it. */
export interface TWidgetFrameLink {
  /** A message from the frame (untrusted: checked before anything reaches the kernel). */
  receive(message: unknown): void;
  disconnect(): void;
}

interface TFrame {
  post: TPost;
  /** Kernel message ids of this frame's sends → the frame's own ids for them (echoes and status come back under those). */
  sendIds: Map<string, string>;
}

interface TOutputCapture extends TCapture {
  msgId: string;
  hook: (msg: KernelMessage.IIOPubMessage) => boolean;
}

/**
 * The notebook page's widget comms: one per page, following the kernel connection. It keeps
 * every widget model's state as plain JSON (live from the kernel's comms, else as the notebook
 * saved it), relays comm messages between the kernel and the sandboxed widget frames (which
 * have no kernel connection), diverts the outputs of a request an Output widget captures into
 * that widget as JupyterLab's manager does, and hands the state over for saving.
 */
export class WidgetBridge {
  private kernel: Kernel.IKernelConnection | null = null;
  private readonly models = new Map<string, TWidgetModelState>();
  private readonly comms = new Map<string, Kernel.IComm>();
  private readonly captures = new Map<string, TOutputCapture>();
  private readonly frames = new Set<TFrame>();
  private readonly listeners = new Set<() => void>();
  private saveTimer: ReturnType<typeof setTimeout> | null = null;
  /** Bumped when live models replace the ones frames were showing: their views load again. */
  private generation = 0;
  private readonly onOpen = (comm: Kernel.IComm, msg: KernelMessage.ICommOpenMsg) => this.opened(comm, msg);

  constructor(
    saved: TWidgetState | null,
    /** Called (debounced) with the state to save whenever a live widget changed. */
    private readonly save: (state: TWidgetState) => void,
  ) {
    for (const [id, model] of Object.entries(saved?.state ?? {})) this.models.set(id, model);
  }

  /** Follows the page's kernel connection (null: none). Models of a kernel that went away stay, static. */
  setKernel(kernel: Kernel.IKernelConnection | null): void {
    if (kernel === this.kernel) return;
    this.detach();
    if (!kernel || kernel.isDisposed) return;
    this.kernel = kernel;
    kernel.registerCommTarget(WIDGET_COMM_TARGET, this.onOpen);
    kernel.statusChanged.connect(this.onStatus, this);
    kernel.disposed.connect(this.onDisposed, this);
    void this.restore(kernel);
  }

  /** The page is going: lets go of the kernel's comms (the kernel keeps its widgets). */
  dispose(): void {
    this.detach();
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = null;
  }

  /** Whether a view of this model can be shown (live or saved). */
  hasModel(modelId: string): boolean {
    return this.models.has(modelId);
  }

  /** Whether the model has a comm to the kernel (else it shows as saved, static). */
  isLive(modelId: string): boolean {
    return this.comms.has(modelId);
  }

  /** Every model, as the notebook saves them. */
  state(): TWidgetState {
    return toWidgetState(this.models);
  }

  /** Changes when every view should load its widget again (see `restore`). */
  viewGeneration = (): number => this.generation;

  /** For `useSyncExternalStore`: called when models come or go, or become live or static. */
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** A widget frame that said it is ready: it gets every model now and every comm message from here on. */
  connectFrame(post: TPost): TWidgetFrameLink {
    const frame: TFrame = { post, sendIds: new Map() };
    this.frames.add(frame);
    post({ type: 'widgets:load', state: this.state(), live: [...this.comms.keys()] });
    return { receive: (message) => this.fromFrame(frame, message), disconnect: () => this.frames.delete(frame) };
  }

  private detach(): void {
    const kernel = this.kernel;
    if (!kernel) return;
    for (const id of [...this.captures.keys()]) this.setCapture(id, '');
    this.kernel = null;
    this.comms.clear();
    this.notify();
    if (!kernel.isDisposed) kernel.removeCommTarget(WIDGET_COMM_TARGET, this.onOpen);
    kernel.statusChanged.disconnect(this.onStatus, this);
    kernel.disposed.disconnect(this.onDisposed, this);
  }

  /** A restarted or dead kernel has no widgets any more: its models stay as they were, without comms. */
  private onStatus(kernel: Kernel.IKernelConnection, status: Kernel.Status): void {
    if (status !== 'restarting' && status !== 'autorestarting' && status !== 'dead') return;
    for (const id of [...this.captures.keys()]) this.setCapture(id, '');
    this.comms.clear();
    this.notify();
    if (status === 'dead' && kernel === this.kernel) this.detach();
  }

  private onDisposed(kernel: Kernel.IKernelConnection): void {
    if (kernel === this.kernel) this.detach();
  }

  private opened(comm: Kernel.IComm, msg: KernelMessage.ICommOpenMsg): void {
    const buffers = (msg.buffers ?? []) as TBinary[];
    const model = modelFromCommOpen(msg.content.data, buffers);
    if (!model) return;
    const id = comm.commId;
    this.wire(id, comm);
    this.models.set(id, model);
    this.relay({ type: 'widgets:comm-open', commId: id, data: msg.content.data, metadata: msg.metadata, buffers });
    this.followCapture(id);
    this.changed(true);
  }

  private wire(id: string, comm: Kernel.IComm): void {
    this.comms.set(id, comm);
    comm.onMsg = (m) => this.kernelMessage(id, m.content.data, (m.buffers ?? []) as TBinary[], m.parent_header as { msg_id?: string });
    comm.onClose = () => this.closed(id);
  }

  /**
   * A page opened (or reconnected) while the kernel already has widgets: asks for them on the
   * control comm, as JupyterLab does, so the saved copies become live again.
   */
  private async restore(kernel: Kernel.IKernelConnection): Promise<void> {
    await connected(kernel);
    if (kernel !== this.kernel) return;
    const control = kernel.createComm(CONTROL_COMM_TARGET);
    const reply = await new Promise<KernelMessage.ICommMsgMsg | null>((resolve) => {
      const timer = setTimeout(() => resolve(null), RESTORE_WAIT_MS);
      control.onMsg = (msg) => (clearTimeout(timer), resolve(msg));
      // A kernel that never imported ipywidgets has no control comm target and closes it at once.
      control.onClose = () => (clearTimeout(timer), resolve(null));
      control.open({}, { version: CONTROL_PROTOCOL_VERSION });
      control.send({ method: 'request_states' });
    });
    if (!control.isDisposed) control.close();
    if (!reply || kernel !== this.kernel) return;
    const models = modelsFromStates(reply.content.data, (reply.buffers ?? []) as TBinary[]);
    let restored = 0;
    for (const [id, model] of models) {
      if (this.comms.has(id) || kernel.hasComm(id)) continue;
      this.wire(id, kernel.createComm(WIDGET_COMM_TARGET, id));
      this.models.set(id, model);
      this.followCapture(id);
      restored++;
    }
    if (!restored) return;
    this.generation++;
    this.changed(true);
  }

  private kernelMessage(id: string, data: Record<string, unknown>, buffers: TBinary[], parent: { msg_id?: string }): void {
    const model = this.models.get(id);
    if (!model || !this.comms.has(id)) return;
    const next = applyCommMessage(model, data, buffers);
    const parentId = parent?.msg_id ?? '';
    for (const frame of this.frames) frame.post({ type: 'widgets:comm-msg', commId: id, data, parentMsgId: frame.sendIds.get(parentId) ?? parentId, buffers });
    if (next === model) return;
    this.models.set(id, next);
    this.followCapture(id);
    this.changed(false);
  }

  private closed(id: string): void {
    this.setCapture(id, '');
    this.comms.delete(id);
    this.models.delete(id);
    this.relay({ type: 'widgets:comm-close', commId: id });
    this.changed(true);
  }

  /** A frame's message for a live widget comm goes to the kernel; anything else is dropped. */
  private fromFrame(frame: TFrame, message: unknown): void {
    const parsed = ZFrameCommSend.safeParse(message);
    if (!parsed.success || !this.frames.has(frame)) return;
    const { commId, sendId, data, metadata, buffers } = parsed.data;
    const comm = this.comms.get(commId);
    if (!comm || comm.isDisposed || typeof data.method !== 'string' || !FRAME_METHODS.has(data.method)) return;
    const future = comm.send(data as JSONObject, (metadata ?? {}) as JSONObject, (buffers ?? []) as (ArrayBuffer | ArrayBufferView)[]);
    const msgId = future.msg.header.msg_id;
    frame.sendIds.set(msgId, sendId);
    future.onIOPub = (msg) => {
      if (msg.header.msg_type === 'status') frame.post({ type: 'widgets:status', sendId, state: String((msg.content as { execution_state?: unknown }).execution_state) });
    };
    void future.done.catch(() => undefined).finally(() => frame.sendIds.delete(msgId));
    // The kernel echoes updates to every frame (ipywidgets 8); the saved state follows the frame's change at once, echo or not.
    const model = this.models.get(commId);
    const next = model && applyCommMessage(model, data, buffers ?? []);
    if (!next || next === model) return;
    this.models.set(commId, next);
    this.changed(false);
  }

  /** An Output model whose `msg_id` changed starts or stops capturing that request's outputs. */
  private followCapture(id: string): void {
    const model = this.models.get(id);
    if (model?.model_name !== OUTPUT_MODEL) return;
    const msgId = typeof model.state.msg_id === 'string' ? model.state.msg_id : '';
    this.setCapture(id, msgId);
  }

  private setCapture(id: string, msgId: string): void {
    const current = this.captures.get(id);
    if ((current?.msgId ?? '') === msgId) return;
    if (current) {
      this.kernel?.removeMessageHook(current.msgId, current.hook);
      this.captures.delete(id);
    }
    if (!msgId || !this.kernel) return;
    const outputs = this.models.get(id)?.state.outputs;
    const capture: TOutputCapture = {
      msgId,
      outputs: Array.isArray(outputs) ? (outputs as TOutput[]) : [],
      clearPending: false,
      hook: (msg) => this.capture(id, capture, msg),
    };
    this.captures.set(id, capture);
    this.kernel.registerMessageHook(msgId, capture.hook);
  }

  /** Returns false for an output it took, so the cell does not show it too. */
  private capture(id: string, capture: TOutputCapture, msg: KernelMessage.IIOPubMessage): boolean {
    const next = captureOutput(capture, msg.header.msg_type, msg.content as Record<string, unknown>);
    if (!next) return true;
    capture.clearPending = next.clearPending;
    if (next.outputs === capture.outputs) return false;
    capture.outputs = next.outputs;
    const model = this.models.get(id);
    const comm = this.comms.get(id);
    if (!model || !comm) return false;
    const data = { method: 'update', state: { outputs: next.outputs }, buffer_paths: [] };
    this.models.set(id, applyCommMessage(model, data));
    // The kernel's copy of the widget learns its outputs as from JupyterLab; the frames show them.
    if (!comm.isDisposed) comm.send(data as unknown as JSONObject);
    this.relay({ type: 'widgets:comm-msg', commId: id, data, parentMsgId: '', buffers: [] });
    this.changed(false);
    return false;
  }

  private relay(message: TWidgetToFrame): void {
    for (const frame of this.frames) frame.post(message);
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }

  /** Schedules the save; `membership`: a model came or went, which views need to know at once. */
  private changed(membership: boolean): void {
    if (membership) this.notify();
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => {
      this.saveTimer = null;
      this.save(this.state());
    }, SAVE_DELAY_MS);
  }
}

function connected(kernel: Kernel.IKernelConnection): Promise<void> {
  if (kernel.connectionStatus === 'connected') return Promise.resolve();
  return new Promise((resolve) => {
    const on = (_k: Kernel.IKernelConnection, status: Kernel.ConnectionStatus) => {
      if (status !== 'connected') return;
      kernel.connectionStatusChanged.disconnect(on);
      resolve();
    };
    kernel.connectionStatusChanged.connect(on);
  });
}
