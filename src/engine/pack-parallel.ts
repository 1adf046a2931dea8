/**
 * packSweep (session.ts) split across workers that share the sweep's memory:
 * the same layout and byte-identical codes, metrics, permutation and row
 * order, in a fraction of the time.
 *
 * The rows are sorted by (group, order key of the first metric), stably. A
 * stable sort has exactly one result, so any way of computing it gives
 * packSweep's answer, whatever the number of workers. Each worker takes an
 * equal slice of the rows, then a run of buckets:
 *
 * 1. range (by rows): each group's smallest and largest finite key.
 * 2. count (by rows): rows per fine bucket: a group and one of 2^k equal
 *    slices of its key range (each group's missing values one more bucket
 *    after those), so that buckets in index order are in sorted order.
 * 3. split (by rows, only when needed): fine buckets far fuller than the rest
 *    (a tight cluster of values) are counted again on their next key bits.
 * 4. Here: runs of adjacent fine buckets (or sub-buckets) become buckets of
 *    about BUCKET_ROWS rows, and a prefix over (bucket, worker) gives each
 *    worker the place of its first row in every bucket.
 * 5. scatter (by rows): each row goes to the next place of its bucket, in
 *    file order, so ties stay in file order: its id, first metric value and
 *    packed codes (packed here, a block at a time: no file-order copy).
 * 6. finish (by buckets): each worker takes a run of whole buckets holding
 *    about its share of the rows, sorts each by key (a stable radix sort, in
 *    cache), and gathers the other metrics of those rows.
 *
 * Each row is read in file order three or four times and scattered once, where
 * packSweep scatters it three times (two radix passes and one by group) and
 * then gathers it. What no number of workers shortens: first touching the
 * fresh output pages (on some virtual machines a large part of the time).
 *
 * With no metric, rows keep file order and only the codes are packed. The
 * steps are plain functions of a row or bucket range and run the same inline,
 * in Node worker threads (pack-parallel-node.ts) and in browser workers
 * (app/pack.ts); a PackPool runs one step on each of its workers.
 */

import { releaseProxy, wrap, type Endpoint } from 'comlink';
import { allocF32, allocU32, type Sweep } from '../model/sweep.js';
import { DEFAULT_UNIT_BITS, makeLayout, type PackLayout } from './layout.js';
import type { RowOrder } from './row-order.js';
import { packSweep } from './session.js';
import type { PackedSweep } from './types.js';

export type PackResult = { layout: PackLayout; packed: PackedSweep };

/** Below this many rows packSweep alone is faster than waking workers. */
export const PARALLEL_MIN_ROWS = 1 << 16;

/** What every step reads and writes: the sweep's columns in, shared buffers out. */
export interface PackJob {
  readonly rows: number;
  readonly layout: PackLayout;
  /** The parameters' code columns, in the sweep's order. */
  readonly codes: readonly Uint8Array[];
  /** The group parameter's codes; null: one group. */
  readonly group: Uint8Array | null;
  readonly groups: number;
  /** The metric columns; rows are sorted by the first. */
  readonly values: readonly Float32Array[];
  readonly perm: Uint32Array;
  readonly codesOut: Uint32Array;
  readonly metricsOut: readonly Float32Array[];
}

/** Fine buckets (step 2): group g's finite keys k fall in bucket first[g] + ((k - min[g]) >>> shift[g]), its missing ones in nan[g]. */
export interface FineBuckets {
  /** Fine buckets in all. */
  readonly total: number;
  readonly first: Uint32Array;
  readonly nan: Uint32Array;
  /** Group g's smallest finite key. */
  readonly min: Uint32Array;
  readonly shift: Uint8Array;
}

/**
 * Fine buckets too full to finish in cache or to share out well (a tight
 * cluster of values), split on the key bits below theirs (step 3): row key k
 * of group g in fine bucket f, when of[f] >= 0, falls in sub-bucket
 * base[of[f]] + (((k - min[g]) & low[g]) >>> shift[of[f]]).
 */
