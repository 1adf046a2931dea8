/**
 * Axes and scales of the parallel view: one axis per parameter plus the
 * metric, in axis units (0 = bottom, 1 = top), and where they sit on screen.
 *
 * Categorical parameters get one band per option (option 0 on top). Since
 * every line would cross an option at one point, each line gets a random
 * (hashed, so stable per row) offset inside its option's band, as in the
 * supplementary material of Jönsson et al. (section 3.3). Numeric parameters
 * (kind 'numeric' with raw `values`) sit on a linear or log axis (log by
 * default when all values are > 0 and max/min >= 100); the metric axis shows
 * the shown value: normalized per group (0..1) or raw.
 *
 * Pure functions, no DOM: tests/parallel-layout.test.ts runs them in Node.
 */

import { MISSING_LABEL } from '../../model/binning.js';
import { own } from '../../model/dict.js';
import type { Sweep } from '../../model/sweep.js';
import { logTicks, niceTicks } from '../shared/scale.js';
import { hash01 } from '../../engine/sample.js';
import { valuesOf } from '../../engine/row-values.js';
import type { MetricStats } from '../../engine/types.js';
import { BLOCK_ROWS, drive, type RowSteps } from '../shared/tasks.js';

/** Share of an option's band that the random offsets spread over. */
export const JITTER = 0.8;
/** Where a missing numeric value is drawn, below the axis (axis units, 0 = bottom). */
export const MISSING_Y = -0.04;
/** Room around the axes, CSS px: names and scale toggles on top, option labels right of each axis. */
const MARGIN = { top: 58, right: 96, bottom: 22, left: 34 };

export type AxisKind = 'categorical' | 'numeric' | 'metric';

/** One axis: a parameter or the metric. Positions are in axis units: 0 = bottom, 1 = top. */
export interface AxisModel {
  readonly key: string;
  readonly kind: AxisKind;
  /** Index into sweep.params, or -1 for the metric. */
  readonly param: number;
  /** Option labels in code order (categorical and numeric). */
  readonly labels: readonly string[];
  /** Value domain (numeric: the raw values; metric: the shown value). */
  readonly min: number;
  readonly max: number;
  /** Whether a log scale is possible (all values > 0) and whether it is on. */
  readonly canLog: boolean;
  readonly log: boolean;
  /** Numeric: the raw value range of each option (code), NaN when the option holds no value. */
  readonly binLo?: Float64Array;
  readonly binHi?: Float64Array;
}

/** The band [lo, hi] of option `o` of `k` on a categorical axis, in axis units (option 0 on top). */
export function optionBand(o: number, k: number): [number, number] {
  return [1 - (o + 1) / k, 1 - o / k];
}

/** The seed of axis `d`'s random offsets, from the view's seed: each axis jitters independently. */
export function axisSeed(seed: number, d: number): number {
  return (seed ^ Math.imul(d + 1, 0x27d4eb2d)) >>> 0;
}

/**
 * Axis units of `row` holding option `code` of `k` on a categorical axis: the
 * middle of the option's band plus an offset of the row's hash, within
 * JITTER of the band's height around the middle.
 */
export function categoricalPosition(code: number, k: number, seed: number, row: number): number {
  const u = hash01(seed, row) - 0.5;
  return 1 - (code + 0.5 + JITTER * u) / k;
}

/** Axis units of a raw value on a numeric or metric axis; NaN stays NaN. */
export function axisPosition(a: AxisModel, v: number): number {
  if (v !== v) return NaN;
  if (!(a.max > a.min)) return 0.5;
  if (a.log) return (Math.log(v) - Math.log(a.min)) / (Math.log(a.max) - Math.log(a.min));
  return (v - a.min) / (a.max - a.min);
}

/** Axis units of a raw value on a numeric axis, a missing value (NaN) at MISSING_Y under the axis. */
export function numericPosition(a: AxisModel, v: number): number {
  const t = axisPosition(a, v);
  return t === t ? t : MISSING_Y;
}

/** The value at axis units t on a numeric or metric axis. */
export function axisValue(a: AxisModel, t: number): number {
  if (!(a.max > a.min)) return a.min;
  if (a.log) return Math.exp(Math.log(a.min) + t * (Math.log(a.max) - Math.log(a.min)));
  return a.min + t * (a.max - a.min);
}

