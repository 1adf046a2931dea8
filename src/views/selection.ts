/**
 * Row-level helpers for the views that show trainings, not aggregates (the
 * parallel coordinates and the table): which rows are selected, their order by
 * a metric, a deterministic sample, and CSV of chosen rows.
 *
 * Selection has exactly the engine's semantics (src/engine/plan.ts): a row is
 * selected iff its metric is not missing (NaN), every `where` filter allows its
 * option (by label), and, with a brush, lo <= shown <= hi (inclusive), where the
 * shown value is `shownValue(v, min, max, normalize)` with min/max of the row's
 * group over all non-missing rows of the whole sweep (computed once per metric).
 *
 * Work over all rows is written as generators that do a block of rows per step
 * (`RowSteps`): `drive` runs one in slices of a few milliseconds and yields to
 * the page between them; `runSync` drains one at once (Node, tests, small sweeps).
 */

import { formatFloat32 } from '../io/table.js';
import { csvField } from '../io/csv.js';
import { MISSING_LABEL } from '../model/binning.js';
import type { Sweep } from '../model/sweep.js';
import { inBrush, shownValue } from '../engine/formulas.js';
import { resolveQuery } from '../engine/resolve.js';
import { mix32 } from '../synth/prng.js';

/** The parts of a view state (or a QuerySpec) that decide which rows are selected. */
export interface RowQuery {
  metric?: string;
  normalize?: boolean;
  /** Inclusive brush on the shown axis; null or absent = none. */
  range?: readonly [number, number] | null;
  /** Allowed option labels per parameter (absent = all). */
  where?: Readonly<Record<string, readonly string[]>>;
}

/** Per group min and max of a metric over its non-missing rows (Infinity / -Infinity for an empty group). */
export interface GroupStats {
  readonly min: Float64Array;
  readonly max: Float64Array;
  /** Over all groups. */
  readonly globalMin: number;
  readonly globalMax: number;
  /** Rows whose metric is missing (NaN). */
  readonly missing: number;
}

/** A query compiled against one sweep: what `isSelected` needs, per row. */
export interface RowSelection {
  readonly sweep: Sweep;
  readonly metric: number;
  readonly values: Float32Array;
  readonly normalize: boolean;
  readonly range: readonly [number, number] | null;
  /** The group code per row, or null (one group). */
  readonly groupCodes: Uint8Array | null;
  readonly stats: GroupStats;
  /** One entry per filtered parameter: its codes and the allow table by code. */
  readonly filters: readonly { readonly codes: Uint8Array; readonly allow: Uint8Array }[];
}

/** A unit of row work: each step does a block of rows and yields the share done so far (0..1). */
export type RowSteps<T> = Generator<number, T, void>;

/** Rows a generator step handles. */
export const BLOCK_ROWS = 16384;

// ---------------------------------------------------------------------------
// Driving row work.

export interface DriveOptions {
  /** Longest stretch of work between two yields, in ms (default 5). */
  sliceMs?: number;
  /** How to give the page back control (default: `yieldToMain`). */
  yieldFn?: () => Promise<void>;
  /** Checked after every step; when it says aborted, `drive` throws `AbortedError`. */
  signal?: { readonly aborted: boolean };
  onProgress?: (fraction: number) => void;
}

