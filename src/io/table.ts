/**
 * Column inference shared by the CSV and Arrow readers: which columns are the
 * parameters, which is the metric, which is the group; turning text columns
 * into categorical parameters and numeric columns into binned ones.
 *
 * Browser-safe: no Node modules.
 */

import { MISSING_LABEL, MAX_BINS, binNumeric, type Binned } from '../model/binning.js';
import {
  MAX_OPTIONS,
  SweepError,
  allocU8,
  defaultGroup,
  validateSweep,
  type Metric,
  type Param,
  type Sweep,
} from '../model/sweep.js';

export interface LoadOptions {
  /** Parameter columns, in this order. Default: every column but the metric and ids. */
  params?: string[];
  /** Metric column. Default: `test_accuracy` if present, else the last numeric column. */
  metric?: string;
  /** Group parameter. Default: a parameter named `dataset`, if any. */
  group?: string;
}

/** A column as read from a file, before inference. */
export type RawColumn = NumericColumn | TextColumn | OtherColumn;

/** Every non-empty cell is a number (non-finite values and missing-value tokens are NaN). */
export interface NumericColumn {
  readonly kind: 'numeric';
  readonly name: string;
  /** One value per row, NaN where missing; allocated with allocF32. */
  readonly values: Float32Array;
  /**
   * Each distinct value as first written in a text file (`0.0`, `1e-4`), while the
   * column has at most MAX_BINS distinct values; null or absent otherwise (binary
   * formats, or more distinct values). Parameters keep these as their labels.
   */
  readonly written?: ReadonlyMap<number, string> | null;
}

/** A column with text cells. */
export interface TextColumn {
  readonly kind: 'text';
  readonly name: string;
  /** Distinct values, the missing value included. */
  readonly distinct: number;
  /** Option labels in code order; null when there are more than MAX_OPTIONS distinct values. */
  readonly labels: readonly string[] | null;
  /** One code per row (allocated with allocU8); null when `labels` is null. */
  readonly codes: Uint8Array | null;
  /** The cells read as numbers (NaN where not a number), for a column asked for as the metric. */
  readonly numbers: () => Float32Array;
  /** Every row's cell as written ('' where empty), made on demand (tool layouts that need per-row text). */
  readonly cells?: () => readonly string[];
}

/** A column of a type sweepscope cannot use (an Arrow list, timestamp, ...). */
export interface OtherColumn {
  readonly kind: 'other';
  readonly name: string;
  /** The type, for error messages. */
  readonly type: string;
}

/** Defaults that a file carries itself (Arrow schema metadata), overridden by LoadOptions. */
export interface FileDefaults {
  params?: string[];
  metrics?: string[];
  /** null: no group, even if a `dataset` parameter exists. */
  group?: string | null;
}

/** Natural order (`2 < 10`), with `(missing)` last; ties broken by code units so the order is total. */
export function compareLabels(a: string, b: string): number {
  if (a === b) return 0;
  if (a === MISSING_LABEL) return 1;
  if (b === MISSING_LABEL) return -1;
  const c = a.localeCompare(b, undefined, { numeric: true });
  if (c !== 0) return c;
  return a < b ? -1 : 1;
}

// ---------------------------------------------------------------------------
// Text dictionary keyed by UTF-8 bytes (no string per cell).

const EMPTY = new Uint8Array(0);

/**
 * Interns byte strings: `id(bytes, start, end)` returns the index of the value,
 * adding it when new. Keys live in one growing arena; strings are made only once
 * per distinct value, by `keys()`.
 */
export class TextDict {
  private table = new Int32Array(64);
  private mask = 63;
  private hashes: Int32Array = new Int32Array(16);
  private starts: Int32Array = new Int32Array(16);
  private lengths: Int32Array = new Int32Array(16);
  private arena = new Uint8Array(256);
  private used = 0;
  size = 0;

