/**
 * Launches that count against the same user or project take turns here, in this process,
 * before their admission transaction — instead of waiting on the advisory lock inside it,
 * each holding one of the pool's few connections (bench:kubernetes: 100 launches of one user
 * held all 10, and their own auth, target and state queries queued behind them; launch →
 * admission began took 1.4 s). The advisory locks stay: they order admissions across gateways.
 */
export class AdmissionQueue {
  private readonly tails = new Map<string, Promise<void>>();

  /**
   * Runs `fn` once every earlier run sharing one of `keys` has finished. A run waits only on
   * runs queued before it, so two runs never wait for each other.
   */
  async run<T>(keys: readonly string[], fn: () => Promise<T>): Promise<T> {
    const earlier = keys.map((key) => this.tails.get(key));
    let done!: () => void;
    const mine = new Promise<void>((resolve) => (done = resolve));
    for (const key of keys) this.tails.set(key, mine);
    try {
      await Promise.all(earlier);
      return await fn();
    } finally {
      done();
      for (const key of keys) if (this.tails.get(key) === mine) this.tails.delete(key);
    }
  }
}
