/**
 * Latest-wins query scheduling: at most one query in flight and one pending.
 * A newer query replaces the pending one, whose promise resolves to null, so a
 * fast brush never queues stale work.
 */

export class LatestWins<Q, R> {
  private inFlight = false;
  private pending: { query: Q; resolve: (r: R | null) => void; reject: (e: unknown) => void } | null = null;

  constructor(private readonly run: (query: Q) => Promise<R>) {}

  /** Resolves to the answer, or to null when a newer query replaced this one before it started. */
  submit(query: Q): Promise<R | null> {
    return new Promise<R | null>((resolve, reject) => {
      if (this.pending) this.pending.resolve(null);
      this.pending = { query, resolve, reject };
      if (!this.inFlight) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.inFlight = true;
    while (this.pending) {
      const { query, resolve, reject } = this.pending;
      this.pending = null;
      try {
        resolve(await this.run(query));
      } catch (e) {
        reject(e);
      }
    }
    this.inFlight = false;
  }
}
