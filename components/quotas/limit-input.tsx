'use client';

import { cn } from '@/components/ui/cn';
import { controlClasses } from '@/components/ui/input';

const UNITS: Record<string, string> = { cpu: 'vCPU', memoryGib: 'GiB', gpus: 'GPU', kernels: 'kernels', monthlyUnits: 'CU' };

/** One compact limit input for inline editing; empty = unlimited (∞). */
export function LimitInput({ id, name, value, error, onChange, label }: {
  id: string;
  name: string;
  value: string;
  error?: string;
  onChange: (value: string) => void;
  label: string;
}) {
  return (
    <div className="w-28">
      <div className="relative">
        <input
          id={id}
          type="number"
          min={0}
          step="any"
          inputMode="decimal"
          placeholder="∞"
          aria-label={`${label} limit in ${UNITS[name]}`}
          aria-invalid={Boolean(error)}
          aria-describedby={error ? `${id}-error` : undefined}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          className={cn(controlClasses, 'h-7 pr-10 text-xs tabular-nums')}
        />
        <span className="pointer-events-none absolute inset-y-0 right-2 flex items-center text-[10px] text-slate-400">{UNITS[name]}</span>
      </div>
      {error && (
        <p id={`${id}-error`} className="mt-0.5 whitespace-normal text-[11px] leading-tight text-red-600">
          {error}
        </p>
      )}
    </div>
  );
}
