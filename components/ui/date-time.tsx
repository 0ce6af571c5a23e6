'use client';

const FORMAT = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/**
 * A timestamp in the reader's locale and time zone. The server renders the same instant in
 * its own zone, hence the hydration warning is silenced for the text only.
 */
export function DateTime({ value, empty = '—' }: { value: string | null; empty?: string }) {
  if (!value) return <span className="text-slate-400">{empty}</span>;
  return (
    <time dateTime={value} title={value} suppressHydrationWarning>
      {FORMAT.format(new Date(value))}
    </time>
  );
}
