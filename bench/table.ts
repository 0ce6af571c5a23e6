import type { TPeer, TScenarioRow } from './scenario';

function formatValue(value: number | null, unit: string): string {
  if (value === null || Number.isNaN(value)) return '—';
  if (unit === 'MB') return `${value.toFixed(3)} MB`;
  if (unit === 's') return `${value.toFixed(1)} s`;
  if (unit === 'cores') return `${value.toFixed(2)} cores`;
  if (unit === 'ms') return `${value < 100 ? value.toFixed(2) : Math.round(value).toLocaleString('en')} ms`;
  return `${Math.round(value).toLocaleString('en')} ${unit}`;
}

const formatRatio = (ratio: number | null) => (ratio === null ? '—' : `${ratio.toFixed(2)}×`);

function verdict(row: TScenarioRow): string {
  if (row.note.startsWith('not measured')) return 'not measured';
  if (row.note.startsWith('error')) return 'ERROR';
  if (row.pass === null) return '—';
  return row.pass ? 'pass' : 'MISS';
}

/** A peer's cell: its figure and, when there is a floor, its ratio to it. */
function peerCell(row: TScenarioRow, id: TPeer['id']): string {
  const value = row.peers?.[id] ?? null;
  if (value === null || row.floor === null || row.floor === 0) return formatValue(value, row.unit);
  return `${formatValue(value, row.unit)} (${formatRatio(value / row.floor)})`;
}

export interface TTableColumns {
  floorLabel?: string;
  gatewayLabel?: string;
  /** Comparison targets, one column each after the gateway's ratio. */
  peers?: readonly Pick<TPeer, 'id' | 'label'>[];
}

/**
 * The results as a Markdown table (readable on a terminal and in bench/README.md). `result`
 * is the gateway's verdict against `target`; peers are there for comparison.
 */
export function formatTable(rows: readonly TScenarioRow[], { floorLabel = 'floor (direct ZeroMQ)', gatewayLabel = 'gateway', peers = [] }: TTableColumns = {}): string {
  const header = ['scenario', floorLabel, gatewayLabel, 'ratio', ...peers.map((p) => p.label), 'target', 'result', 'notes'];
  const lines = rows.map((r) => [
    r.scenario,
    formatValue(r.floor, r.unit),
    formatValue(r.gateway, r.unit),
    formatRatio(r.ratio),
    ...peers.map((p) => peerCell(r, p.id)),
    r.target,
    verdict(r),
    r.note,
  ]);
  const escape = (cell: string) => cell.replaceAll('|', '\\|');
  return [header, header.map(() => '---'), ...lines].map((cells) => `| ${cells.map(escape).join(' | ')} |`).join('\n');
}
