/**
 * Resolves with the first item of `items` (already received or pushed later) that matches.
 * The reader that pushes to `items` calls every function in `waiters` after each push;
 * rejects with "timed out waiting for `what`" after `timeoutMs`.
 */
export function waitForMatch<T>(items: T[], waiters: Set<() => void>, match: (item: T) => boolean, timeoutMs: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const check = () => {
      const found = items.find(match);
      if (found === undefined) return false;
      waiters.delete(check);
      clearTimeout(timer);
      resolve(found);
      return true;
    };
    const timer = setTimeout(() => {
      waiters.delete(check);
      reject(new Error(`timed out waiting for ${what}`));
    }, timeoutMs);
    if (!check()) waiters.add(check);
  });
}
