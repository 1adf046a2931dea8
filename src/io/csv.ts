/**
 * Reading and writing sweeps as CSV (RFC 4180: quoted fields, "" escapes, CRLF
 * or LF line ends, trailing newline optional).
 *
 * The reader works on UTF-8 bytes in one pass: numeric cells are parsed from
 * bytes straight into Float32 columns, text cells are interned per column by
 * their bytes (one string per distinct value, never one per cell). A numeric
 * column that meets text part-way is re-read for the rows before.
 *
 * Browser-safe: no Node modules (see `load.ts` for files).
 */

import { MISSING_LABEL } from '../model/binning.js';
import { SweepError, allocF32, allocU8, type Sweep } from '../model/sweep.js';
import { TextDict, buildSweep, finishText, writeFloat32, type LoadOptions, type RawColumn } from './table.js';

export { formatFloat32 } from './table.js';

export type { LoadOptions } from './table.js';

const COMMA = 44;
const QUOTE = 34;
const LF = 10;
const CR = 13;

// ---------------------------------------------------------------------------
// Numbers from bytes.

const POW10: number[] = [];
for (let i = 0; i <= 22; i++) POW10.push(Number(`1e${i}`));

/** Cells that mean "no value" in a numeric column (compared lower-cased). */
const MISSING_TOKENS = new Set([
  'nan',
  '-nan',
  '+nan',
  'inf',
  '-inf',
  '+inf',
  'infinity',
  '-infinity',
  '+infinity',
  'na',
  'n/a',
  '#n/a',
  '<na>',
  'null',
  'none',
]);

/** Returned by parseNumber for a cell that is text, not a number. */
export const NOT_A_NUMBER = Infinity;

function latin1(b: Uint8Array, s: number, e: number): string {
  let out = '';
  for (let i = s; i < e; i++) out += String.fromCharCode(b[i]);
  return out;
}

/**
 * Parses a decimal number from UTF-8 bytes (surrounding blanks allowed). Returns
 * the number; NaN for an empty cell, a missing-value token (`nan`, `NA`, `inf`,
 * ...) or a value that is not finite; NOT_A_NUMBER (Infinity) for text.
 */
export function parseNumber(b: Uint8Array, s: number, e: number): number {
  while (s < e && (b[s] === 32 || b[s] === 9)) s++;
  while (e > s && (b[e - 1] === 32 || b[e - 1] === 9)) e--;
  if (s === e) return NaN;
  let i = s;
  let neg = false;
  let c = b[i];
  if (c === 45) {
    neg = true;
    i++;
  } else if (c === 43) i++;
  let mant = 0;
  let nd = 0;
  let exp = 0;
  let digits = false;
  let slow = false;
  while (i < e) {
    const d = b[i] - 48;
    if (d < 0 || d > 9) break;
    digits = true;
    if (nd < 15) {
      mant = mant * 10 + d;
      if (mant !== 0) nd++;
    } else slow = true;
    i++;
  }
  if (i < e && b[i] === 46) {
    i++;
    while (i < e) {
      const d = b[i] - 48;
      if (d < 0 || d > 9) break;
      digits = true;
      if (nd < 15) {
        mant = mant * 10 + d;
        if (mant !== 0) nd++;
        exp--;
      } else if (d !== 0) slow = true;
      i++;
    }
  }
  if (!digits) return token(b, s, e);
  if (i < e && (b[i] === 101 || b[i] === 69)) {
    i++;
    let eneg = false;
    if (i < e && (b[i] === 45 || b[i] === 43)) {
      eneg = b[i] === 45;
      i++;
    }
    let ev = 0;
    let ed = false;
    while (i < e) {
      const d = b[i] - 48;
      if (d < 0 || d > 9) break;
      ed = true;
      if (ev < 100000) ev = ev * 10 + d;
      i++;
    }
    if (!ed) return NOT_A_NUMBER;
    exp += eneg ? -ev : ev;
  }
  if (i !== e) return NOT_A_NUMBER;
  let v: number;
  if (!slow && (mant === 0 || exp === 0)) v = mant;
  else if (!slow && exp > 0 && exp <= 22) v = mant * POW10[exp];
  else if (!slow && exp < 0 && exp >= -22) v = mant / POW10[-exp];
  else {
    v = Number(latin1(b, s, e)); // the sign is in the text
    return Number.isFinite(v) ? v : NaN;
  }
  if (neg) v = -v;
  return Number.isFinite(v) ? v : NaN;
}

