import path from 'node:path';
import { z } from 'zod';

const ROOT = path.resolve(import.meta.dirname, '..');

/**
 * Settings of `npm start` (and the CLI), parsed once from the environment. The web and
 * the gateway parse their own settings; this file only reads what the launcher decides.
 */
const ZStartConfig = z.object({
  /** External Postgres; when unset an embedded Postgres runs with its data in .data/postgres. */
  DATABASE_URL: z.string().optional(),
  /** With DATABASE_URL: the owner's URL that migrations and seeding use, when DATABASE_URL's role may not create tables. */
  LATTICE_MIGRATION_DATABASE_URL: z.string().optional(),
  /** Port of the embedded Postgres (127.0.0.1 only). */
  LATTICE_PG_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
  /** Where Lattice keeps its local state: Postgres data, the Python virtualenv, secrets, kernel files. */
  LATTICE_DATA_DIR: z.string().default(path.join(ROOT, '.data')),
  /** Address the web and the gateway listen on. */
  LATTICE_HOST: z.string().default('127.0.0.1'),
  /** Port of the web app. */
  LATTICE_WEB_PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** Port of the kernel gateway. */
  LATTICE_GATEWAY_PORT: z.coerce.number().int().min(1).max(65535).default(8888),
  /** Email of the first administrator (created on the first start only). */
  LATTICE_ADMIN_EMAIL: z.string().email().default('admin@lattice.local'),
  /** Password of the first administrator; when unset one is generated and printed once. */
  LATTICE_ADMIN_PASSWORD: z.string().min(8, 'LATTICE_ADMIN_PASSWORD must have at least 8 characters').optional(),
  /** Python that runs kernels; when unset, .data/venv (made from /usr/bin/python3 with ipykernel if needed). */
  LATTICE_PYTHON: z.string().optional(),
  /** `off`: local kernels run unsandboxed (a single-person machine); the launcher then skips its check of the sandbox's tools. Read by the gateway and the web too. */
  LATTICE_LOCAL_SANDBOX: z.enum(['on', 'off'], { error: 'LATTICE_LOCAL_SANDBOX must be on or off' }).default('on'),
  /** Session-signing secret of the web; when unset one is generated into .data/ and kept. */
  NEXTAUTH_SECRET: z.string().optional(),
  /** The gateway's `/metrics` scrape token; when unset one is generated into .data/metrics-token and kept. */
  LATTICE_METRICS_TOKEN: z.string().optional(),
});
export type TStartConfig = Readonly<z.infer<typeof ZStartConfig>>;

export function readStartConfig(env: Record<string, string | undefined> = process.env): TStartConfig {
  const parsed = ZStartConfig.safeParse(env);
  if (!parsed.success) {
    throw new Error(`Configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return Object.freeze(parsed.data);
}

export { ROOT };
