/**
 * Reading CSV in chunks (streamed): the same columns, rows, notes and messages
 * as `readCsvColumns` (csv.ts), without the whole file in one buffer, and
 * parsing while the file is still arriving.
 *
 * How: bytes are pushed in chunks cut anywhere (inside a quoted field, a CRLF,
 * a UTF-8 character). A small state machine that reads quotes the way the
 * Tokenizer does finds the end of the last complete record; the complete
 * records are tokenized with csv.ts's Tokenizer, and only the tail (an
 * incomplete record) is kept for the next chunk. Line numbers carry over.
 * Before the body, the prelude (byte-order mark, blank and `#` lines, the
 * header, the delimiter sample: up to SAMPLE_LINES lines or SAMPLE_BYTES) is
 * held until csv.ts's findHeader and sniff would answer the same as on the
 * whole file; then the header is read and the MAX_COLUMNS refusal happens
 * before the body.
 *
 * Columns grow as rows arrive. Numbers' spellings (`written`) are recorded on
 * the fly: the first spelling (trimmed) of each distinct float32 value while a
 * column has at most MAX_PARAM_BINS of them, which is what csv.ts's `spellings`
 * finds by re-reading rows. Text columns keep each row's dictionary id, so
 * `cells()` and `numbers()` work without the bytes.
 *
 * The one difference from readCsvColumns: when a numeric column meets text
 * part-way, the whole-buffer reader reads the rows before again, as written;
 * here those bytes are gone, so those rows become text from the recorded
 * spelling of their number when the column still had spellings (≤ MAX_PARAM_BINS
 * distinct values), else the shortest float32 decimal (formatFloat32); a
 * missing value (empty, `NA`, `nan`, ...) before that row becomes the empty
 * (missing) cell. So `0.50` may read `0.5`, and `NA` reads as missing, in such
 * a column's rows before its first text cell.
 *
 * Limits: a field that grows past MAX_FIELD_BYTES in a record not yet
 * complete is not kept: the reader follows it byte by byte without storing it
 * and gives the same message as readCsvColumns once it ends (or the file
 * does). The prelude, though, is held whole until the header line ends (a
 * 50 MB first line is held, then refused with the same message). A NUL byte is
 * refused when its chunk arrives: in a file with another fault in an earlier
 * chunk, that one is reported first (readCsvColumns reports the NUL).
 *
 * UTF-16 (with a byte-order mark, or plainly ASCII in UTF-16): not streamed;
 * the chunks are gathered and given to readCsvColumns at `finish()`.
 *
 * Browser-safe: no Node modules.
 */

import { MAX_PARAM_BINS } from '../model/binning.js';
import { SweepError, allocF32, allocU8 } from '../model/sweep.js';
import {
  DELIMITERS,
  DELIMITER_NAMES,
  MAX_COLUMNS,
  MAX_FIELD_BYTES,
  NOT_A_NUMBER,
  REC_END,
  SAMPLE_BYTES,
  SAMPLE_LINES,
  Tokenizer,
  emptyNameNote,
  findHeader,
  latin1,
  leadingZero,
  parseNumber,
  readCsvColumns,
  sniff,
  sniffRecord,
  uniqueNames,
  unknown,
  type CsvColumns,
} from './csv.js';
import { TextDict, finishText, formatFloat32, type LoadOptions, type RawColumn, type TextColumn } from './table.js';
import { invalidUtf8, utf8Text } from './text.js';

const QUOTE = 34;
const LF = 10;
const CR = 13;
const TAB = 9;
const SPACE = 32;
const HASH = 35;

const NUM = 0;
const TEXT = 1;
const SKIP = 2;

/** Scanner states: at a field's start, in an unquoted field, in a quoted one, just after a quote in a quoted one, after a CR that ends a record. */
const S_START = 0;
const S_UNQ = 1;
const S_Q = 2;
const S_QQ = 3;
const S_CR = 4;

const PRELUDE = 0;
const BODY = 1;
const UTF16 = 2;
const DOOMED = 3;
const DONE = 4;

const EMPTY = new Uint8Array(0);

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

function growI32(a: Int32Array, n: number): Int32Array {
  const b = new Int32Array(n);
  b.set(a.subarray(0, Math.min(a.length, n)));
  return b;
}

