/**
 * A minimal Prometheus registry: counters, gauges (set or computed at scrape time) and
 * histograms with labels, rendered in the text exposition format 0.0.4. Enough for the
 * gateway's handful of metrics without a dependency.
 */
type TLabels = Readonly<Record<string, string>>;

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function labelText(labels: TLabels, extra?: [string, string]): string {
  const pairs = Object.entries(labels);
  if (extra) pairs.push(extra);
  if (pairs.length === 0) return '';
  return `{${pairs.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}`;
}

function keyOf(labels: TLabels): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
}

function formatNumber(n: number): string {
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  return Number.isNaN(n) ? 'NaN' : String(n);
}

interface TMetric {
  readonly name: string;
  render(): string;
}

abstract class LabelledMetric<TValue> implements TMetric {
  protected readonly series = new Map<string, { labels: TLabels; value: TValue }>();

  constructor(
    readonly name: string,
    private readonly help: string,
    private readonly type: 'counter' | 'gauge' | 'histogram',
  ) {}

  protected entry(labels: TLabels, init: () => TValue): { labels: TLabels; value: TValue } {
    const key = keyOf(labels);
    let e = this.series.get(key);
    if (!e) this.series.set(key, (e = { labels: { ...labels }, value: init() }));
    return e;
  }

  protected abstract lines(): string[];

  render(): string {
    return [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} ${this.type}`, ...this.lines()].join('\n');
  }
}

export class Counter extends LabelledMetric<number> {
  constructor(name: string, help: string) {
    super(name, help, 'counter');
  }

  inc(labels: TLabels = {}, by = 1): void {
    this.entry(labels, () => 0).value += by;
  }

  protected lines(): string[] {
    return [...this.series.values()].map((s) => `${this.name}${labelText(s.labels)} ${formatNumber(s.value)}`);
  }
}

/** A gauge; `collect` (if given) replaces every series at scrape time. */
export class Gauge extends LabelledMetric<number> {
  constructor(
    name: string,
    help: string,
    private readonly collect?: () => Array<{ labels: TLabels; value: number }>,
  ) {
    super(name, help, 'gauge');
  }

  set(labels: TLabels, value: number): void {
    this.entry(labels, () => 0).value = value;
  }

  inc(labels: TLabels = {}, by = 1): void {
    this.entry(labels, () => 0).value += by;
  }

  dec(labels: TLabels = {}, by = 1): void {
    this.inc(labels, -by);
  }

  protected lines(): string[] {
    if (this.collect) {
      this.series.clear();
      for (const { labels, value } of this.collect()) this.set(labels, value);
    }
    return [...this.series.values()].map((s) => `${this.name}${labelText(s.labels)} ${formatNumber(s.value)}`);
  }
}

interface THistogramValue {
  counts: number[];
  sum: number;
  count: number;
}

export class Histogram extends LabelledMetric<THistogramValue> {
  private readonly buckets: readonly number[];

  constructor(name: string, help: string, buckets: readonly number[]) {
    super(name, help, 'histogram');
    this.buckets = [...buckets].sort((a, b) => a - b);
  }

  observe(labels: TLabels, value: number): void {
    const e = this.entry(labels, () => ({ counts: this.buckets.map(() => 0), sum: 0, count: 0 }));
    this.buckets.forEach((le, i) => {
      if (value <= le) e.value.counts[i]++;
    });
    e.value.sum += value;
    e.value.count++;
  }

  protected lines(): string[] {
    return [...this.series.values()].flatMap(({ labels, value }) => [
      ...this.buckets.map((le, i) => `${this.name}_bucket${labelText(labels, ['le', formatNumber(le)])} ${value.counts[i]}`),
      `${this.name}_bucket${labelText(labels, ['le', '+Inf'])} ${value.count}`,
      `${this.name}_sum${labelText(labels)} ${formatNumber(value.sum)}`,
      `${this.name}_count${labelText(labels)} ${value.count}`,
    ]);
  }
}

export class MetricsRegistry {
  private readonly metrics: TMetric[] = [];

  register<T extends TMetric>(metric: T): T {
    if (this.metrics.some((m) => m.name === metric.name)) throw new Error(`metric ${metric.name} registered twice`);
    this.metrics.push(metric);
    return metric;
  }

  /** The whole registry in the text exposition format (`text/plain; version=0.0.4`). */
  render(): string {
    return `${this.metrics.map((m) => m.render()).join('\n')}\n`;
  }
}

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
