import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Mode of every secret file: the platform's uid alone may read it (kernels run as other uids). */
export const SECRET_FILE_MODE = 0o600;
/**
 * Mode of the data directory: other uids may traverse it (a sandboxed kernel reaches
 * `.data/venv` and its own home through it) but may not list it.
 */
export const DATA_DIR_MODE = 0o711;

/** A new random secret, URL-safe so it can sit in a connection string as is. */
export function newSecret(): string {
  return randomBytes(24).toString('base64url');
}

/** The secret kept in `file`, or null when there is none; an existing file is made 0600 first. */
export function readSecret(file: string): string | null {
  if (!existsSync(file)) return null;
  chmodSync(file, SECRET_FILE_MODE);
  const secret = readFileSync(file, 'utf8').trim();
  return secret || null;
}

/**
 * Writes `secret` to `file` with mode 0600, atomically (a temporary file in the same
 * directory, then a rename), so a reader never sees a half-written secret.
 */
export function writeSecret(file: string, secret: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${secret}\n`, { mode: SECRET_FILE_MODE });
  // writeFileSync's mode only applies to a new file and is masked by the umask.
  chmodSync(tmp, SECRET_FILE_MODE);
  renameSync(tmp, file);
}

/** The secret kept in `file`, generated and saved (0600) on first use. */
export function readOrCreateSecret(file: string): string {
  const existing = readSecret(file);
  if (existing) return existing;
  const secret = newSecret();
  writeSecret(file, secret);
  return secret;
}

/** Creates the data directory if needed and sets it to 0711, also when it exists with a looser mode. */
export function secureDataDir(dir: string): void {
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, DATA_DIR_MODE);
}