/** Whether findHeader's answer on `buf` is the answer on any longer input that starts with it. */
function headerDecided(buf: Uint8Array, start: number): boolean {
  const len = buf.length;
  let p = start;
  for (;;) {
    let q = p;
    while (q < len && (buf[q] === SPACE || buf[q] === TAB)) q++;
    if (q < len && buf[q] === HASH) while (q < len && buf[q] !== LF && buf[q] !== CR) q++;
    else if (q < len && buf[q] !== LF && buf[q] !== CR) return true;
    if (q >= len) return false;
    if (buf[q] === CR && q + 1 >= len) return false;
    p = buf[q] === CR && buf[q + 1] === LF ? q + 2 : q + 1;
    if (p >= len) return false;
  }
}

/**
 * Whether sniff's answer on `buf` (from the header at `start`) is the answer on
 * any longer input that starts with it: no record it reads touches the end of
 * `buf`, and its sample ends before the end of `buf` (conservative: may say
 * no when it is).
 */
function sniffDecided(buf: Uint8Array, start: number): boolean {
  const len = buf.length;
  for (const d of DELIMITERS) {
    const h = sniffRecord(buf, start, len, d);
    if (REC_END >= len) return false;
    if (h <= 1) continue;
    let p = REC_END;
    const trueStop = p + SAMPLE_BYTES;
    const stop = Math.min(len, trueStop);
    let lines = 0;
    let broke = false;
    while (p < stop && lines < SAMPLE_LINES) {
      const c = buf[p];
      if (c === LF || c === CR) {
        if (c === CR && p + 1 >= len) return false;
        p += c === CR && buf[p + 1] === LF ? 2 : 1;
        continue;
      }
      const n = sniffRecord(buf, p, stop, d);
      if (n < 0) {
        broke = true;
        break;
      }
      if (REC_END >= len) return false;
      p = REC_END;
      lines++;
    }
    if (!broke && lines < SAMPLE_LINES && stop < trueStop) return false;
  }
  return true;
}

/**
 * Reads CSV pushed in chunks into the columns readCsvColumns gives (see the top
 * of this file for the one difference). `push` each chunk, then `finish()`.
 * Throws SweepError (from `push` or `finish`) on bad input, with the messages
 * of readCsvColumns.
 */
export class CsvStreamReader {
  private readonly notes: string[] = [];
  private phase: number = PRELUDE;
  /** Pending bytes: buf[0, used); buf[0] starts a record once the body is reached. */
  private buf = new Uint8Array(1 << 16);
  private used = 0;
  private peak = 0;
  private utf16: Uint8Array[] = [];
  private checkedAt = 0;
  private sawLF = false;

  // Header.
  private delim = 44;
  private raw: string[] = [];
  private names: string[] = [];
  private emptyNames: number[] = [];
  private ncols = 0;
  private keepText: boolean[] = [];

  // Record scanner: buf[0, scanned) is scanned, buf[0, lastEnd) are complete records.
  private sstate = S_START;
  private scanned = 0;
  private lastEnd = 0;
  /** The Tokenizer's line at buf[0]. */
  private line = 1;

  // Columns.
  private capacity = 0;
  private row = 0;
  private kind = new Uint8Array(0);
  private nums: (Float32Array | null)[] = [];
  private dicts: (TextDict | null)[] = [];
  private dictSeen = new Int32Array(0);
  private codes: (Uint8Array | null)[] = [];
  private ids: (Int32Array | null)[] = [];
  private emptyId = new Int32Array(0);
  private flipRow = new Int32Array(0);
  /** Spellings: per column up to MAX_PARAM_BINS values (spellVals[c * MAX_PARAM_BINS + k]) and their spellings; spellCount -1: more values. */
  private spellVals = new Float64Array(0);
  private spellStr: string[][] = [];
  private spellCount = new Int32Array(0);
  private shortRows = 0;
  private shortLines: number[] = [];
  private badSeqs = 0;
  private badValues = 0;
  private badLine = 0;
  private badWhere = '';

