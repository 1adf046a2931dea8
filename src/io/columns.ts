/**
 * Building RawColumns row by row, for the readers that see values one at a
 * time (JSON, Parquet): numeric columns as Float32 (NaN where missing), text
 * columns interned by UTF-8 bytes (TextDict) into u8 codes, or wider ids once
 * there are more than 256 distinct values.
 *
 * Browser-safe: no Node modules.
 */

import { MAX_PARAM_BINS, MISSING_LABEL } from '../model/binning.js';
import { allocF32, allocU8 } from '../model/sweep.js';
import { NOT_A_NUMBER, parseNumber } from './csv.js';
import { TextDict, finishText, type TextColumn } from './table.js';

const enc = new TextEncoder();

/** A label read as a number (as CSV reads cells): NaN when it is not one. */
function labelNumber(label: string): number {
  if (label === MISSING_LABEL || label === '') return NaN;
  const b = enc.encode(label);
  const x = parseNumber(b, 0, b.length);
  const f = x === NOT_A_NUMBER ? NaN : Math.fround(x);
  return Number.isFinite(f) ? f : NaN;
}

/**
 * A Float32 column of a length not known in advance (NaN-filled as it grows).
 * Values set with `setWritten` (numbers read from text: JSON) keep each
 * distinct value's first spelling while there are at most MAX_PARAM_BINS of them
 * (`written()`, as NumericColumn.written); values set with `set` (binary
 * formats) have none.
 */
export class NumberBuilder {
  values: Float32Array;
  /** Distinct finite value (-0 as 0) → first spelling; null once there are more than MAX_PARAM_BINS. */
  private spelled: Map<number, string> | null = new Map();
  /** Whether some finite value came with its spelling, and whether one came without. */
  private spelling = false;
  private unspelled = false;
  /** The highest row set so far, and whether a row was set again (a value may then be gone). */
  private last = -1;
  private again = false;
  /** The last value spelled (cells often repeat the previous one's value). */
  private prevKey = NaN;

  constructor(capacity: number) {
    this.values = allocF32(Math.max(capacity, 16)).fill(NaN);
  }

  set(row: number, x: number): void {
    if (this.store(row, x)) this.unspelled = true;
  }

  /** Stores a value; returns whether it is finite (as a float32). */
  private store(row: number, x: number): boolean {
    if (row >= this.values.length) this.grow(row + 1);
    const f = Math.fround(x);
    const finite = Number.isFinite(f);
    this.values[row] = finite ? f : NaN;
    if (row <= this.last) this.again = true;
    else this.last = row;
    return finite;
  }

  /** Sets a value read from text: bytes[s, e) is how the file writes it (ASCII, as JSON numbers are). */
  setWritten(row: number, x: number, bytes: Uint8Array, s: number, e: number): void {
    if (!this.store(row, x)) return;
    this.spelling = true;
    const spelled = this.spelled;
    if (spelled === null) return;
    const f = this.values[row];
    const key = f === 0 ? 0 : f;
    if (key === this.prevKey || spelled.has(key)) {
      this.prevKey = key;
      return;
    }
    if (spelled.size === MAX_PARAM_BINS) {
      this.spelled = null;
      return;
    }
    let text = '';
    for (let i = s; i < e; i++) text += String.fromCharCode(bytes[i]);
    spelled.set(key, text);
    this.prevKey = key;
  }

  /**
   * Each distinct value of the first `rows` as first written, when every
   * finite one came with its spelling and there are at most MAX_PARAM_BINS; else null.
   */
  written(rows: number): Map<number, string> | null {
    const spelled = this.spelled;
    if (!this.spelling || this.unspelled || spelled === null) return null;
    if (!this.again && rows > this.last) return spelled;
    // Rows set again (or cut off): keep the spellings of the values still there.
    const present = new Set<number>();
    const v = this.values;
    const n = Math.min(rows, v.length);
    for (let i = 0; i < n; i++) if (v[i] === v[i]) present.add(v[i] === 0 ? 0 : v[i]);
    return new Map([...spelled].filter(([x]) => present.has(x)));
  }

  private grow(n: number): void {
    const b = new Float32Array(Math.max(n, this.values.length * 2)).fill(NaN);
    b.set(this.values);
    this.values = b;
  }

  /** The first `rows` values, allocated with allocF32. */
  finish(rows: number): Float32Array {
    const out = allocF32(rows);
    if (rows <= this.values.length) out.set(this.values.subarray(0, rows));
    else {
      out.set(this.values);
      out.fill(NaN, this.values.length);
    }
    return out;
  }
}