export interface SplitBuckets {
  /** Sub-buckets in all. */
  readonly total: number;
  /** Per fine bucket, its index among the split ones, or -1. */
  readonly of: Int32Array;
  /** Per group, the key bits below its fine bucket index. */
  readonly low: Uint32Array;
  readonly base: Uint32Array;
  readonly shift: Uint8Array;
}

/** Where a row goes in scatter: per fine bucket its bucket, or SPLIT (then per sub-bucket). */
export interface Placement {
  readonly fine: FineBuckets;
  readonly bucketOf: Uint32Array;
  readonly split: SplitBuckets | null;
  readonly subBucketOf: Uint32Array;
}

/** bucketOf of a split fine bucket: its rows are placed by their sub-bucket. */
const SPLIT = 0xffffffff;

/** Key of a missing value: above every finite one, as in row-order.ts. */
const MISSING = 0xffffffff;

/**
 * The radix key of sortRows (row-order.ts) from an f32's bits: f32ToOrdered
 * as an unsigned number (so -0 ties with +0), NaN above everything. Reading
 * the bits spares the float conversion in the hot loops.
 */
export function orderKey(bits: number): number {
  const mag = bits & 0x7fffffff;
  if (mag > 0x7f800000) return MISSING;
  return bits & 0x80000000 ? (0x80000000 - mag) >>> 0 : (bits | 0x80000000) >>> 0;
}

/** The bits of an f32 column, in place. */
function bitsOf(a: Float32Array): Uint32Array {
  return new Uint32Array(a.buffer, a.byteOffset, a.length);
}

// ---------------------------------------------------------------------------
// The steps: pure functions of a row or bucket range.

/** With no metric to sort by, rows [start, end) keep file order: their codes packed in place, an identity permutation. */
export function packInOrder(a: { job: PackJob; start: number; end: number }): void {
  const { job, start, end } = a;
  packRows(wordColumns(job), job.codesOut, start, end, 0);
  const perm = job.perm;
  for (let i = start; i < end; i++) perm[i] = i;
}

/** Step 1, rows [start, end): each group's smallest and largest finite key in these rows (min > max: none). */
export function keyRange(a: { job: PackJob; start: number; end: number }): { min: Uint32Array; max: Uint32Array } {
  const { job, start, end } = a;
  const min = new Uint32Array(job.groups).fill(MISSING);
  const max = new Uint32Array(job.groups);
  const bits = bitsOf(job.values[0]);
  const group = job.group;
  for (let i = start; i < end; i++) {
    const k = orderKey(bits[i]);
    if (k === MISSING) continue;
    const g = group ? group[i] : 0;
    if (k < min[g]) min[g] = k;
    if (k > max[g]) max[g] = k;
  }
  return { min, max };
}

/** The code columns that fill each packed word, with their shifts. */
interface WordColumns {
  readonly words: number;
  readonly cols: readonly (readonly Uint8Array[])[];
  readonly shifts: readonly (readonly number[])[];
}

function wordColumns(job: PackJob): WordColumns {
  const words = job.layout.words;
  const cols: Uint8Array[][] = Array.from({ length: words }, () => []);
  const shifts: number[][] = Array.from({ length: words }, () => []);
  job.layout.slots.forEach((s, p) => {
    if (s.bits === 0) return;
    cols[s.word].push(job.codes[p]);
    shifts[s.word].push(s.shift);
  });
  return { words, cols, shifts };
}

/**
 * packCodes (layout.ts), bit for bit, for rows [start, end), written from
 * out's row `start - base`: a block's codes into a small buffer, or (base 0)
 * rows in place. Four columns a pass, the last one repeated when fewer are
 * left (ORing a code in twice changes nothing): a third of the time of one
 * column a pass.
 */
