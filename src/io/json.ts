/**
 * Reading sweeps from JSON: an array of objects (`[{"lr": 0.1, ...}, ...]`) or
 * JSON Lines (one object per line). Nested objects are flattened with dotted
 * names (`{"config": {"lr": 0.1}}` is the column `config.lr`); arrays are text
 * (their JSON). Numbers make numeric columns; strings are text, even when they
 * spell numbers (as DuckDB keeps JSON strings as VARCHAR), and a column with
 * both is text (numbers in it labelled by the shortest decimal of their float32
 * value); a numeric column with at most 16 distinct values keeps each value's
 * spelling as written (`0.0`, `1e-4`: NumericColumn.written), as CSV does, so
 * that parameters are labelled as the file writes them (Arrow and Parquet
 * numbers are binary: labelled by their values); booleans are the text
 * `true` / `false`; null, an absent key and `""` are missing. `NaN`,
 * `Infinity` and `-Infinity` (as Python writes them) are read as missing
 * numbers. Columns come in order of first appearance.
 *
 * One pass over the UTF-8 bytes, straight into column builders: no string per
 * cell and no object per row (a JSON.parse of the whole file would hold every
 * row as an object at once).
 *
 * Browser-safe: no Node modules.
 */

import { SweepError, type Sweep } from '../model/sweep.js';
import { NumberBuilder, TextBuilder } from './columns.js';
import { NOT_A_NUMBER, parseNumber } from './csv.js';
import { buildSweep, formatFloat32, TextDict, type LoadOptions, type RawColumn } from './table.js';

/** Most columns a JSON file may have (after flattening). */
export const MAX_JSON_COLUMNS = 4096;
/** Deepest nesting of objects and arrays read. */
const MAX_DEPTH = 256;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;

const enc = new TextEncoder();
const dec = new TextDecoder();
const TRUE = enc.encode('true');
const FALSE = enc.encode('false');
const NULL = enc.encode('null');
const NAN = enc.encode('NaN');
const INFINITY = enc.encode('Infinity');
const MINUS_INFINITY = enc.encode('-Infinity');

/** One column being read. */
class JsonColumn {
  private num: NumberBuilder | null;
  private text: TextBuilder | null = null;

  constructor(
    readonly name: string,
    capacity: number,
  ) {
    this.num = new NumberBuilder(capacity);
  }

  private toText(row: number): TextBuilder {
    if (this.text) return this.text;
    const t = new TextBuilder(row + 1);
    const v = (this.num as NumberBuilder).values;
    // Numbers read before the first text cell become text as well.
    for (let i = 0; i < row && i < v.length; i++) if (v[i] === v[i]) t.setString(i, formatFloat32(v[i]));
    this.num = null;
    this.text = t;
    return t;
  }

  /** A number; `b[s, e)` is its token as written (kept as its label while the column has few distinct values). */
  number(row: number, x: number, b?: Uint8Array, s = 0, e = 0): void {
    if (this.text) {
      const f = Math.fround(x);
      if (Number.isFinite(f)) this.text.setString(row, formatFloat32(f));
      else this.text.setMissing(row);
    } else if (b) (this.num as NumberBuilder).setWritten(row, x, b, s, e);
    else (this.num as NumberBuilder).set(row, x);
  }

  bytes(row: number, b: Uint8Array, s: number, e: number): void {
    this.toText(row).set(row, b, s, e);
  }

  string(row: number, s: string): void {
    this.toText(row).setString(row, s);
  }

  missing(row: number): void {
    if (this.text) this.text.setMissing(row);
    else (this.num as NumberBuilder).set(row, NaN);
  }

  finish(rows: number): RawColumn {
    if (this.text) return this.text.finish(this.name, rows);
    const num = this.num as NumberBuilder;
    return { kind: 'numeric', name: this.name, values: num.finish(rows), written: num.written(rows) };
  }
}

/** The keys of objects at one place in the nesting, interned by their UTF-8 bytes. */
class KeyNode {
  private readonly dict = new TextDict();
  readonly entries: KeyEntry[] = [];

