'use client';

import { signOut } from 'next-auth/react';

/** Sign out from the pages without the top bar (the forced password change). */
export function SignOutLink() {
  return (
    <button type="button" onClick={() => signOut({ callbackUrl: '/signin' })} className="mt-4 text-sm text-slate-500 underline hover:text-slate-700">
      Sign out
    </button>
  );
}
