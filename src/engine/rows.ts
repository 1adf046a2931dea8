/**
 * Row queries: which trainings are selected, in an order, a page at a time,
 * and a deterministic sample with selection flags (for the parallel view).
 * The CPU kernel of them: the same functions run on the main thread
 * (InlineCpuEngine, the WebGPU engine), in Node worker_threads and in browser
 * workers (worker-api.ts), each over a range of the packed rows; `pageRows`
 * and `mergeSamples` combine the parts.
 *
 * Selection is the plan's (RowSelect from compileSelect): metric present,
 * every filter table allows the row's unit key, brushLo <= v <= brushHi for
 * the row's group, the same comparisons as countRows.
 *
 * Order: rows order by (key, file row id), where the key of a metric is its
 * f32 value as an ordered u32 (flipped when descending; missing values are
 * 0xffffffff, last either way) and the key of a parameter its option code.
 * Sorting by the metric the rows are packed by (row-order.ts) walks the
 * sorted runs of each group and merges them (k-way): the first page costs
 * what it holds, not a sort of the selection. Other columns keep a bounded
 * heap of the best rows in one pass. A page deep in the order (offset past
 * FIRST_MAX) finds the row at its offset by counting when the selection is
 * one sorted run per group (by the packed metric, no filter: `runRank`,
 * binary searches only), else by radix select over (key, id): 16-bit digits,
 * one histogram pass over the rows per digit, until the candidates are few
 * enough to gather and sort (the page is often within them).
 *
 * The sample is drawn over file row ids (sample.ts); each part finds its
 * sampled rows once per sweep, size and seed, then answers a brush move by
 * testing only those.
 */

import { lowerBound } from './row-order.js';
import { inSample } from './sample.js';
import type { Field, PackedSweep, RowCursor, RowPage, RowPageRequest, RowSample, RowSampleRequest, RowSelect, RowSort } from './types.js';

/** The key of a row whose sort value is missing: after every other key, in either direction. */
export const MISSING_KEY = 0xffffffff;
/** Pages that end within this many rows of their start place are answered from each part's first rows (no radix select). */
export const FIRST_MAX = 8192;
/** Candidates few enough to gather and sort at once during a radix select. */
export const GATHER_MAX = 1 << 16;

/** How the rows are selected and ordered. */
export interface RowOrderSpec {
  readonly select: RowSelect;
  readonly sort: RowSort;
  readonly descending: boolean;
}

/** A part of an order: rows after `after` (exclusive), up to `until` (inclusive), whose leading 16-bit digits of (key, id) are `prefix`. */
export interface RowWindow {
  readonly after: RowCursor | null;
  readonly until: RowCursor | null;
  /** Leading digits of (key, id): key >>> 16, key & 0xffff, id >>> 16, id & 0xffff. */
  readonly prefix: readonly number[];
}

/** Rows as parallel arrays of sort keys and file row ids. */
export interface Pairs {
  keys: Uint32Array;
  ids: Uint32Array;
}

const ALL: RowWindow = { after: null, until: null, prefix: [] };

/** The ordered u32 of f32 bits: the order of the values, -0 and +0 alike (as f32ToOrdered + 2^31). Not for NaN. */
function ascendingKey(bits: number): number {
  return bits & 0x80000000 ? -bits >>> 0 : (bits | 0x80000000) >>> 0;
}

function f32Bits(values: Float32Array): Uint32Array {
  return new Uint32Array(values.buffer, values.byteOffset, values.length);
}

/** Whether packed row i is selected (the kernel's test). */
function selector(data: PackedSweep, s: RowSelect): (i: number) => boolean {
  const codes = data.codes;
  const W = s.words;
  const metric = data.metrics[s.metric];
  const { brushLo, brushHi, allow } = s;
  const nf = s.filters.length;
  const fWord = Int32Array.from(s.filters, (f) => f.field.word);
  const fShift = Int32Array.from(s.filters, (f) => f.field.shift);
  const fMask = Int32Array.from(s.filters, (f) => f.field.mask);
  const fOff = Int32Array.from(s.filters, (f) => f.offset);
  const g = s.group;
  const gWord = g ? g.word : 0;
  const gShift = g ? g.shift : 0;
  const gMask = g ? g.mask : 0;
  return (i: number): boolean => {
    const v = metric[i];
    if (v !== v) return false;
    const base = i * W;
    for (let f = 0; f < nf; f++) if (allow[fOff[f] + ((codes[base + fWord[f]] >>> fShift[f]) & fMask[f])] === 0) return false;
    const grp = (codes[base + gWord] >>> gShift) & gMask;
    return v >= brushLo[grp] && v <= brushHi[grp];
  };
}

