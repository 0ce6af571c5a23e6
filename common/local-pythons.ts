import { readdirSync } from 'node:fs';
import path from 'node:path';

/**
 * Server-side only (reads the disk): the Python versions a local build can use. Only the
 * system's (/usr/bin/python3.N): kernels run as other uids, which must be able to read the
 * interpreter (a pyenv build under /root cannot be).
 */
const SYSTEM_BIN = '/usr/bin';

/** `3.11` → its interpreter; newest first. */
export function localPythons(bin = SYSTEM_BIN): Array<{ version: string; executable: string }> {
  let names: string[];
  try {
    names = readdirSync(bin);
  } catch {
    return [];
  }
  return names
    .map((name) => /^python(3\.(\d{1,2}))$/.exec(name))
    .filter((m): m is RegExpExecArray => m !== null)
    .sort((a, b) => Number(b[2]) - Number(a[2]))
    .map((m) => ({ version: m[1], executable: path.join(bin, m[0]) }));
}
