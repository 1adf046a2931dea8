/**
 * The columns the in-page peers work on, from a Sweep: codes per parameter,
 * and per row the shown value x (f32 of the normalized first metric, which is
 * what the explorer's brush compares) and its histogram bin, both from the
 * reference formulas (formulas.ts), so a peer answers the explorer's question
 * rather than a near one. DuckDB gets the same x and bin columns.
 */

import { binOf, shownValue } from '../engine/formulas.js';
import type { Sweep } from '../model/sweep.js';
import { BINS, shapeOf, type Shape } from './workload.js';

export interface BrushColumns {
  rows: number;
  names: string[];
  labels: (readonly string[])[];
  codes: Uint8Array[];
  /** The group's codes (the histogram's stacks, the normalization's groups), zeros without a group. */
  group: Uint8Array;
  /** The shown value (normalized per group), f32; NaN where the metric is missing. */
  x: Float32Array;
  /** The histogram bin of each row (BINS bins over the group's range). */
  bin: Uint8Array;
  /** Rows without a metric value: in no baseline and no selection. */
  missing: number;
  shape: Shape;
}

/** Derives the peers' columns from the sweep's first metric (normalized per group). */
export function brushColumns(sweep: Sweep): BrushColumns {
  const n = sweep.rows;
  const g = sweep.group;
  const group = g >= 0 ? sweep.params[g].codes : new Uint8Array(n);
  const G = g >= 0 ? Math.max(1, sweep.params[g].labels.length) : 1;
  const acc = sweep.metrics[0].values;
  const min = new Float64Array(G).fill(Infinity);
  const max = new Float64Array(G).fill(-Infinity);
  let missing = 0;
  for (let i = 0; i < n; i++) {
    const v = acc[i];
    if (!Number.isFinite(v)) {
      missing++;
      continue;
    }
    const k = group[i];
    if (v < min[k]) min[k] = v;
    if (v > max[k]) max[k] = v;
  }
  const x = new Float32Array(n);
  const bin = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const v = acc[i];
    const k = group[i];
    if (!Number.isFinite(v)) {
      x[i] = NaN;
      continue;
    }
    x[i] = shownValue(v, min[k], max[k], true);
    bin[i] = binOf(v, min[k], max[k], BINS);
  }
  return {
    rows: n,
    names: sweep.params.map((p) => p.name),
    labels: sweep.params.map((p) => p.labels),
    codes: sweep.params.map((p) => p.codes),
    group,
    x,
    bin,
    missing,
    shape: shapeOf(
      sweep.params.map((p) => p.labels.length),
      g,
    ),
  };
}

/** Bytes a peer that scans these columns reads per training: codes, x and bin. */
export function columnBytesPerTraining(cols: BrushColumns): number {
  return cols.codes.length + 4 + 1;
}

/** The toggle's parameter and its allowed codes (1 = allowed) for `keep` labels; throws when the sweep has not got them. */
export function toggleFilter(cols: BrushColumns, param: string, keep: readonly string[]): { param: number; allow: Uint8Array } {
  const p = cols.names.indexOf(param);
  if (p < 0) throw new Error(`the sweep has no parameter ${param}`);
  const allow = new Uint8Array(256);
  for (const l of keep) {
    const o = cols.labels[p].indexOf(l);
    if (o < 0) throw new Error(`${param} has no option ${l}`);
    allow[o] = 1;
  }
  return { param: p, allow };
}

/** The smallest f32 above `v`: a half-open range [lo, nextUp(hi)) holds exactly the f32 values in [lo, hi]. */
export function nextUpF32(v: number): number {
  const f = new Float32Array([v]);
  const i = new Int32Array(f.buffer);
  if (Number.isNaN(f[0]) || f[0] === Infinity) return f[0];
  if (f[0] === 0) {
    i[0] = 1;
    return f[0];
  }
  i[0] += f[0] > 0 ? 1 : -1;
  return f[0];
}
