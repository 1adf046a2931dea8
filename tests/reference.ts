/**
 * The naive row-by-row reference every engine is held to: one loop over the
 * unpacked columns, the definitions written out plainly.
 */

import type { Sweep } from '../src/model/sweep.js';
import type { AggregateJson, TrellisCell } from '../src/engine/output.js';
import type { QuerySpec } from '../src/engine/types.js';
import { hash01 } from '../src/engine/sample.js';

const ALL = '(all)';

/**
 * Whether a shown value x is inside the brush [lo, hi], both ends inclusive,
 * compared at the stored precision (f32): metrics are stored as f32, and
 * f32(0.7) < 0.7, so a value that reads as the bound in the file is inside.
 */
export function inBrush(x: number, lo: number, hi: number): boolean {
  const fx = Math.fround(x);
  return fx >= Math.fround(lo) && fx <= Math.fround(hi);
}

export function referenceAggregate(sweep: Sweep, spec: QuerySpec): AggregateJson {
  const metricIndex = spec.metric === undefined ? 0 : sweep.metrics.findIndex((m) => m.name === spec.metric);
  const values = sweep.metrics[metricIndex].values;
  const normalize = spec.normalize ?? false;
  const bins = spec.bins ?? 50;
  const range = spec.range ?? null;
  const P = sweep.params.length;
  const idx = (name: string): number => sweep.params.findIndex((p) => p.name === name);
  const g = sweep.group;
  const groupOf = (i: number): number => (g >= 0 ? sweep.params[g].codes[i] : 0);
  const groupLabels = g >= 0 ? [...sweep.params[g].labels] : [ALL];
  const G = groupLabels.length;

  // Per group and global min/max over all finite rows of the whole sweep.
  const gmin = new Array<number>(G).fill(Infinity);
  const gmax = new Array<number>(G).fill(-Infinity);
  for (let i = 0; i < sweep.rows; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    gmin[groupOf(i)] = Math.min(gmin[groupOf(i)], v);
    gmax[groupOf(i)] = Math.max(gmax[groupOf(i)], v);
  }
  const allMin = Math.min(...gmin);
  const allMax = Math.max(...gmax);

  const shown = (v: number, grp: number): number =>
    normalize ? (gmax[grp] > gmin[grp] ? (v - gmin[grp]) / (gmax[grp] - gmin[grp]) : 0) : v;
  const binOf = (v: number, grp: number): number => {
    const lo = normalize ? gmin[grp] : allMin;
    const hi = normalize ? gmax[grp] : allMax;
    const b = hi > lo ? Math.floor(((v - lo) / (hi - lo)) * bins) : 0;
    return Math.min(bins - 1, Math.max(0, b));
  };

  const where = Object.entries(spec.where ?? {}).map(([name, opts]) => {
    const p = idx(name);
    return { p, allowed: new Set(opts.map((o) => sweep.params[p].labels.indexOf(o))) };
  });
  const primary = spec.primary === undefined ? g : idx(spec.primary);
  const secondary = spec.secondary ? idx(spec.secondary) : -1;
  const primaryLabels = primary >= 0 ? [...sweep.params[primary].labels] : [ALL];
  const secondaryLabels = secondary >= 0 ? [...sweep.params[secondary].labels] : null;

  const names = sweep.params.map((p) => p.name);
  const labels = sweep.params.map((p) => [...p.labels]);
  const histB = groupLabels.map(() => new Array<number>(bins).fill(0));
  const histS = groupLabels.map(() => new Array<number>(bins).fill(0));
  const opt = labels.map((l) => new Array<number>(l.length).fill(0));
  const pairS = new Map<string, number>();
  const pairB = new Map<string, number>();
  const trCount = new Map<string, number>();
  const trSum = new Map<string, number>();
  const bump = (m: Map<string, number>, k: string, by = 1): void => {
    m.set(k, (m.get(k) ?? 0) + by);
  };
  let missing = 0;
  let baseline = 0;
  let selected = 0;
  for (let i = 0; i < sweep.rows; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      missing++;
      continue;
    }
    if (!where.every(({ p, allowed }) => allowed.has(sweep.params[p].codes[i]))) continue;
    baseline++;
    const grp = groupOf(i);
    const x = shown(v, grp);
    // Bounds at the stored (f32) precision: a value written as the bound is inside.
    const sel = range === null || inBrush(x, range[0], range[1]);
    histB[grp][binOf(v, grp)]++;
    const code = (p: number): number => sweep.params[p].codes[i];
    const cellKey = `${primary >= 0 ? code(primary) : 0}/${secondary >= 0 ? code(secondary) : 0}`;
    for (let a = 0; a < P; a++) {
      bump(trCount, `${a}/${code(a)}/${cellKey}`);
      bump(trSum, `${a}/${code(a)}/${cellKey}`, x);
      for (let b = 0; b < P; b++) if (a !== b) bump(pairB, `${a}/${b}/${code(a)}/${code(b)}`);
    }
    if (!sel) continue;
    selected++;
    histS[grp][binOf(v, grp)]++;
    for (let a = 0; a < P; a++) {
      opt[a][code(a)]++;
      for (let b = 0; b < P; b++) if (a !== b) bump(pairS, `${a}/${b}/${code(a)}/${code(b)}`);
    }
  }

  const pairs = (m: Map<string, number>): AggregateJson['pairCounts'] =>
    Object.fromEntries(
      names.map((na, a) => [
        na,
        Object.fromEntries(
          names
            .map((nb, b) => [nb, b] as const)
            .filter(([, b]) => b !== a)
            .map(([nb, b]) => [
              nb,
              Object.fromEntries(
                labels[a].map((la, i) => [la, Object.fromEntries(labels[b].map((lb, j) => [lb, m.get(`${a}/${b}/${i}/${j}`) ?? 0]))]),
              ),
            ]),
        ),
      ]),
    );
  const cell = (k: string): TrellisCell => {
    const n = trCount.get(k) ?? 0;
    return { count: n, mean: n === 0 ? null : (trSum.get(k) as number) / n };
  };
  const trellis: AggregateJson['trellis'] = Object.fromEntries(
    names.map((n, a) => [
      n,
      Object.fromEntries(
        labels[a].map((l, o) => [
          l,
          Object.fromEntries(
            primaryLabels.map((lp, pi) => [
              lp,
              secondaryLabels
                ? Object.fromEntries(secondaryLabels.map((ls, si) => [ls, cell(`${a}/${o}/${pi}/${si}`)]))
                : cell(`${a}/${o}/${pi}/0`),
            ]),
          ),
        ]),
      ),
    ]),
  );
  const empty = !(allMin <= allMax);
  const lo = normalize || empty ? 0 : allMin;
  const hi = normalize || empty ? 1 : allMax;
  return {
    rows: sweep.rows,
    missing,
    baseline,
    selected,
    metric: sweep.metrics[metricIndex].name,
    normalize,
    range: range ? [range[0], range[1]] : null,
    group: g >= 0 ? names[g] : null,
    primary: primary >= 0 ? names[primary] : null,
    secondary: secondary >= 0 ? names[secondary] : null,
    params: sweep.params.map((p) => ({ name: p.name, options: [...p.labels] })),
    histogram: {
      groups: groupLabels,
      edges: Array.from({ length: bins + 1 }, (_, k) => (k === bins ? hi : lo + ((hi - lo) * k) / bins)),
      baseline: histB,
      selected: histS,
    },
    optionCounts: Object.fromEntries(names.map((n, a) => [n, Object.fromEntries(labels[a].map((l, o) => [l, opt[a][o]]))])),
    pairCounts: pairs(pairS),
    baselinePairCounts: pairs(pairB),
    trellis,
  };
}