/** Thrown by `drive` when its work was cancelled (a newer state arrived). */
export class AbortedError extends Error {
  override readonly name = 'AbortedError';
  constructor() {
    super('cancelled');
  }
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/**
 * Yields to the event loop so input, rendering and the engine's answers can
 * run. Where the browser has `scheduler.postTask`, the row work continues as a
 * background task: anything else waiting (a worker's answer, a pointer event,
 * a frame) runs first. (`scheduler.yield()` would be wrong here: its
 * continuations go *before* other tasks, so views that restart their row work
 * on every brush change starve the workers' answers while the brush moves.)
 */
export function yieldToMain(): Promise<void> {
  return taskAt('background');
}

/**
 * Resolves in a new task of the given `scheduler.postTask` priority; where the
 * browser has no postTask, in a MessageChannel message (setTimeout(0) is
 * clamped to 4 ms when nested), else in a timeout.
 */
export function taskAt(priority: 'background' | 'user-visible'): Promise<void> {
  const s = (globalThis as { scheduler?: { postTask?: (cb: () => void, o: { priority: string }) => Promise<void> } }).scheduler;
  if (s && typeof s.postTask === 'function') return s.postTask(() => undefined, { priority });
  if (typeof MessageChannel !== 'undefined') {
    return new Promise((resolve) => {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => {
        ch.port1.close();
        resolve();
      };
      ch.port2.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Runs row work in slices of about `sliceMs`, yielding between them. */
export async function drive<T>(steps: RowSteps<T>, opts: DriveOptions = {}): Promise<T> {
  const sliceMs = opts.sliceMs ?? 5;
  const yieldFn = opts.yieldFn ?? yieldToMain;
  let t0 = now();
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    if (opts.signal?.aborted) {
      steps.return(undefined as never);
      throw new AbortedError();
    }
    opts.onProgress?.(r.value);
    if (now() - t0 >= sliceMs) {
      await yieldFn();
      if (opts.signal?.aborted) {
        steps.return(undefined as never);
        throw new AbortedError();
      }
      t0 = now();
    }
  }
}

/** Runs row work to the end at once. */
export function runSync<T>(steps: RowSteps<T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

// ---------------------------------------------------------------------------
// Statistics and selection.

/** Per group min/max of metric `m` over non-missing rows of the whole sweep (the engine's `stats`). */
export function* groupStatsSteps(sweep: Sweep, m: number): RowSteps<GroupStats> {
  const values = sweep.metrics[m].values;
  const groupCodes = sweep.group >= 0 ? sweep.params[sweep.group].codes : null;
  const G = sweep.group >= 0 ? Math.max(1, sweep.params[sweep.group].labels.length) : 1;
  const min = new Float64Array(G).fill(Infinity);
  const max = new Float64Array(G).fill(-Infinity);
  const n = sweep.rows;
  let missing = 0;
  for (let r0 = 0; r0 < n; r0 += BLOCK_ROWS) {
    const r1 = Math.min(n, r0 + BLOCK_ROWS);
    for (let i = r0; i < r1; i++) {
      const v = values[i];
      if (v !== v) {
        missing++;
        continue;
      }
      const g = groupCodes === null ? 0 : groupCodes[i];
      if (v < min[g]) min[g] = v;
      if (v > max[g]) max[g] = v;
    }
    if (r1 < n) yield r1 / n;
  }
  let globalMin = Infinity;
  let globalMax = -Infinity;
  for (let g = 0; g < G; g++) {
    if (min[g] < globalMin) globalMin = min[g];
    if (max[g] > globalMax) globalMax = max[g];
  }
  return { min, max, globalMin, globalMax, missing };
}

const statsCache = new WeakMap<Sweep, Map<number, Promise<GroupStats>>>();

/**
 * The group stats of metric `m`, computed once per sweep and metric (in
 * slices) and shared by every view that asks.
 */
export function groupStats(sweep: Sweep, m: number, opts: Omit<DriveOptions, 'signal' | 'onProgress'> = {}): Promise<GroupStats> {
  let bySweep = statsCache.get(sweep);
  if (!bySweep) {
    bySweep = new Map();
    statsCache.set(sweep, bySweep);
  }
  let s = bySweep.get(m);
  if (!s) {
    s = drive(groupStatsSteps(sweep, m), opts);
    bySweep.set(m, s);
    s.catch(() => bySweep!.delete(m));
  }
  return s;
}

/** The index of the query's metric (the first metric when it names none); throws SweepError for an unknown one. */
export function metricIndex(sweep: Sweep, q: RowQuery): number {
  return resolveQuery(sweep, { metric: q.metric }).metric;
}

/**
 * Compiles a query against a sweep: labels to codes exactly as the engine does
 * (unknown names throw the engine's SweepError). `stats` must be the group
 * stats of the query's metric; computed here (at once) when absent.
 */
export function compileSelection(sweep: Sweep, q: RowQuery, stats?: GroupStats): RowSelection {
  const resolved = resolveQuery(sweep, {
    metric: q.metric,
    normalize: q.normalize ?? false,
    range: q.range ?? null,
    where: q.where ?? {},
  });
  const filters: { codes: Uint8Array; allow: Uint8Array }[] = [];
  resolved.filters.forEach((allow, p) => {
    if (allow) filters.push({ codes: sweep.params[p].codes, allow });
  });
  return {
    sweep,
    metric: resolved.metric,
    values: sweep.metrics[resolved.metric].values,
    normalize: resolved.normalize,
    range: resolved.range,
    groupCodes: sweep.group >= 0 ? sweep.params[sweep.group].codes : null,
    stats: stats ?? runSync(groupStatsSteps(sweep, resolved.metric)),
    filters,
  };
}

/** Whether one row passes the filters. */
export function passesFilters(sel: RowSelection, row: number): boolean {
  const fs = sel.filters;
  for (let f = 0; f < fs.length; f++) if (fs[f].allow[fs[f].codes[row]] !== 1) return false;
  return true;
}

/** Whether one row is selected: metric present, filters pass, lo <= shown <= hi. */
export function isSelected(sel: RowSelection, row: number): boolean {
  const v = sel.values[row];
  if (v !== v) return false;
  if (!passesFilters(sel, row)) return false;
  const range = sel.range;
  if (range === null) return true;
  const g = sel.groupCodes === null ? 0 : sel.groupCodes[row];
  const x = shownValue(v, sel.stats.min[g], sel.stats.max[g], sel.normalize);
  return inBrush(x, range[0], range[1]);
}

/** The shown value of a row's metric (normalized per group or raw); NaN when missing. */
export function shownOf(sel: RowSelection, row: number): number {
  const v = sel.values[row];
  if (v !== v) return NaN;
  const g = sel.groupCodes === null ? 0 : sel.groupCodes[row];
  return shownValue(v, sel.stats.min[g], sel.stats.max[g], sel.normalize);
}

/** Selected row indices in ascending order, a block per step. `rows` restricts to those rows (ascending), else all. */
export function* selectedRowsSteps(sel: RowSelection, rows?: ArrayLike<number>): RowSteps<Uint32Array> {
  const n = rows ? rows.length : sel.sweep.rows;
  // room for every row up front (no copies while growing); trimmed at the end when much is left
  const out = new Uint32Array(n);
  let count = 0;
  for (let r0 = 0; r0 < n; r0 += BLOCK_ROWS) {
    const r1 = Math.min(n, r0 + BLOCK_ROWS);
    for (let k = r0; k < r1; k++) {
      const i = rows ? rows[k] : k;
      if (isSelected(sel, i)) out[count++] = i;
    }
    if (r1 < n) yield r1 / n;
  }
  return trimmed(out, count);
}

/** Selected row indices in ascending order, at once. */
export function selectedRows(sel: RowSelection, rows?: ArrayLike<number>): Uint32Array {
  return runSync(selectedRowsSteps(sel, rows));
}

/** The first `count` entries: a view when they fill most of the array, else a copy (freeing the rest). */
function trimmed(a: Uint32Array, count: number): Uint32Array {
  if (count === a.length) return a;
  return count >= a.length / 2 ? a.subarray(0, count) : a.slice(0, count);
}

// ---------------------------------------------------------------------------
// Order by a metric.

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);

/**
 * A u32 whose ascending order is the descending order of the f32 value v
 * (best first); -0 ranks as 0. Not for NaN.
 */
export function descendingKey(v: number): number {
  F32[0] = v === 0 ? 0 : v;
  const b = U32[0];
  const ordered = b & 0x80000000 ? ~b >>> 0 : (b | 0x80000000) >>> 0;
  return ~ordered >>> 0;
}

/**
 * The rows at ranks [offset, offset + k) when `rows` are ordered by metric
 * `m`, top first, ties by ascending row index; rows whose metric is missing are
 * left out. Linear time: a histogram of the keys' top 16 bits finds the few
 * buckets holding those ranks, and only their rows are sorted.
 */
export function topK(sweep: Sweep, m: number, rows: ArrayLike<number>, k: number, offset = 0): Uint32Array {
  const values = sweep.metrics[m].values;
  const n = rows.length;
  if (k <= 0 || offset < 0) return new Uint32Array(0);
  const keys = new Uint32Array(n);
  const hist = new Uint32Array(65537);
  let finite = 0;
  for (let j = 0; j < n; j++) {
    const v = values[rows[j]];
    if (v !== v) {
      keys[j] = 0xffffffff;
      continue;
    }
    const key = descendingKey(v);
    keys[j] = key;
    hist[key >>> 16]++;
    finite++;
  }
  const end = Math.min(finite, offset + k);
  if (offset >= end) return new Uint32Array(0);
  // Buckets [bLo, bHi] hold ranks [offset, end); `before` ranks come before bLo.
  let before = 0;
  let bLo = 0;
  while (before + hist[bLo] <= offset) before += hist[bLo++];
  let bHi = bLo;
  let upTo = before + hist[bLo];
  while (upTo < end) upTo += hist[++bHi];
  const cand: number[] = [];
  for (let j = 0; j < n; j++) {
    const v = values[rows[j]];
    if (v !== v) continue;
    const b = keys[j] >>> 16;
    if (b >= bLo && b <= bHi) cand.push(j);
  }
  cand.sort((a, b) => keys[a] - keys[b] || rows[a] - rows[b]);
  const out = new Uint32Array(end - offset);
  for (let r = offset; r < end; r++) out[r - offset] = rows[cand[r - before]];
  return out;
}

/**
 * `rows` ordered by metric `m`, top first, missing values left out, as a
 * stable LSD radix sort (3 passes of 11 bits), a block per step: ties keep the
 * order of `rows` (ascending row index when `rows` comes from selectedRows).
 */
export function* sortByMetricSteps(sweep: Sweep, m: number, rows: ArrayLike<number>): RowSteps<Uint32Array> {
  const values = sweep.metrics[m].values;
  const n = rows.length;
  const total = n * 4 + 1; // key pass plus three scatter passes
  let done = 0;
  let keys = new Uint32Array(n);
  let idx = new Uint32Array(n);
  const hist = [new Uint32Array(2048), new Uint32Array(2048), new Uint32Array(2048)];
  let count = 0;
  for (let j0 = 0; j0 < n; j0 += BLOCK_ROWS) {
    const j1 = Math.min(n, j0 + BLOCK_ROWS);
    for (let j = j0; j < j1; j++) {
      const row = rows[j];
      const v = values[row];
      if (v !== v) continue;
      const key = descendingKey(v);
      keys[count] = key;
      idx[count++] = row;
      hist[0][key & 2047]++;
      hist[1][(key >>> 11) & 2047]++;
      hist[2][key >>> 22]++;
    }
    done += j1 - j0;
    yield done / total;
  }
  let keys2 = new Uint32Array(count);
  let idx2 = new Uint32Array(count);
  for (let pass = 0; pass < 3; pass++) {
    const shift = pass * 11;
    const h = hist[pass];
    // Skip a pass whose digit is the same for every row.
    if (count > 0 && h[(keys[0] >>> shift) & 2047] === count) {
      done += n;
      continue;
    }
    const start = new Uint32Array(2048);
    for (let d = 0, s = 0; d < 2048; d++) {
      start[d] = s;
      s += h[d];
    }
    for (let j0 = 0; j0 < count; j0 += BLOCK_ROWS) {
      const j1 = Math.min(count, j0 + BLOCK_ROWS);
      for (let j = j0; j < j1; j++) {
        const key = keys[j];
        const p = start[(key >>> shift) & 2047]++;
        keys2[p] = key;
        idx2[p] = idx[j];
      }
      yield (done + j1) / total;
    }
    done += n;
    [keys, keys2] = [keys2, keys];
    [idx, idx2] = [idx2, idx];
  }
  return trimmed(idx, count);
}

// ---------------------------------------------------------------------------
// Sampling.

/** A hash of (seed, i) in [0, 1). */
export function hash01(seed: number, i: number): number {
  return (mix32((mix32(seed ^ 0x5bd1e995) + Math.imul(i, 0x9e3779b9)) >>> 0) >>> 0) / 4294967296;
}

/**
 * At most `max` of the row indices 0..n-1, ascending, the same for the same
 * (n, max, seed): row k of the sample is drawn from the k-th of `max` equal
 * strata, at a hashed position inside it (every stratum holds at least one row).
 */
export function sampleRows(n: number, max: number, seed: number): Uint32Array {
  if (n <= max) {
    const all = new Uint32Array(n);
    for (let i = 0; i < n; i++) all[i] = i;
    return all;
  }
  const m = Math.max(0, Math.floor(max));
  const out = new Uint32Array(m);
  for (let k = 0; k < m; k++) {
    const a = Math.floor((k * n) / m);
    const b = Math.floor(((k + 1) * n) / m);
    out[k] = a + Math.floor(hash01(seed, k) * (b - a));
  }
  return out;
}

// ---------------------------------------------------------------------------
// CSV.

/**
 * The given rows of a sweep as CSV, in chunks of `chunkRows` rows (the first
 * chunk is the header line), with the quoting and number rules of
 * `writeCsvBytes` (src/io/csv.ts): categorical parameters as labels
 * (`(missing)` as an empty cell), numeric parameters and metrics as the
 * shortest decimal that reads back to the same float32, NaN as an empty cell.
 */
export function* toCsv(sweep: Sweep, rows: ArrayLike<number>, chunkRows = 8192): Generator<string, void, void> {
  const names = [...sweep.params.map((p) => p.name), ...sweep.metrics.map((m) => m.name)];
  yield names.map(csvField).join(',') + '\n';
  if (names.length === 0) return;
  type Column = { labels: string[]; codes: Uint8Array } | { values: Float32Array };
  const columns: Column[] = [
    ...sweep.params.map((p): Column =>
      p.kind === 'numeric' && p.values
        ? { values: p.values }
        : { labels: p.labels.map((l) => (l === MISSING_LABEL ? '' : csvField(l))), codes: p.codes },
    ),
    ...sweep.metrics.map((m): Column => ({ values: m.values })),
  ];
  const n = rows.length;
  const step = Math.max(1, Math.floor(chunkRows));
  for (let r0 = 0; r0 < n; r0 += step) {
    const r1 = Math.min(n, r0 + step);
    const lines: string[] = new Array(r1 - r0);
    const cells: string[] = new Array(columns.length);
    for (let k = r0; k < r1; k++) {
      const i = rows[k];
      for (let c = 0; c < columns.length; c++) {
        const col = columns[c];
        cells[c] = 'values' in col ? formatFloat32(col.values[i]) : col.labels[col.codes[i]];
      }
      lines[k - r0] = cells.join(',');
    }
    yield lines.join('\n') + '\n';
  }
}