  // The tail analyzer: follows the incomplete record from buf[0] once the tail
  // is longer than MAX_FIELD_BYTES, to catch a field that outgrows the limit.
  private azPos = 0;
  private azState = S_START;
  private azCol = 0;
  private azFieldStart = 0;
  private azFieldLine = 0;
  private azLine = 0;
  private azEsc = 0;
  private azPrevCR = false;
  // Doomed: a field longer than MAX_FIELD_BYTES, followed without keeping it.
  private dLen = 0;

  constructor(
    readonly name: string,
    private readonly options: LoadOptions = {},
  ) {}

  /** Rows read so far (for progress). */
  get rowsRead(): number {
    return this.row;
  }

  /** Bytes held now: the incomplete record (or the prelude) not yet read. */
  get pendingBytes(): number {
    return this.used;
  }

  /** The most bytes held at once (the tail and the chunk being read). */
  get maxPendingBytes(): number {
    return this.peak;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    switch (this.phase) {
      case UTF16:
        this.utf16.push(chunk.slice());
        return;
      case DOOMED:
        this.doomed(chunk, 0, chunk.length);
        return;
      case DONE:
        throw new Error('CsvStreamReader: push after finish');
    }
    const from = this.used;
    this.append(chunk);
    if (this.phase === PRELUDE) {
      if (chunk.indexOf(LF) >= 0 || chunk.indexOf(CR) >= 0 || this.used >= Math.min(2 * this.checkedAt, this.checkedAt + (1 << 20))) {
        this.checkedAt = this.used;
        this.prelude(false);
      }
      return;
    }
    this.checkNul(from);
    this.body(false);
  }

  finish(): CsvColumns {
    switch (this.phase) {
      case DONE:
        throw new Error('CsvStreamReader: finish twice');
      case UTF16: {
        this.phase = DONE;
        return readCsvColumns(concat(this.utf16), this.name, this.options);
      }
      case DOOMED:
        this.phase = DONE;
        return this.doomedEnd();
      case PRELUDE:
        this.prelude(true);
        if (this.isUtf16()) return this.finish();
        break;
      default:
        this.body(true);
    }
    this.phase = DONE;
    return this.columns();
  }

  private isUtf16(): boolean {
    return this.phase === UTF16;
  }

  private append(chunk: Uint8Array): void {
    const need = this.used + chunk.length;
    if (need > this.buf.length) {
      const b = new Uint8Array(Math.max(need, this.buf.length * 2));
      b.set(this.buf.subarray(0, this.used));
      this.buf = b;
    }
    this.buf.set(chunk, this.used);
    this.used = need;
    if (need > this.peak) this.peak = need;
  }

  /** Refuses a NUL byte in buf[from, used), with its line as readCsvColumns names it. */
  private checkNul(from: number): void {
    const buf = this.buf.subarray(0, this.used);
    const nul = buf.indexOf(0, from);
    if (!this.sawLF && buf.indexOf(LF, from) >= 0) this.sawLF = true;
    if (nul < 0) return;
    const sep = this.sawLF ? LF : CR;
    let line = this.line;
    for (let i = buf.indexOf(sep); i >= 0 && i < nul; i = buf.indexOf(sep, i + 1)) line++;
    throw new SweepError(`${this.name} line ${line}: a NUL byte: this looks like a binary file, not text`);
  }

  // -------------------------------------------------------------------------
  // Prelude: encoding, header, delimiter.