  id(buf: Uint8Array, start: number, end: number): number {
    let h = -2128831035;
    for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i], 16777619);
    const len = end - start;
    const table = this.table;
    const mask = this.mask;
    let slot = h & mask;
    for (;;) {
      const e = table[slot];
      if (e === 0) break;
      const k = e - 1;
      if (this.hashes[k] === h && this.lengths[k] === len) {
        const arena = this.arena;
        const s = this.starts[k];
        let j = 0;
        while (j < len && arena[s + j] === buf[start + j]) j++;
        if (j === len) return k;
      }
      slot = (slot + 1) & mask;
    }
    return this.add(buf, start, end, h, slot);
  }

  private add(buf: Uint8Array, start: number, end: number, h: number, slot: number): number {
    const k = this.size++;
    const len = end - start;
    if (k === this.hashes.length) {
      const grow = (a: Int32Array): Int32Array => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.hashes = grow(this.hashes);
      this.starts = grow(this.starts);
      this.lengths = grow(this.lengths);
    }
    if (this.used + len > this.arena.length) {
      const b = new Uint8Array(Math.max(this.arena.length * 2, this.used + len));
      b.set(this.arena.subarray(0, this.used));
      this.arena = b;
    }
    this.arena.set(buf.subarray(start, end), this.used);
    this.hashes[k] = h;
    this.starts[k] = this.used;
    this.lengths[k] = len;
    this.used += len;
    this.table[slot] = k + 1;
    if (this.size * 2 > this.table.length) this.rehash();
    return k;
  }

  private rehash(): void {
    const table = new Int32Array(this.table.length * 2);
    const mask = table.length - 1;
    for (let k = 0; k < this.size; k++) {
      let slot = this.hashes[k] & mask;
      while (table[slot] !== 0) slot = (slot + 1) & mask;
      table[slot] = k + 1;
    }
    this.table = table;
    this.mask = mask;
  }

  /** The index of the empty value (the missing cell), adding it if new. */
  missing(): number {
    return this.id(EMPTY, 0, 0);
  }

  /** The values as strings, in index order; the empty value is MISSING_LABEL. */
  keys(): string[] {
    const dec = new TextDecoder();
    const out: string[] = [];
    for (let k = 0; k < this.size; k++) {
      const len = this.lengths[k];
      out.push(len === 0 ? MISSING_LABEL : dec.decode(this.arena.subarray(this.starts[k], this.starts[k] + len)));
    }
    return out;
  }
}

/**
 * Finishes a text column: labels sorted in natural order (missing last) and
 * codes remapped in place. `codes` holds dictionary indices, or is null when
 * the dictionary outgrew u8 codes.
 */
export function finishText(
  name: string,
  dict: TextDict,
  codes: Uint8Array | null,
  rows: number,
  numbers: () => Float32Array,
): TextColumn {
  const keys = dict.keys();
  // `(missing)` written out literally and an empty cell are the same option.
  const firstMissing = keys.indexOf(MISSING_LABEL);
  const dupMissing = firstMissing >= 0 && keys.indexOf(MISSING_LABEL, firstMissing + 1) >= 0;
  const distinct = dupMissing ? keys.length - 1 : keys.length;
  if (codes === null || distinct > MAX_OPTIONS) return { kind: 'text', name, distinct, labels: null, codes: null, numbers };
  const labels = [...new Set(keys)].sort(compareLabels);
  const index = new Map(labels.map((l, i) => [l, i]));
  const remap = new Uint8Array(256);
  keys.forEach((k, i) => (remap[i] = index.get(k) as number));
  let identity = true;
  for (let i = 0; i < keys.length; i++) if (remap[i] !== i) identity = false;
  if (!identity) for (let i = 0; i < rows; i++) codes[i] = remap[codes[i]];
  return { kind: 'text', name, distinct, labels, codes, numbers };
}

// ---------------------------------------------------------------------------
// Float32 as short decimals.

/** 10^i, exact for i <= 22. */
const P10 = new Float64Array(40).map((_, i) => Number(`1e${i}`));
/** 10^-i (nearest doubles), for finding a number's decimal exponent. */
const N10 = new Float64Array(48).map((_, i) => Number(`1e-${i}`));