function packRows(wc: WordColumns, out: Uint32Array, start: number, end: number, base: number): void {
  const W = wc.words;
  for (let w = 0; w < W; w++) {
    const cols = wc.cols[w];
    const shifts = wc.shifts[w];
    const m = cols.length;
    const o0 = (start - base) * W + w;
    if (m === 0) for (let i = start, o = o0; i < end; i++, o += W) out[o] = 0;
    for (let c = 0; c < m; c += 4) {
      const c1 = Math.min(c + 1, m - 1);
      const c2 = Math.min(c + 2, m - 1);
      const c3 = Math.min(c + 3, m - 1);
      const [a0, a1, a2, a3] = [cols[c], cols[c1], cols[c2], cols[c3]];
      const [s0, s1, s2, s3] = [shifts[c], shifts[c1], shifts[c2], shifts[c3]];
      if (c === 0) for (let i = start, o = o0; i < end; i++, o += W) out[o] = (a0[i] << s0) | (a1[i] << s1) | (a2[i] << s2) | (a3[i] << s3);
      else for (let i = start, o = o0; i < end; i++, o += W) out[o] |= (a0[i] << s0) | (a1[i] << s1) | (a2[i] << s2) | (a3[i] << s3);
    }
  }
}

/** Step 2, rows [start, end): how many of them fall in each fine bucket. */
export function countBuckets(a: { job: PackJob; fine: FineBuckets; start: number; end: number }): Uint32Array {
  const { job, fine, start, end } = a;
  const counts = new Uint32Array(fine.total);
  const bits = bitsOf(job.values[0]);
  const group = job.group;
  const { first, nan, min, shift } = fine;
  for (let i = start; i < end; i++) {
    const k = orderKey(bits[i]);
    const g = group ? group[i] : 0;
    counts[k === MISSING ? nan[g] : first[g] + ((k - min[g]) >>> shift[g])]++;
  }
  return counts;
}

/** Step 3, rows [start, end): how many of those in split fine buckets fall in each sub-bucket. */
export function countSplit(a: { job: PackJob; fine: FineBuckets; split: SplitBuckets; start: number; end: number }): Uint32Array {
  const { job, fine, split, start, end } = a;
  const counts = new Uint32Array(split.total);
  const bits = bitsOf(job.values[0]);
  const group = job.group;
  const { first, min, shift } = fine;
  const { of, low, base } = split;
  for (let i = start; i < end; i++) {
    const k = orderKey(bits[i]);
    if (k === MISSING) continue;
    const g = group ? group[i] : 0;
    const h = of[first[g] + ((k - min[g]) >>> shift[g])];
    if (h >= 0) counts[base[h] + (((k - min[g]) & low[g]) >>> split.shift[h])]++;
  }
  return counts;
}

/** Rows packed at a time before scattering: their words stay in L1. */
const BLOCK_ROWS = 2048;

/**
 * Step 5, rows [start, end): puts each row's id, first metric value and
 * packed codes at the next place of its bucket (`next`, this worker's places,
 * is updated), in file order.
 */
export function scatterRows(a: { job: PackJob; place: Placement; start: number; end: number; next: Uint32Array }): void {
  const { job, place, start, end, next } = a;
  const values = job.values[0];
  const bits = bitsOf(values);
  const { perm, codesOut, layout } = job;
  const W = layout.words;
  // as a float, not its bits: packSweep copies values as floats, and so must this
  const out = job.metricsOut[0];
  const group = job.group;
  const { first, nan, min, shift } = place.fine;
  const { bucketOf, subBucketOf } = place;
  // no split: empty arrays, never read
  const { of, low, base, shift: subShift } = place.split ?? { of: new Int32Array(0), low: new Uint32Array(0), base: new Uint32Array(0), shift: new Uint8Array(0) };
  const wc = wordColumns(job);
  const block = new Uint32Array(BLOCK_ROWS * W);
  for (let b = start; b < end; b += BLOCK_ROWS) {
    const e = Math.min(end, b + BLOCK_ROWS);
    packRows(wc, block, b, e, b);
    for (let i = b; i < e; i++) {
      const k = orderKey(bits[i]);
      const g = group ? group[i] : 0;
      const f = k === MISSING ? nan[g] : first[g] + ((k - min[g]) >>> shift[g]);
      let bucket = bucketOf[f];
      if (bucket === SPLIT) {
        const h = of[f];
        bucket = subBucketOf[base[h] + (((k - min[g]) & low[g]) >>> subShift[h])];
      }
      const at = next[bucket]++;
      perm[at] = i;
      out[at] = values[i];
      if (W === 1) codesOut[at] = block[i - b];
      else for (let w = 0; w < W; w++) codesOut[at * W + w] = block[(i - b) * W + w];
    }
  }
}

