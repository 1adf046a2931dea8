/**
 * The CPU kernel: counts one row range of a packed sweep into a plan's tables.
 * The same code runs on the main thread (Node CLI, tests) and in workers.
 *
 * Rows are processed in chunks: a first pass filters, bins and brushes each row
 * and compacts the included rows; then each table gets its own tight loop over
 * the chunk, which keeps every loop monomorphic and its table in cache.
 */

import { compiledCounter, compiledRunCounter, type CompiledRun } from './compiled-kernel.js';
import { lowerBound } from './row-order.js';
import type { KernelPlan, MetricStats, PackedSweep, TableCounts } from './types.js';

const CHUNK = 4096;

export function allocCounts(plan: KernelPlan): TableCounts {
  let pairs = 0;
  for (const t of plan.pairTables) pairs += t.size * 2;
  let trellis = 0;
  const cells = plan.nPrimary * plan.nSecondary;
  for (const t of plan.trellisTables) trellis += t.size * cells;
  return {
    missing: 0,
    baseline: 0,
    selected: 0,
    hist: new Uint32Array(plan.groups * plan.bins * 2),
    pairs: new Uint32Array(pairs),
    trellisCount: new Uint32Array(trellis),
    trellisSum: new Float64Array(trellis),
  };
}

/** Adds `b` into `a` (same plan). */
export function addCounts(a: TableCounts, b: TableCounts): void {
  a.missing += b.missing;
  a.baseline += b.baseline;
  a.selected += b.selected;
  for (let i = 0; i < a.hist.length; i++) a.hist[i] += b.hist[i];
  for (let i = 0; i < a.pairs.length; i++) a.pairs[i] += b.pairs[i];
  for (let i = 0; i < a.trellisCount.length; i++) a.trellisCount[i] += b.trellisCount[i];
  for (let i = 0; i < a.trellisSum.length; i++) a.trellisSum[i] += b.trellisSum[i];
}

/** Reusable per-thread scratch for the compacted chunk. */
class Scratch {
  words = new Uint32Array(0);
  sel = new Uint8Array(CHUNK);
  shown = new Float64Array(CHUNK);
  cell = new Uint32Array(CHUNK);
  ensure(words: number): void {
    if (this.words.length < words * CHUNK) this.words = new Uint32Array(words * CHUNK);
  }
}
const scratch = new Scratch();

/** Counts rows [start, end) of `data` into `out` (which must come from allocCounts(plan)). */
export function countRows(data: PackedSweep, plan: KernelPlan, start: number, end: number, out: TableCounts): void {
  const order = data.order;
  if (order && order.metric === plan.metric && order.finiteEnd.length === plan.groups) {
    const all = compiledRunCounter(plan, true);
    const some = compiledRunCounter(plan, false);
    if (all && some) {
      countSorted(data, plan, start, end, out, all, some);
      return;
    }
  }
  const compiled = compiledCounter(plan);
  if (compiled) {
    const totals = new Float64Array(3);
    const metric = data.metrics[plan.metric];
    for (const [lo, hi] of segmentsOf(plan, start, end)) compiled(data.codes, metric, plan, out.hist, out.pairs, out.trellisCount, out.trellisSum, lo, hi, totals);
    out.missing += totals[0];
    out.baseline += totals[1];
    out.selected += totals[2];
    return;
  }
  countRowsGeneric(data, plan, start, end, out);
}

/**
 * Counts rows [start, end) when they are sorted by the plan's metric within
 * each group (row-order.ts): a group's rows in one bin, on one side of the
 * brush, are then one run, found by binary search on the exact f32
 * thresholds, so the row loop needs neither the metric's bin nor its brush
 * test, only the filters and the tables. The same rows in the same order as
 * the row-by-row kernel: the same counts and sums.
 */
