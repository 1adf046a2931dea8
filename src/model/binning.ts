/**
 * Turning a numeric column into a categorical parameter.
 *
 * - At most `maxBins` distinct finite values: one option per value, in
 *   ascending order, labelled with the value (`32`, `0.001`).
 * - Otherwise `maxBins` bins labelled with their edges (`2e-4–5e-4`): log-spaced
 *   when every value is > 0 and max / min >= 100; else equal-width over
 *   [min, max] (mode 'width', the default: the generated sweep's documented
 *   bins) or quantile bins (mode 'quantile': about as many values in each bin;
 *   fewer bins when many values tie).
 * - NaN (missing) values get one more option, `(missing)`, after the others.
 */

import { MAX_OPTIONS } from './sweep.js';

/** Bins of a numeric parameter with more distinct values than this (its options; the histogram's bins are MAX_HISTOGRAM_BINS). */
export const MAX_PARAM_BINS = 16;
export const MISSING_LABEL = '(missing)';

/** How values are binned when there are more distinct values than bins (log spacing takes precedence when it applies). */
export type BinMode = 'width' | 'quantile';

export interface Binned {
  labels: string[];
  codes: Uint8Array;
  /** Bin edges (length bins + 1) when the values were binned; absent when each value is an option. */
  edges?: number[];
  log?: boolean;
  /** True when the bins are quantile bins. */
  quantile?: boolean;
}

/** A short readable form of a number: `0.25`, `32`, `2e-4`, `1.5e+6`. */
export function formatNumber(x: number, precision = 2): string {
  if (x === 0) return '0';
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a >= 1e-2 && a < 1e5) return String(Number(x.toPrecision(Math.max(precision, Math.ceil(Math.log10(a + 1)) ))));
  const [m, e] = x.toExponential(precision - 1).split('e');
  const mant = String(Number(m));
  const exp = Number(e);
  return `${mant}e${exp < 0 ? '-' : '+'}${Math.abs(exp)}`;
}

/** Labels for bins between consecutive edges, with as much precision as keeps them distinct. */
export function binLabels(edges: readonly number[]): string[] {
  for (let p = 1; p <= 17; p++) {
    const e = edges.map((x) => formatNumber(x, p));
    const labels = e.slice(0, -1).map((lo, i) => `${lo}–${e[i + 1]}`);
    if (new Set(labels).size === labels.length && new Set(e).size === e.length) return labels;
  }
  return edges.slice(0, -1).map((lo, i) => `${lo}–${edges[i + 1]}`);
}

/**
 * binNumeric for a Float32Array with at most maxBins distinct finite values:
 * one pass over the float32 bits with a small hash table (codes in order of
 * first appearance), then the codes renumbered in ascending order of value.
 * Returns null, having looked at as few rows as it took to find more distinct
 * values than that (the codes written so far are then overwritten).
 */
function fewFloat32(values: Float32Array, maxBins: number, codes: Uint8Array): Binned | null {
  const n = values.length;
  let sizeBits = 6;
  while (1 << sizeBits < maxBins * 4) sizeBits++;
  const mask = (1 << sizeBits) - 1;
  const shift = 32 - sizeBits;
  const slots = new Int32Array(mask + 1).fill(-1); // index into keys
  const keys = new Uint32Array(maxBins);
  const firsts: number[] = []; // the first value of each key, as the array holds it
  const bits = new Uint32Array(values.buffer, values.byteOffset, n);
  const MISS = 255;
  let hasMissing = false;
  let prev = -1;
  let prevCode = 0;
  for (let i = 0; i < n; i++) {
    let b = bits[i];
    if (b === prev) {
      codes[i] = prevCode;
      continue;
    }
    prev = b;
    if ((b & 0x7f800000) === 0x7f800000) {
      // NaN or ±Infinity: missing.
      hasMissing = true;
      codes[i] = prevCode = MISS;
      continue;
    }
    if (b === 0x80000000) b = 0; // -0 is 0
    let h = Math.imul(b, -1640531535) >>> shift;
    let k: number;
    for (;;) {
      k = slots[h];
      if (k < 0) {
        if (firsts.length === maxBins) return null;
        k = firsts.length;
        keys[k] = b;
        slots[h] = k;
        firsts.push(values[i]);
        break;
      }
      if (keys[k] === b) break;
      h = (h + 1) & mask;
    }
    codes[i] = prevCode = k;
  }
  const d = firsts.length;
  const order = firsts.map((_, k) => k).sort((a, b) => firsts[a] - firsts[b]);
  const labels = order.map((k) => String(firsts[k]));
  if (hasMissing) labels.push(MISSING_LABEL);
  const remap = new Uint8Array(256);
  let identity = true;
  order.forEach((k, rank) => {
    remap[k] = rank;
    if (k !== rank) identity = false;
  });
  remap[MISS] = d;
  if (!identity || hasMissing) for (let i = 0; i < n; i++) codes[i] = remap[codes[i]];
  return { labels, codes };
}

