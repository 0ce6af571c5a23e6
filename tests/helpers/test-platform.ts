import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { startPlatform, type TPlatform } from '../../scripts/platform';
import { freePort } from './free-port';
import { createTestDatabase, type TTestDatabase } from './postgres';
import { testPython } from './python';

export interface TTestPlatformOptions {
  /** The admin account the platform seeds. */
  admin: { email: string; password: string };
  /** Prefix of the temporary data directory. */
  dataDirPrefix: string;
  /** A database the caller prepared and drops itself; by default a fresh one is created and dropped on close. */
  db?: TTestDatabase;
  /** Fixed ports (free ones by default). */
  webPort?: number;
  gatewayPort?: number;
  /** Also launch Debian's headless Chromium. */
  browser?: boolean;
  /** Extra gateway variables (shorter culling intervals and warnings, say). */
  gatewayEnv?: Record<string, string>;
}

export interface TTestPlatform {
  platform: TPlatform;
  db: TTestDatabase;
  dataDir: string;
  browser?: Browser;
  /** Closes the browser, stops the platform, drops the database it created and removes the data directory. */
  close(): Promise<void>;
}

/**
 * The real web and gateway (scripts/platform.ts) with a local ipykernel, for end-to-end tests.
 * Whatever was started is cleaned up again if a later step fails.
 */
export async function startTestPlatform(opts: TTestPlatformOptions): Promise<TTestPlatform> {
  let platform: TPlatform | undefined;
  let browser: Browser | undefined;
  const db = opts.db ?? (await createTestDatabase());
  const dataDir = mkdtempSync(path.join(tmpdir(), opts.dataDirPrefix));
  const close = async () => {
    await browser?.close();
    await platform?.stop();
    if (!opts.db) await db.drop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    platform = await startPlatform({
      databaseUrl: db.url,
      ownerDatabaseUrl: db.ownerUrl,
      dataDir,
      webPort: opts.webPort ?? (await freePort()),
      gatewayPort: opts.gatewayPort ?? (await freePort()),
      adminEmail: opts.admin.email,
      adminPassword: opts.admin.password,
      python: path.resolve(testPython()),
      log: (line) => console.log(`[platform] ${line}`),
      gatewayEnv: opts.gatewayEnv,
    });
    if (opts.browser) {
      browser = await chromium.launch({
        executablePath: '/usr/bin/chromium',
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
      });
    }
  } catch (err) {
    await close();
    throw err;
  }
  return { platform, db, dataDir, browser, close };
}