function countSorted(data: PackedSweep, plan: KernelPlan, start: number, end: number, out: TableCounts, all: CompiledRun, some: CompiledRun): void {
  const order = data.order as NonNullable<PackedSweep['order']>;
  const values = data.metrics[plan.metric];
  const { bins, thresholds, brushLo, brushHi, shownOrigin, shownScale, countOnly } = plan;
  const T = bins + 1;
  const visit = segmentsOf(plan, start, end);
  const hist = out.hist;
  let missing = 0;
  let baseline = 0;
  let selected = 0;
  const count = (x: number, y: number, g: number, bin: number, s: number): void => {
    for (const [lo0, hi0] of visit) {
      const lo = Math.max(x, lo0);
      const hi = Math.min(y, hi0);
      if (lo >= hi) continue;
      const run = countOnly >= 0 && s !== countOnly ? some : all;
      const n = run(data.codes, values, plan, out.pairs, out.trellisCount, out.trellisSum, lo, hi, s, shownOrigin[g], shownScale[g]);
      hist[((g * bins + bin) << 1) | s] += n;
      baseline += n;
      if (s) selected += n;
    }
  };
  for (let g = 0; g < plan.groups; g++) {
    const gs = order.groupStart[g];
    const fe = order.finiteEnd[g];
    const ge = order.groupStart[g + 1];
    for (const [lo, hi] of visit) missing += Math.max(0, Math.min(ge, hi) - Math.max(fe, lo));
    // only the part of the group's finite rows this call visits
    const first = Math.max(gs, visit.length ? visit[0][0] : fe);
    const last = Math.min(fe, visit.length ? visit[visit.length - 1][1] : gs);
    if (first >= last) continue;
    const a = lowerBound(values, gs, fe, brushLo[g], true);
    const b = Math.max(a, lowerBound(values, gs, fe, brushHi[g], false));
    let lo = gs;
    for (let bin = 0; bin < bins && lo < last; bin++) {
      const hi = bin === bins - 1 ? fe : lowerBound(values, lo, fe, thresholds[g * T + bin + 1], true);
      if (hi > first) {
        // [lo, hi) holds the bin's rows: below, inside and above the brush
        if (lo < Math.min(hi, a)) count(lo, Math.min(hi, a), g, bin, 0);
        if (Math.max(lo, a) < Math.min(hi, b)) count(Math.max(lo, a), Math.min(hi, b), g, bin, 1);
        if (Math.max(lo, b) < hi) count(Math.max(lo, b), hi, g, bin, 0);
      }
      lo = hi;
    }
  }
  out.missing += missing;
  out.baseline += baseline;
  out.selected += selected;
}

/** The row segments to visit: all of [start, end), or the plan's ranges within it. */
function segmentsOf(plan: KernelPlan, start: number, end: number): [number, number][] {
  if (plan.ranges === null) return [[start, end]];
  const out: [number, number][] = [];
  for (let r = 0; r < plan.ranges.length; r += 2) {
    const lo = Math.max(start, plan.ranges[r]);
    const hi = Math.min(end, plan.ranges[r + 1]);
    if (lo < hi) out.push([lo, hi]);
  }
  return out;
}

/** The generic kernel: the compiled one's reference, and the path where code cannot be compiled. */
function countRowsGeneric(data: PackedSweep, plan: KernelPlan, start: number, end: number, out: TableCounts): void {
  const W = plan.words;
  scratch.ensure(W);
  const codes = data.codes;
  const metric = data.metrics[plan.metric];
  const { thresholds, guessOrigin, guessScale, brushLo, brushHi, shownOrigin, shownScale, allow, bins } = plan;
  const nf = plan.filters.length;
  const fWord = new Int32Array(nf);
  const fShift = new Int32Array(nf);
  const fMask = new Int32Array(nf);
  const fOff = new Int32Array(nf);
  plan.filters.forEach((f, i) => {
    fWord[i] = f.field.word;
    fShift[i] = f.field.shift;
    fMask[i] = f.field.mask;
    fOff[i] = f.offset;
  });
  const g = plan.group;
  const gWord = g ? g.word : 0;
  const gShift = g ? g.shift : 0;
  const gMask = g ? g.mask : 0;
  const pr = plan.primary;
  const se = plan.secondary;
  const nS = plan.nSecondary;
  const hist = out.hist;
  const cw = scratch.words;
  const csel = scratch.sel;
  const cshown = scratch.shown;
  const ccell = scratch.cell;
  const T = bins + 1;
  const only = plan.countOnly;
  const trellis = only < 0;
  let missing = 0;
  let baseline = 0;
  let selected = 0;

  for (const [segStart, segEnd] of segmentsOf(plan, start, end)) {
    for (let c0 = segStart; c0 < segEnd; c0 += CHUNK) {
      const c1 = Math.min(segEnd, c0 + CHUNK);
      let n = 0;
      for (let i = c0; i < c1; i++) {
        const v = metric[i];
        if (v !== v) {
          missing++;
          continue;
        }
        const base = i * W;
        let pass = true;
        for (let f = 0; f < nf; f++) {
          if (allow[fOff[f] + ((codes[base + fWord[f]] >>> fShift[f]) & fMask[f])] === 0) {
            pass = false;
            break;
          }
        }
        if (!pass) continue;
        const grp = (codes[base + gWord] >>> gShift) & gMask;
        const t0 = grp * T;
        // v >= the domain's origin, so truncation is floor; the thresholds correct the guess
        let b = ((v - guessOrigin[grp]) * guessScale[grp]) | 0;
        if (b < 0) b = 0;
        else if (b >= bins) b = bins - 1;
        while (v < thresholds[t0 + b]) b--;
        while (v >= thresholds[t0 + b + 1]) b++;
        const s = v >= brushLo[grp] && v <= brushHi[grp] ? 1 : 0;
        hist[((grp * bins + b) << 1) | s]++;
        selected += s;
        baseline++;
        if (s !== only && only >= 0) continue;
        for (let k = 0; k < W; k++) cw[n * W + k] = codes[base + k];
        csel[n] = s;
        if (trellis) {
          cshown[n] = (v - shownOrigin[grp]) * shownScale[grp];
          let cell = 0;
          if (pr) cell = ((codes[base + pr.word] >>> pr.shift) & pr.mask) * nS;
          if (se) cell += (codes[base + se.word] >>> se.shift) & se.mask;
          ccell[n] = cell;
        }
        n++;
      }
      if (n === 0) continue;
      let off = 0;
      for (const t of plan.pairTables) {
        countPairs(cw, csel, n, W, t.a.word, t.a.shift, t.a.mask, t.b, t.aBits, out.pairs, off);
        off += t.size * 2;
      }
      if (!trellis) continue;
      off = 0;
      const cells = plan.nPrimary * nS;
      for (const t of plan.trellisTables) {
        countTrellis(cw, cshown, ccell, n, W, t.a.word, t.a.shift, t.a.mask, t.b, t.aBits, cells, out.trellisCount, out.trellisSum, off);
        off += t.size * cells;
      }
    }
  }
  out.missing += missing;
  out.baseline += baseline;
  out.selected += selected;
}

