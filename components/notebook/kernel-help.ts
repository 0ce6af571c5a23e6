import type { Kernel } from '@jupyterlab/services';
import { z } from 'zod';

/**
 * Completion and inspection from the kernel (`complete_request`, `inspect_request`), as the
 * cell editors ask for them: the protocol mapping (pure, tested against replies recorded from
 * ipykernel) and `kernelHelp`, which asks a connected `@jupyterlab/services` kernel.
 */
export interface TKernelHelp {
  /** complete_request at `cursor` (a UTF-16 offset into `code`); null when there is no idle kernel to ask (no kernel, starting, busy, dead) or the request was aborted/timed out. */
  complete(code: string, cursor: number, signal: AbortSignal): Promise<TCompletion | null>;
  /** inspect_request (detail_level 0) at `cursor`; null when nothing was found or no idle kernel. */
  inspect(code: string, cursor: number, signal: AbortSignal): Promise<TInspection | null>;
}

export interface TCompletionItem {
  label: string;
  /** The kernel's own word for it (`module`, `function`, …); null when it did not say. */
  kind: string | null;
  signature?: string;
}

/** `from`/`to`: the UTF-16 range of `code` that an item replaces. */
export interface TCompletion {
  from: number;
  to: number;
  items: TCompletionItem[];
}

/**
 * `text` is the kernel's `text/plain` as sent: IPython colours it with ANSI escapes, which the
 * tooltip renders (as the outputs do, HTML-escaped) instead of throwing the colours away.
 */
export interface TInspection {
  text: string;
}

/** How long a request may take before the editor stops waiting (the kernel answers in milliseconds when idle). */
export const HELP_TIMEOUT_MS = 4_000;

/** Jupyter's `cursor_pos` counts code points (Python's `len`); JavaScript strings count UTF-16 units. */
export function toCodePoints(text: string, utf16: number): number {
  let points = 0;
  for (let i = 0; i < utf16 && i < text.length; i++) {
    const unit = text.charCodeAt(i);
    // The high half of a surrogate pair counts; its low half is the same code point.
    if (unit < 0xdc00 || unit > 0xdfff) points++;
  }
  return points;
}

/** The UTF-16 offset of code point `points` in `text` (clamped to its length). */
export function toUtf16(text: string, points: number): number {
  let i = 0;
  for (let p = 0; p < points && i < text.length; p++) {
    const unit = text.charCodeAt(i);
    i += unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length ? 2 : 1;
  }
  return i;
}

/**
 * CodeMirror's icon for each kind jedi reports (CodeMirror draws icons for class, constant,
 * enum, function, interface, keyword, method, namespace, property, text, type, variable).
 */
const ICON_FOR_KIND: Record<string, string> = {
  module: 'namespace',
  class: 'class',
  function: 'function',
  instance: 'variable',
  statement: 'variable',
  param: 'variable',
  property: 'property',
  keyword: 'keyword',
  path: 'text',
  magic: 'keyword',
};

/**
 * The completion's CodeMirror `type`: the icon's class and the kernel's kind, space-separated,
 * so each option carries both `cm-completionIcon-<icon>` and `cm-completionIcon-<kind>`.
 */
export function completionType(kind: string | null): string | undefined {
  if (!kind) return undefined;
  const icon = ICON_FOR_KIND[kind];
  return icon && icon !== kind ? `${icon} ${kind}` : kind;
}

/** IPython says `<unknown>` when jedi could not tell; anything that is not a plain word would make a bad class name. */
function kernelKind(type: string | undefined): string | null {
  return type && /^[a-z][a-z0-9_-]*$/i.test(type) ? type : null;
}

const ZExperimentalItem = z.object({
  text: z.string(),
  type: z.string().optional(),
  signature: z.string().optional(),
});

export const ZCompleteReply = z.object({
  status: z.string(),
  matches: z.array(z.string()).default([]),
  cursor_start: z.number().int().nonnegative().optional(),
  cursor_end: z.number().int().nonnegative().optional(),
  metadata: z
    .object({ _jupyter_types_experimental: z.array(ZExperimentalItem).optional() })
    .loose()
    .default({}),
});

export const ZInspectReply = z.object({
  status: z.string(),
  found: z.boolean().optional(),
  data: z.record(z.string(), z.unknown()).default({}),
});

/**
 * A `complete_reply`'s content for `code` → the range to replace and the items, or null when
 * the kernel failed or offered nothing. Without `_jupyter_types_experimental` the items are
 * the bare `matches`; without `cursor_start`/`cursor_end` the range is the cursor itself.
 */
export function toCompletion(code: string, cursor: number, content: unknown): TCompletion | null {
  const parsed = ZCompleteReply.safeParse(content);
  if (!parsed.success || parsed.data.status !== 'ok') return null;
  const reply = parsed.data;
  const typed = reply.metadata._jupyter_types_experimental;
  const items: TCompletionItem[] = typed?.length
    ? typed.map((t) => ({ label: t.text, kind: kernelKind(t.type), ...(t.signature ? { signature: t.signature } : {}) }))
    : reply.matches.map((label) => ({ label, kind: null }));
  if (items.length === 0) return null;
  const from = reply.cursor_start === undefined ? cursor : toUtf16(code, reply.cursor_start);
  const to = reply.cursor_end === undefined ? cursor : toUtf16(code, reply.cursor_end);
  return { from, to, items };
}

