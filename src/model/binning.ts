/**
 * Turning a numeric column into a categorical parameter.
 *
 * - At most `maxBins` distinct finite values: one option per value, in
 *   ascending order, labelled with the value (`32`, `0.001`).
 * - Otherwise `maxBins` equal-width bins over [min, max], log-spaced when every
 *   value is > 0 and max / min >= 100, labelled with their edges (`2e-4–5e-4`).
 * - NaN (missing) values get one more option, `(missing)`, after the others.
 */

import { MAX_OPTIONS } from './sweep.js';

export const MAX_BINS = 16;
export const MISSING_LABEL = '(missing)';

export interface Binned {
  labels: string[];
  codes: Uint8Array;
  /** Bin edges (length bins + 1) when the values were binned; absent when each value is an option. */
  edges?: number[];
  log?: boolean;
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

export function binNumeric(values: ArrayLike<number>, maxBins = MAX_BINS, out?: Uint8Array): Binned {
  const n = values.length;
  const codes = out ?? new Uint8Array(n);
  let min = Infinity;
  let max = -Infinity;
  let hasMissing = false;
  const distinct = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      hasMissing = true;
      continue;
    }
    if (v < min) min = v;
    if (v > max) max = v;
    if (distinct.size <= maxBins && !distinct.has(v)) distinct.set(v, 0);
  }
  if (distinct.size <= maxBins) {
    const sorted = [...distinct.keys()].sort((a, b) => a - b);
    sorted.forEach((v, i) => distinct.set(v, i));
    const labels = sorted.map((v) => String(v));
    const miss = labels.length;
    if (hasMissing) labels.push(MISSING_LABEL);
    for (let i = 0; i < n; i++) {
      const v = values[i];
      codes[i] = Number.isFinite(v) ? (distinct.get(v) as number) : miss;
    }
    return { labels, codes };
  }
  const bins = Math.min(maxBins, MAX_OPTIONS - 1);
  const log = min > 0 && max / min >= 100;
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