function token(b: Uint8Array, s: number, e: number): number {
  if (e - s > 9) return NOT_A_NUMBER;
  return MISSING_TOKENS.has(latin1(b, s, e).toLowerCase()) ? NaN : NOT_A_NUMBER;
}

// ---------------------------------------------------------------------------
// Tokenizer.

/** Splits CSV bytes into fields; the value of the last field read is vbuf[vs, ve). */
class Tokenizer {
  pos: number;
  line = 1;
  vbuf: Uint8Array;
  vs = 0;
  ve = 0;
  private scratch = new Uint8Array(256);

  constructor(
    readonly buf: Uint8Array,
    readonly name: string,
    start: number,
  ) {
    this.pos = start;
    this.vbuf = buf;
  }

  fail(line: number, what: string): never {
    throw new SweepError(`${this.name} line ${line}: ${what}`);
  }

  /**
   * Reads one field at `pos`. Returns true when it ends its record (newline or
   * end of input), false when a comma follows.
   */
  field(): boolean {
    const buf = this.buf;
    const len = buf.length;
    let p = this.pos;
    if (p < len && buf[p] === QUOTE) return this.quoted();
    const s = p;
    while (p < len) {
      const c = buf[p];
      if (c === COMMA || c === LF || c === CR) break;
      p++;
    }
    this.vbuf = buf;
    this.vs = s;
    this.ve = p;
    return this.end(p);
  }

  /** Moves past the separator at p; true at the end of a record. */
  private end(p: number): boolean {
    const buf = this.buf;
    if (p >= buf.length) {
      this.pos = p;
      return true;
    }
    const c = buf[p];
    if (c === COMMA) {
      this.pos = p + 1;
      return false;
    }
    this.pos = c === CR && buf[p + 1] === LF ? p + 2 : p + 1;
    this.line++;
    return true;
  }

  /** Set by plainNumber: the field ended its record. */
  last = false;

  /**
   * Reads a field of the form -?digits(.digits)? with at most 15 digits (exact
   * in a double) and returns it as a float32, setting `last`; returns
   * NOT_A_NUMBER, reading nothing, for any other field.
   */
  plainNumber(): number {
    const buf = this.buf;
    let p = this.pos;
    let c = buf[p];
    let neg = false;
    if (c === 45) {
      neg = true;
      c = buf[++p];
    }
    let mant = 0;
    let nd = 0;
    while (c >= 48 && c <= 57) {
      mant = mant * 10 + (c - 48);
      nd++;
      c = buf[++p];
    }
    let frac = 0;
    if (c === 46) {
      c = buf[++p];
      while (c >= 48 && c <= 57) {
        mant = mant * 10 + (c - 48);
        nd++;
        frac++;
        c = buf[++p];
      }
    }
    if (nd === 0 || nd > 15 || !(c === COMMA || c === LF || c === CR || p >= buf.length)) return NOT_A_NUMBER;
    let v = frac === 0 ? mant : mant / POW10[frac];
    if (neg) v = -v;
    this.last = this.end(p);
    return Math.fround(v);
  }