  private prelude(final: boolean): void {
    const b = this.buf.subarray(0, this.used);
    if (!final && b.length < 6) return;
    if (
      (b.length >= 2 && ((b[0] === 0xff && b[1] === 0xfe) || (b[0] === 0xfe && b[1] === 0xff))) ||
      (b.length >= 4 && b[0] !== 0 && b[0] < 0x80 && b[1] === 0 && b[2] !== 0 && b[2] < 0x80 && b[3] === 0) ||
      (b.length >= 4 && b[0] === 0 && b[1] !== 0 && b[1] < 0x80 && b[2] === 0 && b[3] !== 0 && b[3] < 0x80)
    ) {
      this.phase = UTF16;
      this.utf16.push(b.slice());
      this.buf = new Uint8Array(0);
      this.used = 0;
      return;
    }
    const start = b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0;
    if (!final) {
      if (!headerDecided(b, start)) return;
      const head = findHeader(b, start, this.name);
      if (!sniffDecided(b, head.pos)) return;
    }
    const name = this.name;
    const notes = this.notes;
    utf8Text(b, name, notes); // signatures, NUL
    this.sawLF = b.indexOf(LF) >= 0;
    const head = findHeader(b, start, name);
    const { delim, fields } = sniff(b, head.pos);
    if (fields > MAX_COLUMNS) throw new SweepError(`${name}: the header has ${fields} columns; sweepscope reads at most ${MAX_COLUMNS}`);
    this.delim = delim;

    const htok = new Tokenizer(b, name, delim, null, head.pos);
    htok.line = head.line;
    const dec = new TextDecoder();
    const raw = this.raw;
    for (;;) {
      htok.col = raw.length;
      const last = htok.field();
      htok.checkLength();
      this.checkUtf8(htok.vbuf, htok.vs, htok.ve, head.line, () => `the name of column ${raw.length + 1}`);
      raw.push(dec.decode(htok.vbuf.subarray(htok.vs, htok.ve)).trim());
      if (last) break;
      if (raw.length >= MAX_COLUMNS) throw new SweepError(`${name}: the header has more than ${MAX_COLUMNS} columns; sweepscope reads at most ${MAX_COLUMNS}`);
    }
    const names = uniqueNames(raw, this.emptyNames, notes);
    const ncols = names.length;
    const options = this.options;
    const known = new Set(names);
    if (options.params) for (const p of options.params) if (!known.has(p)) throw unknown(name, 'parameter', p, names);
    if (options.metric !== undefined && !known.has(options.metric)) throw unknown(name, 'metric', options.metric, names);
    this.keepText = names.map(
      (n) => !options.params || options.params.includes(n) || n === options.metric || (options.metric === undefined && n === 'test_accuracy'),
    );
    this.names = names;
    this.ncols = ncols;

    this.capacity = 1024;
    this.kind = new Uint8Array(ncols);
    this.nums = names.map(() => allocF32(this.capacity));
    this.dicts = names.map(() => null);
    this.dictSeen = new Int32Array(ncols);
    this.codes = names.map(() => null);
    this.ids = names.map(() => null);
    this.emptyId = new Int32Array(ncols).fill(-1);
    this.flipRow = new Int32Array(ncols);
    this.spellVals = new Float64Array(ncols * MAX_PARAM_BINS);
    this.spellStr = names.map(() => []);
    this.spellCount = new Int32Array(ncols);

    // The body: what follows the header, as pending bytes.
    this.buf.copyWithin(0, htok.pos, this.used);
    this.used -= htok.pos;
    this.line = htok.line;
    this.scanned = 0;
    this.lastEnd = 0;
    this.sstate = S_START;
    this.resetAnalyzer();
    this.phase = BODY;
    this.body(final);
  }

  // -------------------------------------------------------------------------
  // Body.

  private body(final: boolean): void {
    this.scan();
    if (final) this.lastEnd = this.used;
    if (this.lastEnd > 0) {
      const end = this.lastEnd;
      this.rows(this.buf.subarray(0, end));
      this.buf.copyWithin(0, end, this.used);
      this.used -= end;
      this.scanned -= end;
      this.lastEnd = 0;
      this.resetAnalyzer();
    }
    if (!final && this.used > MAX_FIELD_BYTES) this.analyze();
  }