/** Whether (k, id) comes before (k2, id2). */
function before(k: number, id: number, k2: number, id2: number): boolean {
  return k < k2 || (k === k2 && id < id2);
}

/** The 16-bit digit d of (key, id). */
function digit(k: number, id: number, d: number): number {
  return d === 0 ? k >>> 16 : d === 1 ? k & 0xffff : d === 2 ? id >>> 16 : id & 0xffff;
}

/** Whether the order is the one the rows are packed in (row-order.ts), so its sorted runs can be merged. */
function packedOrder(data: PackedSweep, base: RowOrderSpec): boolean {
  return data.order !== undefined && base.sort.kind === 'metric' && base.sort.metric === data.order.metric;
}

/** Rows a scan compacts at a time. */
const CHUNK = 4096;

/**
 * The selected rows of a range in a window, a chunk at a time: each pass is
 * one tight loop (select, then keys, then ids and the window), as in the
 * counting kernel, so no per-row call decides what the loop does.
 */
class Scan {
  readonly rows = new Uint32Array(CHUNK);
  readonly keys = new Uint32Array(CHUNK);
  readonly ids = new Uint32Array(CHUNK);
  private readonly metric: Float32Array;
  private readonly fWord: Int32Array;
  private readonly fShift: Int32Array;
  private readonly fMask: Int32Array;
  private readonly fOff: Int32Array;
  private readonly sortBits: Uint32Array | null;
  private readonly sortField: Field | null;
  private readonly whole: boolean;
  private readonly inWindow: (k: number, id: number) => boolean;

  constructor(
    private readonly data: PackedSweep,
    private readonly base: RowOrderSpec,
    win: RowWindow,
  ) {
    const s = base.select;
    this.metric = data.metrics[s.metric];
    this.fWord = Int32Array.from(s.filters, (f) => f.field.word);
    this.fShift = Int32Array.from(s.filters, (f) => f.field.shift);
    this.fMask = Int32Array.from(s.filters, (f) => f.field.mask);
    this.fOff = Int32Array.from(s.filters, (f) => f.offset);
    this.sortBits = base.sort.kind === 'metric' ? f32Bits(data.metrics[base.sort.metric]) : null;
    this.sortField = base.sort.kind === 'code' ? base.sort.field : null;
    this.whole = win.after === null && win.until === null && win.prefix.length === 0;
    this.inWindow = windowTest(win);
  }

  /** Fills rows, keys and ids with the selected rows of [c0, c1) (at most CHUNK) in the window; returns how many. */
  fill(c0: number, c1: number): number {
    const { rows, keys, ids, metric, fWord, fShift, fMask, fOff } = this;
    const { codes, perm } = this.data;
    const s = this.base.select;
    const W = s.words;
    const { brushLo, brushHi, allow } = s;
    const nf = fWord.length;
    const g = s.group;
    const gWord = g ? g.word : 0;
    const gShift = g ? g.shift : 0;
    const gMask = g ? g.mask : 0;
    let n = 0;
    for (let i = c0; i < c1; i++) {
      const v = metric[i];
      if (v !== v) continue;
      const base = i * W;
      let pass = true;
      for (let f = 0; f < nf; f++)
        if (allow[fOff[f] + ((codes[base + fWord[f]] >>> fShift[f]) & fMask[f])] === 0) {
          pass = false;
          break;
        }
      if (!pass) continue;
      const grp = (codes[base + gWord] >>> gShift) & gMask;
      if (v >= brushLo[grp] && v <= brushHi[grp]) rows[n++] = i;
    }
    const desc = this.base.descending;
    const bits = this.sortBits;
    if (bits !== null) {
      for (let k = 0; k < n; k++) {
        const b = bits[rows[k]];
        if ((b & 0x7fffffff) > 0x7f800000) keys[k] = MISSING_KEY;
        else {
          const a = b & 0x80000000 ? -b >>> 0 : (b | 0x80000000) >>> 0;
          keys[k] = desc ? (MISSING_KEY - a) >>> 0 : a;
        }
      }
    } else if (this.sortField !== null) {
      const { word, shift, mask } = this.sortField;
      for (let k = 0; k < n; k++) {
        const c = (codes[rows[k] * W + word] >>> shift) & mask;
        keys[k] = desc ? mask - c : c;
      }
    }
    for (let k = 0; k < n; k++) ids[k] = perm[rows[k]];
    if (this.whole) return n;
    const inWindow = this.inWindow;
    let m = 0;
    for (let k = 0; k < n; k++)
      if (inWindow(keys[k], ids[k])) {
        rows[m] = rows[k];
        keys[m] = keys[k];
        ids[m++] = ids[k];
      }
    return m;
  }
}