/** Result of `shortest`: the decimal SR × 10^-SK. */
let SR = 0;
let SK = 0;

/**
 * Finds the shortest decimal that reads back (as float32) to x: finite,
 * non-zero, not a small integer. Leaves it in SR, SK and returns null; or
 * returns it as a string (rare cases decided by toPrecision).
 */
function shortest(x: number): string | null {
  // e = floor(log10(|x|)), without Math.log10 (slow).
  const a = x < 0 ? -x : x;
  let e = 0;
  if (a >= 1) while (e < 38 && a >= P10[e + 1]) e++;
  else {
    e = -1;
    while (e > -46 && a < N10[-e]) e--;
  }
  for (let p = 1; p <= 9; p++) {
    // The nearest p-digit decimal, computed with exact powers of ten; exact
    // unless the scaled value sits at a rounding tie, where toPrecision decides.
    const k = p - 1 - e;
    if (k < -22 || k > 22) {
      const s = x.toPrecision(p);
      if (Math.fround(Number(s)) === x) return String(Number(s));
      continue;
    }
    const scaled = k >= 0 ? x * P10[k] : x / P10[-k];
    const fl = Math.floor(scaled);
    const frac = scaled - fl;
    if (frac > 0.4999 && frac < 0.5001) {
      const s = x.toPrecision(p);
      if (Math.fround(Number(s)) === x) return String(Number(s));
      continue;
    }
    const r = frac < 0.5 ? fl : fl + 1;
    if (r === 0) continue;
    const d = k >= 0 ? r / P10[k] : r * P10[-k];
    if (Math.fround(d) === x) {
      SR = r;
      SK = k;
      return null;
    }
  }
  return String(Number(x.toPrecision(9)));
}

/**
 * The shortest decimal string that reads back (as float32) to `x`, as
 * JavaScript writes numbers (`0.25`, `1200`, `1e-7`); '' for NaN and other
 * non-finite values.
 */
export function formatFloat32(x: number): string {
  if (!Number.isFinite(x)) return '';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  if (Number.isInteger(x) && x < 16777216 && x > -16777216) return String(x);
  const s = shortest(x);
  if (s !== null) return s;
  const n = writeDecimal(SCRATCH, 0, SR, SK);
  return latin1(SCRATCH, 0, n);
}

const SCRATCH = new Uint8Array(64);
const DIGITS = new Uint8Array(24);

/** Writes r × 10^-k (integer 0 < |r| < 1e9) as JavaScript would; returns the new position. */
function writeDecimal(out: Uint8Array, pos: number, r: number, k: number): number {
  if (r < 0) {
    out[pos++] = 45;
    r = -r;
  }
  let ri = r | 0; // < 1e9: int32 arithmetic (float % is slow)
  let q = (ri / 10) | 0;
  while (ri !== 0 && ri === q * 10) {
    ri = q;
    q = (ri / 10) | 0;
    k--;
  }
  let n = 0;
  while (ri > 0) {
    q = (ri / 10) | 0;
    DIGITS[n++] = 48 + ri - q * 10;
    ri = q;
  }
  // DIGITS holds the digits least significant first.
  const e10 = n - 1 - k;
  if (e10 >= 21 || e10 < -6) {
    out[pos++] = DIGITS[n - 1];
    if (n > 1) {
      out[pos++] = 46;
      for (let i = n - 2; i >= 0; i--) out[pos++] = DIGITS[i];
    }
    out[pos++] = 101;
    out[pos++] = e10 < 0 ? 45 : 43;
    let ae = e10 < 0 ? -e10 : e10;
    if (ae >= 10) {
      out[pos++] = 48 + Math.floor(ae / 10);
      ae %= 10;
    }
    out[pos++] = 48 + ae;
  } else if (k <= 0) {
    for (let i = n - 1; i >= 0; i--) out[pos++] = DIGITS[i];
    for (let i = 0; i < -k; i++) out[pos++] = 48;
  } else if (k < n) {
    for (let i = n - 1; i >= k; i--) out[pos++] = DIGITS[i];
    out[pos++] = 46;
    for (let i = k - 1; i >= 0; i--) out[pos++] = DIGITS[i];
  } else {
    out[pos++] = 48;
    out[pos++] = 46;
    for (let i = 0; i < k - n; i++) out[pos++] = 48;
    for (let i = n - 1; i >= 0; i--) out[pos++] = DIGITS[i];
  }
  return pos;
}