/**
 * Step 6, buckets [firstBucket, lastBucket) (rows starts[b] to starts[b + 1]):
 * sorts each on its keys, then gathers the other metrics of their rows.
 */
export function finishBuckets(a: { job: PackJob; starts: Uint32Array; firstBucket: number; lastBucket: number }): void {
  const { job, starts, firstBucket, lastBucket } = a;
  const rows: SortedRows = { perm: job.perm, sorted: bitsOf(job.metricsOut[0]), codes: job.codesOut, words: job.layout.words };
  for (let b = firstBucket; b < lastBucket; b++) sortBucket(rows, starts[b], starts[b + 1]);
  gatherMetrics(job, starts[firstBucket], starts[lastBucket]);
  // a worker kept for later packings keeps no more than a typical bucket's scratch
  if (scratch.size > 4 * BUCKET_ROWS) scratch = newScratch(0, 1);
}

/** Packed rows [start, end): their metrics but the first (already in place), from the file's row perm[j]. */
export function gatherMetrics(job: PackJob, start: number, end: number): void {
  const perm = job.perm;
  for (let m = 1; m < job.values.length; m++) {
    const values = job.values[m];
    const out = job.metricsOut[m];
    for (let j = start; j < end; j++) out[j] = values[perm[j]];
  }
}

/** Bits of a radix digit when finishing a bucket: 2^11 counters stay in L1. */
const DIGIT_BITS = 11;
/** Buckets up to this size are finished by insertion sort. */
const INSERTION_MAX = 32;

/** Per-thread scratch for finishing buckets, grown to the largest bucket seen. */
let scratch = newScratch(0, 1);
function newScratch(size: number, words: number) {
  return {
    size,
    words,
    key: new Uint32Array(size),
    key2: new Uint32Array(size),
    idx: new Uint32Array(size),
    idx2: new Uint32Array(size),
    ids: new Uint32Array(size),
    bits: new Uint32Array(size),
    codes: new Uint32Array(size * words),
    count: new Uint32Array((1 << DIGIT_BITS) + 1),
  };
}

/** The columns a bucket's rows move in together: ids, the first metric's bits, packed codes. */
interface SortedRows {
  readonly perm: Uint32Array;
  readonly sorted: Uint32Array;
  readonly codes: Uint32Array;
  readonly words: number;
}

/**
 * Sorts rows [s, e), one bucket, stably by key. A bucket holds one group's
 * finite keys, or its missing ones (which tie: nothing to do).
 */
function sortBucket(rows: SortedRows, s: number, e: number): void {
  const m = e - s;
  if (m < 2) return;
  const { perm, sorted, codes, words } = rows;
  if (orderKey(sorted[s]) === MISSING) return;
  if (scratch.size < m || scratch.words < words) scratch = newScratch(Math.max(m, scratch.size * 2), Math.max(words, scratch.words));
  const { key, idx } = scratch;
  let any = 0;
  let all = -1;
  for (let j = 0; j < m; j++) {
    const k = orderKey(sorted[s + j]);
    key[j] = k;
    any |= k;
    all &= k;
  }
  // only the bits that differ between rows need sorting on; none: all tie, already in file order
  const vary = any & ~all;
  if (vary === 0) return;
  const low = 31 - Math.clz32(vary & -vary);
  const width = 32 - Math.clz32(vary) - low;
  for (let j = 0; j < m; j++) idx[j] = j;
  const order = m <= INSERTION_MAX ? insertionSort(key, idx, m) : radixSort(m, low, width);
  const { ids, bits } = scratch;
  const was = scratch.codes;
  ids.set(perm.subarray(s, e));
  bits.set(sorted.subarray(s, e));
  was.set(codes.subarray(s * words, e * words));
  for (let j = 0; j < m; j++) {
    const t = order[j];
    perm[s + j] = ids[t];
    sorted[s + j] = bits[t];
  }
  if (words === 1) {
    for (let j = 0; j < m; j++) codes[s + j] = was[order[j]];
  } else {
    for (let j = 0; j < m; j++) {
      const from = order[j] * words;
      for (let w = 0; w < words; w++) codes[(s + j) * words + w] = was[from + w];
    }
  }
}