/** Whether (key, id) lies in the window. */
function windowTest(win: RowWindow): (k: number, id: number) => boolean {
  const { after, until, prefix } = win;
  const d = prefix.length;
  const hi = d >= 2 ? ((prefix[0] << 16) | prefix[1]) >>> 0 : d === 1 ? prefix[0] : 0;
  const idHi = d >= 3 ? prefix[2] : 0;
  const idAll = d >= 4 ? ((prefix[2] << 16) | prefix[3]) >>> 0 : 0;
  return (k, id) => {
    if (after !== null && !before(after.key, after.id, k, id)) return false;
    if (until !== null && before(until.key, until.id, k, id)) return false;
    if (d === 0) return true;
    if (d === 1) return k >>> 16 === hi;
    if (k !== hi) return false;
    if (d === 2) return true;
    if (d === 3) return id >>> 16 === idHi;
    return id === idAll;
  };
}

// ---------------------------------------------------------------------------
// Per part (a range of packed rows): what workers run.

/** The first `n` selected rows of packed rows [start, end) in the window, in order. */
export function firstRows(data: PackedSweep, base: RowOrderSpec, win: RowWindow, n: number, start: number, end: number): Pairs {
  if (n <= 0 || start >= end) return { keys: new Uint32Array(0), ids: new Uint32Array(0) };
  if (packedOrder(data, base) && win.prefix.length === 0) return mergeRuns(data, base, win, n, start, end);
  return heapFirst(data, base, win, n, start, end);
}

/** The selected rows of [start, end) in the window, unordered. */
export function gatherRows(data: PackedSweep, base: RowOrderSpec, win: RowWindow, start: number, end: number): Pairs {
  const scan = new Scan(data, base, win);
  let cap = 1024;
  let keys = new Uint32Array(cap);
  let ids = new Uint32Array(cap);
  let size = 0;
  for (let c0 = start; c0 < end; c0 += CHUNK) {
    const n = scan.fill(c0, Math.min(end, c0 + CHUNK));
    if (size + n > cap) {
      while (size + n > cap) cap *= 2;
      const k2 = new Uint32Array(cap);
      k2.set(keys.subarray(0, size));
      keys = k2;
      const i2 = new Uint32Array(cap);
      i2.set(ids.subarray(0, size));
      ids = i2;
    }
    keys.set(scan.keys.subarray(0, n), size);
    ids.set(scan.ids.subarray(0, n), size);
    size += n;
  }
  return { keys: keys.slice(0, size), ids: ids.slice(0, size) };
}

/** Counts of digit `win.prefix.length` of (key, id) over the selected rows of [start, end) in the window. */
export function histogramRows(data: PackedSweep, base: RowOrderSpec, win: RowWindow, start: number, end: number): Uint32Array {
  const d = win.prefix.length;
  if (d > 3) throw new Error('internal error: a row histogram past the last digit');
  const scan = new Scan(data, base, win);
  const { keys, ids } = scan;
  const hist = new Uint32Array(65536);
  for (let c0 = start; c0 < end; c0 += CHUNK) {
    const n = scan.fill(c0, Math.min(end, c0 + CHUNK));
    if (d === 0) for (let k = 0; k < n; k++) hist[keys[k] >>> 16]++;
    else if (d === 1) for (let k = 0; k < n; k++) hist[keys[k] & 0xffff]++;
    else if (d === 2) for (let k = 0; k < n; k++) hist[ids[k] >>> 16]++;
    else for (let k = 0; k < n; k++) hist[ids[k] & 0xffff]++;
  }
  return hist;
}

