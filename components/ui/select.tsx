import type { SelectHTMLAttributes } from 'react';
import { cn } from './cn';
import { controlClasses } from './input';

export function Select({ className, children, ...rest }: SelectHTMLAttributes<HTMLSelectElement>) {
  return (
    <select className={cn(controlClasses, 'h-9 pr-8', className)} {...rest}>
      {children}
    </select>
  );
}
