import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { getCurrentUser, type TSessionUser } from './current-user';
import { DEFAULT_CALLBACK, safeCallbackPath } from './safe-callback-path';

/**
 * For layouts and pages: the signed-in, enabled user, or a redirect to the sign-in page that
 * comes back here afterwards (the path is set by middleware.ts). Pages call it themselves
 * too, because a layout is not re-run on client-side navigation. A user who must replace
 * their password is sent to the page that does it (CHOOSE_PASSWORD_PATH) instead.
 */
export async function requirePageUser(): Promise<TSessionUser> {
  const user = await requireSignedInPageUser();
  if (user.mustChangePassword) redirect(CHOOSE_PASSWORD_PATH);
  return user;
}

/** Where a user who must replace their password is sent (app/(auth)/choose-password). */
export const CHOOSE_PASSWORD_PATH = '/choose-password';

/** The signed-in user even while their password must be replaced: only for that page. */
export async function requireSignedInPageUser(): Promise<TSessionUser> {
  // Reading the request first also marks the page dynamic, so `next build` never prerenders it.
  const path = (await headers()).get('x-lattice-path');
  const user = await getCurrentUser();
  if (user) return user;
  const back = safeCallbackPath(path);
  redirect(path && path !== '/' && back !== DEFAULT_CALLBACK ? `/signin?callbackUrl=${encodeURIComponent(back)}` : '/signin');
}
