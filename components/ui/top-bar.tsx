import Link from 'next/link';
import { NavLink } from './nav-link';
import { SignOutButton } from './sign-out-button';

/** The app's top bar: brand, main navigation, the signed-in user (→ profile) and sign-out. */
export function TopBar({ user }: { user: { name: string; email: string; role: 'admin' | 'member' } }) {
  const initials = user.name
    .split(/\s+/)
    .map((w) => w[0])
    .filter(Boolean)
    .slice(0, 2)
    .join('')
    .toUpperCase();
  return (
    <header className="sticky top-0 z-30 border-b border-slate-800 bg-slate-900">
      <div className="mx-auto flex h-12 max-w-screen-2xl items-center gap-3 px-3 sm:gap-6 sm:px-4">
        <Link href="/projects" aria-label="Lattice" className="flex items-center gap-2 rounded focus-visible:outline focus-visible:outline-2 focus-visible:outline-indigo-400">
          <span className="flex h-6 w-6 items-center justify-center rounded bg-indigo-500 text-xs font-bold text-white" aria-hidden>
            L
          </span>
          <span className="hidden text-sm font-semibold tracking-tight text-white sm:inline">Lattice</span>
        </Link>
        <nav className="flex items-center gap-1" aria-label="Main">
          <NavLink href="/projects">Projects</NavLink>
          {user.role === 'admin' && <NavLink href="/admin">Admin</NavLink>}
        </nav>
        <div className="ml-auto flex shrink-0 items-center gap-1">
          <Link
            href="/profile"
            title={user.email}
            aria-label={`Profile of ${user.name}`}
            className="flex items-center gap-2 rounded-md px-2 py-1 text-sm text-slate-200 hover:bg-white/5 hover:text-white focus-visible:outline focus-visible:outline-2 focus-visible:outline-indigo-400"
          >
            <span className="flex h-6 w-6 items-center justify-center rounded-full bg-slate-700 text-[10px] font-semibold text-slate-100" aria-hidden>
              {initials || '?'}
            </span>
            <span className="hidden max-w-[12rem] truncate sm:inline">{user.name}</span>
          </Link>
          <SignOutButton />
        </div>
      </div>
    </header>
  );
}
