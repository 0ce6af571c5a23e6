import type { TConnectionKey } from '../auth/connection-rights';

/** An open kernel websocket, as the revocation sweep needs it: whose, to which kernel, how to end it. */
export interface TOpenConnection extends TConnectionKey {
  /** Closes the websocket with `code` and a reason its client can show, and lets go of the kernel. */
  end(code: number, reason: string): void;
}

/** The kernel websockets open on this gateway (added at upgrade, removed when they close). */
export class OpenConnections {
  private readonly open = new Set<TOpenConnection>();

  add(connection: TOpenConnection): () => void {
    this.open.add(connection);
    return () => this.open.delete(connection);
  }

  list(): TOpenConnection[] {
    return [...this.open];
  }
}
