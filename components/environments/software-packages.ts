/**
 * The package list as the template form edits it (requirements format, one per line).
 * Validation is the server's (`ZSoftwareInput`); this only merges lists without repeating a package.
 */

/** The package a requirement line names, normalized as PyPI compares names (PEP 503); null for blanks and comments. */
export function requirementName(line: string): string | null {
  const m = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(line.replace(/(^|\s)#.*$/, ''));
  return m ? m[1].toLowerCase().replace(/[-_.]+/g, '-') : null;
}

/**
 * `text` with each of `additions` appended on its own line, unless a line already names that
 * package (in any spelling or version: the person's own pin wins). Existing lines, comments
 * included, stay as typed.
 */
export function addRequirements(text: string, additions: readonly string[]): string {
  const present = new Set(text.split(/\r?\n/).map(requirementName).filter((n): n is string => n !== null));
  const missing = additions.filter((line) => {
    const name = requirementName(line);
    if (name === null || present.has(name)) return false;
    present.add(name);
    return true;
  });
  if (!missing.length) return text;
  const kept = text.replace(/\s+$/, '');
  return `${kept ? `${kept}\n` : ''}${missing.join('\n')}\n`;
}
