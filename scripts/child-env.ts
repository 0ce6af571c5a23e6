/**
 * The environments `npm start` gives the processes it starts. A kernel that escaped its
 * sandbox, or a bug that prints the environment, must find no secret there that the
 * process does not need: the launcher's own secrets reach no child, the gateway does not get
 * the web's session secret, and the web does not get the gateway's metrics token.
 */

/**
 * Read by the launcher alone: the first admin's password (used once, to seed) and the
 * migration owner's URL. {@link dropLauncherSecrets} removes them from the launcher's own
 * environment, so nothing it starts later (Postgres, pip, `next build`) inherits them.
 */
export const LAUNCHER_SECRETS = ['LATTICE_ADMIN_PASSWORD', 'LATTICE_MIGRATION_DATABASE_URL'] as const;
/** The web signs sessions with it; nothing else needs it. The launcher passes it to the web explicitly. */
const WEB_ONLY_SECRETS = ['NEXTAUTH_SECRET'] as const;
/** Prometheus scrapes the gateway with it; the launcher passes it to the gateway explicitly. */
const GATEWAY_ONLY_SECRETS = ['LATTICE_METRICS_TOKEN'] as const;

type TEnv = NodeJS.ProcessEnv;

function without(env: TEnv, names: readonly string[]): TEnv {
  const copy = { ...env };
  for (const name of names) delete copy[name];
  return copy;
}

/**
 * Deletes the launcher's secrets and the web's session secret from `env` (the launcher's
 * `process.env`, after its settings were read), in place.
 */
export function dropLauncherSecrets(env: TEnv): void {
  for (const name of [...LAUNCHER_SECRETS, ...WEB_ONLY_SECRETS, ...GATEWAY_ONLY_SECRETS]) delete env[name];
}

/** `base` without the launcher's secrets: for helper processes such as `next build`. */
export function helperChildEnv(base: TEnv): TEnv {
  return without(base, [...LAUNCHER_SECRETS, ...WEB_ONLY_SECRETS, ...GATEWAY_ONLY_SECRETS]);
}

/** The gateway's environment: `base` and its settings, without the launcher's secrets or the session secret. */
export function gatewayChildEnv(base: TEnv, settings: Record<string, string>): TEnv {
  return without({ ...base, ...settings }, [...LAUNCHER_SECRETS, ...WEB_ONLY_SECRETS]);
}

/** The web's environment: `base`, its settings and the session secret, without the launcher's secrets. */
export function webChildEnv(base: TEnv, settings: Record<string, string> & { NEXTAUTH_SECRET: string }): TEnv {
  return { ...without(base, [...LAUNCHER_SECRETS, ...WEB_ONLY_SECRETS, ...GATEWAY_ONLY_SECRETS]), ...settings };
}
