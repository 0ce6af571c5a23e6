import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { getConfig } from '../config';
import { getDb } from '../db';
import { authorizeCredentials } from './authorize-credentials';
import { safeCallbackPath } from './safe-callback-path';
import { signInClientAddress, trustedProxyList } from './sign-in-client-address';

/** next-auth: email + password, JWT sessions. The user id and role ride in the token. */
export function authOptions(): NextAuthOptions {
  return {
    secret: getConfig().NEXTAUTH_SECRET,
    session: { strategy: 'jwt', maxAge: 12 * 60 * 60 },
    pages: { signIn: '/signin' },
    providers: [
      CredentialsProvider({
        name: 'Email and password',
        credentials: { email: { label: 'Email', type: 'email' }, password: { label: 'Password', type: 'password' } },
        authorize: (credentials, req) =>
          authorizeCredentials(getDb(), credentials, signInClientAddress(req?.headers, trustedProxyList(getConfig().LATTICE_TRUSTED_PROXIES))),
      }),
    ],
    callbacks: {
      redirect: ({ url, baseUrl }) => baseUrl + safeCallbackPath(url, baseUrl),
      jwt({ token, user }) {
        if (user) token.sub = user.id;
        return token;
      },
      session({ session, token }) {
        if (session.user) (session.user as { id?: string }).id = token.sub;
        return session;
      },
    },
  };
}
