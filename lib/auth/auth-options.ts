import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { getConfig } from '../config';
import { getDb } from '../db';
import { authorizeCredentials } from './authorize-credentials';
import { revokeSessions } from './revoke-sessions';
import { safeCallbackPath } from './safe-callback-path';
import { signInClientAddress, trustedProxyList } from './sign-in-client-address';
import { startWebSession, WEB_SESSION_MAX_AGE_S } from './start-web-session';

/**
 * next-auth: email + password, JWT sessions. The user id and the sign-in's session row id
 * (`sid`) ride in the token; the row is what sign-out, a password change or disabling ends.
 */
export function authOptions(): NextAuthOptions {
  return {
    secret: getConfig().NEXTAUTH_SECRET,
    session: { strategy: 'jwt', maxAge: WEB_SESSION_MAX_AGE_S },
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
      async jwt({ token, user }) {
        if (user) {
          token.sub = user.id;
          token.sid = await startWebSession(getDb(), user.id);
        }
        return token;
      },
      session({ session, token }) {
        if (session.user) Object.assign(session.user, { id: token.sub, sid: token.sid });
        return session;
      },
    },
    events: {
      async signOut({ token }) {
        if (token?.sub && typeof token.sid === 'string') await revokeSessions(getDb(), token.sub, { session: token.sid });
      },
    },
  };
}