/** One pass with a bounded max-heap of the n best rows. */
function heapFirst(data: PackedSweep, base: RowOrderSpec, win: RowWindow, n: number, start: number, end: number): Pairs {
  const scan = new Scan(data, base, win);
  const { keys, ids } = scan;
  const hk = new Uint32Array(n);
  const hid = new Uint32Array(n);
  let size = 0;
  for (let c0 = start; c0 < end; c0 += CHUNK) {
    const m = scan.fill(c0, Math.min(end, c0 + CHUNK));
    for (let j = 0; j < m; j++) {
      const k = keys[j];
      const id = ids[j];
      if (size === n) {
        // the heap is full: a row gets in only before its worst
        if (!before(k, id, hk[0], hid[0])) continue;
        let c = 0;
        for (;;) {
          const l = 2 * c + 1;
          if (l >= size) break;
          const r = l + 1;
          const w = r < size && before(hk[l], hid[l], hk[r], hid[r]) ? r : l;
          if (!before(k, id, hk[w], hid[w])) break;
          hk[c] = hk[w];
          hid[c] = hid[w];
          c = w;
        }
        hk[c] = k;
        hid[c] = id;
      } else {
        let c = size++;
        while (c > 0) {
          const p = (c - 1) >> 1;
          if (!before(hk[p], hid[p], k, id)) break;
          hk[c] = hk[p];
          hid[c] = hid[p];
          c = p;
        }
        hk[c] = k;
        hid[c] = id;
      }
    }
  }
  return sortPairs({ keys: hk.slice(0, size), ids: hid.slice(0, size) });
}

