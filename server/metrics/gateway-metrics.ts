import { KERNEL_STATES, type TKernelState } from '../../common/kernel-states';
import { Counter, Gauge, Histogram, MetricsRegistry } from './prometheus';

/** Launch phases: process exists (provision), process → kernel_info + iopub (ready), request → ready (total). */
export type TLaunchPhase = 'provision' | 'ready' | 'total';
export type TRelayDirection = 'to_kernel' | 'to_client';

/** What the gauges read at scrape time; filled in by `buildApp` once the parts exist. */
export interface TMetricsSources {
  kernelsByState(): ReadonlyMap<TKernelState, number>;
  pool(): ReadonlyArray<{ environment: string; target: number; ready: number; starting: number }>;
  eventStreams(): number;
}

const LAUNCH_BUCKETS_S = [0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 20, 30, 60, 120];

/**
 * Every metric `GET /metrics` exposes. Aggregates only: labels are states, phases,
 * channels and environment slugs, never kernel ids, users or tokens.
 */
export class GatewayMetrics {
  readonly registry = new MetricsRegistry();
  private sources: TMetricsSources | null = null;

  readonly transitions = this.registry.register(new Counter('lattice_kernel_transitions_total', 'Kernel state transitions, by the state entered.'));
  readonly launchSeconds = this.registry.register(
    new Histogram(
      'lattice_kernel_launch_duration_seconds',
      'Kernel launch latency by phase (provision, ready, total) and whether a warm-pool kernel was used (pool=hit|miss).',
      LAUNCH_BUCKETS_S,
    ),
  );
  readonly poolHits = this.registry.register(new Counter('lattice_pool_hits_total', 'Launches served by a warm-pool kernel, by environment.'));
  readonly poolMisses = this.registry.register(
    new Counter('lattice_pool_misses_total', 'Launches in an environment with a warm pool that found no ready kernel, by environment.'),
  );
  readonly wsConnections = this.registry.register(new Gauge('lattice_websocket_connections', 'Open kernel websocket connections.'));
  readonly wsMessages = this.registry.register(
    new Counter('lattice_websocket_messages_total', 'Kernel messages relayed over websockets, by direction and channel.'),
  );
  readonly wsBytes = this.registry.register(
    new Counter('lattice_websocket_bytes_total', 'Bytes of kernel messages relayed over websockets (parts and buffers), by direction and channel.'),
  );

  constructor() {
    this.registry.register(
      new Gauge('lattice_kernels', 'Kernels this gateway runs, by state.', () => {
        const byState = this.sources?.kernelsByState() ?? new Map();
        return KERNEL_STATES.filter((s) => s !== 'stopped' && s !== 'failed' && s !== 'dead').map((state) => ({
          labels: { state },
          value: byState.get(state) ?? 0,
        }));
      }),
    );
    this.registry.register(
      new Gauge('lattice_pool_target_size', 'Warm-pool size set for each environment.', () =>
        (this.sources?.pool() ?? []).map((p) => ({ labels: { environment: p.environment }, value: p.target })),
      ),
    );
    this.registry.register(
      new Gauge('lattice_pool_kernels', 'Warm-pool kernels by environment and state (ready, starting).', () =>
        (this.sources?.pool() ?? []).flatMap((p) => [
          { labels: { environment: p.environment, state: 'ready' }, value: p.ready },
          { labels: { environment: p.environment, state: 'starting' }, value: p.starting },
        ]),
      ),
    );
    this.registry.register(
      new Gauge('lattice_event_streams', 'Open GET /api/events streams.', () => [{ labels: {}, value: this.sources?.eventStreams() ?? 0 }]),
    );
  }

  setSources(sources: TMetricsSources): void {
    this.sources = sources;
  }

  observeLaunch(pool: 'hit' | 'miss', phases: Partial<Record<TLaunchPhase, number>>): void {
    for (const [phase, ms] of Object.entries(phases)) {
      if (ms !== undefined && ms >= 0) this.launchSeconds.observe({ phase, pool }, ms / 1000);
    }
  }

  relayed(direction: TRelayDirection, channel: string, bytes: number): void {
    this.wsMessages.inc({ direction, channel });
    this.wsBytes.inc({ direction, channel }, bytes);
  }

  render(): string {
    return this.registry.render();
  }
}
