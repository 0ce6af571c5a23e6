import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import type { TSignedInUser } from './authorize-credentials';
import { getCurrentUser } from './current-user';
import { DEFAULT_CALLBACK, safeCallbackPath } from './safe-callback-path';

/**
 * For layouts and pages: the signed-in, enabled user, or a redirect to the sign-in page that
 * comes back here afterwards (the path is set by middleware.ts). Pages call it themselves
 * too, because a layout is not re-run on client-side navigation.
 */
export async function requirePageUser(): Promise<TSignedInUser> {
  // Reading the request first also marks the page dynamic, so `next build` never prerenders it.
  const path = (await headers()).get('x-lattice-path');
  const user = await getCurrentUser();
  if (user) return user;
  const back = safeCallbackPath(path);
  redirect(path && path !== '/' && back !== DEFAULT_CALLBACK ? `/signin?callbackUrl=${encodeURIComponent(back)}` : '/signin');
}
