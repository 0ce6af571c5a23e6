/** "3h 05m", "12m 04s", "45s" — uptime as people read it. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.floor(seconds));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => String(n).padStart(2, '0');
  if (d > 0) return `${d}d ${pad(h)}h`;
  if (h > 0) return `${h}h ${pad(m)}m`;
  if (m > 0) return `${m}m ${pad(s % 60)}s`;
  return `${s}s`;
}

/** "just now", "4 min ago", "2 h ago", "3 d ago" — for last activity. */
export function formatAgo(at: string | null, now: number): string {
  if (!at) return '—';
  const s = Math.max(0, Math.round((now - new Date(at).getTime()) / 1000));
  if (s < 10) return 'just now';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} d ago`;
}

/** Compute units with sensible precision: "0.042 CU", "2.25 CU", "318 CU". */
export function formatCu(units: number): string {
  if (units === 0) return '0 CU';
  if (units < 0.1) return `${units.toFixed(3)} CU`;
  if (units < 100) return `${Math.round(units * 100) / 100} CU`;
  return `${Math.round(units)} CU`;
}

/** "1.5 vCPU" from millicores. */
export function formatCores(m: number): string {
  return `${Math.round(m / 10) / 100} vCPU`;
}

/** "512 MiB" below a GiB, else "1.5 GiB". */
export function formatMib(mib: number): string {
  if (mib === 0) return '0 GiB';
  return mib < 1024 ? `${Math.round(mib)} MiB` : `${Math.round((mib / 1024) * 10) / 10} GiB`;
}
