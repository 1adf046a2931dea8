/**
 * The tight JS scan: what a hand-written loop on the main thread gets. Per
 * row, x is compared with the brush; a row inside adds one to its 12 option
 * counts, its 66 pair cells and its histogram cell. Uint8Array codes, one
 * thread, every row visited every step (no index, no incremental answers).
 */

import { toggleFilter, type BrushColumns } from '../columns.js';
import { BINS, emptyCounts, TOGGLE, toggleBrushF32, type Counts, type ReferenceAnswers, type Shape, type ToggleCounts } from '../workload.js';
import { timePeer, type PeerOptions, type PeerReport } from './common.js';

/** The selected rows' counts of the brush [lo, hi] (f32 bounds, inclusive), rows passing `allow` on `filterParam` (all when null). */
export function jsScanStep(cols: BrushColumns, lo: number, hi: number, filter: { param: number; allow: Uint8Array } | null = null): Counts {
  const sh: Shape = cols.shape;
  const out = emptyCounts(sh);
  const { option, pair, hist } = out;
  const { x, bin, group, codes } = cols;
  const P = sh.P;
  const optOff = Int32Array.from(sh.optOff);
  const pairOff = Int32Array.from(sh.pairOff);
  const card = Int32Array.from(sh.card);
  const c = new Int32Array(P);
  const fcodes = filter ? codes[filter.param] : null;
  const allow = filter?.allow ?? null;
  const n = x.length;
  let selected = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i];
    if (!(v >= lo && v <= hi)) continue;
    if (fcodes && allow && !allow[fcodes[i]]) continue;
    selected++;
    hist[group[i] * BINS + bin[i]]++;
    for (let a = 0; a < P; a++) {
      const ca = codes[a][i];
      c[a] = ca;
      option[optOff[a] + ca]++;
    }
    let k = 0;
    for (let a = 0; a < P; a++) {
      const base = c[a];
      for (let b = a + 1; b < P; b++, k++) pair[pairOff[k] + base * card[b] + c[b]]++;
    }
  }
  out.selected = selected;
  return out;
}

/**
 * A filter toggle's whole answer in one scan: the baseline (rows the filter
 * passes) pair matrices and histogram, and the selected rows' counts.
 */
export function jsScanToggle(cols: BrushColumns, lo: number, hi: number, filter: { param: number; allow: Uint8Array } | null): ToggleCounts {
  const sh = cols.shape;
  const sel = emptyCounts(sh);
  const basePair = new Uint32Array(sh.cells);
  const baseHist = new Uint32Array(sh.groups * BINS);
  const { x, bin, group, codes } = cols;
  const P = sh.P;
  const optOff = Int32Array.from(sh.optOff);
  const pairOff = Int32Array.from(sh.pairOff);
  const card = Int32Array.from(sh.card);
  const c = new Int32Array(P);
  const fcodes = filter ? codes[filter.param] : null;
  const allow = filter?.allow ?? null;
  let baseline = 0;
  let selected = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v !== v || (fcodes && allow && !allow[fcodes[i]])) continue;
    baseline++;
    const isSel = v >= lo && v <= hi;
    const h = group[i] * BINS + bin[i];
    baseHist[h]++;
    for (let a = 0; a < P; a++) c[a] = codes[a][i];
    let k = 0;
    if (isSel) {
      selected++;
      sel.hist[h]++;
      for (let a = 0; a < P; a++) sel.option[optOff[a] + c[a]]++;
      for (let a = 0; a < P; a++)
        for (let b = a + 1; b < P; b++, k++) {
          const cell = pairOff[k] + c[a] * card[b] + c[b];
          basePair[cell]++;
          sel.pair[cell]++;
        }
    } else {
      for (let a = 0; a < P; a++) for (let b = a + 1; b < P; b++, k++) basePair[pairOff[k] + c[a] * card[b] + c[b]]++;
    }
  }
  sel.selected = selected;
  return { sel, baseline, basePair, baseHist };
}

export const JS_SCAN_NOTES = [
  'one thread; per row in the brush, 12 option counts, 66 pair cells and the histogram cell incremented over Uint8Array codes',
  'every step scans every row (no index, nothing kept between steps); the toggle is one scan counting the baseline and the selection',
];

/** Times the JS scan on the workload, its answers checked against sweepscope's. */
export async function runJsScan(cols: BrushColumns, ref: ReferenceAnswers, o: PeerOptions): Promise<PeerReport> {
  const filter = toggleFilter(cols, TOGGLE.param, TOGGLE.keep);
  const [lo, hi] = toggleBrushF32();
  // warm-up: the JIT compiles the loops before anything is timed
  jsScanStep(cols, Math.fround(0.5), Math.fround(0.5 + 1e-3));
  const t = await timePeer(
    'the JS scan',
    cols.rows,
    ref,
    { step: (a, b) => jsScanStep(cols, a, b), toggle: (off) => jsScanToggle(cols, lo, hi, off ? filter : null) },
    o,
  );
  return {
    id: 'js-scan',
    label: 'JS scan, 1 thread',
    version: 'this page',
    rows: cols.rows,
    notes: JS_SCAN_NOTES,
    buildMs: null,
    bytesPerTraining: cols.codes.length + 5,
    bytesHow: 'the columns it scans: a Uint8Array code per parameter, x as Float32Array, the bin as Uint8Array',
    cold: t.cold,
    sets: t.sets,
    toggle: t.toggle,
    checked: 'every step: selected count, option counts, pair cells, histogram cells; toggles: those and the baseline count, pair cells and histogram',
    fit: { ok: true },
  };
}
