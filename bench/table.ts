import type { TScenarioRow } from './scenario';

function formatValue(value: number | null, unit: string): string {
  if (value === null || Number.isNaN(value)) return '—';
  if (unit === 'MB') return `${value.toFixed(3)} MB`;
  if (unit === 's') return `${value.toFixed(1)} s`;
  if (unit === 'cores') return `${value.toFixed(2)} cores`;
  if (unit === 'ms') return `${value < 100 ? value.toFixed(2) : Math.round(value).toLocaleString('en')} ms`;
  return `${Math.round(value).toLocaleString('en')} ${unit}`;
}

function verdict(row: TScenarioRow): string {
  if (row.note.startsWith('not measured')) return 'not measured';
  if (row.note.startsWith('error')) return 'ERROR';
  if (row.pass === null) return '—';
  return row.pass ? 'pass' : 'MISS';
}

/** The results as a Markdown table (readable on a terminal and in bench/README.md). */
export function formatTable(rows: readonly TScenarioRow[], floorLabel = 'floor (direct ZeroMQ)'): string {
  const header = ['scenario', floorLabel, 'gateway', 'ratio', 'target', 'result', 'notes'];
  const lines = rows.map((r) => [
    r.scenario,
    formatValue(r.floor, r.unit),
    formatValue(r.gateway, r.unit),
    r.ratio === null ? '—' : `${r.ratio.toFixed(2)}×`,
    r.target,
    verdict(r),
    r.note,
  ]);
  const escape = (cell: string) => cell.replaceAll('|', '\\|');
  return [header, header.map(() => '---'), ...lines].map((cells) => `| ${cells.map(escape).join(' | ')} |`).join('\n');
}
