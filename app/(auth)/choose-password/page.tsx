import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { ChangePasswordForm } from '@/components/profile/change-password-form';
import { SignOutLink } from '@/components/auth/sign-out-link';
import { requireSignedInPageUser } from '@/lib/auth/require-page-user';
import { DEFAULT_CALLBACK } from '@/lib/auth/safe-callback-path';

export const metadata: Metadata = { title: 'Choose a new password · Lattice' };

/**
 * Where every page sends a user whose password an admin set, generated or reset: nothing
 * else works until they replace it (requirePageUser, requireUser).
 */
export default async function ChoosePasswordPage() {
  const user = await requireSignedInPageUser();
  if (!user.mustChangePassword) redirect(DEFAULT_CALLBACK);
  return (
    <>
      <h1 className="text-base font-semibold text-slate-900">Choose a new password</h1>
      <p className="mb-5 mt-1 text-sm text-slate-500">
        {user.email}: your password was set by an administrator. Replace it with one only you know to continue.
      </p>
      <ChangePasswordForm then={DEFAULT_CALLBACK} />
      <SignOutLink />
    </>
  );
}
