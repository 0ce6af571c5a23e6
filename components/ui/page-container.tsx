import type { ReactNode } from 'react';

export function PageContainer({ children }: { children: ReactNode }) {
  return <main className="mx-auto w-full max-w-screen-xl px-3 py-6 sm:px-6">{children}</main>;
}
