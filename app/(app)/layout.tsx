import type { ReactNode } from 'react';
import { TopBar } from '@/components/ui/top-bar';
import { requirePageUser } from '@/lib/auth/require-page-user';

/** Every signed-in page: top bar + content. Anonymous visitors are sent to /signin. */
export default async function AppLayout({ children }: { children: ReactNode }) {
  const user = await requirePageUser();
  return (
    <div className="flex min-h-screen flex-col">
      <TopBar user={user} />
      <div className="flex-1">{children}</div>
    </div>
  );
}