/** An `inspect_reply`'s content → its `text/plain`, or null when the kernel found nothing. */
export function toInspection(content: unknown): TInspection | null {
  const parsed = ZInspectReply.safeParse(content);
  if (!parsed.success || parsed.data.status !== 'ok' || parsed.data.found === false) return null;
  const text = parsed.data.data['text/plain'];
  return typeof text === 'string' && text.trim() ? { text } : null;
}

/** The parts of a Jupyter message that tell what a kernel is doing. */
export interface TActivityMessage {
  header: { msg_id: string; msg_type: string };
  parent_header: { msg_id?: string; msg_type?: string };
  content: unknown;
}

/**
 * Whether a kernel is running code, from the messages its connection sends and receives.
 * ipykernel answers shell requests one at a time, so a `complete_request` sent while a cell
 * runs waits for the cell to finish: the editor should get nothing rather than a list seconds
 * later. The kernel's status alone cannot tell: it is also `busy` for a moment around every
 * completion (ipykernel says busy and idle around each request it handles, with the request
 * as parent), and still `idle` between sending a cell and the kernel starting on it.
 */
export class KernelActivity {
  /** execute_requests sent or begun and not yet ended (their `idle` status not seen). */
  private readonly running = new Set<string>();
  /** Busy with something begun before this connection was watched: an execution, for all we know. */
  private busyUnknown: boolean;

  constructor(status: Kernel.Status) {
    this.busyUnknown = status === 'busy';
  }

  /** A message this connection sent. */
  sent(msg: TActivityMessage): void {
    if (msg.header.msg_type === 'execute_request') this.running.add(msg.header.msg_id);
  }

  /** A message this connection received (every client gets every iopub status). */
  received(msg: TActivityMessage): void {
    if (msg.header.msg_type !== 'status') return;
    const state = (msg.content as { execution_state?: string }).execution_state;
    const parent = msg.parent_header;
    if (state === 'busy' && parent.msg_type === 'execute_request' && parent.msg_id) this.running.add(parent.msg_id);
    else if (state === 'idle') {
      this.busyUnknown = false;
      if (parent.msg_id) this.running.delete(parent.msg_id);
    } else if (state === 'starting' || state === 'restarting' || state === 'dead') this.reset('idle');
  }

  /** The connection was lost (messages may have been missed) or the kernel restarted. */
  reset(status: Kernel.Status): void {
    this.running.clear();
    this.busyUnknown = status === 'busy';
  }

  /** Whether a complete/inspect request would be answered now: connected, alive, and no code running or about to run. */
  answersNow(kernel: Pick<Kernel.IKernelConnection, 'status' | 'connectionStatus' | 'isDisposed'>): boolean {
    if (kernel.isDisposed || kernel.connectionStatus !== 'connected') return false;
    if (kernel.status !== 'idle' && kernel.status !== 'busy') return false;
    return this.running.size === 0 && !this.busyUnknown;
  }
}

const activities = new WeakMap<Kernel.IKernelConnection, KernelActivity>();

/**
 * The activity of `kernel`, watched from the first call on. KernelSession calls it as soon as
 * it connects, so the page's own cells are seen from their first message.
 */
export function watchActivity(kernel: Kernel.IKernelConnection): KernelActivity {
  const known = activities.get(kernel);
  if (known) return known;
  const activity = new KernelActivity(kernel.status);
  kernel.anyMessage.connect((_k, { msg, direction }) => (direction === 'send' ? activity.sent(msg) : activity.received(msg)));
  kernel.connectionStatusChanged.connect((k, c) => c === 'connected' && activity.reset(k.status));
  activities.set(kernel, activity);
  return activity;
}

/** `request`'s result, or null once `signal` aborts or `HELP_TIMEOUT_MS` passes (the late reply is dropped). */
async function withinTime<T>(request: Promise<T>, signal: AbortSignal): Promise<T | null> {
  if (signal.aborted) return null;
  let onAbort = () => {};
  let timer: ReturnType<typeof setTimeout> | undefined;
  const givenUp = new Promise<null>((resolve) => {
    onAbort = () => resolve(null);
    signal.addEventListener('abort', onAbort, { once: true });
    timer = setTimeout(onAbort, HELP_TIMEOUT_MS);
  });
  try {
    return await Promise.race([request, givenUp]);
  } catch {
    // A kernel that went away mid-request: no help, and typing goes on.
    return null;
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  }
}

/**
 * TKernelHelp over whatever kernel connection `current()` returns at the time of asking. It
 * never starts a kernel: no idle, connected kernel means null at once.
 */
export function kernelHelp(current: () => Kernel.IKernelConnection | null): TKernelHelp {
  const askable = () => {
    const kernel = current();
    return kernel && watchActivity(kernel).answersNow(kernel) ? kernel : null;
  };
  return {
    async complete(code, cursor, signal) {
      const kernel = askable();
      if (!kernel) return null;
      const reply = await withinTime(kernel.requestComplete({ code, cursor_pos: toCodePoints(code, cursor) }), signal);
      return reply && !signal.aborted ? toCompletion(code, cursor, reply.content) : null;
    },
    async inspect(code, cursor, signal) {
      const kernel = askable();
      if (!kernel) return null;
      const reply = await withinTime(kernel.requestInspect({ code, cursor_pos: toCodePoints(code, cursor), detail_level: 0 }), signal);
      return reply && !signal.aborted ? toInspection(reply.content) : null;
    },
  };
}
