/**
 * Y-axis ticks from 0 up to at least `max`, at a "nice" step (1, 2, 2.5 or 5 × 10ⁿ), about
 * `count` of them. An empty chart (max 0) still gets an axis of 0–1.
 */
export function niceTicks(max: number, count = 4): number[] {
  const top = max > 0 ? max : 1;
  const rough = top / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? 10 * power;
  const ticks: number[] = [];
  for (let v = 0; v < top + step * 1e-9; v += step) ticks.push(Math.round(v * 1e6) / 1e6);
  if (ticks[ticks.length - 1] < top) ticks.push(Math.round((ticks[ticks.length - 1] + step) * 1e6) / 1e6);
  return ticks;
}

/** A colour per user, stable in the order given (most units first); beyond the palette, grey. */
export const SERIES_COLOURS = ['#6366f1', '#0ea5e9', '#10b981', '#f59e0b', '#f43f5e', '#8b5cf6', '#14b8a6', '#f97316'] as const;
export const OTHERS_COLOUR = '#94a3b8';