/** Stable insertion sort of key[0, m), carrying idx; returns idx. */
function insertionSort(key: Uint32Array, idx: Uint32Array, m: number): Uint32Array {
  for (let j = 1; j < m; j++) {
    const k = key[j];
    const x = idx[j];
    let t = j - 1;
    while (t >= 0 && key[t] > k) {
      key[t + 1] = key[t];
      idx[t + 1] = idx[t];
      t--;
    }
    key[t + 1] = k;
    idx[t + 1] = x;
  }
  return idx;
}

/** Stable LSD radix sort of scratch.key[0, m) on bits [low, low + width), carrying scratch.idx; returns the sorted idx. */
function radixSort(m: number, low: number, width: number): Uint32Array {
  const passes = Math.ceil(width / DIGIT_BITS);
  const digit = Math.ceil(width / passes);
  const dmask = (1 << digit) - 1;
  const count = scratch.count;
  let { key: ka, key2: kb, idx: ia, idx2: ib } = scratch;
  for (let p = 0; p < passes; p++) {
    const sh = low + p * digit;
    count.fill(0, 0, dmask + 2);
    for (let j = 0; j < m; j++) count[((ka[j] >>> sh) & dmask) + 1]++;
    // one digit value for all: this pass would move nothing
    if (count[((ka[0] >>> sh) & dmask) + 1] === m) continue;
    for (let d = 1; d <= dmask + 1; d++) count[d] += count[d - 1];
    for (let j = 0; j < m; j++) {
      const k = ka[j];
      const t = count[(k >>> sh) & dmask]++;
      kb[t] = k;
      ib[t] = ia[j];
    }
    [ka, kb] = [kb, ka];
    [ia, ib] = [ib, ia];
  }
  return ia;
}

/** The steps by name, as the workers run them. */
export const packSteps = {
  packInOrder,
  range: keyRange,
  count: countBuckets,
  split: countSplit,
  scatter: scatterRows,
  finish: finishBuckets,
};

export type PackStep = keyof typeof packSteps;
export type StepArgs<S extends PackStep> = Parameters<(typeof packSteps)[S]>[0];
export type StepResult<S extends PackStep> = ReturnType<(typeof packSteps)[S]>;
/** A step and its arguments, as sent to a worker. */
export type StepMessage = { [S in PackStep]: { step: S; args: StepArgs<S> } }[PackStep];

/** Runs a step where it is called: what a worker does with a StepMessage. */
export function runPackStep(message: StepMessage): StepResult<PackStep> {
  switch (message.step) {
    case 'packInOrder':
      return packInOrder(message.args);
    case 'range':
      return keyRange(message.args);
    case 'count':
      return countBuckets(message.args);
    case 'split':
      return countSplit(message.args);
    case 'scatter':
      return scatterRows(message.args);
    case 'finish':
      return finishBuckets(message.args);
  }
}

/** What a pack worker exposes (comlink) for the parallel packing. */
export const packStepApi = { runPackStep };
export type PackStepApi = typeof packStepApi;

// ---------------------------------------------------------------------------
// Pools and the coordinator.

/** Workers sharing memory that run one step each, all at once. */
export interface PackPool {
  readonly size: number;
  /** Runs `step` on worker i with tasks[i] (at most `size` tasks); resolves with their results in order. */
  run<S extends PackStep>(step: S, tasks: readonly StepArgs<S>[]): Promise<StepResult<S>[]>;
}

/** A pool that runs every task here, one after another: for tests, and where no worker can start. */
export function inlinePackPool(size = 1): PackPool {
  return {
    size,
    run: async <S extends PackStep>(step: S, tasks: readonly StepArgs<S>[]) =>
      tasks.map((args) => runPackStep({ step, args } as StepMessage) as StepResult<S>),
  };
}

