'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { cn } from '@/components/ui/cn';

const TABS = [
  { href: '/admin/users', label: 'Users' },
  { href: '/admin/environments', label: 'Environments' },
  { href: '/admin/quotas', label: 'Quotas' },
];

/** Secondary navigation of the admin area. */
export function AdminTabs() {
  const pathname = usePathname();
  return (
    <div className="border-b border-slate-200 bg-white">
      <nav className="mx-auto flex w-full max-w-screen-xl gap-1 px-6" aria-label="Admin">
        {TABS.map((t) => {
          const active = pathname === t.href || pathname.startsWith(`${t.href}/`);
          return (
            <Link
              key={t.href}
              href={t.href}
              aria-current={active ? 'page' : undefined}
              className={cn(
                '-mb-px border-b-2 px-3 py-2.5 text-sm font-medium focus-visible:outline focus-visible:outline-2 focus-visible:outline-indigo-600',
                active ? 'border-indigo-600 text-indigo-700' : 'border-transparent text-slate-500 hover:border-slate-300 hover:text-slate-800',
              )}
            >
              {t.label}
            </Link>
          );
        })}
      </nav>
    </div>
  );
}
