/**
 * Brush moves answered incrementally. The baseline side of a query (baseline
 * pair counts, trellis) depends on the filters, not on the brush; so after one
 * full query, a query that differs only in its brush counts just the selected
 * rows, or just the unselected ones when they are fewer, and derives the rest:
 * selected = baseline - unselected. Exact, and at most half the pair
 * increments of a full query.
 */

import type { KernelPlan, TableCounts } from './types.js';
import type { ResolvedQuery } from './resolve.js';

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

export class BrushCache {
  private key = '';
  private full: TableCounts | null = null;
  /** Share of baseline rows the last answer selected: picks which side to count next. */
  private lastShare = 0;

  /**
   * The plan to run: a brush-only plan when the cache holds this query's
   * baseline, with the cached full counts to complete it from (held by the
   * caller, so a concurrent query replacing the cache cannot mix answers).
   */
  planFor(q: ResolvedQuery, plan: KernelPlan): { plan: KernelPlan; full: TableCounts | null } {
    if (!this.full || baselineKey(q, plan) !== this.key) return { plan, full: null };
    return { plan: { ...plan, countOnly: this.lastShare > 0.5 ? 0 : 1 }, full: this.full };
  }

  /** Completes a brush-only answer from `full`, or caches a full one. Returns full-shaped counts. */
  complete(q: ResolvedQuery, plan: KernelPlan, counts: TableCounts, full: TableCounts | null): TableCounts {
    if (plan.countOnly < 0 || !full) {
      this.lastShare = counts.baseline ? counts.selected / counts.baseline : 0;
      this.key = baselineKey(q, plan);
      this.full = counts;
      return counts;
    }
    const done = this.derive(plan, counts, full);
    this.lastShare = done.baseline ? done.selected / done.baseline : 0;
    return done;
  }

  private derive(plan: KernelPlan, counts: TableCounts, full: TableCounts): TableCounts {
    const pairs = new Uint32Array(full.pairs.length);
    const f = full.pairs;
    const c = counts.pairs;
    const selectedOnly = plan.countOnly === 1;
    for (let k = 0; k < f.length; k += 2) {
      const base = f[k] + f[k + 1];
      const sel = selectedOnly ? c[k + 1] : base - c[k];
      pairs[k] = base - sel;
      pairs[k + 1] = sel;
    }
    if (plan.ranges === null) return { ...counts, pairs, trellisCount: full.trellisCount, trellisSum: full.trellisSum };
    // Only the rows of one side were visited: the histogram and totals are derived like the pairs.
    const hist = new Uint32Array(full.hist.length);
    const h = counts.hist;
    for (let k = 0; k < hist.length; k += 2) {
      const base = full.hist[k] + full.hist[k + 1];
      const sel = selectedOnly ? h[k + 1] : base - h[k];
      hist[k] = base - sel;
      hist[k + 1] = sel;
    }
    return {
      missing: full.missing,
      baseline: full.baseline,
      selected: selectedOnly ? counts.selected : full.baseline - counts.baseline,
      hist,
      pairs,
      trellisCount: full.trellisCount,
      trellisSum: full.trellisSum,
    };
  }

  clear(): void {
    this.full = null;
    this.key = '';
  }
}
