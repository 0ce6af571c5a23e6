import type { TKernelEvent, TKernelExecutorsEvent, TKernelProgressEvent, TKernelStateEvent } from '../../common/kernel-model';
import { toExecutionState } from '../../common/kernel-states';
import type { TKernelRecord } from './kernel-record';

export type TKernelEventListener = (event: TKernelEvent) => void;

function ref(record: TKernelRecord) {
  return { kernelId: record.id, projectId: record.projectId, notebookId: record.notebookId, userId: record.userId };
}

/** The event for a kernel's current state (called right after the transition). */
export function toStateEvent(record: TKernelRecord, at: Date = new Date()): TKernelStateEvent {
  return {
    type: 'state',
    kernelId: record.id,
    projectId: record.projectId,
    notebookId: record.notebookId,
    userId: record.userId,
    state: record.state,
    reason: record.reason,
    detail: record.detail,
    at: at.toISOString(),
    executionState: toExecutionState(record.state),
  };
}

/** The event for a launch step the kernel just reached (its `progress` must be set). */
export function toProgressEvent(record: TKernelRecord): TKernelProgressEvent | null {
  return record.progress ? { type: 'progress', ...ref(record), progress: record.progress } : null;
}

/** The event for a Spark kernel's executors as just read. */
export function toExecutorsEvent(record: TKernelRecord, at: Date = new Date()): TKernelExecutorsEvent {
  return { type: 'executors', ...ref(record), executors: record.executors ?? [], at: at.toISOString() };
}

/**
 * In-process fan-out of kernel state changes, published once each change is in Postgres.
 * Subscribers are `GET /api/events` streams (which filter by visibility) and metrics.
 * A throwing subscriber never affects the publisher or the other subscribers.
 */
export class KernelEventBus {
  private readonly listeners = new Set<TKernelEventListener>();

  subscribe(listener: TKernelEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get subscriberCount(): number {
    return this.listeners.size;
  }

  publish(event: TKernelEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        // A subscriber's failure is its own (a closed stream); the rest still hear the event.
      }
    }
  }
}
