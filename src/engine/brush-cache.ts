/**
 * Answers derived from the last one. Every aggregate is a sum over rows, so
 * a query close to the last answered one needs only the rows that differ:
 *
 * - a brush move (same filters, metric, bins): the baseline side (baseline
 *   counts, trellis) is the last answer's; counting just the selected rows,
 *   or just the unselected ones when they are fewer, gives the rest
 *   (selected = baseline - unselected). Exact, and at most half the rows.
 * - a filter change on one parameter whose allowed options grow or shrink
 *   (an option switched on or off): the last answer plus or minus the rows
 *   of the options that changed, under the other filters: a quarter of the
 *   rows when one option of four is toggled. Counts stay exact; the trellis
 *   sums are f64 sums plus or minus other f64 sums, equal to a fresh sum to
 *   rounding (means within 1e-12 relative, far inside the engines' tolerance).
 */

import type { ResolvedQuery } from './resolve.js';
import type { KernelPlan, RawAggregates } from './types.js';

/** Everything in a query but the brush, and the plan's table shapes (which differ between engines), as a string. */
export function baselineKey(q: ResolvedQuery, plan: KernelPlan): string {
  return JSON.stringify([
    q.metric,
    q.normalize,
    q.bins,
    q.primary,
    q.secondary,
    q.filters.map((f) => (f ? Array.from(f) : null)),
    plan.pairTables.map((t) => t.size),
    plan.trellisTables.map((t) => t.size),
  ]);
}

/** The last answer: its query, its baseline key and its aggregates. */
export interface LastAnswer {
  readonly key: string;
  readonly query: ResolvedQuery;
  readonly raw: RawAggregates;
}

const sub = (a: Uint32Array, b: Uint32Array): Uint32Array => a.map((x, i) => x - b[i]);

/**
 * Completes a brush-only answer: `m` holds the marginalized counts of one
 * side (`countOnly`: 1 the selected rows, 0 the unselected) and, when the
 * kernel visited only that side's rows (`rangesOnly`), its histogram and
 * totals cover only them; `last` has the same baseline.
 */
export function completeBrush(last: RawAggregates, countOnly: 0 | 1, rangesOnly: boolean, m: RawAggregates): RawAggregates {
  const selectedSide = countOnly === 1;
  const optionSelected = selectedSide ? m.optionSelected : sub(last.optionBaseline, m.optionBaseline);
  const pairSelected = selectedSide ? m.pairSelected : sub(last.pairBaseline, m.pairBaseline);
  const counts = { ...last, optionSelected, pairSelected };
  if (!rangesOnly) return { ...counts, missing: m.missing, baseline: m.baseline, selected: m.selected, histBaseline: m.histBaseline, histSelected: m.histSelected };
  return {
    ...counts,
    selected: selectedSide ? m.selected : last.baseline - m.baseline,
    histSelected: selectedSide ? m.histSelected : sub(last.histBaseline, m.histBaseline),
  };
}

/** Which side of a brush to count: the one with fewer rows (estimated by `selectedShare`, from 0 to 1). */
export function smallerSideOf(selectedShare: number): 0 | 1 {
  return selectedShare > 0.5 ? 0 : 1;
}

/** A change of one parameter's filter: the options whose rows are added (sign 1) or removed (-1). */
export interface FilterDelta {
  readonly param: number;
  readonly options: Uint8Array;
  readonly sign: 1 | -1;
}

/**
 * `to` as `from` with one parameter's allowed options grown or shrunk, and
 * nothing else changed (brush, metric, bins, trellis): the options that
 * changed, when counting them is cheaper than counting `to`'s options. Null
 * otherwise. `same` when the queries ask the same thing.
 */
export function filterDelta(from: ResolvedQuery, to: ResolvedQuery, cards: readonly number[]): FilterDelta | 'same' | null {
  if (
    from.metric !== to.metric ||
    from.normalize !== to.normalize ||
    from.bins !== to.bins ||
    from.primary !== to.primary ||
    from.secondary !== to.secondary ||
    (from.range === null) !== (to.range === null) ||
    (from.range && to.range && (from.range[0] !== to.range[0] || from.range[1] !== to.range[1]))
  )
    return null;
  let found: FilterDelta | null = null;
  for (let p = 0; p < cards.length; p++) {
    const a = from.filters[p];
    const b = to.filters[p];
    const was = (o: number): boolean => !a || a[o] === 1;
    const is = (o: number): boolean => !b || b[o] === 1;
    let added = 0;
    let removed = 0;
    let kept = 0;
    for (let o = 0; o < cards[p]; o++) {
      if (is(o) && !was(o)) added++;
      else if (was(o) && !is(o)) removed++;
      else if (is(o)) kept++;
    }
    if (!added && !removed) continue;
    // two parameters changed, or options both added and removed: a full query
    if (found || (added && removed)) return null;
    const sign = added ? 1 : -1;
    const changed = added || removed;
    // counting the changed options must visit fewer rows than counting the new allowed ones
    if (changed >= kept + added) return null;
    const options = new Uint8Array(cards[p]);
    for (let o = 0; o < cards[p]; o++) options[o] = was(o) !== is(o) ? 1 : 0;
    found = { param: p, options, sign };
  }
  return found ?? 'same';
}

const add = (a: Uint32Array, b: Uint32Array, sign: number): Uint32Array => a.map((x, i) => x + sign * b[i]);

/** `last` plus or minus the aggregates `d` of the rows a filter change adds or removes (missing values do not depend on filters). */
export function applyDelta(last: RawAggregates, d: RawAggregates, sign: 1 | -1): RawAggregates {
  const trellisSum = new Float64Array(last.trellisSum.length);
  for (let i = 0; i < trellisSum.length; i++) trellisSum[i] = last.trellisSum[i] + sign * d.trellisSum[i];
  const trellisCount = add(last.trellisCount, d.trellisCount, sign);
  // a cell left with no rows has no sum: not the rounding left of a subtraction
  for (let i = 0; i < trellisSum.length; i++) if (trellisCount[i] === 0) trellisSum[i] = 0;
  return {
    rows: last.rows,
    missing: last.missing,
    baseline: last.baseline + sign * d.baseline,
    selected: last.selected + sign * d.selected,
    histBaseline: add(last.histBaseline, d.histBaseline, sign),
    histSelected: add(last.histSelected, d.histSelected, sign),
    optionSelected: add(last.optionSelected, d.optionSelected, sign),
    optionBaseline: add(last.optionBaseline, d.optionBaseline, sign),
    pairSelected: add(last.pairSelected, d.pairSelected, sign),
    pairBaseline: add(last.pairBaseline, d.pairBaseline, sign),
    trellisCount,
    trellisSum,
  };
}