/**
 * Compares two aggregate objects: every count exactly, every mean within a
 * relative tolerance. Returns the first difference's path, or null.
 */
export function diffAggregates(a: unknown, b: unknown, rel = 1e-9, path = '$'): string | null {
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isInteger(a) && Number.isInteger(b) && !path.endsWith('.mean')) return a === b ? null : `${path}: ${a} != ${b}`;
    const tol = rel * Math.max(1, Math.abs(a), Math.abs(b));
    return Math.abs(a - b) <= tol ? null : `${path}: ${a} != ${b}`;
  }
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object')
    return a === b ? null : `${path}: ${JSON.stringify(a)} != ${JSON.stringify(b)}`;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.join('\u0000') !== kb.join('\u0000')) return `${path}: keys ${ka.slice(0, 8).join(',')} != ${kb.slice(0, 8).join(',')}`;
  for (const k of ka) {
    const d = diffAggregates((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], rel, `${path}.${k}`);
    if (d) return d;
  }
  return null;
}

// ---------------------------------------------------------------------------
// Rows: which trainings are selected, in which order, and the parallel view's sample.

/** Per group min and max of a metric over its finite values (Infinity / -Infinity for none). */
function groupRange(sweep: Sweep, metric: number): { gmin: number[]; gmax: number[] } {
  const values = sweep.metrics[metric].values;
  const g = sweep.group;
  const G = g >= 0 ? sweep.params[g].labels.length : 1;
  const gmin = new Array<number>(G).fill(Infinity);
  const gmax = new Array<number>(G).fill(-Infinity);
  for (let i = 0; i < sweep.rows; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    const grp = g >= 0 ? sweep.params[g].codes[i] : 0;
    gmin[grp] = Math.min(gmin[grp], v);
    gmax[grp] = Math.max(gmax[grp], v);
  }
  return { gmin, gmax };
}