/**
 * A text column: `set(row, bytes, start, end)` in row order (a row may be set
 * again; rows skipped are missing). `finish` sorts the labels (finishText).
 */
export class TextBuilder {
  private readonly dict = new TextDict();
  /** Dictionary ids while they fit in a byte. */
  private codes: Uint8Array | null;
  /** Dictionary ids once there are more than 256. */
  private wide: Int32Array | null = null;
  /** Rows before this one have been set (or filled as missing). */
  private next = 0;

  /** `exact`: `capacity` is the row count (the codes are allocated with allocU8, as the sweep keeps them). */
  constructor(
    private capacity: number,
    private readonly exact = false,
  ) {
    this.codes = exact ? allocU8(capacity) : new Uint8Array(Math.max(capacity, 16));
    if (!exact) this.capacity = this.codes.length;
  }

  private grow(n: number): void {
    const size = Math.max(n, this.capacity * 2);
    if (this.wide) {
      const w = new Int32Array(size);
      w.set(this.wide);
      this.wide = w;
    } else if (this.codes) {
      const c = new Uint8Array(size);
      c.set(this.codes);
      this.codes = c;
    }
    this.capacity = size;
  }

  private put(row: number, id: number): void {
    if (row >= this.capacity) this.grow(row + 1);
    if (this.wide) this.wide[row] = id;
    else if (id > 255) {
      const w = new Int32Array(this.capacity);
      const c = this.codes as Uint8Array;
      for (let i = 0; i < this.next; i++) w[i] = c[i];
      this.wide = w;
      this.codes = null;
      w[row] = id;
    } else (this.codes as Uint8Array)[row] = id;
  }

  /** Rows [next, row) are missing. */
  private fillTo(row: number): void {
    if (row <= this.next) return;
    const m = this.dict.missing();
    if (row > this.capacity) this.grow(row);
    if (this.wide) this.wide.fill(m, this.next, row);
    else if (m > 255) for (let i = this.next; i < row; i++) this.put(i, m);
    else (this.codes as Uint8Array).fill(m, this.next, row);
    this.next = row;
  }

  set(row: number, bytes: Uint8Array, start: number, end: number): void {
    this.fillTo(row);
    this.put(row, this.dict.id(bytes, start, end));
    if (row >= this.next) this.next = row + 1;
  }

  setString(row: number, s: string): void {
    const b = enc.encode(s);
    this.set(row, b, 0, b.length);
  }

  setMissing(row: number): void {
    this.set(row, EMPTY, 0, 0);
  }

  finish(name: string, rows: number): TextColumn {
    this.fillTo(rows);
    const dict = this.dict;
    const wide = this.wide ? this.wide.subarray(0, rows) : null;
    let codes: Uint8Array | null = null;
    if (!wide && this.codes) {
      if (this.exact && this.codes.length === rows) codes = this.codes;
      else {
        codes = allocU8(rows);
        codes.set(this.codes.subarray(0, rows));
      }
    }
    this.codes = null;
    this.wide = null;
    // Dictionary ids per row, for a column left without labels (too many distinct values).
    const ids: Uint8Array | Int32Array | null = wide ?? codes;
    // Filled in below: the closures read the finished column (labels sorted, codes remapped).
    let col: TextColumn | null = null;
    const perId = (f: (label: string) => number): Float32Array => {
      const keys = dict.keys();
      return Float32Array.from(keys, f);
    };
    const numbers = (): Float32Array => {
      const out = allocF32(rows);
      const c = col as TextColumn;
      if (c.codes && c.labels) {
        const byCode = Float32Array.from(c.labels, labelNumber);
        for (let i = 0; i < rows; i++) out[i] = byCode[c.codes[i]];
      } else if (ids) {
        const byId = perId(labelNumber);
        for (let i = 0; i < rows; i++) out[i] = byId[ids[i]];
      } else out.fill(NaN);
      return out;
    };
    const cells = (): readonly string[] => {
      const c = col as TextColumn;
      const text = (l: string): string => (l === MISSING_LABEL ? '' : l);
      const out: string[] = new Array<string>(rows);
      if (c.codes && c.labels) {
        const byCode = c.labels.map(text);
        for (let i = 0; i < rows; i++) out[i] = byCode[c.codes[i]];
      } else if (ids) {
        const byId = dict.keys().map(text);
        for (let i = 0; i < rows; i++) out[i] = byId[ids[i]];
      } else out.fill('');
      return out;
    };
    const done = finishText(name, dict, codes, rows, numbers);
    col = { ...done, cells };
    return col;
  }
}

const EMPTY = new Uint8Array(0);
