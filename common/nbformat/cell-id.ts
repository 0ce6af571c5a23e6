/**
 * A fresh cell id: 8 random hex characters, like nbformat's `random_cell_id()`.
 * Uses `crypto.getRandomValues`, which (unlike `randomUUID`) also works on plain-http pages.
 */
export function newCellId(): string {
  const bytes = new Uint8Array(4);
  const c = (globalThis as { crypto?: { getRandomValues?: (a: Uint8Array) => Uint8Array } }).crypto;
  if (c?.getRandomValues) c.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