/** A started worker exposing PackStepApi: its endpoint, how to stop it, and a promise that rejects when it fails. */
export interface PackWorkerHandle {
  readonly endpoint: Endpoint;
  readonly failed: Promise<never>;
  terminate(): void | Promise<unknown>;
}

/** A pool over started workers (Node or browser); `close` stops them. */
export function remotePackPool(handles: readonly PackWorkerHandle[]): PackPool & { close(): Promise<void> } {
  const remotes = handles.map((h) => wrap<PackStepApi>(h.endpoint));
  const failed = Promise.race(handles.map((h) => h.failed));
  // a failure with no step waiting is reported by the next run
  failed.catch(() => undefined);
  return {
    size: handles.length,
    async run<S extends PackStep>(step: S, tasks: readonly StepArgs<S>[]): Promise<StepResult<S>[]> {
      const runs = tasks.map(async (args, i) => {
        try {
          return (await remotes[i].runPackStep({ step, args } as StepMessage)) as StepResult<S>;
        } catch (e) {
          // a step that threw in the worker (out of memory, say): one line, as a worker that failed
          throw new Error(`pack worker failed: ${e instanceof Error ? e.message : String(e)}`);
        }
      });
      return Promise.race([Promise.all(runs), failed]);
    },
    async close() {
      for (const r of remotes) r[releaseProxy]();
      await Promise.all(handles.map((h) => h.terminate()));
    },
  };
}

function isShared(a: ArrayBufferView): boolean {
  // by tag, not instanceof: a buffer from another realm (a worker's) is shared all the same
  return Object.prototype.toString.call(a.buffer) === '[object SharedArrayBuffer]';
}

/** True when workers can read every column of the sweep in place. */
export function columnsShared(sweep: Sweep): boolean {
  return sweep.params.every((p) => isShared(p.codes)) && sweep.metrics.every((m) => isShared(m.values));
}

/** Equal row slices, one per worker. */
function rowSlices(n: number, parts: number): { start: number; end: number }[] {
  return Array.from({ length: parts }, (_, i) => ({ start: Math.floor((n * i) / parts), end: Math.floor((n * (i + 1)) / parts) }));
}

/** Fine buckets in all, at most: a worker's counts stay in L2. */
const FINE_BITS = 16;

/** Each group's key range in 2^k equal slices, k the same for all groups and at most FINE_BITS in all. */
function fineBuckets(rows: number, groups: number, ranges: readonly { min: Uint32Array; max: Uint32Array }[]): FineBuckets {
  // at least one bit: a key range of 32 bits then leaves a shift of 31, which JavaScript can do
  const bits = Math.max(1, Math.min(FINE_BITS - Math.ceil(Math.log2(groups)), Math.floor(Math.log2(Math.max(1, rows / groups)))));
  const first = new Uint32Array(groups);
  const nan = new Uint32Array(groups);
  const min = new Uint32Array(groups).fill(MISSING);
  const shift = new Uint8Array(groups);
  let total = 0;
  for (let g = 0; g < groups; g++) {
    let max = 0;
    for (const r of ranges) {
      if (r.min[g] < min[g]) min[g] = r.min[g];
      if (r.max[g] > max) max = r.max[g];
    }
    first[g] = total;
    if (min[g] <= max) {
      shift[g] = Math.max(0, 32 - Math.clz32(max - min[g]) - bits);
      total += Math.floor((max - min[g]) / 2 ** shift[g]) + 1;
    } else {
      min[g] = 0;
    }
    nan[g] = total++;
  }
  return { total, first, nan, min, shift };
}

/** Rows of a bucket to aim for: sorted in L2 when finished, and few enough buckets that scattering stays in cache. */
const BUCKET_ROWS = 1 << 15;
/** Fine buckets over this many times the target are split. */
const SPLIT_FACTOR = 8;
/** Sub-bucket index bits in all, at most (a worker's sub counts stay in L2), and per split bucket. */
const SPLIT_BITS = 18;
const MAX_SUB_BITS = 16;