export function binNumeric(values: ArrayLike<number>, maxBins = MAX_PARAM_BINS, out?: Uint8Array, mode: BinMode = 'width'): Binned {
  const n = values.length;
  const codes = out ?? new Uint8Array(n);
  if (values instanceof Float32Array && maxBins < 255 && values.byteOffset % 4 === 0) {
    const few = fewFloat32(values, maxBins, codes);
    if (few) return few;
  }
  let min = Infinity;
  let max = -Infinity;
  let hasMissing = false;
  // The distinct finite values while there are at most maxBins + 1 (a linear scan: few values).
  const seen: number[] = [];
  let prev = NaN;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      hasMissing = true;
      continue;
    }
    if (v < min) min = v;
    if (v > max) max = v;
    if (v !== prev && seen.length <= maxBins) {
      prev = v;
      let k = 0;
      while (k < seen.length && seen[k] !== v) k++;
      if (k === seen.length) seen.push(v);
    }
  }
  if (seen.length <= maxBins) {
    const sorted = seen.sort((a, b) => a - b);
    const labels = sorted.map((v) => String(v));
    const miss = labels.length;
    if (hasMissing) labels.push(MISSING_LABEL);
    // A binary search over the (at most maxBins) sorted values: faster than a Map lookup per row.
    const keys = Float64Array.from(sorted);
    const last = keys.length - 1;
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (!(v >= -Infinity) || v === Infinity || v === -Infinity) {
        codes[i] = miss;
        continue;
      }
      let lo = 0;
      let hi = last;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (keys[mid] < v) lo = mid + 1;
        else hi = mid;
      }
      codes[i] = lo;
    }
    return { labels, codes };
  }
  const bins = Math.min(maxBins, MAX_OPTIONS - 1);
  const log = min > 0 && max / min >= 100;
  if (!log && mode === 'quantile') return binQuantile(values, bins, codes, hasMissing);
  const lo = log ? Math.log(min) : min;
  const hi = log ? Math.log(max) : max;
  const scale = bins / (hi - lo);
  const edges: number[] = [];
  for (let b = 0; b <= bins; b++) {
    const t = lo + ((hi - lo) * b) / bins;
    edges.push(b === 0 ? min : b === bins ? max : log ? Math.exp(t) : t);
  }
  const labels = binLabels(edges);
  if (hasMissing) labels.push(MISSING_LABEL);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      codes[i] = bins;
      continue;
    }
    const b = Math.floor(((log ? Math.log(v) : v) - lo) * scale);
    codes[i] = b < 0 ? 0 : b >= bins ? bins - 1 : b;
  }
  return { labels, codes, edges, log };
}

/**
 * Quantile bins: the edges are the values at ranks 0, n/bins, 2n/bins, ... of
 * the sorted finite values, and the maximum; equal edges (ties) merge, so there
 * may be fewer bins. Bin i holds edges[i] <= v < edges[i + 1]; the last bin
 * includes its upper edge.
 */
function binQuantile(values: ArrayLike<number>, bins: number, codes: Uint8Array, hasMissing: boolean): Binned {
  const n = values.length;
  let finite = 0;
  for (let i = 0; i < n; i++) if (Number.isFinite(values[i])) finite++;
  const sorted = new Float64Array(finite);
  let k = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (Number.isFinite(v)) sorted[k++] = v;
  }
  sorted.sort();
  const edges: number[] = [];
  for (let b = 0; b < bins; b++) {
    const e = sorted[Math.floor((b * finite) / bins)];
    if (edges.length === 0 || e > edges[edges.length - 1]) edges.push(e);
  }
  const max = sorted[finite - 1];
  if (max > edges[edges.length - 1] || edges.length === 1) edges.push(max);
  const nb = edges.length - 1;
  const labels = binLabels(edges);
  if (hasMissing) labels.push(MISSING_LABEL);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      codes[i] = nb;
      continue;
    }
    // The last edge <= v, by binary search over the inner edges.
    let lo = 0;
    let hi = nb - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (edges[mid] <= v) lo = mid;
      else hi = mid - 1;
    }
    codes[i] = lo;
  }
  return { labels, codes, edges, log: false, quantile: true };
}
