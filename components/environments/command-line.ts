/**
 * The kernel command as one line in the form: arguments split on spaces, with "double" or
 * 'single' quotes keeping spaces inside one argument.
 */
export function splitCommand(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

export function joinCommand(argv: string[]): string {
  return argv.map((a) => (a === '' || /\s|["']/.test(a) ? (a.includes('"') ? `'${a}'` : `"${a}"`) : a)).join(' ');
}
