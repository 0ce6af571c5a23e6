'use client';

import { useState } from 'react';
import type { TDailyUnits } from '@/lib/dashboard/get-daily-units';
import { niceTicks, OTHERS_COLOUR, SERIES_COLOURS } from './chart-scale';
import { formatCu } from './format';

const W = 760;
const H = 230;
const PAD = { top: 12, right: 8, bottom: 26, left: 44 };
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "Mar 14" from "2026-03-14" (UTC days, so no time zone shifts the label). */
function dayLabel(day: string): string {
  const [, m, d] = day.split('-').map(Number);
  return `${MONTHS[m - 1]} ${d}`;
}

interface TSeries {
  key: string;
  name: string;
  colour: string;
  total: number;
  /** The user ids this series adds up (one, or the rest under "Others"). */
  ids: string[];
}

/**
 * Compute units per UTC day for the last 30 days, stacked by user: an SVG bar chart with a
 * value axis, day labels, a legend with each user's total and a tooltip per bar segment.
 * Beyond eight users the smallest are drawn together as "Others".
 */
export function DailyUnitsChart({ daily }: { daily: TDailyUnits }) {
  const [hover, setHover] = useState<number | null>(null);
  const shown = daily.users.slice(0, SERIES_COLOURS.length - (daily.users.length > SERIES_COLOURS.length ? 1 : 0));
  const rest = daily.users.slice(shown.length);
  const series: TSeries[] = [
    ...shown.map((u, i) => ({ key: u.userId, name: u.name, colour: SERIES_COLOURS[i], total: u.total, ids: [u.userId] })),
    ...(rest.length ? [{ key: 'others', name: `${rest.length} others`, colour: OTHERS_COLOUR, total: rest.reduce((s, u) => s + u.total, 0), ids: rest.map((u) => u.userId) }] : []),
  ];
  const max = Math.max(0, ...daily.days.map((d) => d.total));
  const ticks = niceTicks(max);
  const top = ticks[ticks.length - 1];
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const slot = plotW / daily.days.length;
  const barW = Math.max(2, slot * 0.68);
  const y = (v: number) => PAD.top + plotH - (v / top) * plotH;
  const hovered = hover === null ? null : daily.days[hover];

  return (
    <div data-testid="daily-units-chart">
      <div className="mb-2 flex flex-wrap items-center gap-x-4 gap-y-1 text-xs" aria-label="Legend">
        {series.length === 0 && <span className="text-slate-500">No compute units used in the last 30 days.</span>}
        {series.map((s) => (
          <span key={s.key} className="inline-flex items-center gap-1.5 text-slate-700" data-testid="chart-legend-item">
            <span className="h-2.5 w-2.5 rounded-sm" style={{ background: s.colour }} aria-hidden />
            {s.name}
            <span className="tabular-nums text-slate-500">{formatCu(s.total)}</span>
          </span>
        ))}
        <span className="ml-auto text-slate-500" aria-live="polite">
          {hovered ? (
            <>
              <span className="font-medium text-slate-700">{dayLabel(hovered.day)}</span> · {formatCu(hovered.total)}
            </>
          ) : (
            <>30-day total <span className="font-medium tabular-nums text-slate-700">{formatCu(daily.total)}</span></>
          )}
        </span>
      </div>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        className="h-auto w-full"
        role="img"
        aria-label={`Compute units per day for the last 30 days, by user; ${formatCu(daily.total)} in total`}
        onMouseLeave={() => setHover(null)}
      >
        {ticks.map((t) => (
          <g key={t}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(t)} y2={y(t)} stroke={t === 0 ? '#cbd5e1' : '#eef2f7'} strokeWidth={1} />
            <text x={PAD.left - 6} y={y(t)} dy="0.32em" textAnchor="end" fontSize={10} fill="#64748b">
              {t}
            </text>
          </g>
        ))}
        <text x={10} y={PAD.top + plotH / 2} transform={`rotate(-90 10 ${PAD.top + plotH / 2})`} textAnchor="middle" fontSize={10} fill="#64748b">
          CU per day
        </text>
        {daily.days.map((d, i) => {
          const x = PAD.left + i * slot + (slot - barW) / 2;
          let acc = 0;
          return (
            <g key={d.day} onMouseEnter={() => setHover(i)} data-testid="chart-day" data-day={d.day} data-total={d.total}>
              <rect x={PAD.left + i * slot} y={PAD.top} width={slot} height={plotH} fill={hover === i ? '#f1f5f9' : 'transparent'}>
                <title>{`${dayLabel(d.day)} (UTC): ${formatCu(d.total)}`}</title>
              </rect>
              {series.map((s) => {
                const v = s.ids.reduce((sum, id) => sum + (d.byUser[id] ?? 0), 0);
                if (v <= 0) return null;
                const y0 = y(acc);
                acc += v;
                const h = Math.max(1, y0 - y(acc));
                return (
                  <rect key={s.key} x={x} y={y0 - h} width={barW} height={h} fill={s.colour} rx={1}>
                    <title>{`${s.name} — ${dayLabel(d.day)} (UTC): ${formatCu(v)}`}</title>
                  </rect>
                );
              })}
              {/* Every fifth day, counted back from today, is labelled. */}
              {(daily.days.length - 1 - i) % 5 === 0 && (
                <text x={PAD.left + i * slot + slot / 2} y={H - 8} textAnchor="middle" fontSize={10} fill="#64748b">
                  {dayLabel(d.day)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
    </div>
  );
}
