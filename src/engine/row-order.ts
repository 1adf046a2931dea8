/**
 * Rows stored sorted by (group, metric value), so that the rows a brush
 * selects in each group are one contiguous run. A brush move then visits only
 * the rows on the smaller side of the brush, found by binary search, instead
 * of testing every row. The trainings of a sweep are a set: their order is
 * free to choose.
 */

import { f32ToOrdered } from './f32.js';
import type { KernelPlan, PackedSweep } from './types.js';

export interface RowOrder {
  /** The metric the rows are sorted by. */
  readonly metric: number;
  /** Rows of group g are [groupStart[g], groupStart[g + 1]); finite values first, ascending, then missing ones. */
  readonly groupStart: Uint32Array;
  /** End of group g's finite values. */
  readonly finiteEnd: Uint32Array;
}

/** The permutation that sorts rows by (group, value), missing values last in each group; stable. */
export function sortRows(
  group: Uint8Array | null,
  groups: number,
  values: Float32Array,
  metric: number,
): { perm: Uint32Array; order: RowOrder } {
  const n = values.length;
  // radix keys: the f32 order as unsigned integers, missing values above everything
  const key = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    key[i] = v !== v ? 0xffffffff : (f32ToOrdered(v) + 0x80000000) >>> 0;
  }
  let idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  let tmp = new Uint32Array(n);
  // two stable passes of 16 bits, then a stable counting pass by group
  for (const shift of [0, 16]) {
    const count = new Uint32Array(65537);
    for (let i = 0; i < n; i++) count[((key[i] >>> shift) & 0xffff) + 1]++;
    for (let d = 1; d <= 65536; d++) count[d] += count[d - 1];
    for (let i = 0; i < n; i++) {
      const r = idx[i];
      tmp[count[(key[r] >>> shift) & 0xffff]++] = r;
    }
    [idx, tmp] = [tmp, idx];
  }
  const groupStart = new Uint32Array(groups + 1);
  const finiteEnd = new Uint32Array(groups);
  if (group) {
    for (let i = 0; i < n; i++) groupStart[group[i] + 1]++;
    for (let g = 1; g <= groups; g++) groupStart[g] += groupStart[g - 1];
    const next = groupStart.slice(0, groups);
    for (let i = 0; i < n; i++) {
      const r = idx[i];
      tmp[next[group[r]]++] = r;
    }
    [idx, tmp] = [tmp, idx];
  } else {
    groupStart[1] = n;
  }
  for (let g = 0; g < groups; g++) {
    let e = groupStart[g];
    while (e < groupStart[g + 1] && key[idx[e]] !== 0xffffffff) e++;
    finiteEnd[g] = e;
  }
  return { perm: idx, order: { metric, groupStart, finiteEnd } };
}

/** First row in [lo, hi) whose value is not below `bound` (inclusive) or above it (exclusive); values ascending there. */
export function lowerBound(values: Float32Array, lo: number, hi: number, bound: number, inclusive: boolean): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const v = values[mid];
    if (inclusive ? v < bound : v <= bound) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The row ranges holding exactly the selected (target 1) or the unselected
 * (target 0) finite rows of every group, as [start, end) pairs.
 */
export function brushRanges(packed: PackedSweep, order: RowOrder, plan: KernelPlan, target: 0 | 1): Uint32Array {
  const values = packed.metrics[order.metric];
  const out: number[] = [];
  const groups = order.finiteEnd.length;
  for (let g = 0; g < groups; g++) {
    const gs = order.groupStart[g];
    const fe = order.finiteEnd[g];
    if (gs === fe) continue;
    const a = lowerBound(values, gs, fe, plan.brushLo[g], true);
    const b = Math.max(a, lowerBound(values, gs, fe, plan.brushHi[g], false));
    if (target === 1) {
      if (a < b) out.push(a, b);
    } else {
      if (gs < a) out.push(gs, a);
      if (b < fe) out.push(b, fe);
    }
  }
  return Uint32Array.from(out);
}