/** Whether row i is selected by `spec`: metric present, every filter allows it, inside the brush (f32 bounds). */
export function referenceSelector(sweep: Sweep, spec: QuerySpec): (i: number) => boolean {
  const m = spec.metric === undefined ? 0 : sweep.metrics.findIndex((x) => x.name === spec.metric);
  const values = sweep.metrics[m].values;
  const normalize = spec.normalize ?? false;
  const range = spec.range ?? null;
  const { gmin, gmax } = groupRange(sweep, m);
  const g = sweep.group;
  const where = Object.entries(spec.where ?? {}).map(([name, opts]) => {
    const p = sweep.params.find((x) => x.name === name)!;
    return { codes: p.codes, allowed: new Set(opts.map((o) => p.labels.indexOf(o))) };
  });
  return (i) => {
    const v = values[i];
    if (!Number.isFinite(v)) return false;
    if (!where.every(({ codes, allowed }) => allowed.has(codes[i]))) return false;
    if (range === null) return true;
    const grp = g >= 0 ? sweep.params[g].codes[i] : 0;
    const x = normalize ? (gmax[grp] > gmin[grp] ? (v - gmin[grp]) / (gmax[grp] - gmin[grp]) : 0) : v;
    return inBrush(x, range[0], range[1]);
  };
}

/** The selected rows, ascending. */
export function referenceSelected(sweep: Sweep, spec: QuerySpec): number[] {
  const sel = referenceSelector(sweep, spec);
  const out: number[] = [];
  for (let i = 0; i < sweep.rows; i++) if (sel(i)) out.push(i);
  return out;
}

/** A column to order by: a metric or a parameter (by option code), by index. */
export type ReferenceSort = { metric: number } | { param: number };

/**
 * `rows` in order: by the metric's value (missing values last in either
 * direction) or the parameter's option code, then by row id; with Array.sort.
 */
export function referenceOrder(sweep: Sweep, rows: readonly number[], by: ReferenceSort, descending: boolean): number[] {
  const sign = descending ? -1 : 1;
  if ('param' in by) {
    const codes = sweep.params[by.param].codes;
    return [...rows].sort((a, b) => sign * (codes[a] - codes[b]) || a - b);
  }
  const v = sweep.metrics[by.metric].values;
  return [...rows].sort((a, b) => {
    const ma = Number.isNaN(v[a]);
    const mb = Number.isNaN(v[b]);
    if (ma || mb) return ma && mb ? a - b : ma ? 1 : -1;
    return sign * (v[a] - v[b]) || a - b;
  });
}

/** Rows [offset, offset + limit) of the selection in order. */
export function referencePage(sweep: Sweep, spec: QuerySpec, by: ReferenceSort, descending: boolean, offset: number, limit: number): number[] {
  return referenceOrder(sweep, referenceSelected(sweep, spec), by, descending).slice(offset, offset + limit);
}

/** The sample of n rows: `size` equal strata, one row at a hashed place in each (all rows when there are no more), ascending. */
export function referenceSampleRows(n: number, size: number, seed: number): number[] {
  const drawn: number[] = [];
  if (n <= size) for (let i = 0; i < n; i++) drawn.push(i);
  else
    for (let k = 0; k < size; k++) {
      const a = Math.floor((k * n) / size);
      const b = Math.floor(((k + 1) * n) / size);
      drawn.push(a + Math.floor(hash01(seed, k) * (b - a)));
    }
  return drawn;
}

/**
 * The parallel view's sample: `size` strata of the rows, one row at a hashed
 * place in each (all rows when there are no more), less those whose metric is
 * missing; with whether each is selected.
 */
export function referenceSample(sweep: Sweep, spec: QuerySpec, size: number, seed: number): { ids: number[]; selected: number[] } {
  const drawn = referenceSampleRows(sweep.rows, size, seed);
  const m = spec.metric === undefined ? 0 : sweep.metrics.findIndex((x) => x.name === spec.metric);
  const values = sweep.metrics[m].values;
  const sel = referenceSelector(sweep, spec);
  const ids = drawn.filter((i) => Number.isFinite(values[i]));
  return { ids, selected: ids.map((i) => (sel(i) ? 1 : 0)) };
}