/** First position in [lo, hi) whose key (ascending along the run) is >= k. */
function keyBound(akey: (i: number) => number, lo: number, hi: number, k: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (akey(mid) < k) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First position in [lo, hi) whose file id (ascending along the run) is > id. */
function idBound(perm: Uint32Array, lo: number, hi: number, id: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (perm[mid] <= id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * One group's rows in the order, from its sorted runs: the finite values
 * (ascending in memory: walked forward, or block by block of equal values
 * backward when descending, each block forward so ties stay by id), then the
 * missing ones (by id).
 */
class RunCursor {
  /** 0: finite run, 1: missing run, 2: done. */
  phase = 0;
  p = 0;
  /** The current block of equal values, when descending. */
  bs = 0;
  be = 0;
  key = 0;
  id = 0;
  private readonly bits: Uint32Array;

  constructor(
    private readonly values: Float32Array,
    private readonly perm: Uint32Array,
    private readonly descending: boolean,
    private readonly lo: number,
    private readonly hi: number,
    private readonly mlo: number,
    private readonly mhi: number,
  ) {
    this.bits = f32Bits(values);
  }

  /** Places the cursor at the first row after `after` (null: the first row). */
  seek(after: RowCursor | null): void {
    const { lo, hi, perm } = this;
    if (after !== null && after.key === MISSING_KEY) {
      this.phase = 1;
      this.p = idBound(perm, this.mlo, this.mhi, after.id);
      return;
    }
    const bits = this.bits;
    const akey = (i: number): number => ascendingKey(bits[i]);
    if (!this.descending) {
      this.p = lo;
      if (after !== null) {
        const a = keyBound(akey, lo, hi, after.key);
        const b = keyBound(akey, a, hi, after.key + 1);
        this.p = idBound(perm, a, b, after.id);
      }
    } else if (after === null) {
      this.nextBlock(hi);
    } else {
      const ak = (MISSING_KEY - after.key) >>> 0;
      const a = keyBound(akey, lo, hi, ak);
      const b = keyBound(akey, a, hi, ak + 1);
      const p = idBound(perm, a, b, after.id);
      if (p < b) {
        this.bs = a;
        this.be = b;
        this.p = p;
      } else this.nextBlock(a);
    }
    if (this.phase === 0 && !this.descending && this.p >= hi) this.toMissing();
  }

  /** The block of equal values that ends at `end`, or the missing run when the finite one is done. */
  private nextBlock(end: number): void {
    if (end <= this.lo) {
      this.toMissing();
      return;
    }
    const v = this.values[end - 1];
    let s = end - 1;
    while (s > this.lo && this.values[s - 1] === v) s--;
    this.bs = s;
    this.be = end;
    this.p = s;
  }

  private toMissing(): void {
    this.phase = 1;
    this.p = this.mlo;
  }

  /** Moves past the current row. */
  step(): void {
    this.p++;
    if (this.phase !== 0) return;
    if (this.descending) {
      if (this.p >= this.be) this.nextBlock(this.bs);
    } else if (this.p >= this.hi) this.toMissing();
  }

  /** Whether a row is under the cursor (and sets its key and id). */
  valid(): boolean {
    if (this.phase === 1 && this.p >= this.mhi) this.phase = 2;
    if (this.phase === 2) return false;
    this.id = this.perm[this.p];
    if (this.phase === 1) this.key = MISSING_KEY;
    else {
      const k = ascendingKey(this.bits[this.p]);
      this.key = this.descending ? (MISSING_KEY - k) >>> 0 : k;
    }
    return true;
  }
}

/**
 * Per group, whether the filters allow any of its rows: a filter on the group
 * parameter (or its unit) would otherwise have the merge walk every row of the
 * groups it leaves out.
 */
function groupsAllowed(s: RowSelect, groups: number): Uint8Array {
  const out = new Uint8Array(groups).fill(1);
  const g = s.group;
  if (!g) return out;
  const gBits = 32 - Math.clz32(g.mask);
  for (const f of s.filters) {
    const u = f.field;
    const uBits = 32 - Math.clz32(u.mask);
    // the group's bits inside this filter's unit: its allow table decides which groups can pass
    if (u.word !== g.word || g.shift < u.shift || g.shift + gBits > u.shift + uBits) continue;
    const can = new Uint8Array(groups);
    for (let k = 0; k <= u.mask; k++) {
      if (s.allow[f.offset + k] === 0) continue;
      const code = (k >>> (g.shift - u.shift)) & g.mask;
      if (code < groups) can[code] = 1;
    }
    for (let x = 0; x < groups; x++) out[x] &= can[x];
  }
  return out;
}

/** The first n rows by the packed metric: a k-way merge of every group's sorted runs within [start, end). */
function mergeRuns(data: PackedSweep, base: RowOrderSpec, win: RowWindow, n: number, start: number, end: number): Pairs {
  const order = data.order!;
  const values = data.metrics[order.metric];
  const sel = selector(data, base.select);
  // With the brush on this metric, the selected rows of each group are one run of values: visit only it.
  const brushed = base.select.metric === order.metric;
  const cursors: RunCursor[] = [];
  const G = order.finiteEnd.length;
  const possible = groupsAllowed(base.select, G);
  for (let g = 0; g < G; g++) {
    if (!possible[g]) continue;
    let lo = Math.max(order.groupStart[g], start);
    let hi = Math.min(order.finiteEnd[g], end);
    let mlo = Math.max(order.finiteEnd[g], start);
    let mhi = Math.min(order.groupStart[g + 1], end);
    if (brushed) {
      mlo = mhi; // a row without the metric is never selected
      if (lo < hi) {
        const a = lowerBound(values, lo, hi, base.select.brushLo[g], true);
        hi = Math.max(a, lowerBound(values, lo, hi, base.select.brushHi[g], false));
        lo = a;
      }
    }
    if (hi < lo) hi = lo;
    if (mhi < mlo) mhi = mlo;
    if (lo === hi && mlo === mhi) continue;
    const c = new RunCursor(values, data.perm, base.descending, lo, hi, mlo, mhi);
    c.seek(win.after);
    cursors.push(c);
  }
  const until = win.until;
  /** Moves a cursor to its next selected row in the window; false when it has none. */
  const settle = (c: RunCursor): boolean => {
    while (c.valid()) {
      if (until !== null && before(until.key, until.id, c.key, c.id)) return false;
      if (sel(c.p)) return true;
      c.step();
    }
    return false;
  };
  // a min-heap of the cursors by their current row
  const heap = cursors.filter(settle);
  const less = (a: RunCursor, b: RunCursor): boolean => before(a.key, a.id, b.key, b.id);
  const down = (i: number): void => {
    const len = heap.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= len) return;
      const r = l + 1;
      const m = r < len && less(heap[r], heap[l]) ? r : l;
      if (!less(heap[m], heap[i])) return;
      [heap[i], heap[m]] = [heap[m], heap[i]];
      i = m;
    }
  };
  for (let i = (heap.length >> 1) - 1; i >= 0; i--) down(i);
  const keys = new Uint32Array(n);
  const ids = new Uint32Array(n);
  let count = 0;
  while (count < n && heap.length) {
    const c = heap[0];
    keys[count] = c.key;
    ids[count++] = c.id;
    c.step();
    if (!settle(c)) {
      const last = heap.pop()!;
      if (heap.length) heap[0] = last;
    }
    down(0);
  }
  return { keys: keys.slice(0, count), ids: ids.slice(0, count) };
}

interface SampleMembers {
  readonly data: PackedSweep;
  readonly size: number;
  readonly seed: number;
  readonly start: number;
  readonly end: number;
  /** The sampled packed rows, ascending (memory order). */
  readonly rows: Uint32Array;
  /** Per sampled row, its place in file row order. */
  readonly rank: Uint32Array;
  /** The sampled file rows, ascending. */
  readonly ids: Uint32Array;
}
let sampleCache: SampleMembers | null = null;

/**
 * The sampled rows among packed rows [start, end): found once per sweep, size
 * and seed (one pass testing each row's file id), so a brush move only tests
 * those rows.
 */
function sampleMembers(data: PackedSweep, size: number, seed: number, start: number, end: number): SampleMembers {
  const c = sampleCache;
  if (c && c.data === data && c.size === size && c.seed === seed && c.start === start && c.end === end) return c;
  const n = data.rows;
  const perm = data.perm;
  const found: number[] = [];
  for (let j = start; j < end; j++) if (inSample(perm[j], n, size, seed)) found.push(j);
  const rows = Uint32Array.from(found);
  const byId = sortPairs({ keys: Uint32Array.from(found, (j) => perm[j]), ids: Uint32Array.from(found, (_, k) => k) });
  const rank = new Uint32Array(rows.length);
  for (let r = 0; r < rank.length; r++) rank[byId.ids[r]] = r;
  sampleCache = { data, size, seed, start, end, rows, rank, ids: byId.keys };
  return sampleCache;
}

/** The sampled rows of packed rows [start, end) whose metric is present, ascending by file id, and which are selected. */
export function sampleRowsIn(data: PackedSweep, req: RowSampleRequest, start: number, end: number): RowSample {
  const { rows, rank, ids } = sampleMembers(data, Math.max(0, Math.floor(req.size)), req.seed >>> 0, start, end);
  const sel = selector(data, req.select);
  const metric = data.metrics[req.select.metric];
  // visited in memory order, written in file order: 0 unselected, 1 selected, 2 metric missing
  const flag = new Uint8Array(rows.length);
  for (let k = 0; k < rows.length; k++) {
    const j = rows[k];
    flag[rank[k]] = metric[j] !== metric[j] ? 2 : sel(j) ? 1 : 0;
  }
  const outIds = new Uint32Array(rows.length);
  const selected = new Uint8Array(rows.length);
  let n = 0;
  for (let r = 0; r < flag.length; r++) {
    if (flag[r] === 2) continue;
    outIds[n] = ids[r];
    selected[n++] = flag[r];
  }
  return { ids: n === rows.length ? outIds : outIds.slice(0, n), selected: n === rows.length ? selected : selected.slice(0, n) };
}

// ---------------------------------------------------------------------------
// Combining the parts.

/** Sorts pairs by (key, id): stable LSD radix passes of 16 bits (id first), passes whose digit never varies skipped. */
export function sortPairs(p: Pairs): Pairs {
  const n = p.keys.length;
  if (n < 2048) {
    const idx = Array.from({ length: n }, (_, i) => i);
    idx.sort((a, b) => p.keys[a] - p.keys[b] || p.ids[a] - p.ids[b]);
    return { keys: Uint32Array.from(idx, (i) => p.keys[i]), ids: Uint32Array.from(idx, (i) => p.ids[i]) };
  }
  let keys = p.keys.slice();
  let ids = p.ids.slice();
  let k2 = new Uint32Array(n);
  let i2 = new Uint32Array(n);
  const count = new Uint32Array(65536);
  for (let d = 3; d >= 0; d--) {
    count.fill(0);
    for (let i = 0; i < n; i++) count[digit(keys[i], ids[i], d)]++;
    if (count[digit(keys[0], ids[0], d)] === n) continue;
    for (let v = 0, s = 0; v < 65536; v++) {
      const c = count[v];
      count[v] = s;
      s += c;
    }
    for (let i = 0; i < n; i++) {
      const at = count[digit(keys[i], ids[i], d)]++;
      k2[at] = keys[i];
      i2[at] = ids[i];
    }
    [keys, k2] = [k2, keys];
    [ids, i2] = [i2, ids];
  }
  return { keys, ids };
}

function concatPairs(parts: readonly Pairs[]): Pairs {
  let n = 0;
  for (const p of parts) n += p.keys.length;
  const keys = new Uint32Array(n);
  const ids = new Uint32Array(n);
  let at = 0;
  for (const p of parts) {
    keys.set(p.keys, at);
    ids.set(p.ids, at);
    at += p.keys.length;
  }
  return { keys, ids };
}

/** Row work over every part of the rows (each worker's range, or all rows on one thread). */
export interface RowParts {
  first(base: RowOrderSpec, win: RowWindow, n: number): Promise<Pairs[]>;
  histogram(base: RowOrderSpec, win: RowWindow): Promise<Uint32Array[]>;
  gather(base: RowOrderSpec, win: RowWindow): Promise<Pairs[]>;
  /** `runRank` over the whole sweep (undefined where it does not apply). */
  rank(base: RowOrderSpec, after: RowCursor | null, r: number): Promise<RowCursor | null | undefined>;
}

/**
 * The row at rank r (0 first) after `after` by counting alone, when the
 * selected rows are exactly one sorted run per group: ordered by the packed
 * metric, no filter, and the brush (if any) on that metric. Binary searches
 * over the runs (the key, then the file id among ties) replace the passes of
 * a radix select: a deep page costs microseconds. Undefined when the
 * selection is not of that shape; null when there are not that many rows.
 */
export function runRank(data: PackedSweep, base: RowOrderSpec, after: RowCursor | null, r: number): RowCursor | null | undefined {
  const order = data.order;
  const s = base.select;
  if (!order || !packedOrder(data, base) || s.filters.length > 0 || s.metric !== order.metric) return undefined;
  const values = data.metrics[order.metric];
  const bits = f32Bits(values);
  const perm = data.perm;
  const akey = (i: number): number => ascendingKey(bits[i]);
  const runs: [number, number][] = [];
  const G = order.finiteEnd.length;
  for (let g = 0; g < G; g++) {
    const gs = order.groupStart[g];
    const fe = order.finiteEnd[g];
    const a = lowerBound(values, gs, fe, s.brushLo[g], true);
    const b = Math.max(a, lowerBound(values, gs, fe, s.brushHi[g], false));
    if (a < b) runs.push([a, b]);
  }
  const desc = base.descending;
  /** The positions of a run whose sort key is K, as [from, to) (keys ascend along a run, or descend when descending). */
  const tie = (lo: number, hi: number, K: number): [number, number] => {
    const A = desc ? MISSING_KEY - K : K;
    return [keyBound(akey, lo, hi, A), keyBound(akey, lo, hi, A + 1)];
  };
  /** Selected rows whose sort key is below K. */
  const below = (K: number): number => {
    let n = 0;
    for (const [lo, hi] of runs) n += desc ? hi - keyBound(akey, lo, hi, MISSING_KEY - K + 1) : keyBound(akey, lo, hi, K) - lo;
    return n;
  };
  /** Selected rows at or before (K, I). */
  const upTo = (K: number, I: number): number => {
    let n = below(K);
    for (const [lo, hi] of runs) {
      const [a, b] = tie(lo, hi, K);
      n += idBound(perm, a, b, I) - a;
    }
    return n;
  };
  let total = 0;
  for (const [lo, hi] of runs) total += hi - lo;
  const target = r + (after === null ? 0 : after.key === MISSING_KEY ? total : upTo(after.key, after.id));
  if (target >= total) return null;
  // the smallest key with more than `target` rows at or below it
  let kLo = 0;
  let kHi = MISSING_KEY - 1;
  while (kLo < kHi) {
    const mid = Math.floor((kLo + kHi) / 2);
    if (below(mid + 1) > target) kHi = mid;
    else kLo = mid + 1;
  }
  const within = target - below(kLo);
  // the smallest id with more than `within` tied rows at or below it
  let iLo = 0;
  let iHi = 0xffffffff;
  while (iLo < iHi) {
    const mid = Math.floor((iLo + iHi) / 2);
    let n = 0;
    for (const [lo, hi] of runs) {
      const [a, b] = tie(lo, hi, kLo);
      n += idBound(perm, a, b, mid) - a;
    }
    if (n > within) iHi = mid;
    else iLo = mid + 1;
  }
  return { key: kLo, id: iLo };
}

/** The parts of one thread over all the rows of `data`. */
export function inlineParts(data: () => PackedSweep): RowParts {
  return {
    first: async (base, win, n) => [firstRows(data(), base, win, n, 0, data().rows)],
    histogram: async (base, win) => [histogramRows(data(), base, win, 0, data().rows)],
    gather: async (base, win) => [gatherRows(data(), base, win, 0, data().rows)],
    rank: async (base, after, r) => runRank(data(), base, after, r),
  };
}

/** The row at rank r (0 first) among the selected rows after `after`, or null when there are not that many. */
export async function rankCursor(parts: RowParts, base: RowOrderSpec, after: RowCursor | null, r: number): Promise<RowCursor | null> {
  return (await rankAt(parts, base, after, r))?.cursor ?? null;
}

/**
 * The row at rank r after `after` and, when the select ended by gathering a
 * bucket of candidates, the rows of that bucket after it, in order: the
 * order goes on with them, so a page that fits in them needs no more passes.
 */
async function rankAt(parts: RowParts, base: RowOrderSpec, after: RowCursor | null, r: number): Promise<{ cursor: RowCursor; tail: Pairs } | null> {
  const none: Pairs = { keys: new Uint32Array(0), ids: new Uint32Array(0) };
  const counted = await parts.rank(base, after, r);
  if (counted !== undefined) return counted && { cursor: counted, tail: none };
  // an option code's key is below 2^16: its first digit is 0, no pass needed to find it
  const prefix: number[] = base.sort.kind === 'code' ? [0] : [];
  let rank = r;
  let hist = sumHistograms(await parts.histogram(base, { after, until: null, prefix }));
  let total = 0;
  for (let v = 0; v < 65536; v++) total += hist[v];
  if (rank >= total) return null;
  for (;;) {
    // the digit value that holds the rank
    let v = 0;
    while (rank >= hist[v]) rank -= hist[v++];
    prefix.push(v);
    if (prefix.length === 4) return { cursor: { key: ((prefix[0] << 16) | prefix[1]) >>> 0, id: ((prefix[2] << 16) | prefix[3]) >>> 0 }, tail: none };
    if (hist[v] <= GATHER_MAX) {
      const rows = sortPairs(concatPairs(await parts.gather(base, { after, until: null, prefix })));
      return { cursor: { key: rows.keys[rank], id: rows.ids[rank] }, tail: { keys: rows.keys.subarray(rank + 1), ids: rows.ids.subarray(rank + 1) } };
    }
    hist = sumHistograms(await parts.histogram(base, { after, until: null, prefix }));
  }
}

function sumHistograms(parts: readonly Uint32Array[]): Uint32Array {
  const out = new Uint32Array(65536);
  for (const h of parts) for (let v = 0; v < 65536; v++) out[v] += h[v];
  return out;
}

/** A page of the selected rows in order, from the parts. */
export async function pageRows(parts: RowParts, req: RowPageRequest): Promise<RowPage> {
  const base: RowOrderSpec = { select: req.select, sort: req.sort, descending: req.descending };
  const offset = Math.max(0, Math.floor(req.offset));
  const limit = Math.max(0, Math.floor(req.limit));
  const empty: RowPage = { ids: new Uint32Array(0), last: null };
  if (limit === 0) return empty;
  let rows: Pairs;
  if (offset + limit <= FIRST_MAX) {
    const all = sortPairs(concatPairs(await parts.first(base, { ...ALL, after: req.after }, offset + limit)));
    rows = { keys: all.keys.subarray(offset, offset + limit), ids: all.ids.subarray(offset, offset + limit) };
  } else {
    const at = offset > 0 ? await rankAt(parts, base, req.after, offset - 1) : null;
    if (offset > 0 && at === null) return empty;
    const from = at ? at.cursor : req.after;
    if (at && at.tail.ids.length >= limit) {
      // the page lies in the bucket the select gathered
      rows = { keys: at.tail.keys.subarray(0, limit), ids: at.tail.ids.subarray(0, limit) };
    } else if (limit <= FIRST_MAX) {
      const all = sortPairs(concatPairs(await parts.first(base, { ...ALL, after: from }, limit)));
      rows = { keys: all.keys.subarray(0, limit), ids: all.ids.subarray(0, limit) };
    } else {
      const until = await rankCursor(parts, base, from, limit - 1);
      rows = sortPairs(concatPairs(await parts.gather(base, { after: from, until, prefix: [] })));
    }
  }
  const n = rows.ids.length;
  return { ids: rows.ids.slice(), last: n ? { key: rows.keys[n - 1], id: rows.ids[n - 1] } : null };
}

/** One sample from the parts' samples (each ascending by id over its own rows). */
export function mergeSamples(parts: readonly RowSample[]): RowSample {
  if (parts.length === 1) return parts[0];
  const merged = sortPairs(concatPairs(parts.map((p) => ({ keys: p.ids, ids: Uint32Array.from(p.selected) }))));
  return { ids: merged.keys, selected: Uint8Array.from(merged.ids) };
}