/** Rows of a bucket to aim for: BUCKET_ROWS, or less so that each worker's share is a few buckets. */
function targetRows(rows: number, workers: number): number {
  return Math.max(1, Math.min(BUCKET_ROWS, Math.ceil(rows / (workers * 8))));
}

/** The fine buckets to split, from their total rows: finite ones over SPLIT_FACTOR times the target, wider than one key. */
function splitBuckets(fine: FineBuckets, total: Uint32Array, target: number): SplitBuckets | null {
  const heavy: { f: number; g: number }[] = [];
  for (let g = 0; g < fine.first.length; g++) {
    if (fine.shift[g] === 0) continue;
    for (let f = fine.first[g]; f < fine.nan[g]; f++) if (total[f] > SPLIT_FACTOR * target) heavy.push({ f, g });
  }
  if (heavy.length === 0) return null;
  const bits = Math.max(1, Math.min(MAX_SUB_BITS, SPLIT_BITS - Math.ceil(Math.log2(heavy.length))));
  const of = new Int32Array(fine.total).fill(-1);
  const base = new Uint32Array(heavy.length);
  const shift = new Uint8Array(heavy.length);
  let subs = 0;
  heavy.forEach(({ f, g }, h) => {
    of[f] = h;
    base[h] = subs;
    shift[h] = Math.max(0, fine.shift[g] - bits);
    subs += 2 ** (fine.shift[g] - shift[h]);
  });
  return { total: subs, of, low: Uint32Array.from(fine.shift, (sh) => 2 ** sh - 1), base, shift };
}

/**
 * Buckets of about `target` rows: runs of adjacent fine buckets (or
 * sub-buckets of a split one) of one group, each group's missing values a
 * bucket of their own. Group g's rows are buckets [first[g], nan[g]], nan[g]
 * its missing ones.
 */
function mergeBuckets(fine: FineBuckets, split: SplitBuckets | null, fineTotal: Uint32Array, subTotal: Uint32Array, target: number) {
  const groups = fine.first.length;
  const bucketOf = new Uint32Array(fine.total);
  const subBucketOf = new Uint32Array(split?.total ?? 0);
  const first = new Uint32Array(groups);
  const nan = new Uint32Array(groups);
  let b = 0;
  // rows in bucket b so far, or -1: b is empty
  let fill = -1;
  const place = (rows: number): number => {
    if (fill >= 0 && fill + rows > target) {
      b++;
      fill = -1;
    }
    fill = Math.max(fill, 0) + rows;
    return b;
  };
  for (let g = 0; g < groups; g++) {
    first[g] = b;
    for (let f = fine.first[g]; f < fine.nan[g]; f++) {
      const h = split ? split.of[f] : -1;
      if (!split || h < 0) {
        bucketOf[f] = place(fineTotal[f]);
        continue;
      }
      bucketOf[f] = SPLIT;
      const end = split.base[h] + 2 ** (fine.shift[g] - split.shift[h]);
      for (let sb = split.base[h]; sb < end; sb++) subBucketOf[sb] = place(subTotal[sb]);
    }
    if (fill >= 0) b++;
    fill = -1;
    nan[g] = b;
    bucketOf[fine.nan[g]] = b++;
  }
  return { buckets: b, place: { fine, bucketOf, split, subBucketOf } satisfies Placement, first, nan };
}

/** Sums per-worker counts. */
function sum(counts: readonly Uint32Array[], length: number): Uint32Array {
  const total = new Uint32Array(length);
  for (const c of counts) for (let i = 0; i < length; i++) total[i] += c[i];
  return total;
}

/** Bucket b where part i of `parts` begins: the first whose rows start at or after i/parts of them. */
function bucketCuts(starts: Uint32Array, parts: number): number[] {
  const total = starts.length - 1;
  const n = starts[total];
  const cuts = [0];
  let b = 0;
  for (let i = 1; i < parts; i++) {
    const want = (n * i) / parts;
    while (b < total && starts[b] < want) b++;
    cuts.push(b);
  }
  cuts.push(total);
  return cuts;
}

/**
 * packSweep's result, computed by the pool's workers. Sweeps under
 * `minRows`, and sweeps whose columns are not in shared memory (workers
 * could not read them in place), are packed here by packSweep itself.
 */