/** Tick values of a numeric or metric axis with their axis units, those on the axis only. */
export function axisTicks(a: AxisModel): { value: number; t: number }[] {
  const values = a.kind === 'metric' ? niceTicks(a.min, a.max) : a.log ? logTicks(a.min, a.max) : niceTicks(a.min, a.max);
  const out: { value: number; t: number }[] = [];
  for (const value of values) {
    const t = axisPosition(a, value);
    if (t >= -1e-9 && t <= 1 + 1e-9) out.push({ value, t });
  }
  return out;
}

/**
 * The options of a categorical or numeric axis that a brush over axis units
 * [lo, hi] touches: categorical options whose band overlaps it, numeric options
 * whose value range overlaps it (the missing option where it is drawn).
 */
export function optionsInBrush(a: AxisModel, lo: number, hi: number): string[] {
  const out: string[] = [];
  a.labels.forEach((label, o) => {
    let bLo: number;
    let bHi: number;
    if (a.kind === 'categorical') [bLo, bHi] = optionBand(o, a.labels.length);
    else if (label === MISSING_LABEL) bLo = bHi = MISSING_Y;
    else {
      const vLo = a.binLo?.[o] ?? NaN;
      const vHi = a.binHi?.[o] ?? NaN;
      if (vLo !== vLo) return;
      bLo = axisPosition(a, vLo);
      bHi = axisPosition(a, vHi);
    }
    if (bLo < hi && bHi > lo) out.push(label);
    else if (a.kind !== 'categorical' && bLo <= hi && bHi >= lo) out.push(label);
  });
  return out;
}

/**
 * The metric range of a brush over axis units [t0, t1] of the metric axis:
 * clamped to the axis, rounded to a thousandth of its span (so the URL holds
 * short numbers), low end first.
 */
export function brushRange(a: AxisModel, t0: number, t1: number): [number, number] {
  const span = a.max - a.min;
  const step = span > 0 ? 10 ** Math.floor(Math.log10(span / 1000)) : 1;
  const round = (v: number): number => Number((Math.round(v / step) * step).toPrecision(12));
  const lo = Math.max(a.min, Math.min(a.max, round(axisValue(a, Math.max(0, t0)))));
  const hi = Math.max(a.min, Math.min(a.max, round(axisValue(a, Math.min(1, t1)))));
  return [Math.min(lo, hi), Math.max(lo, hi)];
}

// ---------------------------------------------------------------------------
// Per-sweep facts about numeric parameters (one pass over all rows, cached).

export interface NumericRange {
  min: number;
  max: number;
  binLo: Float64Array;
  binHi: Float64Array;
}

export function* numericRangesSteps(sweep: Sweep): RowSteps<(NumericRange | null)[]> {
  const out: (NumericRange | null)[] = sweep.params.map((p) =>
    p.kind === 'numeric' && p.values
      ? { min: Infinity, max: -Infinity, binLo: new Float64Array(p.labels.length).fill(Infinity), binHi: new Float64Array(p.labels.length).fill(-Infinity) }
      : null,
  );
  const n = sweep.rows;
  const read = valuesOf(sweep);
  for (let p = 0; p < out.length; p++) {
    const r = out[p];
    if (!r) continue;
    const { binLo, binHi } = r;
    let min = Infinity;
    let max = -Infinity;
    for (let r0 = 0; r0 < n; r0 += BLOCK_ROWS * 4) {
      const r1 = Math.min(n, r0 + BLOCK_ROWS * 4);
      for (let i = r0; i < r1; i++) {
        const v = read.numeric(p, i);
        if (v !== v) continue;
        const c = read.code(p, i);
        if (v < binLo[c]) binLo[c] = v;
        if (v > binHi[c]) binHi[c] = v;
        if (v < min) min = v;
        if (v > max) max = v;
      }
      yield r1 / n;
    }
    r.min = min;
    r.max = max;
    for (let c = 0; c < binLo.length; c++)
      if (binLo[c] === Infinity) {
        binLo[c] = NaN;
        binHi[c] = NaN;
      }
  }
  return out;
}

