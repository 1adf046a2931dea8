/**
 * The coordinator: one object owns the explorer's view state, sends its
 * queries to the sweep on the engine, drops stale answers and says what the
 * views are to draw. Views never query: they ask for a change (`change`), and
 * draw the state and the answer the coordinator shows (`shown`).
 *
 * Sequencing, in one place:
 * - at most one query a frame for the view state (`change` merges, the frame
 *   sends);
 * - at most one query runs and one waits (LatestWins): a newer query takes
 *   the waiting one's place, so a fast brush never queues stale work;
 * - an answer newer than the one shown is shown even when a later query is
 *   already asked for (ShowNewer): while a brush is dragged the views follow at
 *   the engine's pace rather than wait for the drag to stop;
 * - an answer for a sweep that has since been replaced is never shown;
 * - automation queries (`answer`) share the same queue and never change what
 *   is shown;
 * - rows (the table's page, the parallel view's sample) come after counts:
 *   each view declares what it needs (`needRows`); once an aggregate answer
 *   is shown and no count query waits, the coordinator asks for each view's
 *   rows of the shown query, one request at a time, and hands them over
 *   (`rows`). A row answer older than the one a view shows, for a need the
 *   view no longer has, or for a replaced sweep is dropped. Row requests do
 *   not take the engine's turn (`exclusive`): a count query never waits for
 *   them.
 *
 * No DOM here: the host gives frames, a clock and the engine's turn-taking, so
 * the whole of it runs in Node (tests/coordinator.test.ts).
 */

import { LatestWins, ShowNewer } from '../engine/scheduler.js';
import type { QuerySpec, RowNeed, RowsAnswer, RowsQuery } from '../engine/types.js';
import { errorMessage } from '../views/shared/format.js';
import { selectionKey, type ShownRows } from '../views/shared/row-events.js';
import { specOf, type ViewState } from '../views/shared/view-state.js';
import { oneLine } from './spec.js';

/** What a query answers (the engine's QueryResult, or a test's stand-in). */
export interface Answered {
  readonly engineMs: number;
}

/** The sweep on the engine, as the coordinator queries it (a Session). */
export interface QueryTarget<R extends Answered> {
  query(spec: QuerySpec): Promise<R>;
  /** The rows of a query's selection (Session.rows); without it, views get no rows. */
  rows?(query: RowsQuery): Promise<RowsAnswer>;
}

/** What the coordinator needs from the page. */
export interface CoordinatorHost {
  /** Calls `f` at the next frame (requestAnimationFrame in the page). */
  frame(f: () => void): void;
  /** Milliseconds, for the time an answer took. */
  now(): number;
  /** Runs engine work in turn with the loading of sweeps (the page's `exclusive`). */
  exclusive<T>(work: () => Promise<T>): Promise<T>;
  /** Something the views draw changed: the state, the answer shown, the error or busy. */
  changed(): void;
}

/** The answer the views draw. */
export interface ShownAnswer<R> {
  readonly result: R;
  /** The query it answers. */
  readonly spec: QuerySpec;
  /** Milliseconds from the query being asked for to its answer. */
  readonly totalMs: number;
}

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
}
function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

export class Coordinator<R extends Answered> {
  /** The view state: what the address holds and every view reads. */
  state: ViewState;
  shown: ShownAnswer<R> | null = null;
  /** The last query's failure, as one line for the page. */
  error: string | null = null;
  /** A query for the page is asked for and not answered yet. */
  busy = false;

  private target: QueryTarget<R> | null = null;
  private readonly order = new ShowNewer();
  private readonly scheduler: LatestWins<QuerySpec, { result: R; target: QueryTarget<R> }>;
  /** Resolved (and replaced) each time a query finishes: a superseded caller waits on it before it asks again. */
  private finished = deferred();
  private frameAsked = false;
  /** Rows: what each view needs, what it was last asked for, what it shows. */
  private readonly needs = new Map<string, RowNeed>();
  private readonly rowsAsked = new Map<string, string>();
  private readonly rowsShown = new Map<string, ShownRows<R> & { seq: number }>();
  private readonly oneOffs: { query: RowsQuery; resolve: (a: RowsAnswer) => void; reject: (e: unknown) => void }[] = [];
  private rowsRunning = false;
  private rowSeq = 0;

  constructor(
    private readonly host: CoordinatorHost,
    initial: ViewState,
  ) {
    this.state = initial;
    this.scheduler = new LatestWins(async (spec) => {
      try {
        return await host.exclusive(async () => {
          const t = this.target;
          if (!t) throw new Error('no sweep is loaded: load one first with window.sweepscope.load(…)');
          return { result: await t.query(spec), target: t };
        });
      } finally {
        const f = this.finished;
        this.finished = deferred();
        f.resolve();
      }
    });
  }

  /** A new sweep on the engine: nothing of the old one is shown again. `state` replaces the view state when given. */
  setTarget(target: QueryTarget<R> | null, state?: ViewState): void {
    this.target = target;
    this.shown = null;
    this.error = null;
    this.rowsShown.clear();
    this.rowsAsked.clear();
    if (state) this.state = state;
    this.host.changed();
  }