/** Writes formatFloat32(x) into out at pos (at most 16 bytes); returns the new position. */
export function writeFloat32(out: Uint8Array, pos: number, x: number): number {
  if (x !== x || x === Infinity || x === -Infinity) return pos;
  if (x === 0) {
    if (Object.is(x, -0)) out[pos++] = 45;
    out[pos++] = 48;
    return pos;
  }
  if (x < 16777216 && x > -16777216 && Math.floor(x) === x) return writeDecimal(out, pos, x, 0);
  const s = shortest(x);
  if (s === null) return writeDecimal(out, pos, SR, SK);
  for (let i = 0; i < s.length; i++) out[pos++] = s.charCodeAt(i);
  return pos;
}

function latin1(b: Uint8Array, s: number, e: number): string {
  let out = '';
  for (let i = s; i < e; i++) out += String.fromCharCode(b[i]);
  return out;
}

/**
 * binNumeric for float32 values, with options labelled by the shortest decimal
 * that reads back to the same float32 (`0.01`, not `0.009999999776482582`).
 */
export function binFloat32(values: Float32Array, out?: Uint8Array): Binned {
  const b = binNumeric(values, MAX_BINS, out);
  if (!b.edges) b.labels = b.labels.map((l) => (l === MISSING_LABEL ? l : formatFloat32(Number(l))));
  return b;
}

// ---------------------------------------------------------------------------
// Inference.

function isUniquePerRow(c: RawColumn, rows: number): boolean {
  if (rows <= 1) return false;
  if (c.kind === 'text') return c.distinct === rows;
  if (c.kind !== 'numeric') return false;
  const v = c.values;
  // A duplicate among the first values settles it cheaply (the usual case).
  const seen = new Set<number>();
  const probe = Math.min(rows, 4096);
  for (let i = 0; i < probe; i++) {
    const x = v[i]; // NaN is one value: Set treats NaN as equal to itself
    if (seen.has(x)) return false;
    seen.add(x);
  }
  const sorted = Float32Array.from(v).sort(); // NaN sorts last
  for (let i = 1; i < rows; i++) {
    const a = sorted[i - 1];
    const b = sorted[i];
    if (a === b || (a !== a && b !== b)) return false;
  }
  return true;
}

function hasNumbers(v: Float32Array): boolean {
  for (let i = 0; i < v.length; i++) if (v[i] === v[i]) return true;
  return v.length === 0;
}

function listNames(cols: readonly RawColumn[]): string {
  return cols.map((c) => c.name).join(', ') || 'none';
}

/**
 * Builds a Sweep from the columns of a file. `name` is the file name, for
 * messages; `defaults` are what the file itself says (Arrow metadata);
 * `readerNotes` what the reader repaired (kept as the sweep's notes).
 */