export async function packSweepParallel(
  sweep: Sweep,
  pool: PackPool,
  unitBits = DEFAULT_UNIT_BITS,
  minRows = PARALLEL_MIN_ROWS,
): Promise<PackResult> {
  const n = sweep.rows;
  if (n < minRows || pool.size < 1 || !columnsShared(sweep)) return packSweep(sweep, unitBits);
  const layout = makeLayout(
    sweep.params.map((p) => p.labels.length),
    unitBits,
  );
  const W = layout.words;
  const sorting = sweep.metrics.length > 0;
  const codesOut = allocU32(n * W);
  const job: PackJob = {
    rows: n,
    layout,
    codes: sweep.params.map((p) => p.codes),
    group: sweep.group >= 0 ? sweep.params[sweep.group].codes : null,
    groups: sweep.group >= 0 ? Math.max(1, sweep.params[sweep.group].labels.length) : 1,
    values: sweep.metrics.map((m) => m.values),
    perm: allocU32(n),
    codesOut,
    metricsOut: sweep.metrics.map(() => allocF32(n)),
  };
  // shared memory refused for the outputs (too big for it, say): the workers could not write them
  if (![job.perm, codesOut, ...job.metricsOut].every(isShared)) return packSweep(sweep, unitBits);

  const slices = rowSlices(n, pool.size);
  if (!sorting) {
    await pool.run(
      'packInOrder',
      slices.map((s) => ({ job, ...s })),
    );
    return { layout, packed: { rows: n, words: W, codes: codesOut, metrics: [], perm: job.perm } };
  }
  const ranges = await pool.run(
    'range',
    slices.map((s) => ({ job, ...s })),
  );
  const fine = fineBuckets(n, job.groups, ranges);
  const counts = await pool.run(
    'count',
    slices.map((s) => ({ job, fine, ...s })),
  );
  const fineTotal = sum(counts, fine.total);
  const target = targetRows(n, pool.size);
  const split = splitBuckets(fine, fineTotal, target);
  const subCounts = split
    ? await pool.run(
        'split',
        slices.map((s) => ({ job, fine, split, ...s })),
      )
    : [];
  const subTotal = sum(subCounts, split?.total ?? 0);
  const { buckets, place, first, nan } = mergeBuckets(fine, split, fineTotal, subTotal, target);
  // each worker's rows per bucket, then bucket by bucket, workers in row order: the place of
  // each worker's first row in each bucket, which keeps file order among equal keys
  const next = counts.map((c, w) => {
    const mine = new Uint32Array(buckets);
    for (let f = 0; f < fine.total; f++) if (place.bucketOf[f] !== SPLIT) mine[place.bucketOf[f]] += c[f];
    const sub = subCounts[w];
    for (let sb = 0; sb < place.subBucketOf.length; sb++) mine[place.subBucketOf[sb]] += sub[sb];
    return mine;
  });
  const starts = new Uint32Array(buckets + 1);
  let at = 0;
  for (let b = 0; b < buckets; b++) {
    starts[b] = at;
    for (const mine of next) {
      const rows = mine[b];
      mine[b] = at;
      at += rows;
    }
  }
  starts[buckets] = at;
  await pool.run(
    'scatter',
    slices.map((s, w) => ({ job, place, ...s, next: next[w] })),
  );
  const cuts = bucketCuts(starts, pool.size);
  await pool.run(
    'finish',
    slices.map((_, w) => ({ job, starts, firstBucket: cuts[w], lastBucket: cuts[w + 1] })),
  );

  const groupStart = new Uint32Array(job.groups + 1);
  const finiteEnd = new Uint32Array(job.groups);
  for (let g = 0; g < job.groups; g++) {
    groupStart[g] = starts[first[g]];
    finiteEnd[g] = starts[nan[g]];
  }
  groupStart[job.groups] = n;
  const order: RowOrder = { metric: 0, groupStart, finiteEnd };
  return { layout, packed: { rows: n, words: W, codes: codesOut, metrics: job.metricsOut, order, perm: job.perm } };
}