  /** A view asked for a change: merged into the state, and one query for it at the next frame. */
  change(partial: Partial<ViewState>): void {
    this.state = { ...this.state, ...structuredClone(partial) };
    this.host.changed();
    if (this.frameAsked) return;
    this.frameAsked = true;
    this.host.frame(() => {
      this.frameAsked = false;
      if (this.target) void this.show();
    });
  }

  /**
   * Answers `spec` through the queue until it has its own answer; null once
   * `wanted()` says a newer request made it pointless. Rejects with the
   * engine's error. Shows nothing (automation).
   */
  async answer(spec: QuerySpec, wanted: () => boolean = () => true): Promise<{ result: R; target: QueryTarget<R> } | null> {
    for (;;) {
      const next = this.finished.promise;
      const a = await this.scheduler.submit(spec);
      if (a !== null) return a;
      if (!wanted()) return null;
      // Another query took our place: it runs after the one in flight; ask again then.
      await next;
      if (!wanted()) return null;
    }
  }

  /**
   * Runs the query of the current state (or `spec`) for the views and shows
   * its answer. Never rejects: a failure is shown (the views keep the last
   * answer) and resolves to false, as does an answer that is stale by the
   * time it comes.
   */
  async show(spec: QuerySpec = specOf(this.state)): Promise<boolean> {
    const id = this.order.ask();
    const wanted = (): boolean => this.order.isNewest(id);
    this.busy = true;
    this.host.changed();
    const t0 = this.host.now();
    try {
      const a = await this.answer(spec, wanted);
      if (a === null || a.target !== this.target || !this.order.offer(id)) return false;
      this.shown = { result: a.result, spec, totalMs: this.host.now() - t0 };
      this.error = null;
      if (!wanted()) this.host.changed();
      return true;
    } catch (e) {
      if (wanted()) this.error = `Query failed: ${oneLine(errorMessage(e))}`;
      return false;
    } finally {
      if (wanted()) {
        this.busy = false;
        this.host.changed();
      }
      this.pumpRows();
    }
  }

  // ---- rows

  /** The rows a view shows now (null before its first answer). */
  rows(view: string): ShownRows<R> | null {
    return this.rowsShown.get(view) ?? null;
  }

  /** A view declares the rows it needs (null: none); they are asked for once the counts are shown. */
  needRows(view: string, need: RowNeed | null): void {
    if (need === null) {
      this.needs.delete(view);
      this.rowsAsked.delete(view);
      if (this.rowsShown.delete(view)) this.host.changed();
      return;
    }
    const had = this.needs.get(view);
    if (!had || JSON.stringify(had) !== JSON.stringify(need)) this.needs.set(view, structuredClone(need));
    this.pumpRows();
  }

  /** The rows of one query, asked in turn with the views' needs (after the counts); for the table's export. */
  requestRows(query: RowsQuery): Promise<RowsAnswer> {
    return new Promise((resolve, reject) => {
      this.oneOffs.push({ query, resolve, reject });
      this.pumpRows();
    });
  }

  /** What decides a query's rows: the selection, not the bins or the trellis. */
  private static rowKey(spec: QuerySpec, need: RowNeed): string {
    return `${selectionKey(spec)}|${JSON.stringify(need)}`;
  }

  /**
   * Asks for the next row request when the engine has no count query of the
   * page's to answer: a one-off first (someone waits on it), then the first
   * view whose rows are not of the shown query and its need.
   */
  private pumpRows(): void {
    if (this.rowsRunning || this.busy) return;
    const target = this.target;
    if (!target?.rows) {
      for (const o of this.oneOffs.splice(0)) o.reject(new Error('no sweep is loaded that answers rows'));
      return;
    }
    const one = this.oneOffs.shift();
    if (one) {
      this.rowsRunning = true;
      target
        .rows(one.query)
        .then(one.resolve, one.reject)
        .finally(() => {
          this.rowsRunning = false;
          this.pumpRows();
        });
      return;
    }
    const shown = this.shown;
    if (!shown) return;
    for (const [view, need] of this.needs) {
      const key = Coordinator.rowKey(shown.spec, need);
      if (this.rowsAsked.get(view) === key) continue;
      this.rowsAsked.set(view, key);
      // the view asked for goes last: every view's rows follow in turn
      this.needs.delete(view);
      this.needs.set(view, need);
      const seq = ++this.rowSeq;
      const spec = shown.spec;
      this.rowsRunning = true;
      const offer = (answer: RowsAnswer | null, error: string | null): void => {
        // dropped: another sweep, a need the view no longer has, or older than what the view shows
        if (target !== this.target || this.needs.get(view) !== need) return;
        const current = this.rowsShown.get(view);
        if (current && current.seq > seq) return;
        this.rowsShown.set(view, { need, spec, result: shown.result, answer, error, seq });
        this.host.changed();
      };
      target
        .rows({ ...need, spec })
        .then(
          (a) => offer(a, null),
          (e: unknown) => offer(null, oneLine(errorMessage(e))),
        )
        .finally(() => {
          this.rowsRunning = false;
          this.pumpRows();
        });
      return;
    }
  }
}
