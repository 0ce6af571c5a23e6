import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { KERNEL_STATES, type TKernelState } from '../../common/kernel-states';

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
const LIVE_STATES = KERNEL_STATES.filter((s) => s !== 'stopped' && s !== 'failed' && s !== 'dead');

/**
 * Every metric `GET /metrics` exposes: the gateway's own and prom-client's process metrics
 * (RSS, heap, event-loop lag, GC). Aggregates only: labels are states, phases, channels and
 * environment slugs, never kernel ids, users or tokens.
 *
 * Each instance has its own `Registry` rather than prom-client's global one, because tests
 * run several gateways in one process and a metric name may be registered once per registry.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  private sources: TMetricsSources | null = null;

  readonly transitions = new Counter({
    name: 'lattice_kernel_transitions_total',
    help: 'Kernel state transitions, by the state entered.',
    labelNames: ['state'],
    registers: [this.registry],
  });
  readonly launchSeconds = new Histogram({
    name: 'lattice_kernel_launch_duration_seconds',
    help: 'Kernel launch latency by phase (provision, ready, total) and whether a warm-pool kernel was used (pool=hit|miss).',
    labelNames: ['phase', 'pool'],
    buckets: LAUNCH_BUCKETS_S,
    registers: [this.registry],
  });
  readonly poolHits = new Counter({
    name: 'lattice_pool_hits_total',
    help: 'Launches served by a warm-pool kernel, by environment.',
    labelNames: ['environment'],
    registers: [this.registry],
  });
  readonly poolMisses = new Counter({
    name: 'lattice_pool_misses_total',
    help: 'Launches in an environment with a warm pool that found no ready kernel, by environment.',
    labelNames: ['environment'],
    registers: [this.registry],
  });
  readonly wsConnections = new Gauge({
    name: 'lattice_websocket_connections',
    help: 'Open kernel websocket connections.',
    registers: [this.registry],
  });
  private readonly wsMessages = new Counter({
    name: 'lattice_websocket_messages_total',
    help: 'Kernel messages relayed over websockets, by direction and channel.',
    labelNames: ['direction', 'channel'],
    registers: [this.registry],
  });
  private readonly wsBytes = new Counter({
    name: 'lattice_websocket_bytes_total',
    help: 'Bytes of kernel messages relayed over websockets (parts and buffers), by direction and channel.',
    labelNames: ['direction', 'channel'],
    registers: [this.registry],
  });

  constructor() {
    // `collect` runs on each scrape; the arrow functions read `this.sources` as it is then.
    const sources = () => this.sources;
    new Gauge({
      name: 'lattice_kernels',
      help: 'Kernels this gateway runs, by state.',
      labelNames: ['state'],
      registers: [this.registry],
      collect() {
        const byState = sources()?.kernelsByState() ?? new Map<TKernelState, number>();
        for (const state of LIVE_STATES) this.set({ state }, byState.get(state) ?? 0);
      },
    });
    new Gauge({
      name: 'lattice_pool_target_size',
      help: 'Warm-pool size set for each environment.',
      labelNames: ['environment'],
      registers: [this.registry],
      collect() {
        // reset first: an environment whose pool was removed must leave the scrape.
        this.reset();
        for (const p of sources()?.pool() ?? []) this.set({ environment: p.environment }, p.target);
      },
    });
    new Gauge({
      name: 'lattice_pool_kernels',
      help: 'Warm-pool kernels by environment and state (ready, starting).',
      labelNames: ['environment', 'state'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const p of sources()?.pool() ?? []) {
          this.set({ environment: p.environment, state: 'ready' }, p.ready);
          this.set({ environment: p.environment, state: 'starting' }, p.starting);
        }
      },
    });
    new Gauge({
      name: 'lattice_event_streams',
      help: 'Open GET /api/events streams.',
      registers: [this.registry],
      collect() {
        this.set(sources()?.eventStreams() ?? 0);
      },
    });
    collectDefaultMetrics({ register: this.registry });
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

  /** The whole registry in the text exposition format (`contentType`). */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