  /** Scans buf[scanned, used) for record ends (quotes read as the Tokenizer reads them), moving lastEnd. */
  private scan(): void {
    const buf = this.buf;
    const delim = this.delim;
    let i = this.scanned;
    const to = this.used;
    let st = this.sstate;
    let lastEnd = this.lastEnd;
    // Fast: no quote ahead, outside quotes: the last line end decides.
    if ((st === S_START || st === S_UNQ) && i < to) {
      const region = buf.subarray(i, to);
      if (region.indexOf(QUOTE) < 0) {
        let n = region.length;
        if (region[n - 1] === CR) n--; // decided by the next byte: below
        if (n > 0) {
          const head = region.subarray(0, n);
          const e = Math.max(head.lastIndexOf(LF), head.lastIndexOf(CR));
          if (e >= 0) lastEnd = i + e + 1;
          const lastByte = head[n - 1];
          st = lastByte === LF || lastByte === CR || lastByte === delim ? S_START : S_UNQ;
          i += n;
        }
      }
    }
    for (; i < to; i++) {
      const c = buf[i];
      if (st === S_CR) {
        st = S_START;
        if (c === LF) {
          lastEnd = i + 1;
          continue;
        }
        lastEnd = i; // c starts a record
      }
      switch (st) {
        case S_START:
          if (c === QUOTE) st = S_Q;
          else if (c === delim) st = S_START;
          else if (c === LF) lastEnd = i + 1;
          else if (c === CR) st = S_CR;
          else st = S_UNQ;
          break;
        case S_UNQ:
          if (c === delim) st = S_START;
          else if (c === LF) {
            lastEnd = i + 1;
            st = S_START;
          } else if (c === CR) st = S_CR;
          break;
        case S_Q:
          if (c === QUOTE) st = S_QQ;
          break;
        case S_QQ:
          if (c === QUOTE) st = S_Q;
          else if (c === delim) st = S_START;
          else if (c === LF) {
            lastEnd = i + 1;
            st = S_START;
          } else if (c === CR) st = S_CR;
          else st = S_UNQ; // text after a closing quote: the Tokenizer refuses it when it reads the record
          break;
      }
    }
    this.scanned = to;
    this.sstate = st;
    this.lastEnd = lastEnd;
  }

  private checkUtf8(vb: Uint8Array, vs: number, ve: number, line: number, where: () => string): void {
    const n = invalidUtf8(vb, vs, ve);
    if (n === 0) return;
    if (this.badValues === 0) {
      this.badLine = line;
      this.badWhere = where();
    }
    this.badSeqs += n;
    this.badValues++;
  }

  private textCell(col: number, row: number, line: number, vb: Uint8Array, vs: number, ve: number): void {
    const id = (this.dicts[col] as TextDict).id(vb, vs, ve);
    if (id >= this.dictSeen[col]) {
      this.dictSeen[col] = id + 1;
      if (vs === ve) this.emptyId[col] = id;
      this.checkUtf8(vb, vs, ve, line, () => `column '${this.names[col]}'`);
    }
    (this.ids[col] as Int32Array)[row] = id;
    const cc = this.codes[col];
    if (cc !== null) {
      if (id > 255) this.codes[col] = null;
      else cc[row] = id;
    }
  }

  /** Records the spelling of a new distinct value `f` (not NaN) of numeric column `col`, written b[s, e) (trimmed). */
  private spell(col: number, f: number, b: Uint8Array, s: number, e: number): void {
    const n = this.spellCount[col];
    if (n < 0) return;
    const vals = this.spellVals;
    const base = col * MAX_PARAM_BINS;
    for (let k = 0; k < n; k++) if (vals[base + k] === f) return;
    if (n === MAX_PARAM_BINS) {
      this.spellCount[col] = -1;
      this.spellStr[col] = [];
      return;
    }
    while (s < e && (b[s] === SPACE || b[s] === TAB)) s++;
    while (e > s && (b[e - 1] === SPACE || b[e - 1] === TAB)) e--;
    vals[base + n] = f === 0 ? 0 : f;
    this.spellStr[col].push(latin1(b, s, e));
    this.spellCount[col] = n + 1;
  }

  /** Column `col`, numeric in rows [0, row), becomes text: those rows from their numbers' spellings. */
  private flip(col: number, row: number, line: number): void {
    const arr = this.nums[col] as Float32Array;
    this.nums[col] = null;
    this.kind[col] = TEXT;
    this.flipRow[col] = row;
    this.dicts[col] = new TextDict();
    this.codes[col] = allocU8(this.capacity);
    this.ids[col] = new Int32Array(this.capacity);
    const n = this.spellCount[col];
    const spelled = new Map<number, string>();
    for (let k = 0; k < n; k++) spelled.set(this.spellVals[col * MAX_PARAM_BINS + k], this.spellStr[col][k]);
    const enc = new TextEncoder();
    const bytes = new Map<number, Uint8Array>();
    for (let r = 0; r < row; r++) {
      const v = arr[r];
      if (v !== v) {
        this.textCell(col, r, line, EMPTY, 0, 0);
        continue;
      }
      let b = bytes.get(v);
      if (b === undefined) {
        b = enc.encode(spelled.get(v) ?? formatFloat32(v));
        bytes.set(v, b);
      }
      this.textCell(col, r, line, b, 0, b.length);
    }
  }