  constructor(readonly prefix: string | null) {}

  entry(b: Uint8Array, s: number, e: number, key: () => string): KeyEntry {
    const id = this.dict.id(b, s, e);
    if (id === this.entries.length) {
      const k = key();
      this.entries.push({ name: this.prefix === null ? k : `${this.prefix}.${k}`, column: undefined, child: null });
    }
    return this.entries[id];
  }
}

interface KeyEntry {
  /** The column name: dotted path. */
  readonly name: string;
  /** The column (undefined until first needed; null past the column limit). */
  column: JsonColumn | null | undefined;
  /** The keys of the object under this key. */
  child: KeyNode | null;
}

function kindOf(c: number | undefined): string {
  if (c === LBRACKET) return 'an array';
  if (c === LBRACE) return 'an object';
  if (c === QUOTE) return 'a string';
  if (c === 0x74 || c === 0x66) return 'a boolean';
  if (c === 0x6e) return 'null';
  return 'a number';
}

class JsonReader {
  private p: number;
  private readonly n: number;
  private readonly root = new KeyNode(null);
  /** Columns by full name (two spellings, `{"a": {"b": 1}}` and `{"a.b": 1}`, are one column). */
  private readonly byName = new Map<string, JsonColumn | null>();
  private readonly columns: JsonColumn[] = [];
  private capacity = 1024;
  /** A key of the first row whose value is an array of objects (where the rows may be). */
  arrayOfObjects: string | null = null;
  row = 0;

  constructor(
    private readonly b: Uint8Array,
    private readonly name: string,
    start: number,
    private readonly onProgress?: (fraction: number) => void,
  ) {
    this.p = start;
    this.n = b.length;
  }

  // -------------------------------------------------------------------------
  // Errors.

  lineAt(pos: number): number {
    let line = 1;
    const b = this.b;
    for (let i = 0; i < pos && i < this.n; i++) if (b[i] === 0x0a) line++;
    return line;
  }

  private describe(pos: number): string {
    if (pos >= this.n) return 'the end of the file';
    const c = this.b[pos];
    if (c === 0x0a || c === 0x0d) return 'a line break';
    if (c >= 0x20 && c < 0x7f) return `'${String.fromCharCode(c)}'`;
    return `byte 0x${c.toString(16).padStart(2, '0')}`;
  }

  fail(what: string, pos = this.p): never {
    throw new SweepError(`${this.name} line ${this.lineAt(pos)}: invalid JSON (${what})`);
  }

  private unexpected(where: string, pos = this.p): never {
    this.fail(`unexpected ${this.describe(pos)} ${where}`, pos);
  }

  // -------------------------------------------------------------------------
  // Scanning.

