/**
 * How the views that draw trainings (the table, the parallel coordinates) get
 * rows without querying: a view declares what it needs (`rows-need`: a page
 * of the selection in an order, or the sample) and the coordinator asks the
 * engine after each aggregate answer and hands the view `ShownRows`. A
 * one-off need (the table's CSV export, chunk by chunk) is a `rows-request`
 * event that the page answers through the coordinator's queue.
 */

import type { QuerySpec, RowNeed, RowsAnswer, RowsQuery } from '../../engine/types.js';

/** Rows handed to a view: what it asked for, of which query and its answer, and the engine's answer. */
export interface ShownRows<R> {
  readonly need: RowNeed;
  /** The query whose selection these rows are. */
  readonly spec: QuerySpec;
  /** The aggregate answer of that query (counts, statistics). */
  readonly result: R;
  /** Null when the engine refused (see error). */
  readonly answer: RowsAnswer | null;
  readonly error: string | null;
}

/** What decides which rows a query selects (not its bins or trellis): two queries with the same key have the same rows. */
export function selectionKey(spec: QuerySpec): string {
  return JSON.stringify([spec.metric ?? null, spec.normalize ?? false, spec.range ?? null, spec.where ?? {}]);
}

export const ROWS_NEED = 'rows-need';

export interface RowsNeedDetail {
  /** Which view (one need per view). */
  readonly view: string;
  /** Null: the view needs no rows any more. */
  readonly need: RowNeed | null;
}

export type RowsNeedEvent = CustomEvent<RowsNeedDetail>;

/** The event by which a view declares the rows it needs (bubbling, composed). */
export function rowsNeed(view: string, need: RowNeed | null): RowsNeedEvent {
  return new CustomEvent(ROWS_NEED, { detail: { view, need }, bubbles: true, composed: true });
}

/**
 * A view's need, as it last declared it: `declare` dispatches `rows-need` only
 * when the need changed, and `answers` says whether rows handed over are for
 * that need and for the selection of the view's current state.
 */
export class DeclaredNeed {
  private key = '';

  constructor(private readonly view: string) {}

  declare(from: EventTarget, need: RowNeed): void {
    const key = JSON.stringify(need);
    if (key === this.key) return;
    this.key = key;
    from.dispatchEvent(rowsNeed(this.view, need));
  }

  answers<R>(rows: ShownRows<R> | null, spec: QuerySpec): rows is ShownRows<R> {
    return rows !== null && JSON.stringify(rows.need) === this.key && selectionKey(rows.spec) === selectionKey(spec);
  }
}

export const ROWS_REQUEST = 'rows-request';

export interface RowsRequestDetail {
  readonly query: RowsQuery;
  resolve(answer: RowsAnswer): void;
  reject(error: unknown): void;
  /** Set by whoever takes the request. */
  taken: boolean;
}

export type RowsRequestEvent = CustomEvent<RowsRequestDetail>;

/** Asks the page, through an event from `el`, for the rows of one query (the coordinator queues it behind the counts). */
export function requestRows(el: EventTarget, query: RowsQuery): Promise<RowsAnswer> {
  return new Promise((resolve, reject) => {
    const detail: RowsRequestDetail = { query, resolve, reject, taken: false };
    el.dispatchEvent(new CustomEvent(ROWS_REQUEST, { detail, bubbles: true, composed: true }));
    if (!detail.taken) reject(new Error('no coordinator answers row requests here'));
  });
}
