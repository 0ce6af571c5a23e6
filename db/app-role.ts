import pg from 'pg';

/** The role the web and the gateway connect as on the embedded Postgres. */
export const APP_ROLE = 'lattice_app';

/**
 * Creates (or brings up to date) the application role and grants it what the web and the
 * gateway need in the database `ownerUrl` names, and nothing more: rows of the tables
 * (select, insert, update, delete) and the sequences behind them. It is no superuser, may
 * create no database, role or table, bypasses no row security, and owns nothing.
 *
 * Run as the owner that runs the migrations (`ownerUrl`'s user), before them: the default
 * privileges set here cover every table that owner creates afterwards, so a new migration
 * needs no grant of its own; tables that exist already are granted now.
 */
export async function ensureAppRole(ownerUrl: string, role: { name: string; password: string }): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(role.name)) throw new Error(`Invalid role name ${role.name}`);
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const name = role.name;
    const password = client.escapeLiteral(role.password);
    const attributes = 'login nosuperuser nocreatedb nocreaterole noreplication nobypassrls noinherit';
    const { rowCount } = await client.query('select 1 from pg_roles where rolname = $1', [name]);
    await client.query(`${rowCount ? 'alter' : 'create'} role ${name} with ${attributes} password ${password}`);
    const { rows } = await client.query<{ db: string }>('select current_database() as db');
    const database = client.escapeIdentifier(rows[0]!.db);
    await client.query(`grant connect on database ${database} to ${name}`);
    // Postgres 15+ already denies PUBLIC this; an older cluster restored here would not.
    await client.query('revoke create on schema public from public');
    await client.query(`grant usage on schema public to ${name}`);
    await client.query(`grant select, insert, update, delete on all tables in schema public to ${name}`);
    await client.query(`grant usage, select on all sequences in schema public to ${name}`);
    await client.query(`alter default privileges in schema public grant select, insert, update, delete on tables to ${name}`);
    await client.query(`alter default privileges in schema public grant usage, select on sequences to ${name}`);
  } finally {
    await client.end();
  }
}

/** Drops a role made by {@link ensureAppRole} (tests), once the databases it was granted on are dropped. */
export async function dropAppRole(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`drop role if exists ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
}

/** `url` with its user and password replaced (the same server and database, another role). */
export function urlAsRole(url: string, role: { name: string; password: string }): string {
  const u = new URL(url);
  u.username = encodeURIComponent(role.name);
  u.password = encodeURIComponent(role.password);
  return u.toString();
}
