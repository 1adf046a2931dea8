/**
 * The CPU kernel: counts one row range of a packed sweep into a plan's tables.
 * The same code runs on the main thread (Node CLI, tests) and in workers.
 *
 * Rows are processed in chunks: a first pass filters, bins and brushes each row
 * and compacts the included rows; then each table gets its own tight loop over
 * the chunk, which keeps every loop monomorphic and its table in cache.
 */

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

  // the row segments to visit: all of [start, end), or the plan's ranges within it
  const segments: number[] = [];
  if (plan.ranges === null) segments.push(start, end);
  else
    for (let r = 0; r < plan.ranges.length; r += 2) {
      const lo = Math.max(start, plan.ranges[r]);
      const hi = Math.min(end, plan.ranges[r + 1]);
      if (lo < hi) segments.push(lo, hi);
    }
  for (let seg = 0; seg < segments.length; seg += 2) {
    for (let c0 = segments[seg]; c0 < segments[seg + 1]; c0 += CHUNK) {
      const c1 = Math.min(segments[seg + 1], c0 + CHUNK);
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
