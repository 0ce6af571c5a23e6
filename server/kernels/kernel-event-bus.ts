import type { TKernelStateEvent } from '../../common/kernel-model';
import { toExecutionState } from '../../common/kernel-states';
import type { TKernelRecord } from './kernel-record';

export type TKernelEventListener = (event: TKernelStateEvent) => void;

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

  publish(event: TKernelStateEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        // A subscriber's failure is its own (a closed stream); the rest still hear the event.
      }
    }
  }
}
