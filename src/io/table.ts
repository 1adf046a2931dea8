/**
 * From a file's columns to a Sweep, for every reader (CSV, JSON, Arrow,
 * Parquet): the roles of the columns come from roles.ts (parameters, metric,
 * group, replicate, left out, each with a reason, kept in `sweep.columns`);
 * here text columns become categorical parameters and numeric columns binned
 * ones, labelled as the file writes them.
 *
 * Browser-safe: no Node modules.
 */

import { MISSING_LABEL, MAX_PARAM_BINS, binNumeric, type BinMode, type Binned } from '../model/binning.js';
import { MAX_OPTIONS, SweepError, allocF32, allocU8, validateSweep, type ColumnInfo, type Metric, type Param, type Replicate, type Sweep } from '../model/sweep.js';
import { binsPhrase, filterRows, inferRoles, prepareColumns, type RolePlan } from './roles.js';

export interface LoadOptions {
  /** Parameter columns, in this order. Default: inferred (roles.ts): every column but the metric, the replicate and those left out. */
  params?: string[];
  /** Metric column. Default: the most result-like numeric column by name (accuracy, score, value, …, loss), else the last numeric column. */
  metric?: string;
  /** Group parameter; null: none. Default: a parameter named dataset, data, task or benchmark, if any. */
  group?: string | null;
  /** Replicate column (seed, run): not a parameter. Default: a column so named. */
  replicate?: string;
  /** Columns to leave out. */
  ignore?: string[];
  /** How numeric parameters with more than 16 values are binned (log bins win when they apply). Default: quantile; equal-width for sweepscope's own files. */
  binning?: BinMode;
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
   * column has at most MAX_PARAM_BINS distinct values; null or absent otherwise (binary
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
  /** How the file's numeric parameters are binned (default for a file with defaults: equal-width, the generated sweep's documented bins). */
  binning?: BinMode;
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
 * binNumeric for float32 values, with options labelled as the file writes
 * them (`written`: `0.0`, `1e-4`), else by the shortest decimal that reads
 * back to the same float32 (`0.01`, not `0.009999999776482582`).
 */
export function binFloat32(
  values: Float32Array,
  out?: Uint8Array,
  mode: BinMode = 'width',
  written?: ReadonlyMap<number, string> | null,
): Binned {
  const b = binNumeric(values, MAX_PARAM_BINS, out, mode);
  if (!b.edges)
    b.labels = b.labels.map((l) => {
      if (l === MISSING_LABEL) return l;
      const x = Number(l);
      const w = written?.get(x);
      // A zero written `-0` is labelled 0, as the value is.
      return w !== undefined && !(x === 0 && w.trimStart().startsWith('-')) ? w : formatFloat32(x);
    });
  return b;
}

// ---------------------------------------------------------------------------
// Building.

/** The option that stands for the values of a forced text parameter beyond the most frequent ones. */
export const OTHER_LABEL = '(other)';

/** A text parameter with more distinct values than options: the most frequent kept, the rest one option `(other)`. */
function topValues(name: string, file: string, cells: readonly string[], rows: number): { labels: string[]; codes: Uint8Array; note: string } {
  const counts = new Map<string, number>();
  for (let i = 0; i < rows; i++) {
    const s = cells[i] === '' ? MISSING_LABEL : cells[i];
    counts.set(s, (counts.get(s) ?? 0) + 1);
  }
  const byCount = [...counts].sort((a, b) => b[1] - a[1] || compareLabels(a[0], b[0]));
  const keep = byCount.slice(0, MAX_OPTIONS - 1).map(([l]) => l);
  const labels = keep.filter((l) => l !== MISSING_LABEL).sort(compareLabels);
  labels.push(OTHER_LABEL);
  if (keep.includes(MISSING_LABEL)) labels.push(MISSING_LABEL);
  const index = new Map(labels.map((l, i) => [l, i]));
  const other = index.get(OTHER_LABEL) as number;
  const codes = allocU8(rows);
  for (let i = 0; i < rows; i++) codes[i] = index.get(cells[i] === '' ? MISSING_LABEL : cells[i]) ?? other;
  return {
    labels,
    codes,
    note: `${file}: parameter '${name}' has ${counts.size} distinct values: the ${keep.length} most frequent are options, the other ${counts.size - keep.length} are '${OTHER_LABEL}'`,
  };
}

function replicateOf(c: RawColumn, name: string, rows: number): Replicate | undefined {
  const ids = new Uint32Array(rows);
  if (c.kind === 'numeric') {
    const v = c.values;
    const distinct = [...new Set(Array.from(v, (x) => (x === 0 ? 0 : x)))].filter((x) => x === x).sort((a, b) => a - b);
    const index = new Map(distinct.map((x, i) => [x, i]));
    const labels = distinct.map((x) => c.written?.get(x) ?? formatFloat32(x));
    const hasMissing = distinct.length < new Set(v).size || v.some((x) => x !== x);
    if (hasMissing) labels.push(MISSING_LABEL);
    for (let i = 0; i < rows; i++) ids[i] = v[i] === v[i] ? (index.get(v[i] === 0 ? 0 : v[i]) as number) : distinct.length;
    return { name, labels, ids };
  }
  if (c.kind !== 'text') return undefined;
  if (c.labels && c.codes) {
    for (let i = 0; i < rows; i++) ids[i] = c.codes[i];
    return { name, labels: c.labels, ids };
  }
  const cells = c.cells?.();
  if (!cells) return undefined;
  const labels = [...new Set(cells.map((x) => (x === '' ? MISSING_LABEL : x)))].sort(compareLabels);
  const index = new Map(labels.map((l, i) => [l, i]));
  for (let i = 0; i < rows; i++) ids[i] = index.get(cells[i] === '' ? MISSING_LABEL : cells[i]) as number;
  return { name, labels, ids };
}

/** Missing metric values of a W&B table: those runs are left out. */
function missingRows(v: Float32Array): number {
  let n = 0;
  for (let i = 0; i < v.length; i++) if (v[i] !== v[i]) n++;
  return n;
}

/**
 * Builds a Sweep from the columns of a file. `name` is the file name, for
 * messages; `defaults` are what the file itself says (Arrow metadata);
 * `readerNotes` what the reader repaired (kept as the sweep's notes, with
 * what the tool layouts left out). Every column's role and why is in
 * `sweep.columns` (roles.ts).
 */
export function buildSweep(
  cols: readonly RawColumn[],
  rows: number,
  name: string,
  options: LoadOptions = {},
  defaults: FileDefaults = {},
  readerNotes: readonly string[] = [],
): Sweep {
  const seen = new Set<string>();
  for (const c of cols) {
    if (seen.has(c.name)) throw new SweepError(`${name}: column '${c.name}' appears twice: give every column a unique name`);
    seen.add(c.name);
  }
  const prep = prepareColumns(cols, rows, name);
  let columns = prep.cols;
  rows = prep.rows;
  const notes = [...readerNotes, ...prep.notes];
  let plan: RolePlan = inferRoles(columns, rows, name, options, defaults, prep.tool, prep.expanded);
  if (plan.tool === 'wandb') {
    // W&B: runs without the metric (crashed early, or another project's runs) are left out.
    const v = plan.metrics[0].values;
    const missing = missingRows(v);
    if (missing > 0 && missing < rows) {
      const keep = new Uint8Array(rows);
      for (let i = 0; i < rows; i++) keep[i] = v[i] === v[i] ? 1 : 0;
      notes.push(`left out ${missing} run${missing === 1 ? '' : 's'} without ${plan.metrics[0].name}`);
      ({ cols: columns, rows } = filterRows(columns, keep, rows));
      plan = inferRoles(columns, rows, name, options, defaults, prep.tool, prep.expanded);
    }
  }
  notes.push(...plan.notes);

  const params: Param[] = plan.params.map((p): Param => {
    const c = p.col;
    const info = plan.infos[p.info];
    if (c.kind === 'numeric' || p.numericText) {
      let values: Float32Array;
      let written: ReadonlyMap<number, string> | null | undefined;
      if (c.kind === 'numeric') {
        values = c.values;
        written = c.written;
      } else {
        // A text column of numbers (MLflow params): numbers, labelled as written.
        const t = c as TextColumn;
        const labels = t.labels as readonly string[];
        const codes = t.codes as Uint8Array;
        const byCode = labels.map((l) => (l === MISSING_LABEL ? NaN : Math.fround(Number(l))));
        values = allocF32(rows);
        for (let i = 0; i < rows; i++) values[i] = byCode[codes[i]];
        const w = new Map<number, string>();
        labels.forEach((l, k) => {
          const x = byCode[k];
          if (x === x && !w.has(x === 0 ? 0 : x)) w.set(x === 0 ? 0 : x, l);
        });
        written = w;
      }
      const b = binFloat32(values, allocU8(rows), plan.binning, written);
      if (b.edges) info.reason += binsPhrase(b.edges.length - 1, b.log, b.quantile);
      return { name: p.name, labels: b.labels, codes: b.codes, kind: 'numeric', values };
    }
    if (c.kind === 'other')
      throw new SweepError(`${name}: column '${p.name}' has type ${c.type}, which cannot be a parameter: leave it out of --params`);
    if (c.labels === null || c.codes === null || c.distinct > MAX_OPTIONS) {
      const cells = c.cells?.();
      if (!cells)
        throw new SweepError(
          `${name}: parameter '${p.name}' has ${c.distinct} distinct values; at most ${MAX_OPTIONS} options are supported: leave it out with --params`,
        );
      const top = topValues(p.name, name, cells, rows);
      notes.push(top.note);
      info.reason += `: the ${MAX_OPTIONS - 1} most frequent, the rest '${OTHER_LABEL}'`;
      return { name: p.name, labels: top.labels, codes: top.codes, kind: 'categorical' };
    }
    return { name: p.name, labels: c.labels, codes: c.codes, kind: 'categorical' };
  });
  const metrics: Metric[] = plan.metrics.map((m) => ({ name: m.name, values: m.values, ...(m.lowerIsBetter ? { lowerIsBetter: true } : {}) }));
  const group = plan.group === null ? -1 : params.findIndex((p) => p.name === plan.group);
  const replicate = plan.replicate ? replicateOf(plan.replicate.col, plan.replicate.name, rows) : undefined;
  const infos: ColumnInfo[] = plan.infos;

  const sweep: Sweep = {
    rows,
    params,
    metrics,
    group,
    columns: infos,
    ...(notes.length ? { notes } : {}),
    ...(replicate ? { replicate } : {}),
  };
  validateSweep(sweep);
  return sweep;
}
