import type { TDb } from '../../db/client';
import { platformSettings } from '../../db/schema';

/**
 * Turns the platform's "kernel starts on the first run" setting off, so opening a notebook
 * starts its kernel as it did before the setting existed: for tests about a kernel that is
 * there as soon as its page is (the editor reads the setting on each page load).
 */
export async function startKernelsOnOpen(db: TDb): Promise<void> {
  await db
    .insert(platformSettings)
    .values({ id: 1, kernelStartsOnRun: false })
    .onConflictDoUpdate({ target: platformSettings.id, set: { kernelStartsOnRun: false } });
}
