import type { SelectHTMLAttributes } from 'react';
import { cn } from './cn';
import { controlClasses } from './input';

export function Select({ className, children, ...rest }: SelectHTMLAttributes<HTMLSelectElement>) {
  return (
    // Default height unless the caller sets one (compact selects in tables use h-7).
    <select className={cn(controlClasses, !/(^|\s)h-/.test(className ?? '') && 'h-9', 'pr-8', className)} {...rest}>
      {children}
    </select>
  );
}