  private quoted(): boolean {
    const buf = this.buf;
    const len = buf.length;
    const startLine = this.line;
    const s = this.pos + 1;
    let q = buf.indexOf(QUOTE, s);
    if (q < 0) this.fail(startLine, 'a quoted field is never closed: add the closing quote (a quote inside a field is written "")');
    this.countLines(s, q);
    let out: Uint8Array = buf;
    let vs = s;
    let ve = q;
    if (buf[q + 1] === QUOTE) {
      // Escaped quotes: copy the value, unescaped, into scratch.
      let n = 0;
      let from = s;
      for (;;) {
        const piece = q + 1 - from; // up to and including one quote
        n = this.ensure(n + piece, n);
        this.scratch.set(buf.subarray(from, q + 1), n);
        n += piece;
        from = q + 2;
        q = buf.indexOf(QUOTE, from);
        if (q < 0) this.fail(startLine, 'a quoted field is never closed: add the closing quote (a quote inside a field is written "")');
        this.countLines(from, q);
        if (buf[q + 1] !== QUOTE) break;
      }
      const piece = q - from;
      this.ensure(n + piece, n);
      this.scratch.set(buf.subarray(from, q), n);
      n += piece;
      out = this.scratch;
      vs = 0;
      ve = n;
    }
    this.vbuf = out;
    this.vs = vs;
    this.ve = ve;
    const p = q + 1;
    if (p >= len) {
      this.pos = p;
      return true;
    }
    const c = buf[p];
    if (c === COMMA) {
      this.pos = p + 1;
      return false;
    }
    if (c === LF || c === CR) {
      this.pos = c === CR && buf[p + 1] === LF ? p + 2 : p + 1;
      this.line++;
      return true;
    }
    return this.fail(this.line, 'text after a closing quote: quote the whole field, and write a quote inside it as ""');
  }

  private ensure(size: number, keep: number): number {
    if (size > this.scratch.length) {
      const b = new Uint8Array(Math.max(size, this.scratch.length * 2));
      b.set(this.scratch.subarray(0, keep));
      this.scratch = b;
    }
    return keep;
  }

  private countLines(s: number, e: number): void {
    const buf = this.buf;
    for (let i = s; i < e; i++) {
      const c = buf[i];
      if (c === LF || (c === CR && buf[i + 1] !== LF)) this.line++;
    }
  }

  /** Skips a blank line at `pos`, if there is one. */
  skipBlank(): boolean {
    const buf = this.buf;
    const c = buf[this.pos];
    if (c === LF) {
      this.pos++;
      this.line++;
      return true;
    }
    if (c === CR) {
      this.pos += buf[this.pos + 1] === LF ? 2 : 1;
      this.line++;
      return true;
    }
    return false;
  }
}

// ---------------------------------------------------------------------------
// Reading.

const NUM = 0;
const TEXT = 1;
const SKIP = 2;

function toBytes(text: string | Uint8Array): Uint8Array {
  return typeof text === 'string' ? new TextEncoder().encode(text) : text;
}

/** Upper bound on data rows: the lines from `start` (just after the header). */
function countRows(buf: Uint8Array, start: number): number {
  let n = 0;
  for (let i = buf.indexOf(LF, start); i >= 0; i = buf.indexOf(LF, i + 1)) n++;
  if (n === 0) for (let i = buf.indexOf(CR, start); i >= 0; i = buf.indexOf(CR, i + 1)) n++;
  const last = buf[buf.length - 1];
  return n + (buf.length > start && last !== LF && last !== CR ? 1 : 0);
}

function growF32(a: Float32Array, n: number): Float32Array {
  const b = allocF32(n);
  b.set(a.subarray(0, Math.min(a.length, n)));
  return b;
}

function growU8(a: Uint8Array, n: number): Uint8Array {
  const b = allocU8(n);
  b.set(a.subarray(0, Math.min(a.length, n)));
  return b;
}

/**
 * Parses CSV text (a string or UTF-8 bytes) into a Sweep. `name` names the
 * input in messages (`data.csv line 17: ...`). Throws SweepError on bad input.
 */
