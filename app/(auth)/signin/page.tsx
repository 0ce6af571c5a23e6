import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { SignInForm } from '@/components/auth/signin-form';
import { getCurrentUser } from '@/lib/auth/current-user';
import { safeCallbackPath } from '@/lib/auth/safe-callback-path';

export const metadata: Metadata = { title: 'Sign in · Lattice' };

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const callbackUrl = safeCallbackPath((await searchParams).callbackUrl);
  if (await getCurrentUser()) redirect(callbackUrl);
  return (
    <>
      <h1 className="text-base font-semibold text-slate-900">Sign in to your workspace</h1>
      <p className="mb-5 mt-1 text-sm text-slate-500">Use the email and password your administrator gave you.</p>
      <SignInForm callbackUrl={callbackUrl} />
    </>
  );
}
