/** Longest message kept for the template's owner (the whole output stays in the build log). */
const MAX_MESSAGE = 2000;

/**
 * The installer's own explanation of a failure, out of its whole output: from uv's first
 * `error:` / `×` line on (the resolver's "Because … we can conclude …", a build backend's
 * traceback summary), else its last lines. Warnings before it are left in the log.
 */
export function installerMessage(output: string): string {
  const lines = output.replace(/\x1b\[[0-9;]*m/g, '').split('\n');
  const start = lines.findIndex((line) => /^\s*(error:|×)/.test(line));
  const picked = (start >= 0 ? lines.slice(start) : lines.slice(-20)).map((l) => l.trimEnd()).filter(Boolean);
  const message = picked.join('\n').trim() || 'the installer failed without a message';
  return message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}…` : message;
}
