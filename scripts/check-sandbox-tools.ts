import { accessSync, constants } from 'node:fs';
import path from 'node:path';

/** What the gateway's kernel sandbox runs, and the Debian package each comes from. */
const SANDBOX_TOOLS: Readonly<Record<string, string>> = {
  bwrap: 'bubblewrap',
  slirp4netns: 'slirp4netns',
  iptables: 'iptables',
  setpriv: 'util-linux',
  unshare: 'util-linux',
};

function onPath(tool: string, searchPath: string): boolean {
  return searchPath.split(path.delimiter).some((dir) => {
    try {
      accessSync(path.join(dir, tool), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * Checked by `npm start` before it starts the gateway, so a missing tool is said at once
 * rather than at the first launch (when the gateway refuses the kernel, saying the same).
 * `/usr/sbin` and `/sbin` are searched too: iptables lives there, off a user's PATH.
 * Returns null when everything is there, else what to install.
 */
export function missingSandboxTools(searchPath: string): { tools: string[]; message: string } | null {
  const full = [searchPath, '/usr/sbin', '/sbin'].join(path.delimiter);
  const tools = Object.keys(SANDBOX_TOOLS).filter((tool) => !onPath(tool, full));
  if (!tools.length) return null;
  const packages = [...new Set(tools.map((tool) => SANDBOX_TOOLS[tool]))];
  return {
    tools,
    message:
      `local kernels will not start: their sandbox needs ${tools.join(', ')}. Install them with \`apt-get install ${packages.join(' ')}\` ` +
      '(or, on a machine only one person uses, set LATTICE_LOCAL_SANDBOX=off to run kernels unsandboxed).',
  };
}
