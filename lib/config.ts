import { z } from 'zod';

/**
 * The web's settings, parsed once from the environment (the only place the web reads
 * `process.env`). Lazy, so `next build` needs none of them.
 */
export const ZWebConfig = z.object({
  /** Postgres connection URL; `npm start` sets it (embedded Postgres) unless given. */
  DATABASE_URL: z.string().min(1, 'DATABASE_URL is not set: start the web with `npm start`, or set it to a Postgres URL'),
  /** Secret that signs session cookies; `npm start` generates one into .data/ on first start. */
  NEXTAUTH_SECRET: z.string().min(16, 'NEXTAUTH_SECRET must be at least 16 characters'),
  /** The gateway's URL as the browser sees it; empty = same host as the page, LATTICE_GATEWAY_PORT. */
  LATTICE_GATEWAY_PUBLIC_URL: z.string().url().optional().or(z.literal('').transform(() => undefined)),
  /** The gateway's port, for browsers that reach it on the page's own host. */
  LATTICE_GATEWAY_PORT: z.coerce.number().int().min(1).max(65535).default(8888),
  /**
   * Browser origins besides the request's own (`http://<Host>`) from which the web accepts
   * state-changing API requests, e.g. the public `https://` origin behind a TLS proxy. The
   * gateway reads the same setting for its websockets.
   */
  LATTICE_WEB_ORIGINS: z.string().default(''),
  /** Reverse proxies (addresses or CIDR ranges, comma-separated) whose X-Forwarded-For the sign-in throttle believes; empty = none. */
  LATTICE_TRUSTED_PROXIES: z.string().default(''),
  /** Lifetime of the gateway tokens minted for a signed-in browser, in seconds. */
  LATTICE_BROWSER_TOKEN_TTL_S: z.coerce.number().int().positive().default(3600),
  /**
   * The gateway's kernel sandbox (`on`); `off` only on purpose, on a single-person machine —
   * every signed-in page then says that kernels are not isolated. `npm start` gives the web
   * and the gateway the same value.
   */
  LATTICE_LOCAL_SANDBOX: z.enum(['on', 'off'], { error: 'LATTICE_LOCAL_SANDBOX must be on or off' }).default('on'),
  /** The platform's data directory (`npm start` passes it); projects' files live in its `project-files/`. */
  LATTICE_DATA_DIR: z.string().min(1).default('.data'),
  /** Each project's storage limit for its files, in bytes (default 10 GiB). */
  LATTICE_PROJECT_STORAGE_BYTES: z.coerce.number().int().positive().default(10 * 1024 ** 3),
});
export type TWebConfig = Readonly<z.infer<typeof ZWebConfig>>;

let config: TWebConfig | null = null;

export function getConfig(): TWebConfig {
  if (!config) {
    const parsed = ZWebConfig.safeParse(process.env);
    if (!parsed.success) throw new Error(`Web configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    config = Object.freeze(parsed.data);
  }
  return config;
}