  private ws(): void {
    const b = this.b;
    let p = this.p;
    while (p < this.n) {
      const c = b[p];
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) p++;
      else break;
    }
    this.p = p;
  }

  /** Scans a string at p (on its opening quote); returns whether it holds escapes; leaves p after the closing quote. */
  private scanString(): boolean {
    const b = this.b;
    const open = this.p;
    let p = open + 1;
    let escaped = false;
    for (;;) {
      if (p >= this.n) this.fail('a string is never closed', open);
      const c = b[p];
      if (c === QUOTE) break;
      if (c === BACKSLASH) {
        escaped = true;
        p += 2;
        continue;
      }
      if (c < 0x20) {
        if (c === 0x0a || c === 0x0d) this.fail('a string is not closed before the end of the line (write a line break inside a string as \\n)', p);
        this.fail(`a control character (byte 0x${c.toString(16).padStart(2, '0')}) inside a string: escape it`, p);
      }
      p++;
    }
    this.p = p + 1;
    return escaped;
  }

  /** The string between `s - 1` and `e` (its quotes), escapes decoded. */
  private decodeString(s: number, e: number): string {
    try {
      const v: unknown = JSON.parse(dec.decode(this.b.subarray(s - 1, e + 1)));
      return String(v);
    } catch {
      return this.fail('an invalid escape sequence in a string', s - 1);
    }
  }

  private literal(w: Uint8Array): void {
    const b = this.b;
    for (let i = 0; i < w.length; i++) if (b[this.p + i] !== w[i]) this.unexpected('where a value should be');
    this.p += w.length;
  }

  /** Scans a number at p (JSON grammar); returns its end. */
  private scanNumber(): number {
    const b = this.b;
    const s = this.p;
    let p = s;
    const digits = (): number => {
      const from = p;
      while (p < this.n && b[p] >= 0x30 && b[p] <= 0x39) p++;
      return p - from;
    };
    if (b[p] === 0x2d) p++;
    if (b[p] === 0x30) p++;
    else if (digits() === 0) this.unexpected('where a value should be', s);
    if (b[p] === 0x2e) {
      p++;
      if (digits() === 0) this.fail('a number with no digits after its decimal point', s);
    }
    if (b[p] === 0x65 || b[p] === 0x45) {
      p++;
      if (b[p] === 0x2b || b[p] === 0x2d) p++;
      if (digits() === 0) this.fail('a number with no digits in its exponent', s);
    }
    this.p = p;
    return p;
  }

  /** Skips (and checks) any value at p. */
  private skipValue(depth: number): void {
    if (depth > MAX_DEPTH) this.fail(`values nested deeper than ${MAX_DEPTH} levels`);
    const c = this.b[this.p];
    if (c === QUOTE) this.scanString();
    else if (c === LBRACE || c === LBRACKET) {
      const close = c === LBRACE ? RBRACE : RBRACKET;
      this.p++;
      this.ws();
      if (this.b[this.p] === close) {
        this.p++;
        return;
      }
      for (;;) {
        if (close === RBRACE) {
          if (this.b[this.p] !== QUOTE) this.unexpected('where a key in quotes should be');
          this.scanString();
          this.ws();
          if (this.b[this.p] !== COLON) this.unexpected("after a key, where ':' should be");
          this.p++;
          this.ws();
        }
        this.skipValue(depth + 1);
        this.ws();
        const d = this.b[this.p];
        if (d === COMMA) {
          this.p++;
          this.ws();
        } else if (d === close) {
          this.p++;
          return;
        } else this.unexpected(`after a value, where ',' or '${String.fromCharCode(close)}' should be`);
      }
    } else if (c === 0x74) this.literal(TRUE);
    else if (c === 0x66) this.literal(FALSE);
    else if (c === 0x6e) this.literal(NULL);
    else if (c === 0x4e) this.literal(NAN);
    else if (c === 0x49) this.literal(INFINITY);
    else if (c === 0x2d && this.b[this.p + 1] === 0x49) this.literal(MINUS_INFINITY);
    else this.scanNumber();
  }

  // -------------------------------------------------------------------------
  // Rows.

  private column(entry: KeyEntry): JsonColumn | null {
    if (entry.column !== undefined) return entry.column;
    let col = this.byName.get(entry.name);
    if (col === undefined) {
      const name = entry.name === '' ? `column${this.byName.size + 1}` : entry.name;
      col = this.byName.size < MAX_JSON_COLUMNS ? new JsonColumn(name, this.capacity) : null;
      this.byName.set(entry.name, col);
      if (col) this.columns.push(col);
    }
    entry.column = col;
    return col;
  }

  /** Reads the object at p (on its `{`) into row `row`, its keys under `node`. */
  private object(node: KeyNode, row: number, depth: number): void {
    if (depth > MAX_DEPTH) this.fail(`objects nested deeper than ${MAX_DEPTH} levels`);
    const b = this.b;
    this.p++;
    this.ws();
    if (b[this.p] === RBRACE) {
      this.p++;
      return;
    }
    for (;;) {
      if (b[this.p] !== QUOTE) this.unexpected('where a key in quotes should be');
      const ks = this.p + 1;
      const escaped = this.scanString();
      const ke = this.p - 1;
      let entry: KeyEntry;
      if (escaped) {
        const key = this.decodeString(ks, ke);
        const kb = enc.encode(key);
        entry = node.entry(kb, 0, kb.length, () => key);
      } else entry = node.entry(b, ks, ke, () => dec.decode(b.subarray(ks, ke)));
      this.ws();
      if (b[this.p] !== COLON) this.unexpected("after a key, where ':' should be");
      this.p++;
      this.ws();
      this.value(entry, row, depth);
      this.ws();
      const c = b[this.p];
      if (c === COMMA) {
        this.p++;
        this.ws();
      } else if (c === RBRACE) {
        this.p++;
        return;
      } else this.unexpected("after a value, where ',' or '}' should be");
    }
  }

  private value(entry: KeyEntry, row: number, depth: number): void {
    const b = this.b;
    const c = b[this.p];
    if (c === LBRACE) {
      entry.child ??= new KeyNode(entry.name);
      this.object(entry.child, row, depth + 1);
      return;
    }
    const col = this.column(entry);
    if (c === QUOTE) {
      const s = this.p + 1;
      const escaped = this.scanString();
      const e = this.p - 1;
      if (!col) return;
      if (escaped) col.string(row, this.decodeString(s, e));
      else col.bytes(row, b, s, e);
    } else if (c === LBRACKET) {
      const s = this.p;
      let q = s + 1;
      while (q < this.n && (b[q] === 0x20 || b[q] === 0x0a || b[q] === 0x0d || b[q] === 0x09)) q++;
      if (b[q] === LBRACE && row === 0) this.arrayOfObjects ??= entry.name;
      this.skipValue(depth + 1);
      if (!col) return;
      const raw = dec.decode(b.subarray(s, this.p));
      let text = raw;
      try {
        text = JSON.stringify(JSON.parse(raw));
      } catch {
        /* NaN or Infinity inside: keep it as written */
      }
      col.string(row, text);
    } else if (c === 0x74) {
      this.literal(TRUE);
      col?.bytes(row, TRUE, 0, TRUE.length);
    } else if (c === 0x66) {
      this.literal(FALSE);
      col?.bytes(row, FALSE, 0, FALSE.length);
    } else if (c === 0x6e) {
      this.literal(NULL);
      col?.missing(row);
    } else if (c === 0x4e || c === 0x49 || (c === 0x2d && b[this.p + 1] === 0x49)) {
      this.literal(c === 0x4e ? NAN : c === 0x49 ? INFINITY : MINUS_INFINITY);
      col?.number(row, NaN);
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      const s = this.p;
      const e = this.scanNumber();
      if (col) {
        const x = parseNumber(b, s, e);
        col.number(row, x === NOT_A_NUMBER ? NaN : x, b, s, e);
      }
    } else this.unexpected('where a value should be');
  }

  private rowObject(): void {
    const row = this.row++;
    if (row >= this.capacity) this.capacity *= 2;
    this.object(this.root, row, 0);
    if ((row & 1023) === 1023) this.onProgress?.(this.p / this.n);
  }

  private notAnObject(): never {
    throw new SweepError(
      `${this.name} line ${this.lineAt(this.p)}: row ${this.row + 1} is ${kindOf(this.b[this.p])}, not an object: expected one object per training ({"column": value, ...})`,
    );
  }

  /** An array of rows, p on its `[`. */
  readArray(): void {
    const b = this.b;
    this.p++;
    this.ws();
    if (b[this.p] === RBRACKET) {
      this.p++;
    } else {
      for (;;) {
        if (this.p >= this.n) this.fail('the array is never closed (the file ends inside it)');
        if (b[this.p] !== LBRACE) {
          const c = b[this.p];
          if (c === QUOTE || c === LBRACKET || c === 0x74 || c === 0x66 || c === 0x6e || c === 0x2d || (c >= 0x30 && c <= 0x39))
            this.notAnObject();
          this.unexpected('where a row should be');
        }
        this.rowObject();
        this.ws();
        const c = b[this.p];
        if (c === COMMA) {
          this.p++;
          this.ws();
        } else if (c === RBRACKET) {
          this.p++;
          break;
        } else if (this.p >= this.n) this.fail('the array is never closed (the file ends inside it)');
        else this.unexpected("after a row, where ',' or ']' should be");
      }
    }
    this.ws();
    if (this.p < this.n) this.unexpected('after the end of the array');
    if (this.row === 0) throw new SweepError(`${this.name}: the JSON array is empty: expected one object per training`);
  }

  /** JSON Lines: objects separated by line breaks, p on the first `{`. */
  readLines(): void {
    const b = this.b;
    const first = this.p;
    for (;;) {
      this.rowObject();
      const end = this.p;
      this.ws();
      if (this.p >= this.n) {
        if (this.row === 1) {
          let lines = 0;
          for (let i = first; i < end; i++) if (b[i] === 0x0a) lines++;
          if (lines > 0 || this.arrayOfObjects !== null) this.oneObject();
        }
        return;
      }
      const c = b[this.p];
      if (c === COMMA)
        this.fail("unexpected ',' after a row: JSON Lines has one object per line, with nothing between (or write the rows as an array [{...}, {...}])");
      if (c !== LBRACE) {
        if (c === QUOTE || c === LBRACKET || c === 0x74 || c === 0x66 || c === 0x6e || c === 0x2d || (c >= 0x30 && c <= 0x39))
          this.notAnObject();
        this.unexpected('after a row, where the next line or the end of the file should be');
      }
    }
  }

  private oneObject(): never {
    const hint = this.arrayOfObjects === null ? '' : `; the rows may be the array under '${this.arrayOfObjects}': save that array on its own`;
    throw new SweepError(
      `${this.name}: the JSON is an object, not an array of rows: expected [{"column": value, ...}, ...] or JSON Lines (one object per line)${hint}`,
    );
  }

  finish(): RawColumn[] {
    if (this.byName.size > MAX_JSON_COLUMNS)
      throw new SweepError(
        `${this.name} has ${this.byName.size} columns (nested keys flattened); at most ${MAX_JSON_COLUMNS} are supported: leave out the columns you do not need`,
      );
    return this.columns.map((c) => c.finish(this.row));
  }
}

