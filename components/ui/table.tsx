import type { ReactNode, TdHTMLAttributes, ThHTMLAttributes } from 'react';
import { cn } from './cn';

/**
 * Dense data table; wrap rows in <tbody>. A narrow screen scrolls it sideways in its own box;
 * `relative` keeps absolutely placed content (screen-reader-only labels) inside that box too,
 * or it would widen the page.
 */
export function Table({ children, className }: { children: ReactNode; className?: string }) {
  return (
    <div className="relative overflow-x-auto">
      <table className={cn('min-w-full divide-y divide-slate-200 text-sm', className)}>{children}</table>
    </div>
  );
}

export function Th({ className, ...rest }: ThHTMLAttributes<HTMLTableCellElement>) {
  return (
    <th
      scope="col"
      className={cn('whitespace-nowrap bg-slate-50 px-4 py-2 text-left text-xs font-semibold uppercase tracking-wide text-slate-500', className)}
      {...rest}
    />
  );
}

export function Td({ className, ...rest }: TdHTMLAttributes<HTMLTableCellElement>) {
  return <td className={cn('whitespace-nowrap px-4 py-2 text-slate-700', className)} {...rest} />;
}

export function Tr({ children, className }: { children: ReactNode; className?: string }) {
  return <tr className={cn('hover:bg-slate-50/70', className)}>{children}</tr>;
}

export function TBody({ children }: { children: ReactNode }) {
  return <tbody className="divide-y divide-slate-100 bg-white">{children}</tbody>;
}
