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
      {getConfig().LATTICE_LOCAL_SANDBOX === 'off' && <SandboxOffBanner />}
      <TopBar user={user} />
      <div className="flex-1">{children}</div>
    </div>
  );
}
