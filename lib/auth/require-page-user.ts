import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import type { TSignedInUser } from './authorize-credentials';
import { getCurrentUser } from './current-user';

/**
 * For layouts and pages: the signed-in, enabled user, or a redirect to the sign-in page that
 * comes back here afterwards (the path is set by middleware.ts). Pages call it themselves
 * too, because a layout is not re-run on client-side navigation.
 */
export async function requirePageUser(): Promise<TSignedInUser> {
  const user = await getCurrentUser();
  if (user) return user;
  const path = (await headers()).get('x-lattice-path');
  redirect(path && path !== '/' && path.startsWith('/') ? `/signin?callbackUrl=${encodeURIComponent(path)}` : '/signin');
}