  private grow(): void {
    const capacity = Math.max(1024, this.capacity * 2);
    this.capacity = capacity;
    for (let c = 0; c < this.ncols; c++) {
      const a = this.nums[c];
      if (a) this.nums[c] = growF32(a, capacity);
      const k = this.codes[c];
      if (k) this.codes[c] = growU8(k, capacity);
      const d = this.ids[c];
      if (d) this.ids[c] = growI32(d, capacity);
    }
  }

  /** Reads the complete records in `buf` (as readCsvColumns's loop does). */
  private rows(buf: Uint8Array): void {
    const name = this.name;
    const delim = this.delim;
    const ncols = this.ncols;
    const kind = this.kind;
    const nums = this.nums;
    const spellCount = this.spellCount;
    const spellVals = this.spellVals;
    const tok = new Tokenizer(buf, name, delim, this.names, 0);
    tok.line = this.line;
    const len = buf.length;
    let row = this.row;
    while (tok.pos < len) {
      if (ncols > 1 && tok.skipBlank()) continue;
      const line = tok.line;
      if (row === this.capacity) this.grow();
      let col = 0;
      for (;;) {
        if (col < ncols && kind[col] === NUM) {
          const x = tok.plainNumber();
          if (x !== NOT_A_NUMBER) {
            (nums[col] as Float32Array)[row] = x;
            const n = spellCount[col];
            if (n >= 0) {
              // Known values inline; a new one (or one more than MAX_PARAM_BINS) in spell().
              const base = col * MAX_PARAM_BINS;
              let k = 0;
              while (k < n && spellVals[base + k] !== x) k++;
              if (k === n) this.spell(col, x, buf, tok.ns, tok.ne);
            }
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
                if (!this.keepText[col]) {
                  nums[col] = null;
                  kind[col] = SKIP;
                } else {
                  this.flip(col, row, line);
                  this.textCell(col, row, line, vb, vs, ve);
                }
              } else {
                const f = Math.fround(x);
                const v = f === Infinity || f === -Infinity ? NaN : f;
                arr[row] = v;
                if (v === v && spellCount[col] >= 0) this.spell(col, v, vb, vs, ve);
              }
            }
          } else if (k === TEXT) this.textCell(col, row, line, tok.vbuf, tok.vs, tok.ve);
        }
        col++;
        if (last) break;
      }
      if (col > ncols)
        tok.fail(line, `expected ${ncols} fields, found ${col} (a field with a ${DELIMITER_NAMES[delim]} must be quoted)`);
      if (col < ncols) {
        if (this.shortRows < 5) this.shortLines.push(line);
        this.shortRows++;
        for (let c = col; c < ncols; c++) {
          const k = kind[c];
          if (k === NUM) (nums[c] as Float32Array)[row] = NaN;
          else if (k === TEXT) this.textCell(c, row, line, EMPTY, 0, 0);
        }
      }
      row++;
    }
    this.row = row;
    this.line = tok.line;
  }

  // -------------------------------------------------------------------------
  // A field longer than MAX_FIELD_BYTES in a record not yet complete.

  private resetAnalyzer(): void {
    this.azPos = 0;
    this.azState = S_START;
    this.azCol = 0;
    this.azLine = this.line;
    this.azFieldStart = 0;
    this.azFieldLine = this.line;
    this.azEsc = 0;
    this.azPrevCR = false;
  }

  /** Follows the incomplete record in buf[0, used) from azPos; a field past the limit dooms it. */
  private analyze(): void {
    const buf = this.buf;
    const delim = this.delim;
    const to = this.used;
    let i = this.azPos;
    for (; i < to; i++) {
      const c = buf[i];
      const st = this.azState;
      if (st === S_START) {
        this.azFieldStart = i;
        this.azFieldLine = this.azLine;
        this.azEsc = 0;
        if (c === QUOTE) {
          this.azState = S_Q;
          this.azPrevCR = false;
        } else if (c === delim) this.azCol++;
        else if (c === LF || c === CR) return; // a record end (the CR the scanner waits on)
        else this.azState = S_UNQ;
      } else if (st === S_UNQ) {
        if (c === delim) {
          this.azCol++;
          this.azState = S_START;
        } else if (c === LF || c === CR) return;
      } else if (st === S_Q) {
        if (this.azPrevCR && c !== LF) this.azLine++;
        this.azPrevCR = c === CR;
        if (c === LF) this.azLine++;
        else if (c === QUOTE) this.azState = S_QQ;
      } else {
        // S_QQ
        if (c === QUOTE) {
          this.azEsc++;
          this.azState = S_Q;
        } else if (c === delim) {
          this.azCol++;
          this.azState = S_START;
        } else if (c === LF || c === CR) return;
        else {
          this.prefix();
          this.textAfterQuote(this.azLine, this.azCol);
        }
      }
    }
    this.azPos = i;
    const st = this.azState;
    const open = to - this.azFieldStart;
    const n = st === S_UNQ ? open : st === S_Q ? open - 1 - this.azEsc : st === S_QQ ? open - 2 - this.azEsc : 0;
    if (n > MAX_FIELD_BYTES) {
      this.prefix();
      this.dLen = n;
      this.phase = DOOMED;
      this.buf = new Uint8Array(0);
      this.used = 0;
      this.scanned = 0;
    }
  }

  /** Reads the fields of the incomplete record before the one past the limit, for their errors. */
  private prefix(): void {
    const tok = new Tokenizer(this.buf.subarray(0, this.azFieldStart), this.name, this.delim, this.names, 0);
    tok.line = this.line;
    for (let col = 0; col < this.azCol; col++) {
      tok.col = col;
      tok.field();
      if (col < this.ncols) tok.checkLength();
    }
  }

  private tokenizerAt(bytes: number[], line: number, col: number): Tokenizer {
    const tok = new Tokenizer(new Uint8Array(bytes), this.name, this.delim, this.names, 0);
    tok.line = line;
    tok.col = col;
    return tok;
  }

  private tooLong(line: number, col: number, n: number): never {
    const tok = this.tokenizerAt([], line, col);
    tok.vs = 0;
    tok.ve = n;
    tok.checkLength();
    throw new Error('unreachable');
  }

  private textAfterQuote(line: number, col: number): never {
    this.tokenizerAt([QUOTE, QUOTE, 120], line, col).field();
    throw new Error('unreachable');
  }

  private unclosed(line: number, col: number): never {
    this.tokenizerAt([QUOTE], line, col).field();
    throw new Error('unreachable');
  }

  private tooMany(fields: number): never {
    const delim = this.delim;
    throw new SweepError(
      `${this.name} line ${this.line}: expected ${this.ncols} fields, found ${fields} (a field with a ${DELIMITER_NAMES[delim]} must be quoted)`,
    );
  }

  /** The end of the doomed field (or of its record, for a field past the header's): the error readCsvColumns gives. */
  private fieldEnd(newline: boolean): void {
    const col = this.azCol;
    if (col < this.ncols) this.tooLong(this.azLine + (newline ? 1 : 0), col, this.dLen);
    if (newline) this.tooMany(col + 1);
    this.azCol++;
    this.azState = S_START;
  }

  /** Follows the doomed record through b[s, e) without keeping it. */
  private doomed(b: Uint8Array, s: number, e: number): void {
    const delim = this.delim;
    for (let i = s; i < e; i++) {
      const c = b[i];
      const st = this.azState;
      if (st === S_START) {
        if (c === QUOTE) {
          this.azState = S_Q;
          this.azFieldLine = this.azLine;
          this.azPrevCR = false;
        } else if (c === delim) this.azCol++;
        else if (c === LF || c === CR) this.tooMany(this.azCol + 1);
        else this.azState = S_UNQ;
      } else if (st === S_UNQ) {
        if (c === delim) this.fieldEnd(false);
        else if (c === LF || c === CR) this.fieldEnd(true);
        else this.dLen++;
      } else if (st === S_Q) {
        if (this.azPrevCR && c !== LF) this.azLine++;
        this.azPrevCR = c === CR;
        if (c === LF) this.azLine++;
        if (c === QUOTE) this.azState = S_QQ;
        else this.dLen++;
      } else {
        if (c === QUOTE) {
          this.dLen++;
          this.azState = S_Q;
        } else if (c === delim) this.fieldEnd(false);
        else if (c === LF || c === CR) this.fieldEnd(true);
        else this.textAfterQuote(this.azLine, this.azCol);
      }
    }
  }

  private doomedEnd(): never {
    const st = this.azState;
    if (st === S_Q) this.unclosed(this.azFieldLine, this.azCol);
    if (st === S_START) this.tooMany(this.azCol + 1);
    this.fieldEnd(false);
    this.tooMany(this.azCol);
  }

  // -------------------------------------------------------------------------
  // The columns.

  private columns(): CsvColumns {
    const { name, ncols, names, kind, nums, raw, notes } = this;
    const rows = this.row;
    if (rows === 0) throw new SweepError(`${name} has a header but no rows: no trainings to show`);
    const emptyNames = this.emptyNames;
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
    const { shortRows, shortLines, badSeqs } = this;
    if (emptyNames.length > 0) notes.push(emptyNameNote(names, emptyNames));
    if (shortRows > 0)
      notes.push(
        `${shortRows} row${shortRows === 1 ? '' : 's'} had fewer fields than the header (line${shortRows === 1 ? '' : 's'} ${shortLines.join(', ')}${shortRows > shortLines.length ? ', …' : ''}) and ${shortRows === 1 ? 'was' : 'were'} padded with missing values`,
      );
    if (badSeqs > 0)
      notes.push(
        `${badSeqs} invalid UTF-8 sequence${badSeqs === 1 ? '' : 's'} replaced with \uFFFD (in ${this.badValues} distinct text value${this.badValues === 1 ? '' : 's'}; first on line ${this.badLine}, ${this.badWhere}): save the file as UTF-8`,
      );

    const exact = <T extends Float32Array | Uint8Array>(a: T, alloc: (n: number) => T): T => {
      if (a.length === rows) return a;
      const b = alloc(rows);
      b.set(a.subarray(0, rows));
      return b;
    };
    const columns: RawColumn[] = [];
    for (let c = 0; c < kept; c++) {
      const colName = names[c];
      if (kind[c] === NUM) {
        const n = this.spellCount[c];
        let written: Map<number, string> | null = null;
        if (n >= 0) {
          written = new Map();
          for (let k = 0; k < n; k++) written.set(this.spellVals[c * MAX_PARAM_BINS + k], this.spellStr[c][k]);
        }
        columns.push({ kind: 'numeric', name: colName, values: exact(nums[c] as Float32Array, allocF32), written });
      } else if (kind[c] === TEXT) {
        const dict = this.dicts[c] as TextDict;
        const ids = (this.ids[c] as Int32Array).subarray(0, rows);
        const empty = this.emptyId[c];
        const numbers = (): Float32Array => {
          const enc = new TextEncoder();
          const keys = dict.keys();
          const values = new Float32Array(keys.length);
          keys.forEach((k, i) => {
            if (i === empty) values[i] = NaN;
            else {
              const b = enc.encode(k);
              const x = parseNumber(b, 0, b.length);
              const f = x === NOT_A_NUMBER ? NaN : Math.fround(x);
              values[i] = Number.isFinite(f) ? f : NaN;
            }
          });
          const out = allocF32(rows);
          for (let i = 0; i < rows; i++) out[i] = values[ids[i]];
          return out;
        };
        const cells = (): string[] => {
          const keys = dict.keys();
          const out = new Array<string>(rows);
          for (let i = 0; i < rows; i++) out[i] = ids[i] === empty ? '' : keys[ids[i]];
          return out;
        };
        const cc = this.codes[c];
        const text: TextColumn = finishText(colName, dict, cc === null ? null : exact(cc, allocU8), rows, numbers);
        columns.push({ ...text, cells });
      } else columns.push({ kind: 'other', name: colName, type: 'text' });
    }
    return { columns, rows, notes };
  }
}


function concat(chunks: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const c of chunks) n += c.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}
