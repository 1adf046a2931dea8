/**
 * Reading and writing sweeps as CSV (RFC 4180: quoted fields, "" escapes, CRLF
 * or LF line ends, trailing newline optional).
 *
 * The reader works on UTF-8 bytes in one pass: numeric cells are parsed from
 * bytes straight into Float32 columns, text cells are interned per column by
 * their bytes (one string per distinct value, never one per cell). A numeric
 * column that meets text part-way is re-read for the rows before.
 *
 * What real files bring, and what the reader does (`readCsvColumns`):
 * - the delimiter is sniffed from the header and the first lines (`,` `;` tab
 *   `|`: the one that gives the same field count, > 1, on most lines; comma
 *   first on ties); the writer always writes commas;
 * - blank lines and `#` comment lines before the header are skipped;
 * - UTF-8 with or without a byte-order mark, UTF-16 (see `text.ts`); invalid
 *   UTF-8 in text cells is shown as U+FFFD and counted in a note; a NUL byte
 *   or a known binary signature is refused;
 * - numbers keep their spelling (`NumericColumn.written`) while a column has
 *   at most MAX_PARAM_BINS distinct values; digit strings with leading zeros
 *   (`007`) are text;
 * - repairs, each in a note: duplicate column names renamed (`a_1`), empty
 *   names called `column2`, short rows padded with missing values, an
 *   unnamed last column without values left out; a row with too many fields
 *   is an error (a quoting mistake);
 * - limits, checked before anything is allocated per column: at most
 *   MAX_COLUMNS columns, fields of at most MAX_FIELD_BYTES.
 *
 * Browser-safe: no Node modules (see `load.ts` for files).
 */

import { MAX_PARAM_BINS, MISSING_LABEL } from '../model/binning.js';
import { SweepError, allocF32, allocU8, type Sweep } from '../model/sweep.js';
import { TextDict, buildSweep, finishText, writeFloat32, type LoadOptions, type RawColumn, type TextColumn } from './table.js';
import { invalidUtf8, utf8Text } from './text.js';

export { formatFloat32 } from './table.js';

export type { LoadOptions } from './table.js';

const COMMA = 44;
const QUOTE = 34;
const LF = 10;
const CR = 13;
const TAB = 9;
const SPACE = 32;
const SEMICOLON = 59;
const PIPE = 124;
const HASH = 35;

/** Most columns a file may have. */
export const MAX_COLUMNS = 4096;
/** Longest field, in bytes (a longer one means the file is not what it seems). */
export const MAX_FIELD_BYTES = 1 << 20;

/** Delimiters the reader recognizes, in order of preference on ties. */
export const DELIMITERS = [COMMA, TAB, SEMICOLON, PIPE] as const;
export const DELIMITER_NAMES: Readonly<Record<number, string>> = { [COMMA]: 'comma', [TAB]: 'tab', [SEMICOLON]: 'semicolon', [PIPE]: '|' };
/** Lines after the header, and bytes, that the delimiter is sniffed from. */
export const SAMPLE_LINES = 20;
export const SAMPLE_BYTES = 4 << 20;

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

