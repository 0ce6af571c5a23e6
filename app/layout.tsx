import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import './globals.css';

// Every page is rendered per request: its scripts carry the nonce of that response's
// Content-Security-Policy (middleware.ts), which a prerendered page could not.
export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Lattice', description: 'Notebooks on kernels sized by their environment' };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 font-sans text-slate-900 antialiased">{children}</body>
    </html>
  );
}
