/**
 * Line layout of the parallel view: where each drawn training crosses every
 * axis, as the vertex data the renderer uploads.
 *
 * The lines are the engine's sample (`rowSample`: a deterministic sample of
 * at most a budget of rows, less those whose metric is missing, with a
 * selection flag per row); labels and values come from the loaded sweep by
 * row id. Positions are quantized to u16 on every axis, once per sample,
 * metric and scales; vertices are built from them per axis order; the
 * engine's selection flags are written into the vertices per answer. Each is
 * a generator of row steps (tasks.ts `drive`), so it never blocks the page.
 *
 * No DOM: tests/parallel-layout.test.ts runs it in Node.
 */

import { shownValue } from '../../engine/formulas.js';
import { valuesOf } from '../../engine/row-values.js';
import type { MetricStats } from '../../engine/types.js';
import type { Sweep } from '../../model/sweep.js';
import { BLOCK_ROWS, type RowSteps } from '../shared/tasks.js';
import { axisPosition, axisSeed, categoricalPosition, numericPosition, type AxisModel } from './axes.js';

/** Quantization of axis positions in the vertex buffer: y in [Y_LO, Y_LO + Y_SPAN] as 0..65535. */
export const Y_LO = -0.05;
export const Y_SPAN = 1.1;

/** The u16 of axis units t (clamped to [Y_LO, Y_LO + Y_SPAN]). */
export function quantize(t: number): number {
  const q = Math.round(((t - Y_LO) / Y_SPAN) * 65535);
  return q < 0 ? 0 : q > 65535 ? 65535 : q;
}

/** The axis units of a quantized position (the vertex shader does the same). */
export function dequantize(q: number): number {
  return Y_LO + (q / 65535) * Y_SPAN;
}

/** The sampled rows drawn (metric present), their groups and positions (u16) on every axis, by axis key. */
export interface Lines {
  readonly sweep: Sweep;
  /** Which inputs these were computed for. */
  readonly key: string;
  readonly rows: Uint32Array;
  readonly groups: Uint8Array;
  readonly y: ReadonlyMap<string, Uint16Array>;
  /** Rows of the whole sweep whose metric is present. */
  readonly drawable: number;
}

/** What the lines are laid out from. */
export interface LinesInput {
  readonly sweep: Sweep;
  /** Identifies these inputs (kept in `Lines.key`). */
  readonly key: string;
  /** The sampled rows whose metric is present, from the engine. */
  readonly rows: Uint32Array;
  /** Seed of the categorical offsets. */
  readonly seed: number;
  /** The axes, in column order (their index seeds their offsets). */
  readonly axes: readonly AxisModel[];
  readonly metric: number;
  /** The metric's per-group statistics, as the query's answer gives them. */
  readonly stats: MetricStats;
  readonly normalize: boolean;
  /** Rows of the whole sweep whose metric is present (the answer's rows less its missing). */
  readonly drawable: number;
}

/** The sampled lines and their positions on every axis. */
export function* linesSteps(input: LinesInput): RowSteps<Lines> {
  const { sweep, key, axes, metric, stats, normalize, seed, rows } = input;
  const n = rows.length;
  const read = valuesOf(sweep);
  const group = sweep.group;
  const groups = new Uint8Array(n);
  if (group >= 0) for (let k = 0; k < n; k++) groups[k] = read.code(group, rows[k]);
  /** The shown value of a row's metric: normalized per group (by the answer's statistics) or raw. */
  const shownOf = (k: number): number => {
    const g = groups[k];
    return shownValue(read.metric(metric, rows[k]), stats.min[g], stats.max[g], normalize);
  };
  const y = new Map<string, Uint16Array>();
  for (let d = 0; d < axes.length; d++) {
    const a = axes[d];
    const out = new Uint16Array(n);
    const dimSeed = axisSeed(seed, d);
    for (let k0 = 0; k0 < n; k0 += BLOCK_ROWS) {
      const k1 = Math.min(n, k0 + BLOCK_ROWS);
      if (a.kind === 'categorical') {
        const K = Math.max(1, a.labels.length);
        for (let k = k0; k < k1; k++) out[k] = quantize(categoricalPosition(read.code(a.param, rows[k]), K, dimSeed, rows[k]));
      } else if (a.kind === 'numeric') {
        for (let k = k0; k < k1; k++) out[k] = quantize(numericPosition(a, read.numeric(a.param, rows[k])));
      } else {
        for (let k = k0; k < k1; k++) out[k] = quantize(axisPosition(a, shownOf(k)));
      }
      yield (d + k1 / Math.max(1, n)) / axes.length;
    }
    y.set(a.key, out);
  }
  return { sweep, key, rows, groups, y, drawable: input.drawable };
}

/** Vertex data of the lines in one axis order. */
export interface Geometry {
  /** Per vertex (slot, y) as u16. */
  readonly pos: Uint16Array;
  /** Per vertex (selected, group, -, -) as u8. */
  readonly meta: Uint8Array;
  /** Vertices per line (two per segment). */
  readonly perLine: number;
}

/**
 * Vertex data for GL lines: per segment two vertices of (slot, y) as u16
 * (normalized: slot / 65535, y as 0..65535), and the line's group per vertex.
 *
 * Only formats every backend reads natively are used (u16x2 and u8x4
 * normalized): ANGLE converts others (3-component or unnormalized integers) on
 * the CPU on Vulkan backends such as SwiftShader.
 */
export function* geometrySteps(lines: Lines, order: readonly string[]): RowSteps<Geometry> {
  const n = lines.rows.length;
  const perLine = Math.max(0, order.length - 1) * 2;
  const pos = new Uint16Array(n * perLine * 2);
  const meta = new Uint8Array(n * perLine * 4);
  const ys = order.map((k) => lines.y.get(k) as Uint16Array);
  const segs = perLine / 2;
  for (let k0 = 0; k0 < n; k0 += BLOCK_ROWS) {
    const k1 = Math.min(n, k0 + BLOCK_ROWS);
    for (let k = k0; k < k1; k++) {
      let p = k * perLine * 2;
      for (let s = 0; s < segs; s++) {
        pos[p++] = s;
        pos[p++] = ys[s][k];
        pos[p++] = s + 1;
        pos[p++] = ys[s + 1][k];
      }
      const g = lines.groups[k];
      for (let v = k * perLine * 4 + 1; v < (k + 1) * perLine * 4; v += 4) meta[v] = g;
    }
    yield k1 / n;
  }
  return { pos, meta, perLine };
}

/** Writes 255 (selected) or 0 into byte 0 of every vertex's metadata from the engine's flags (one per line); returns the selected lines. */
export function* selectionSteps(selected: Uint8Array, geometry: Geometry): RowSteps<number> {
  const n = selected.length;
  const per = geometry.perLine * 4;
  const meta = geometry.meta;
  let count = 0;
  for (let k0 = 0; k0 < n; k0 += BLOCK_ROWS) {
    const k1 = Math.min(n, k0 + BLOCK_ROWS);
    for (let k = k0; k < k1; k++) {
      const flag = selected[k] ? 255 : 0;
      count += flag & 1;
      for (let j = k * per; j < (k + 1) * per; j += 4) meta[j] = flag;
    }
    yield k1 / n;
  }
  return count;
}