/** The JSON value kind at the first non-blank byte (for scalars at the top level). */
function topKind(b: Uint8Array, start: number): { pos: number; c: number | undefined } {
  let p = start;
  while (p < b.length && (b[p] === 0x20 || b[p] === 0x0a || b[p] === 0x0d || b[p] === 0x09)) p++;
  return { pos: p, c: b[p] };
}

/**
 * Reads JSON rows (an array of objects, or JSON Lines) into columns. `start`
 * skips a byte-order mark. Throws SweepError on bad input.
 */
export function readJsonColumns(
  bytes: Uint8Array,
  name: string,
  start = 0,
  onProgress?: (fraction: number) => void,
): { columns: RawColumn[]; rows: number } {
  const { pos, c } = topKind(bytes, start);
  if (c === undefined) throw new SweepError(`${name} is empty: expected a table (CSV, JSON, Arrow or Parquet)`);
  const r = new JsonReader(bytes, name, pos, onProgress);
  if (c === LBRACKET) r.readArray();
  else if (c === LBRACE) r.readLines();
  else
    throw new SweepError(
      `${name}: the JSON is ${kindOf(c)}, not an array of rows: expected [{"column": value, ...}, ...] or JSON Lines (one object per line)`,
    );
  const columns = r.finish();
  onProgress?.(1);
  return { columns, rows: r.row };
}

/** Reads a sweep from JSON rows (an array of objects, or JSON Lines). */
export function sweepFromJson(
  bytes: Uint8Array,
  name: string,
  options: LoadOptions = {},
  onProgress?: (fraction: number) => void,
  start = 0,
): Sweep {
  const { columns, rows } = readJsonColumns(bytes, name, start, onProgress);
  return buildSweep(columns, rows, name, options);
}
