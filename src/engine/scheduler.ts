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

/**
 * Which answers to show when queries overlap: the page numbers each query it
 * asks for, and shows an answer when it is newer than the one on screen, even
 * if a newer query is already asked for. While a brush is dragged a query is
 * asked for every frame, and each answer arrives after the next was asked
 * for: showing only the newest asked would show nothing until the drag stops.
 */
export class ShowNewer {
  private asked = 0;
  private shown = 0;

  /** Numbers a new query. */
  ask(): number {
    return ++this.asked;
  }

  /** Whether `id` is the newest query asked for. */
  isNewest(id: number): boolean {
    return id === this.asked;
  }

  /** Whether the answer to `id` should replace the one shown (and records it as shown). */
  offer(id: number): boolean {
    if (id < this.shown) return false;
    this.shown = id;
    return true;
  }
}