export function latin1(b: Uint8Array, s: number, e: number): string {
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

/**
 * A digit string with a leading zero (`007`, `-01`, `00.5`; not `0`, `0.5`,
 * `0e0`): an identifier whose zeros matter, read as text in CSV columns.
 */
export function leadingZero(b: Uint8Array, s: number, e: number): boolean {
  while (s < e && (b[s] === SPACE || b[s] === TAB)) s++;
  if (s < e && (b[s] === 45 || b[s] === 43)) s++;
  return e - s >= 2 && b[s] === 48 && b[s + 1] >= 48 && b[s + 1] <= 57;
}

/** b[s, e) without surrounding blanks, as [TRIM_S, TRIM_E). */
let TRIM_S = 0;
let TRIM_E = 0;
function trim(b: Uint8Array, s: number, e: number): void {
  while (s < e && (b[s] === SPACE || b[s] === TAB)) s++;
  while (e > s && (b[e - 1] === SPACE || b[e - 1] === TAB)) e--;
  TRIM_S = s;
  TRIM_E = e;
}

// ---------------------------------------------------------------------------
// Tokenizer.

/** Splits CSV bytes into fields; the value of the last field read is vbuf[vs, ve). */
export class Tokenizer {
  pos: number;
  line = 1;
  vbuf: Uint8Array;
  vs = 0;
  ve = 0;
  /** The bytes of the number plainNumber read: buf[ns, ne). */
  ns = 0;
  ne = 0;
  /** The column of the field being read, for messages (set by the caller before `field`). */
  col = 0;
  /** Set by plainNumber: the field ended its record. */
  last = false;
  private scratch = new Uint8Array(256);

  constructor(
    readonly buf: Uint8Array,
    readonly name: string,
    readonly delim: number,
    /** Column names for messages; null while reading the header. */
    readonly names: readonly string[] | null,
    start: number,
  ) {
    this.pos = start;
    this.vbuf = buf;
  }

  fail(line: number, what: string): never {
    throw new SweepError(`${this.name} line ${line}: ${what}`);
  }

  /** The column being read, for messages: `column 'lr'` (or `column 3` in the header). */
  where(): string {
    const names = this.names;
    return names !== null && this.col < names.length ? `column '${names[this.col]}'` : `column ${this.col + 1}`;
  }

  /**
   * Reads one field at `pos`. Returns true when it ends its record (newline or
   * end of input), false when a delimiter follows.
   */
  field(): boolean {
    const buf = this.buf;
    const len = buf.length;
    const delim = this.delim;
    let p = this.pos;
    if (p < len && buf[p] === QUOTE) return this.quoted();
    const s = p;
    while (p < len) {
      const c = buf[p];
      if (c === delim || c === LF || c === CR) break;
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
    if (c === this.delim) {
      this.pos = p + 1;
      return false;
    }
    this.pos = c === CR && buf[p + 1] === LF ? p + 2 : p + 1;
    this.line++;
    return true;
  }

  /**
   * Reads a field of the form -?digits(.digits)? with at most 15 digits (exact
   * in a double) and no leading zero before a digit, and returns it as a
   * float32, setting `last`, `ns` and `ne`; returns NOT_A_NUMBER, reading
   * nothing, for any other field.
   */
  plainNumber(): number {
    const buf = this.buf;
    const delim = this.delim;
    const s = this.pos;
    let p = s;
    let c = buf[p];
    let neg = false;
    if (c === 45) {
      neg = true;
      c = buf[++p];
    }
    if (c === 48) {
      const n = buf[p + 1];
      if (n >= 48 && n <= 57) return NOT_A_NUMBER; // 007: text
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
    if (nd === 0 || nd > 15 || !(c === delim || c === LF || c === CR || p >= buf.length)) return NOT_A_NUMBER;
    let v = frac === 0 ? mant : mant / POW10[frac];
    if (neg) v = -v;
    this.ns = s;
    this.ne = p;
    this.last = this.end(p);
    return Math.fround(v);
  }

  private unclosed(line: number): never {
    return this.fail(line, `a quoted field in ${this.where()} is never closed: add the closing quote (a quote inside a field is written "")`);
  }

  private quoted(): boolean {
    const buf = this.buf;
    const len = buf.length;
    const startLine = this.line;
    const s = this.pos + 1;
    let q = buf.indexOf(QUOTE, s);
    if (q < 0) this.unclosed(startLine);
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
        if (q < 0) this.unclosed(startLine);
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
    if (c === this.delim) {
      this.pos = p + 1;
      return false;
    }
    if (c === LF || c === CR) {
      this.pos = c === CR && buf[p + 1] === LF ? p + 2 : p + 1;
      this.line++;
      return true;
    }
    return this.fail(this.line, `text after a closing quote in ${this.where()}: quote the whole field, and write a quote inside it as ""`);
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

  /** Skips a blank line (empty, or only spaces) at `pos`, if there is one. */
  skipBlank(): boolean {
    const buf = this.buf;
    let p = this.pos;
    let c = buf[p];
    if (c === SPACE || (c === TAB && this.delim !== TAB)) {
      do c = buf[++p];
      while (c === SPACE || (c === TAB && this.delim !== TAB));
      if (p >= buf.length) {
        this.pos = p;
        return true;
      }
    }
    if (c === LF) {
      this.pos = p + 1;
      this.line++;
      return true;
    }
    if (c === CR) {
      this.pos = buf[p + 1] === LF ? p + 2 : p + 1;
      this.line++;
      return true;
    }
    return false;
  }

  /** Refuses a field longer than MAX_FIELD_BYTES (the last one read). */
  checkLength(): void {
    const n = this.ve - this.vs;
    if (n > MAX_FIELD_BYTES)
      this.fail(
        this.line,
        `a field of ${(n / 2 ** 20).toFixed(1)} MiB in ${this.where()}; sweepscope reads fields of at most ${MAX_FIELD_BYTES / 2 ** 20} MiB (is this a CSV file, with its quotes closed?)`,
      );
  }
}

// ---------------------------------------------------------------------------
// Before the body: the header line, the delimiter, the column names.

/** Where the header starts: past blank lines and `#` comment lines. */
export function findHeader(buf: Uint8Array, start: number, name: string): { pos: number; line: number } {
  const len = buf.length;
  const expect = 'expected a header line with column names, then one row per training';
  if (start >= len) throw new SweepError(`${name} is empty: ${expect}`);
  let p = start;
  let line = 1;
  let comments = 0;
  for (;;) {
    let q = p;
    while (q < len && (buf[q] === SPACE || buf[q] === TAB)) q++;
    if (q < len && buf[q] === HASH) {
      comments++;
      while (q < len && buf[q] !== LF && buf[q] !== CR) q++;
    } else if (q < len && buf[q] !== LF && buf[q] !== CR) return { pos: p, line };
    if (q >= len) break;
    p = buf[q] === CR && buf[q + 1] === LF ? q + 2 : q + 1;
    line++;
    if (p >= len) break;
  }
  throw new SweepError(
    comments > 0 ? `${name} has only comment lines (#): ${expect}` : `${name} is empty (only blank lines): ${expect}`,
  );
}

/** Set by sniffRecord: where the next record starts. */
export let REC_END = 0;

/**
 * The fields in the record at p, with `delim` (quotes as the tokenizer reads
 * them), stopping at `stop`; -1 when the record runs past `stop` before the end
 * of the input. Allocates nothing.
 */
export function sniffRecord(buf: Uint8Array, p: number, stop: number, delim: number): number {
  let n = 1;
  let atStart = true;
  let inQuotes = false;
  while (p < stop) {
    const c = buf[p];
    if (inQuotes) {
      if (c === QUOTE) {
        if (buf[p + 1] === QUOTE) p++;
        else inQuotes = false;
      }
      p++;
      continue;
    }
    if (c === delim) {
      n++;
      atStart = true;
      p++;
      continue;
    }
    if (c === LF || c === CR) {
      REC_END = c === CR && buf[p + 1] === LF ? p + 2 : p + 1;
      return n;
    }
    if (c === QUOTE && atStart) inQuotes = true;
    atStart = false;
    p++;
  }
  REC_END = p;
  return p >= buf.length ? n : -1;
}

/**
 * The delimiter: of `,` tab `;` `|`, one whose header has more than one field
 * and which gives that many fields on the most of the first SAMPLE_LINES lines
 * (then the most fields, then the order above). Also the header's field count
 * with it, found without allocating (a header of a million commas is refused
 * before anything is made per column).
 */
export function sniff(buf: Uint8Array, start: number): { delim: number; fields: number } {
  const len = buf.length;
  let best = COMMA;
  let bestFields = 0;
  let bestScore = -1;
  let commaFields = 1;
  for (const d of DELIMITERS) {
    const h = sniffRecord(buf, start, len, d);
    if (d === COMMA) commaFields = h;
    if (h <= 1) continue;
    let p = REC_END;
    const stop = Math.min(len, p + SAMPLE_BYTES);
    let score = 0;
    let lines = 0;
    while (p < stop && lines < SAMPLE_LINES) {
      const c = buf[p];
      if (c === LF || c === CR) {
        p += c === CR && buf[p + 1] === LF ? 2 : 1;
        continue;
      }
      const n = sniffRecord(buf, p, stop, d);
      if (n < 0) break;
      p = REC_END;
      lines++;
      if (n === h) score++;
    }
    if (score > bestScore || (score === bestScore && h > bestFields)) {
      best = d;
      bestFields = h;
      bestScore = score;
    }
  }
  return bestScore < 0 ? { delim: COMMA, fields: commaFields } : { delim: best, fields: bestFields };
}

/** Up to `max` items, then `…`. */
function some(items: readonly (string | number)[], max = 5): string {
  return items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')}, …`;
}

/** Column names: empty ones called `column<i>` (i from 0, as DuckDB's read_csv names them), duplicates renamed `a_1`, `a_2`; `empty` gets the indices of empty ones. */
export function uniqueNames(raw: readonly string[], empty: number[], notes: string[]): string[] {
  const taken = new Set<string>(raw);
  const seen = new Set<string>();
  const names: string[] = [];
  const renamed: string[] = [];
  raw.forEach((r, i) => {
    let n = r;
    if (n === '') {
      n = `column${i}`;
      empty.push(i);
    }
    if (seen.has(n)) {
      let k = 1;
      while (taken.has(`${n}_${k}`) || seen.has(`${n}_${k}`)) k++;
      const m = `${n}_${k}`;
      renamed.push(`duplicate column name '${n}' renamed ${m}`);
      n = m;
    }
    seen.add(n);
    names.push(n);
  });
  if (renamed.length > 5) notes.push(...renamed.slice(0, 4), `${renamed.length - 4} more duplicate column names renamed with _1, _2, …`);
  else notes.push(...renamed);
  return names;
}

export function emptyNameNote(names: readonly string[], empty: readonly number[]): string {
  if (empty.length === 1) return `column ${empty[0] + 1} has no name: called it ${names[empty[0]]}`;
  return `${empty.length} columns have no name: called them ${some(empty.map((i) => names[i]))}`;
}

// ---------------------------------------------------------------------------
// Reading.

const NUM = 0;
const TEXT = 1;
const SKIP = 2;

const EMPTY = new Uint8Array(0);

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

/** The columns of a CSV file, before role inference; `notes` says what was repaired. */
export interface CsvColumns {
  columns: RawColumn[];
  rows: number;
  notes: string[];
}

/**
 * Reads CSV bytes into raw columns (see the top of this file for what it
 * accepts and repairs). `name` names the input in messages (`data.csv line
 * 17: ...`). With `options.params` (and `metric`), names not in the header are
 * refused before the body is read, and text columns that are neither are left
 * out as `other` columns. `onProgress` gets the fraction of the file read,
 * ending with 1. Throws SweepError on bad input.
 */
export function readCsvColumns(
  bytes: Uint8Array,
  name: string,
  options: LoadOptions = {},
  onProgress?: (fraction: number) => void,
): CsvColumns {
  const notes: string[] = [];
  const { bytes: buf, start } = utf8Text(bytes, name, notes);
  const len = buf.length;
  const head = findHeader(buf, start, name);
  const { delim, fields } = sniff(buf, head.pos);
  if (fields > MAX_COLUMNS) throw new SweepError(`${name}: the header has ${fields} columns; sweepscope reads at most ${MAX_COLUMNS}`);

  // Invalid UTF-8 in text that becomes strings (names, text cells).
  let badSeqs = 0;
  let badValues = 0;
  let badLine = 0;
  let badWhere = '';
  const checkUtf8 = (vb: Uint8Array, vs: number, ve: number, line: number, where: () => string): void => {
    const n = invalidUtf8(vb, vs, ve);
    if (n === 0) return;
    if (badValues === 0) {
      badLine = line;
      badWhere = where();
    }
    badSeqs += n;
    badValues++;
  };

  // Header.
  const htok = new Tokenizer(buf, name, delim, null, head.pos);
  htok.line = head.line;
  const dec = new TextDecoder();
  const raw: string[] = [];
  for (;;) {
    htok.col = raw.length;
    const last = htok.field();
    htok.checkLength();
    checkUtf8(htok.vbuf, htok.vs, htok.ve, head.line, () => `the name of column ${raw.length + 1}`);
    raw.push(dec.decode(htok.vbuf.subarray(htok.vs, htok.ve)).trim());
    if (last) break;
    if (raw.length >= MAX_COLUMNS) throw new SweepError(`${name}: the header has more than ${MAX_COLUMNS} columns; sweepscope reads at most ${MAX_COLUMNS}`);
  }
  const emptyNames: number[] = [];
  const names = uniqueNames(raw, emptyNames, notes);
  const ncols = names.length;
  const known = new Set(names);
  if (options.params) for (const p of options.params) if (!known.has(p)) throw unknown(name, 'parameter', p, names);
  if (options.metric !== undefined && !known.has(options.metric)) throw unknown(name, 'metric', options.metric, names);

  // Which columns may be dropped when they turn out to be text: with --params,
  // text columns other than the parameters (and a possible metric) are unused.
  const keepText = names.map(
    (n) => !options.params || options.params.includes(n) || n === options.metric || (options.metric === undefined && n === 'test_accuracy'),
  );

  const tok = new Tokenizer(buf, name, delim, names, htok.pos);
  tok.line = htok.line;
  const bodyStart = tok.pos;
  const bodyLine = tok.line;
  // A full row has at least ncols bytes (delimiters and newline): rows beyond
  // that bound are short ones, and the columns grow for them.
  let capacity = Math.min(countRows(buf, bodyStart), Math.floor((len - bodyStart) / ncols) + 1);
  const kind = new Uint8Array(ncols); // NUM
  const nums: (Float32Array | null)[] = names.map(() => allocF32(capacity));
  const dicts: (TextDict | null)[] = names.map(() => null);
  const dictSeen = new Int32Array(ncols); // values already checked for invalid UTF-8
  const codes: (Uint8Array | null)[] = names.map(() => null);
  const flipRow = new Int32Array(ncols);
  // Where every CHECKPOINT-th row starts, to find numbers' spellings afterwards.
  const cpPos: number[] = [];
  const cpLine: number[] = [];
  const textCell = (col: number, row: number, line: number, vb: Uint8Array, vs: number, ve: number): void => {
    const id = (dicts[col] as TextDict).id(vb, vs, ve);
    if (id >= dictSeen[col]) {
      dictSeen[col] = id + 1;
      checkUtf8(vb, vs, ve, line, () => `column '${names[col]}'`);
    }
    const cc = codes[col];
    if (cc !== null) {
      if (id > 255) codes[col] = null;
      else cc[row] = id;
    }
  };

  let shortRows = 0;
  const shortLines: number[] = [];
  let row = 0;
  const progressEvery = 1 << 16;
  while (tok.pos < len) {
    if (ncols > 1 && tok.skipBlank()) continue;
    const line = tok.line;
    if ((row & (CHECKPOINT - 1)) === 0) {
      cpPos.push(tok.pos);
      cpLine.push(line);
    }
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
      tok.col = col;
      const last = tok.field();
      if (col < ncols) {
        tok.checkLength();
        const k = kind[col];
        if (k === NUM) {
          const vs = tok.vs;
          const ve = tok.ve;
          const vb = tok.vbuf;
          const arr = nums[col] as Float32Array;
          if (vs === ve) arr[row] = NaN;
          else {
            const x = leadingZero(vb, vs, ve) ? NOT_A_NUMBER : parseNumber(vb, vs, ve);
            if (x === NOT_A_NUMBER) {
              // Text: from now on a text column (or unused).
              nums[col] = null;
              if (!keepText[col]) kind[col] = SKIP;
              else {
                kind[col] = TEXT;
                flipRow[col] = row;
                dicts[col] = new TextDict();
                codes[col] = allocU8(capacity);
                textCell(col, row, line, vb, vs, ve);
              }
            } else {
              const f = Math.fround(x);
              arr[row] = f === Infinity || f === -Infinity ? NaN : f;
            }
          }
        } else if (k === TEXT) textCell(col, row, line, tok.vbuf, tok.vs, tok.ve);
      }
      col++;
      if (last) break;
    }
    if (col > ncols)
      tok.fail(line, `expected ${ncols} fields, found ${col} (a field with a ${DELIMITER_NAMES[delim]} must be quoted)`);
    if (col < ncols) {
      // A short row: the fields it lacks are missing values.
      if (shortRows < 5) shortLines.push(line);
      shortRows++;
      for (let c = col; c < ncols; c++) {
        const k = kind[c];
        if (k === NUM) (nums[c] as Float32Array)[row] = NaN;
        else if (k === TEXT) textCell(c, row, line, EMPTY, 0, 0);
      }
    }
    row++;
    if (onProgress && row % progressEvery === 0) onProgress(tok.pos / len);
  }
  const rows = row;
  if (rows === 0) throw new SweepError(`${name} has a header but no rows: no trainings to show`);

  // Rows before a numeric column met text: read them again, as text.
  const rescan = names.map((_, c) => kind[c] === TEXT && flipRow[c] > 0);
  let rescanRows = 0;
  for (let c = 0; c < ncols; c++) if (rescan[c]) rescanRows = Math.max(rescanRows, flipRow[c]);
  if (rescanRows > 0) {
    scan(buf, name, delim, bodyStart, bodyLine, ncols, (col, r, vb, vs, ve, line) => {
      if (rescan[col] && r < flipRow[col]) textCell(col, r, line, vb, vs, ve);
      return r + 1 < rescanRows;
    });
  }

  // An unnamed last column without values (every line ends with a delimiter): left out.
  let kept = ncols;
  const lastNums = nums[ncols - 1];
  if (ncols > 1 && raw[ncols - 1] === '' && kind[ncols - 1] === NUM && lastNums !== null) {
    let any = false;
    for (let i = 0; i < rows && !any; i++) if (lastNums[i] === lastNums[i]) any = true;
    if (!any) {
      kept = ncols - 1;
      emptyNames.pop();
      notes.push(`the last column has no name and no values: left out`);
    }
  }
  if (emptyNames.length > 0) notes.push(emptyNameNote(names, emptyNames));
  if (shortRows > 0)
    notes.push(
      `${shortRows} row${shortRows === 1 ? '' : 's'} had fewer fields than the header (line${shortRows === 1 ? '' : 's'} ${shortLines.join(', ')}${shortRows > shortLines.length ? ', …' : ''}) and ${shortRows === 1 ? 'was' : 'were'} padded with missing values`,
    );
  if (badSeqs > 0)
    notes.push(
      `${badSeqs} invalid UTF-8 sequence${badSeqs === 1 ? '' : 's'} replaced with \uFFFD (in ${badValues} distinct text value${badValues === 1 ? '' : 's'}; first on line ${badLine}, ${badWhere}): save the file as UTF-8`,
    );

  const exact = <T extends Float32Array | Uint8Array>(a: T, alloc: (n: number) => T): T => {
    if (a.length === rows) return a;
    const b = alloc(rows);
    b.set(a.subarray(0, rows));
    return b;
  };
  const numeric: number[] = [];
  for (let c = 0; c < kept; c++) if (kind[c] === NUM) numeric.push(c);
  const written = spellings(buf, name, delim, ncols, rows, numeric, nums as Float32Array[], cpPos, cpLine);
  const columns: RawColumn[] = [];
  for (let c = 0; c < kept; c++) {
    const colName = names[c];
    if (kind[c] === NUM) {
      columns.push({ kind: 'numeric', name: colName, values: exact(nums[c] as Float32Array, allocF32), written: written[c] ?? null });
    } else if (kind[c] === TEXT) {
      const cc = codes[c];
      const forEachCell = (onCell: (row: number, vb: Uint8Array, vs: number, ve: number) => void): void =>
        scan(buf, name, delim, bodyStart, bodyLine, ncols, (col, r, vb, vs, ve) => {
          if (col === c) onCell(r, vb, vs, ve);
          return true;
        });
      const numbers = (): Float32Array => {
        const out = allocF32(rows);
        out.fill(NaN);
        forEachCell((r, vb, vs, ve) => {
          const x = parseNumber(vb, vs, ve);
          out[r] = x === NOT_A_NUMBER ? NaN : Math.fround(x);
        });
        for (let i = 0; i < rows; i++) if (!Number.isFinite(out[i])) out[i] = NaN;
        return out;
      };
      const cells = (): string[] => {
        const d = new TextDict();
        const ids = new Int32Array(rows);
        forEachCell((r, vb, vs, ve) => (ids[r] = d.id(vb, vs, ve)));
        const keys = d.keys();
        const empty = d.missing(); // after keys(): may be new, and then no row has it
        const out = new Array<string>(rows);
        for (let i = 0; i < rows; i++) out[i] = ids[i] === empty ? '' : keys[ids[i]];
        return out;
      };
      const text: TextColumn = finishText(colName, dicts[c] as TextDict, cc === null ? null : exact(cc, allocU8), rows, numbers);
      columns.push({ ...text, cells });
    } else columns.push({ kind: 'other', name: colName, type: 'text' });
  }
  onProgress?.(1);
  return { columns, rows, notes };
}

/**
 * Parses CSV text (a string or bytes: UTF-8, or UTF-16 with a byte-order mark)
 * into a Sweep. `name` names the input in messages (`data.csv line 17: ...`);
 * what the reader repaired becomes `sweep.notes`. Throws SweepError on bad input.
 */
export function parseCsv(
  text: string | Uint8Array,
  name: string,
  options: LoadOptions = {},
  onProgress?: (fraction: number) => void,
): Sweep {
  const { columns, rows, notes } = readCsvColumns(toBytes(text), name, options, onProgress && ((f) => onProgress(0.9 * f)));
  const sweep = buildSweep(columns, rows, name, options, {}, notes);
  onProgress?.(1);
  return sweep;
}

export function unknown(name: string, what: string, col: string, names: readonly string[]): SweepError {
  return new SweepError(`${name}: unknown ${what} '${col}' (columns: ${names.join(', ')})`);
}

/** Rows between checkpoints (a power of two). */
const CHECKPOINT = 1024;

/**
 * How the numbers of the `numeric` columns were first written, for each column
 * with at most MAX_PARAM_BINS distinct values (by index; absent for the others). The
 * distinct values and the row of each one's first appearance come from the
 * float32 columns; the spellings from reading just those rows again, from the
 * checkpoint before each (every CHECKPOINT-th row's position and line).
 */
function spellings(
  buf: Uint8Array,
  name: string,
  delim: number,
  ncols: number,
  rows: number,
  numeric: readonly number[],
  nums: readonly Float32Array[],
  cpPos: readonly number[],
  cpLine: readonly number[],
): (Map<number, string> | undefined)[] {
  const out: (Map<number, string> | undefined)[] = [];
  // Requests: row * ncols + col → the value to spell.
  const wanted = new Map<number, number>();
  const table = new Int32Array(64);
  const keys = new Uint32Array(MAX_PARAM_BINS);
  for (const c of numeric) {
    const v = nums[c];
    const bits = new Uint32Array(v.buffer, v.byteOffset, rows);
    table.fill(-1);
    let n = 0;
    const firstRows: number[] = [];
    let ok = true;
    for (let r = 0; r < rows && ok; r++) {
      let b = bits[r];
      if ((b & 0x7f800000) === 0x7f800000) continue; // NaN: missing
      if (b === 0x80000000) b = 0; // -0 is 0
      let h = Math.imul(b, -1640531535) >>> 26;
      for (;;) {
        const k = table[h];
        if (k < 0) {
          if (n === MAX_PARAM_BINS) ok = false;
          else {
            keys[n] = b;
            table[h] = n++;
            firstRows.push(r);
          }
          break;
        }
        if (keys[k] === b) break;
        h = (h + 1) & 63;
      }
    }
    if (!ok) continue;
    out[c] = new Map();
    for (const r of firstRows) wanted.set(r * ncols + c, v[r] === 0 ? 0 : v[r]);
  }
  if (wanted.size === 0) return out;
  const requests = [...wanted.keys()].sort((a, b) => a - b);
  const tok = new Tokenizer(buf, name, delim, null, 0);
  let at = -1; // the row tok is at; -1: not placed
  for (let i = 0; i < requests.length; ) {
    const r = Math.floor(requests[i] / ncols);
    const cp = Math.floor(r / CHECKPOINT);
    if (at < 0 || at > r || cp * CHECKPOINT > at) {
      tok.pos = cpPos[cp];
      tok.line = cpLine[cp];
      at = cp * CHECKPOINT;
    }
    for (; at <= r; at++) {
      while (ncols > 1 && tok.skipBlank());
      let col = 0;
      for (;;) {
        const last = tok.field();
        if (at === r && i < requests.length && requests[i] === r * ncols + col) {
          trim(tok.vbuf, tok.vs, tok.ve);
          (out[col] as Map<number, string>).set(wanted.get(requests[i]) as number, latin1(tok.vbuf, TRIM_S, TRIM_E));
          i++;
        }
        col++;
        if (last) break;
      }
    }
  }
  return out;
}

/**
 * Reads the body again, calling `onField` for every field of every row (an
 * empty value for the fields a short row lacks); stops early when `onField`
 * returns false.
 */
function scan(
  buf: Uint8Array,
  name: string,
  delim: number,
  bodyStart: number,
  bodyLine: number,
  ncols: number,
  onField: (col: number, row: number, vbuf: Uint8Array, vs: number, ve: number, line: number) => boolean,
): void {
  const tok = new Tokenizer(buf, name, delim, null, bodyStart);
  tok.line = bodyLine;
  let row = 0;
  while (tok.pos < buf.length) {
    if (ncols > 1 && tok.skipBlank()) continue;
    const line = tok.line;
    let col = 0;
    let more = true;
    for (;;) {
      const last = tok.field();
      if (col < ncols && !onField(col, row, tok.vbuf, tok.vs, tok.ve, line)) more = false;
      col++;
      if (last) break;
    }
    for (; col < ncols; col++) if (!onField(col, row, EMPTY, 0, 0, line)) more = false;
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
