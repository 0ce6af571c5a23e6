import type { ReactNode } from 'react';
import { SandboxOffBanner } from '@/components/ui/sandbox-off-banner';
import { TopBar } from '@/components/ui/top-bar';
import { requirePageUser } from '@/lib/auth/require-page-user';
import { getConfig } from '@/lib/config';

/**
 * Every signed-in page: top bar + content, under a banner while kernels run unsandboxed.
 * Anonymous visitors are sent to /signin.
 */
export default async function AppLayout({ children }: { children: ReactNode }) {
  const user = await requirePageUser();
  return (
    <div className="flex min-h-screen flex-col">
      <a href="#content" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 focus:text-sm focus:text-slate-900 focus:shadow">
        Skip to content
      </a>
      {getConfig().LATTICE_LOCAL_SANDBOX === 'off' && <SandboxOffBanner />}
      <TopBar user={user} />
      <div id="content" tabIndex={-1} className="flex-1 outline-none">
        {children}
      </div>
    </div>
  );
}
