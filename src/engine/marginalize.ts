/**
 * From table counts back to per-parameter aggregates: unit-pair tables to
 * option and parameter-pair counts, trellis tables to per-parameter cells,
 * the histogram's (unselected, selected) counters to baseline and selected.
 */

import type { PairTableShape, PlanShape } from './plan.js';
import type { KernelPlan, RawAggregates, TableCounts } from './types.js';

/**
 * Adds one unit-pair table's counts (pairs of [outside, inside] counters per
 * key) to the parameter pair and option counts. This runs on the page's main
 * thread for every query, so it sums in two stages rather than decoding every
 * parameter of every key: one pass over the keys sums rows (unit A's code),
 * columns (unit B's code) and, per parameter of unit B, unit A's code by that
 * parameter's option; the pairs and options are then read off those sums,
 * which are the size of one unit, not of the table.
 */
function marginalizePairTable(
  t: PairTableShape,
  size: number,
  counts: Uint32Array,
  off: number,
  shape: PlanShape,
  optionSelected: Uint32Array,
  optionBaseline: Uint32Array,
  pairSelected: Uint32Array,
  pairBaseline: Uint32Array,
): void {
  const { cards, optionOffsets, pairOffsets } = shape;
  const P = cards.length;
  const nA = 1 << t.aBits;
  const nB = Math.max(1, size >>> t.aBits);
  const inA = t.inA;
  const nParts = t.parts.length;
  // Each part's code from its unit's code.
  const shift = Int32Array.from(t.parts, (p, i) => (i < inA ? p.shift : p.shift - t.aBits));
  const mask = Int32Array.from(t.parts, (p) => p.mask);
  const width = Int32Array.from(t.parts, (p) => p.mask + 1);
  // Stage 1: row sums, column sums, and per part of unit B: [A code][B part's code].
  const rowSel = new Float64Array(nA);
  const rowAll = new Float64Array(nA);
  const colSel = new Float64Array(nB);
  const colAll = new Float64Array(nB);
  const bySel: Float64Array[] = [];
  const byAll: Float64Array[] = [];
  for (let i = inA; i < nParts; i++) {
    bySel[i] = new Float64Array(nA * width[i]);
    byAll[i] = new Float64Array(nA * width[i]);
  }
  for (let kb = 0; kb < nB; kb++) {
    let cs = 0;
    let ca = 0;
    const row0 = off + 2 * kb * nA;
    for (let ka = 0; ka < nA; ka++) {
      const sel = counts[row0 + 2 * ka + 1];
      const all = counts[row0 + 2 * ka] + sel;
      if (all === 0) continue;
      rowSel[ka] += sel;
      rowAll[ka] += all;
      cs += sel;
      ca += all;
      for (let i = inA; i < nParts; i++) {
        const at = ka * width[i] + ((kb >>> shift[i]) & mask[i]);
        bySel[i][at] += sel;
        byAll[i][at] += all;
      }
    }
    colSel[kb] = cs;
    colAll[kb] = ca;
  }
  const add = (idx: number, sel: number, all: number): void => {
    pairSelected[idx] += sel;
    pairBaseline[idx] += all;
  };
  // Stage 2: the pairs this table answers.
  for (const [i, j] of t.pairs) {
    const base = pairOffsets[t.parts[i].param * P + t.parts[j].param];
    const stride = cards[t.parts[j].param];
    const aI = i < inA;
    const aJ = j < inA;
    if (aI && aJ) {
      for (let ka = 0; ka < nA; ka++)
        if (rowAll[ka] > 0) add(base + ((ka >>> shift[i]) & mask[i]) * stride + ((ka >>> shift[j]) & mask[j]), rowSel[ka], rowAll[ka]);
    } else if (!aI && !aJ) {
      for (let kb = 0; kb < nB; kb++)
        if (colAll[kb] > 0) add(base + ((kb >>> shift[i]) & mask[i]) * stride + ((kb >>> shift[j]) & mask[j]), colSel[kb], colAll[kb]);
    } else {
      // One part in each unit: read the B part's sums by A code.
      const a = aI ? i : j;
      const b = aI ? j : i;
      const w = width[b];
      const sums = bySel[b];
      const alls = byAll[b];
      for (let ka = 0; ka < nA; ka++) {
        if (rowAll[ka] === 0) continue;
        const codeA = (ka >>> shift[a]) & mask[a];
        for (let v = 0; v < w; v++) {
          const all = alls[ka * w + v];
          if (all === 0) continue;
          add(base + (aI ? codeA * stride + v : v * stride + codeA), sums[ka * w + v], all);
        }
      }
    }
  }
  // And the options.
  for (const i of t.options) {
    const base = optionOffsets[t.parts[i].param];
    const inUnitA = i < inA;
    const n = inUnitA ? nA : nB;
    const sel = inUnitA ? rowSel : colSel;
    const all = inUnitA ? rowAll : colAll;
    for (let k = 0; k < n; k++) {
      if (all[k] === 0) continue;
      const idx = base + ((k >>> shift[i]) & mask[i]);
      optionSelected[idx] += sel[k];
      optionBaseline[idx] += all[k];
    }
  }
}

/** Turns unit-table counts into per-parameter option, pair and trellis aggregates. */
export function marginalize(rows: number, plan: KernelPlan, shape: PlanShape, c: TableCounts): RawAggregates {
  const { cards, trellisOffsets, trellisCells: cells } = shape;
  const nOptions = cards.reduce((s, x) => s + x, 0);
  const optionSelected = new Uint32Array(nOptions);
  const optionBaseline = new Uint32Array(nOptions);
  const pairSelected = new Uint32Array(shape.pairTotal);
  const pairBaseline = new Uint32Array(shape.pairTotal);
  let off = 0;
  for (let ti = 0; ti < shape.pairTables.length; ti++) {
    marginalizePairTable(shape.pairTables[ti], plan.pairTables[ti].size, c.pairs, off, shape, optionSelected, optionBaseline, pairSelected, pairBaseline);
    off += plan.pairTables[ti].size * 2;
  }
  const nTrellis = cards.reduce((s, x) => s + x * cells, 0);
  const trellisCount = new Uint32Array(nTrellis);
  const trellisSum = new Float64Array(nTrellis);
  off = 0;
  for (let ti = 0; ti < shape.trellisTables.length; ti++) {
    const parts = shape.trellisTables[ti];
    const size = plan.trellisTables[ti].size;
    for (let key = 0; key < size; key++) {
      const base = off + key * cells;
      for (const part of parts) {
        const code = (key >>> part.shift) & part.mask;
        if (code >= cards[part.param]) continue;
        const dst = trellisOffsets[part.param] + code * cells;
        for (let cell = 0; cell < cells; cell++) {
          const n = c.trellisCount[base + cell];
          if (n === 0) continue;
          trellisCount[dst + cell] += n;
          trellisSum[dst + cell] += c.trellisSum[base + cell];
        }
      }
    }
    off += size * cells;
  }
  const hb = plan.groups * plan.bins;
  const histBaseline = new Uint32Array(hb);
  const histSelected = new Uint32Array(hb);
  for (let i = 0; i < hb; i++) {
    histSelected[i] = c.hist[2 * i + 1];
    histBaseline[i] = c.hist[2 * i] + c.hist[2 * i + 1];
  }
  return {
    rows,
    missing: c.missing,
    baseline: c.baseline,
    selected: c.selected,
    histBaseline,
    histSelected,
    optionSelected,
    optionBaseline,
    pairSelected,
    pairBaseline,
    trellisCount,
    trellisSum,
  };
}
