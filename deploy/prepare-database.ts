/**
 * The database step of a container deployment (what `npm start` does before it starts the
 * web and the gateway): migrations, the default environment and, when there is no user yet,
 * the first admin. Idempotent. Runs from the gateway image, before the gateway starts: as an
 * init container of its Deployment, or as the `migrate` service of docker-compose.yml.
 */
import { prepareDatabase } from '../scripts/platform';
import { readStartConfig } from '../scripts/start-config';

const log = (line: string) => console.log(`[lattice] ${line}`);
const config = readStartConfig();
if (!config.DATABASE_URL) {
  log('DATABASE_URL is not set: point it at the Postgres the web and the gateway use (containers have no embedded Postgres).');
  process.exit(2);
}

try {
  const admin = await prepareDatabase(config.LATTICE_MIGRATION_DATABASE_URL ?? config.DATABASE_URL, { email: config.LATTICE_ADMIN_EMAIL, password: config.LATTICE_ADMIN_PASSWORD });
  log('Database migrated; default environment present.');
  if (admin) {
    // As `npm start`: a generated password is shown this once, in this step's log only.
    log(`First admin: ${admin.email}` + (admin.generated ? ` with password ${admin.password}  (shown only this once)` : ' with LATTICE_ADMIN_PASSWORD'));
  }
} catch (err) {
  log(`Could not prepare the database: ${(err as Error).message}`);
  process.exit(1);
}