export function parseCsv(
  text: string | Uint8Array,
  name: string,
  options: LoadOptions = {},
  onProgress?: (fraction: number) => void,
): Sweep {
  const buf = toBytes(text);
  const len = buf.length;
  let start = 0;
  if (len >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) start = 3; // BOM
  while (start < len && (buf[start] === LF || buf[start] === CR)) start++;
  if (start >= len) throw new SweepError(`${name} is empty: expected a header line with column names, then one row per training`);

  // Header.
  const tok = new Tokenizer(buf, name, start);
  const dec = new TextDecoder();
  const names: string[] = [];
  for (;;) {
    const last = tok.field();
    names.push(dec.decode(tok.vbuf.subarray(tok.vs, tok.ve)).trim());
    if (last) break;
  }
  const ncols = names.length;
  const firstSeen = new Map<string, number>();
  names.forEach((n, i) => {
    if (n === '') names[i] = n = `column${i + 1}`;
    const j = firstSeen.get(n);
    if (j !== undefined)
      throw new SweepError(`${name} line 1: column '${n}' appears twice (columns ${j + 1} and ${i + 1}): give every column a unique name`);
    firstSeen.set(n, i);
  });
  if (options.params) for (const p of options.params) if (!firstSeen.has(p)) throw unknown(name, 'parameter', p, names);
  if (options.metric !== undefined && !firstSeen.has(options.metric)) throw unknown(name, 'metric', options.metric, names);

  // Which columns may be dropped when they turn out to be text: with --params,
  // text columns other than the parameters (and a possible metric) are unused.
  const keepText = names.map(
    (n) => !options.params || options.params.includes(n) || n === options.metric || (options.metric === undefined && n === 'test_accuracy'),
  );

  const bodyStart = tok.pos;
  const bodyLine = tok.line;
  let capacity = countRows(buf, bodyStart);
  const kind = new Uint8Array(ncols); // NUM
  const nums: (Float32Array | null)[] = names.map(() => allocF32(capacity));
  const dicts: (TextDict | null)[] = names.map(() => null);
  const codes: (Uint8Array | null)[] = names.map(() => null);
  const flipRow = new Int32Array(ncols);

  let row = 0;
  const progressEvery = 1 << 16;
  while (tok.pos < len) {
    if (ncols > 1 && tok.skipBlank()) continue;
    const line = tok.line;
    if (row === capacity) {
      capacity = Math.max(16, capacity * 2);
      for (let c = 0; c < ncols; c++) {
        const a = nums[c];
        if (a) nums[c] = growF32(a, capacity);
        const k = codes[c];
        if (k) codes[c] = growU8(k, capacity);
      }
    }
    let col = 0;
    for (;;) {
      if (col < ncols && kind[col] === NUM) {
        // Plain decimals straight from the bytes; anything else below.
        const x = tok.plainNumber();
        if (x !== NOT_A_NUMBER) {
          (nums[col] as Float32Array)[row] = x;
          col++;
          if (tok.last) break;
          continue;
        }
      }
      const last = tok.field();
      if (col < ncols) {
        const k = kind[col];
        if (k === NUM) {
          const vs = tok.vs;
          const ve = tok.ve;
          const arr = nums[col] as Float32Array;
          if (vs === ve) arr[row] = NaN;
          else {
            const x = parseNumber(tok.vbuf, vs, ve);
            if (x === NOT_A_NUMBER) {
              // Text: from now on a text column (or unused).
              nums[col] = null;
              if (!keepText[col]) kind[col] = SKIP;
              else {
                kind[col] = TEXT;
                flipRow[col] = row;
                const d = new TextDict();
                dicts[col] = d;
                const cc = allocU8(capacity);
                codes[col] = cc;
                cc[row] = d.id(tok.vbuf, vs, ve);
              }
            } else {
              const f = Math.fround(x);
              arr[row] = f === Infinity || f === -Infinity ? NaN : f;
            }
          }
        } else if (k === TEXT) {
          const id = (dicts[col] as TextDict).id(tok.vbuf, tok.vs, tok.ve);
          const cc = codes[col];
          if (cc !== null) {
            if (id > 255) codes[col] = null;
            else cc[row] = id;
          }
        }
      }
      col++;
      if (last) break;
    }
    if (col !== ncols) tok.fail(line, `expected ${ncols} fields, found ${col}${col > ncols ? ' (a field with a comma must be quoted)' : ''}`);
    row++;
    if (onProgress && row % progressEvery === 0) onProgress(tok.pos / len);
  }
  const rows = row;

  // Rows before a numeric column met text: read them again, as text.
  const rescan = names.map((_, c) => kind[c] === TEXT && flipRow[c] > 0);
  let rescanRows = 0;
  for (let c = 0; c < ncols; c++) if (rescan[c]) rescanRows = Math.max(rescanRows, flipRow[c]);
  if (rescanRows > 0) {
    scan(buf, name, bodyStart, bodyLine, ncols, (col, r, vb, vs, ve) => {
      if (rescan[col] && r < flipRow[col]) {
        const id = (dicts[col] as TextDict).id(vb, vs, ve);
        const cc = codes[col];
        if (cc !== null) {
          if (id > 255) codes[col] = null;
          else cc[r] = id;
        }
      }
      return r + 1 < rescanRows;
    });
  }

  const exact = <T extends Float32Array | Uint8Array>(a: T, alloc: (n: number) => T): T => {
    if (a.length === rows) return a;
    const b = alloc(rows);
    b.set(a.subarray(0, rows));
    return b;
  };
  const cols: RawColumn[] = [];
  for (let c = 0; c < ncols; c++) {
    const colName = names[c];
    if (kind[c] === NUM) cols.push({ kind: 'numeric', name: colName, values: exact(nums[c] as Float32Array, allocF32) });
    else if (kind[c] === TEXT) {
      const cc = codes[c];
      const numbers = (): Float32Array => {
        const out = allocF32(rows);
        out.fill(NaN);
        scan(buf, name, bodyStart, bodyLine, ncols, (col, r, vb, vs, ve) => {
          if (col === c) {
            const x = parseNumber(vb, vs, ve);
            out[r] = x === NOT_A_NUMBER ? NaN : Math.fround(x);
          }
          return true;
        });
        for (let i = 0; i < rows; i++) if (!Number.isFinite(out[i])) out[i] = NaN;
        return out;
      };
      cols.push(finishText(colName, dicts[c] as TextDict, cc === null ? null : exact(cc, allocU8), rows, numbers));
    } else cols.push({ kind: 'other', name: colName, type: 'text' });
  }
  const sweep = buildSweep(cols, rows, name, options);
  onProgress?.(1);
  return sweep;
}