const numericCache = new WeakMap<Sweep, Promise<(NumericRange | null)[]>>();

/** The value range of every numeric parameter and of each of its options (null for the others), once per sweep. */
export function numericRanges(sweep: Sweep): Promise<(NumericRange | null)[]> {
  let p = numericCache.get(sweep);
  if (!p) {
    p = drive(numericRangesSteps(sweep));
    numericCache.set(sweep, p);
    p.catch(() => numericCache.delete(sweep));
  }
  return p;
}

/**
 * The axes of a sweep and metric, parameters in column order and the metric
 * last. `logs` holds the user's scale choices by axis key; `normalize` puts the
 * metric on 0..1.
 */
export function buildAxes(
  sweep: Sweep,
  metric: number,
  stats: MetricStats,
  numeric: readonly (NumericRange | null)[],
  logs: Readonly<Record<string, boolean>>,
  normalize: boolean,
): AxisModel[] {
  const axes: AxisModel[] = sweep.params.map((p, i) => {
    const r = numeric[i];
    if (r && r.min <= r.max) {
      const canLog = r.min > 0;
      const log = own(logs, p.name) ?? (canLog && r.max / r.min >= 100);
      return { key: p.name, kind: 'numeric', param: i, labels: p.labels, min: r.min, max: r.max, canLog, log: canLog && log, binLo: r.binLo, binHi: r.binHi };
    }
    return { key: p.name, kind: 'categorical', param: i, labels: p.labels, min: 0, max: 1, canLog: false, log: false };
  });
  const empty = !(stats.globalMin <= stats.globalMax);
  axes.push({
    key: sweep.metrics[metric].name,
    kind: 'metric',
    param: -1,
    labels: [],
    min: normalize || empty ? 0 : stats.globalMin,
    max: normalize || empty ? 1 : stats.globalMax,
    canLog: false,
    log: false,
  });
  return axes;
}

// ---------------------------------------------------------------------------
// Order and placement of the axes.

/** The display order of `keys`: the user's `previous` order of those that still exist, new ones last. */
export function mergeAxisOrder(previous: readonly string[], keys: readonly string[]): string[] {
  return [...previous.filter((k) => keys.includes(k)), ...keys.filter((k) => !previous.includes(k))];
}

/**
 * The order after dragging axis `key` sideways by `dx` px (axes `spacing` px
 * apart): it drops into the nearest slot. Null when it stays where it was.
 */
export function moveAxis(order: readonly string[], key: string, dx: number, spacing: number): string[] | null {
  const from = order.indexOf(key);
  const slot = Math.max(0, Math.min(order.length - 1, Math.round((from * spacing + dx) / spacing)));
  if (slot === from) return null;
  const out = order.filter((k) => k !== key);
  out.splice(slot, 0, key);
  return out;
}

/** Where the axes sit in the plot, CSS px: the first axis at `left`, the next ones `spacing` apart; axis units 1..0 span top..top+height. */
export interface PlotFrame {
  readonly left: number;
  readonly top: number;
  readonly spacing: number;
  readonly height: number;
  readonly width: number;
}

/** The frame of a plot of `width` × `height` px showing the axes `order`. */
export function plotFrame(width: number, height: number, order: readonly string[]): PlotFrame {
  const w = Math.max(1, width);
  const h = Math.max(1, height);
  const slots = Math.max(2, order.length);
  // room for half the first axis's name (up to half the space between axes)
  const firstName = order[0] ?? '';
  const spacing0 = (w - MARGIN.left - MARGIN.right) / (slots - 1);
  const left = Math.max(MARGIN.left, Math.min(spacing0 / 2, (firstName.length * 6.8) / 2 + 6));
  const inner = Math.max(10, w - left - MARGIN.right);
  return { left, top: MARGIN.top, spacing: inner / (slots - 1), height: Math.max(10, h - MARGIN.top - MARGIN.bottom), width: w };
}

/** The y pixel of axis units t. */
export function yOf(f: PlotFrame, t: number): number {
  return f.top + (1 - t) * f.height;
}

/** The axis units of y pixel `y` (the inverse of yOf). */
export function unitsAt(f: PlotFrame, y: number): number {
  return 1 - (y - f.top) / f.height;
}
