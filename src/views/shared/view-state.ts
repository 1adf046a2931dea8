/**
 * The explorer's whole view state: what the URL holds and what every view
 * reads. A view never queries the engine; it dispatches a `view-change` event
 * with a partial ViewState, and the coordinator (src/app) merges it, runs one
 * query (latest wins) and hands every view the new Answer.
 */

import type { QuerySpec } from '../../engine/types.js';

export type MatrixEncoding = 'count' | 'share' | 'lift';

/** The matrix's colour scale: one over all cells, or each parameter pair's block to its own maximum. */
export type MatrixScale = 'global' | 'pair';

export interface ViewState {
  metric?: string;
  normalize: boolean;
  /** Brush on the shown axis, inclusive; null = none. */
  range: [number, number] | null;
  /** Allowed options per parameter (absent = all). */
  where: Record<string, string[]>;
  primary?: string;
  secondary?: string | null;
  bins: number;
  matrixEncoding: MatrixEncoding;
  matrixScale: MatrixScale;
}

export const DEFAULT_VIEW_STATE: ViewState = {
  normalize: true,
  range: null,
  where: {},
  bins: 50,
  matrixEncoding: 'count',
  matrixScale: 'global',
};

/** The event every view dispatches (bubbling, composed) to change the state. */
export const VIEW_CHANGE = 'view-change';

export type ViewChangeEvent = CustomEvent<Partial<ViewState>>;

export function viewChange(detail: Partial<ViewState>): ViewChangeEvent {
  return new CustomEvent(VIEW_CHANGE, { detail, bubbles: true, composed: true });
}

/** The query of a view state: everything but the matrix encoding and scale (view-only choices). */
export function specOf(v: ViewState): QuerySpec {
  const spec: QuerySpec = { normalize: v.normalize, range: v.range, where: v.where, bins: v.bins };
  if (v.metric !== undefined) spec.metric = v.metric;
  if (v.primary !== undefined) spec.primary = v.primary;
  if (v.secondary !== undefined) spec.secondary = v.secondary;
  return spec;
}