function unknown(name: string, what: string, col: string, names: readonly string[]): SweepError {
  return new SweepError(`${name}: unknown ${what} '${col}' (columns: ${names.join(', ')})`);
}

/**
 * Reads the body again, calling `onField` for every field of every row; stops
 * early when `onField` returns false.
 */
function scan(
  buf: Uint8Array,
  name: string,
  bodyStart: number,
  bodyLine: number,
  ncols: number,
  onField: (col: number, row: number, vbuf: Uint8Array, vs: number, ve: number) => boolean,
): void {
  const tok = new Tokenizer(buf, name, bodyStart);
  tok.line = bodyLine;
  let row = 0;
  while (tok.pos < buf.length) {
    if (ncols > 1 && tok.skipBlank()) continue;
    let col = 0;
    let more = true;
    for (;;) {
      const last = tok.field();
      if (col < ncols && !onField(col, row, tok.vbuf, tok.vs, tok.ve)) more = false;
      col++;
      if (last) break;
    }
    row++;
    if (!more) return;
  }
}

// ---------------------------------------------------------------------------
// Writing.

/** Most bytes writeFloat32 writes (`-1.23456789e-38` is 15). */
const MAX_FLOAT_BYTES = 16;

const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

/** A field as written in CSV: quoted when it holds a comma, quote, newline or edge blanks. */
export function csvField(s: string): string {
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * The sweep as UTF-8 CSV, in chunks of `chunkRows` rows (the first chunk is
 * the header line). Categorical parameters are written as labels (`(missing)`
 * as an empty cell), numeric parameters and metrics as the shortest decimals
 * that read back to the same float32, NaN as an empty cell.
 */
export function* writeCsvBytes(
  sweep: Sweep,
  chunkRows = 65536,
  onProgress?: (fraction: number) => void,
): Generator<Uint8Array> {
  const { rows, params, metrics } = sweep;
  const enc = new TextEncoder();
  const names = [...params.map((p) => p.name), ...metrics.map((m) => m.name)];
  yield enc.encode(names.map(csvField).join(',') + '\n');
  if (names.length === 0) return;
  // Per column: either label bytes by code, or float values.
  const labelBytes: (Uint8Array[] | null)[] = [];
  const codes: (Uint8Array | null)[] = [];
  const floats: (Float32Array | null)[] = [];
  const caches: (Map<number, Uint8Array> | null)[] = [];
  let rowBytes = names.length; // separators and newline
  for (const p of params) {
    if (p.kind === 'numeric' && p.values) {
      labelBytes.push(null);
      codes.push(null);
      floats.push(p.values);
      caches.push(new Map()); // parameters repeat a few values
      rowBytes += MAX_FLOAT_BYTES;
    } else {
      const bytes = p.labels.map((l) => enc.encode(l === MISSING_LABEL ? '' : csvField(l)));
      labelBytes.push(bytes);
      codes.push(p.codes);
      floats.push(null);
      caches.push(null);
      rowBytes += Math.max(0, ...bytes.map((b) => b.length));
    }
  }
  for (const m of metrics) {
    labelBytes.push(null);
    codes.push(null);
    floats.push(m.values);
    caches.push(null);
    rowBytes += MAX_FLOAT_BYTES;
  }
  const ncols = names.length;
  const rowsPerChunk = Math.max(1, Math.min(chunkRows, Math.floor((64 << 20) / rowBytes)));
  for (let r0 = 0; r0 < rows; r0 += rowsPerChunk) {
    const r1 = Math.min(rows, r0 + rowsPerChunk);
    const out = new Uint8Array((r1 - r0) * rowBytes);
    let pos = 0;
    for (let i = r0; i < r1; i++) {
      for (let c = 0; c < ncols; c++) {
        if (c > 0) out[pos++] = COMMA;
        const f = floats[c];
        let b: Uint8Array | undefined;
        if (f !== null) {
          const x = f[i];
          const cache = caches[c];
          if (cache === null || x === 0) {
            pos = writeFloat32(out, pos, x); // (a cache would not tell -0 from 0)
            continue;
          }
          b = cache.get(x);
          if (b === undefined) {
            const start = pos;
            pos = writeFloat32(out, pos, x);
            if (cache.size < 1024) cache.set(x, out.slice(start, pos));
            continue;
          }
        } else b = (labelBytes[c] as Uint8Array[])[(codes[c] as Uint8Array)[i]];
        const n = b.length;
        if (n < 32) for (let j = 0; j < n; j++) out[pos++] = b[j];
        else {
          out.set(b, pos);
          pos += n;
        }
      }
      out[pos++] = LF;
    }
    yield out.subarray(0, pos);
    onProgress?.(r1 / rows);
  }
}

/** The sweep as CSV text, in chunks of about `chunkRows` rows (the first is the header); see writeCsvBytes. */
export function* writeCsvChunks(sweep: Sweep, chunkRows = 65536): Generator<string> {
  const dec = new TextDecoder();
  for (const chunk of writeCsvBytes(sweep, chunkRows)) yield dec.decode(chunk);
}

/** The whole sweep as one CSV string (for small sweeps; use writeCsvChunks for big ones). */
export function writeCsv(sweep: Sweep): string {
  let out = '';
  for (const chunk of writeCsvChunks(sweep)) out += chunk;
  return out;
}
