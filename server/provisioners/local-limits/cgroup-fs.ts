import { mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';

/** Small helpers over cgroupfs files, shared by the v1 and v2 implementations. */

export async function readText(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return null;
  }
}

/** A file holding one integer (`memory.usage_in_bytes`, `cpuacct.usage`, `memory.current`). */
export async function readNumber(file: string): Promise<number | null> {
  const text = await readText(file);
  if (text === null) return null;
  const n = Number(text.trim());
  return Number.isFinite(n) ? n : null;
}

/** A `key value` per line file (`memory.oom_control`, `memory.events`, `cpu.stat`). */
export async function readKeyed(file: string): Promise<Map<string, number>> {
  const text = (await readText(file)) ?? '';
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const [key, value] = line.trim().split(/\s+/);
    if (key && value !== undefined && Number.isFinite(Number(value))) out.set(key, Number(value));
  }
  return out;
}

export async function writeValue(file: string, value: string | number): Promise<void> {
  await writeFile(file, String(value));
}

/** Writes a value if the file exists (optional knobs such as memsw or memory.swap.max). */
export async function writeIfPresent(file: string, value: string | number): Promise<boolean> {
  try {
    await writeFile(file, String(value), { flag: 'r+' });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

export async function makeCgroup(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
}

/**
 * Removes a cgroup directory. It is busy until the last of its processes has been reaped,
 * which can take a moment after SIGKILL, hence the retries. Gone already is fine.
 */
export async function removeCgroup(dir: string, attempts = 30): Promise<boolean> {
  for (let i = 0; i < attempts; i++) {
    try {
      await rmdir(dir);
      return true;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return true;
      if (code !== 'EBUSY' && code !== 'ENOTEMPTY') return false;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return false;
}