export function buildSweep(
  cols: readonly RawColumn[],
  rows: number,
  name: string,
  options: LoadOptions = {},
  defaults: FileDefaults = {},
  readerNotes: readonly string[] = [],
): Sweep {
  const byName = new Map<string, RawColumn>();
  for (const c of cols) {
    if (byName.has(c.name)) throw new SweepError(`${name}: column '${c.name}' appears twice: give every column a unique name`);
    byName.set(c.name, c);
  }
  const find = (col: string, what: string): RawColumn => {
    const c = byName.get(col);
    if (!c) throw new SweepError(`${name}: unknown ${what} '${col}' (columns: ${listNames(cols)})`);
    return c;
  };

  const givenParams = options.params ?? defaults.params?.filter((p) => p !== options.metric);
  if (givenParams) {
    const seen = new Set<string>();
    for (const p of givenParams) {
      if (seen.has(p)) throw new SweepError(`${name}: parameter '${p}' is listed twice in --params`);
      seen.add(p);
      find(p, 'parameter');
    }
  }
  const paramSet = new Set(givenParams ?? []);

  // The metric.
  let metricCol: RawColumn | undefined;
  const fileMetric = defaults.metrics?.[0];
  const explicitMetric =
    options.metric ?? (fileMetric !== undefined && byName.has(fileMetric) && !paramSet.has(fileMetric) ? fileMetric : undefined);
  if (explicitMetric !== undefined) {
    metricCol = find(explicitMetric, 'metric');
    if (paramSet.has(explicitMetric))
      throw new SweepError(`${name}: '${explicitMetric}' cannot be both a parameter and the metric: leave it out of --params`);
  } else {
    const ta = byName.get('test_accuracy');
    if (ta && !paramSet.has(ta.name)) metricCol = ta;
    else {
      for (const c of cols) if (c.kind === 'numeric' && !paramSet.has(c.name)) metricCol = c;
    }
    if (!metricCol)
      throw new SweepError(
        `${name}: no numeric column to use as the metric (columns: ${listNames(cols)}): add one, or name it with --metric`,
      );
  }
  let metricValues: Float32Array;
  if (metricCol.kind === 'numeric') metricValues = metricCol.values;
  else if (metricCol.kind === 'text') {
    // Mixed column: cells that are not numbers are missing values.
    metricValues = metricCol.numbers();
    if (!hasNumbers(metricValues))
      throw new SweepError(
        `${name}: metric '${metricCol.name}' is not numeric: choose a numeric column with --metric (numeric columns: ${listNames(cols.filter((c) => c.kind === 'numeric'))})`,
      );
  } else
    throw new SweepError(`${name}: metric '${metricCol.name}' has type ${metricCol.type}, not numbers: choose another with --metric`);
  const metrics: Metric[] = [{ name: metricCol.name, values: metricValues }];

  // The parameters.
  let paramCols: RawColumn[];
  if (givenParams) {
    paramCols = givenParams.map((p) => byName.get(p) as RawColumn);
    for (const c of cols)
      if (c.kind === 'numeric' && c !== metricCol && !paramSet.has(c.name)) metrics.push({ name: c.name, values: c.values });
  } else {
    paramCols = cols.filter((c) => c !== metricCol && c.kind !== 'other' && !isUniquePerRow(c, rows));
  }

  const params: Param[] = paramCols.map((c): Param => {
    if (c.kind === 'numeric') {
      const { labels, codes } = binFloat32(c.values, allocU8(rows));
      return { name: c.name, labels, codes, kind: 'numeric', values: c.values };
    }
    if (c.kind === 'other')
      throw new SweepError(`${name}: column '${c.name}' has type ${c.type}, which cannot be a parameter: leave it out of --params`);
    if (c.labels === null || c.codes === null || c.distinct > MAX_OPTIONS)
      throw new SweepError(
        `${name}: parameter '${c.name}' has ${c.distinct} distinct values; at most ${MAX_OPTIONS} options are supported: leave it out with --params`,
      );
    return { name: c.name, labels: c.labels, codes: c.codes, kind: 'categorical' };
  });

  // The group.
  let group: number;
  if (options.group !== undefined) {
    group = params.findIndex((p) => p.name === options.group);
    if (group < 0)
      throw new SweepError(
        `${name}: group '${options.group}' is not a parameter (parameters: ${params.map((p) => p.name).join(', ') || 'none'})`,
      );
  } else if (defaults.group !== undefined && options.params === undefined) {
    group = defaults.group === null ? -1 : params.findIndex((p) => p.name === defaults.group);
  } else group = defaultGroup(params);

  const sweep: Sweep = { rows, params, metrics, group, ...(readerNotes.length ? { notes: [...readerNotes] } : {}) };
  validateSweep(sweep);
  return sweep;
}