function countPairs(
  cw: Uint32Array,
  csel: Uint8Array,
  n: number,
  W: number,
  aw: number,
  as: number,
  am: number,
  b: { word: number; shift: number; mask: number } | null,
  aBits: number,
  table: Uint32Array,
  off: number,
): void {
  if (b === null) {
    for (let j = 0; j < n; j++) table[off + ((((cw[j * W + aw] >>> as) & am) << 1) | csel[j])]++;
    return;
  }
  const bw = b.word;
  const bs = b.shift;
  const bm = b.mask;
  if (W === 1) {
    for (let j = 0; j < n; j++) {
      const w = cw[j];
      table[off + (((((w >>> as) & am) | (((w >>> bs) & bm) << aBits)) << 1) | csel[j])]++;
    }
    return;
  }
  for (let j = 0; j < n; j++) {
    const key = ((cw[j * W + aw] >>> as) & am) | (((cw[j * W + bw] >>> bs) & bm) << aBits);
    table[off + ((key << 1) | csel[j])]++;
  }
}

function countTrellis(
  cw: Uint32Array,
  cshown: Float64Array,
  ccell: Uint32Array,
  n: number,
  W: number,
  aw: number,
  as: number,
  am: number,
  b: { word: number; shift: number; mask: number } | null,
  aBits: number,
  cells: number,
  count: Uint32Array,
  sum: Float64Array,
  off: number,
): void {
  for (let j = 0; j < n; j++) {
    let key = (cw[j * W + aw] >>> as) & am;
    if (b !== null) key |= ((cw[j * W + b.word] >>> b.shift) & b.mask) << aBits;
    const idx = off + key * cells + ccell[j];
    count[idx]++;
    sum[idx] += cshown[j];
  }
}

/** Per group min and max of a metric over rows [start, end), NaN-free rows only; merged with mergeStats. */
export function statsRows(
  data: PackedSweep,
  metric: number,
  group: { word: number; shift: number; mask: number } | null,
  groups: number,
  start: number,
  end: number,
): { min: Float64Array; max: Float64Array } {
  const min = new Float64Array(groups).fill(Infinity);
  const max = new Float64Array(groups).fill(-Infinity);
  const values = data.metrics[metric];
  const W = data.words;
  const codes = data.codes;
  const gw = group ? group.word : 0;
  const gs = group ? group.shift : 0;
  const gm = group ? group.mask : 0;
  for (let i = start; i < end; i++) {
    const v = values[i];
    if (v !== v) continue;
    const g = (codes[i * W + gw] >>> gs) & gm;
    if (v < min[g]) min[g] = v;
    if (v > max[g]) max[g] = v;
  }
  return { min, max };
}

/** Merges partial stats into MetricStats (NaN for a group with no finite value). */
export function mergeStats(parts: readonly { min: Float64Array; max: Float64Array }[], groups: number): MetricStats {
  const min = new Float64Array(groups).fill(Infinity);
  const max = new Float64Array(groups).fill(-Infinity);
  for (const p of parts)
    for (let g = 0; g < groups; g++) {
      if (p.min[g] < min[g]) min[g] = p.min[g];
      if (p.max[g] > max[g]) max[g] = p.max[g];
    }
  let globalMin = Infinity;
  let globalMax = -Infinity;
  for (let g = 0; g < groups; g++) {
    if (min[g] > max[g]) {
      min[g] = NaN;
      max[g] = NaN;
      continue;
    }
    globalMin = Math.min(globalMin, min[g]);
    globalMax = Math.max(globalMax, max[g]);
  }
  if (globalMin > globalMax) {
    globalMin = NaN;
    globalMax = NaN;
  }
  return { min, max, globalMin, globalMax };
}
