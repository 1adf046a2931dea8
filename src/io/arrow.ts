/**
 * Reading and writing sweeps as Arrow IPC (the file format; the stream format
 * is read too).
 *
 * Written: categorical parameters as Dictionary<Utf8, Uint8> (the dictionary is
 * the labels in code order, so codes round-trip exactly), numeric parameters as
 * their raw Float32 values, metrics as Float32. The schema metadata key
 * `sweepscope` holds `{ version: 1, params, metrics, group, binning? }`:
 * `binning` ('width' or 'quantile') is how the sweep's binned numeric
 * parameters were binned, so that reading re-bins them the same way (absent:
 * equal-width). A numeric parameter with one option per value whose labels are
 * not simply the values' shortest decimals (`1e-4`, `0.0`: spellings kept from
 * a CSV or JSON file) has the field metadata key `sweepscope.written`: a JSON
 * array of `[value, label]` pairs, read back as the column's spellings
 * (NumericColumn.written), so labels and codes come back as they were.
 * Both keys are optional additions to format 1: files without them read as
 * before, and an older reader ignores them (labels then from the values).
 *
 * Read: with that metadata, the sweep as written (LoadOptions override it);
 * without (a foreign file), dictionary columns are categorical parameters
 * (dictionary order kept), Utf8 columns text parameters (natural order),
 * integer and float columns numeric (labelled by their values: Arrow numbers
 * are binary, with no spelling), with the same inference as CSV. Text columns
 * give their cells on demand (`cells()`), for a text parameter with more than
 * 255 distinct values (its most frequent kept, the rest `(other)`) and the
 * tool layouts.
 *
 * Browser-safe: no Node modules.
 */

import {
  DataType,
  Dictionary,
  Field,
  Float32,
  Precision,
  RecordBatch,
  Schema,
  Struct,
  Table,
  Uint8,
  Utf8,
  makeData,
  makeVector,
  tableFromIPC,
  tableToIPC,
  vectorFromArray,
  type Data,
} from 'apache-arrow';
import { MAX_PARAM_BINS, MISSING_LABEL, binNumeric, type BinMode, type Binned } from '../model/binning.js';
import { MAX_OPTIONS, SweepError, allocF32, allocU8, type Param, type Sweep } from '../model/sweep.js';
import { NOT_A_NUMBER, parseNumber } from './csv.js';
import { libraryDetail } from './text.js';
import {
  TextDict,
  buildSweep,
  finishText,
  formatFloat32,
  type FileDefaults,
  type LoadOptions,
  type RawColumn,
  type TextColumn,
} from './table.js';

export type { LoadOptions } from './table.js';

/** Schema metadata key of the sweep's structure. */
export const METADATA_KEY = 'sweepscope';
export const FORMAT_VERSION = 1;
/** Field metadata key of a numeric parameter's labels as written: JSON `[[value, label], ...]`. */
export const WRITTEN_KEY = 'sweepscope.written';

interface SweepMetadata {
  version: number;
  params: string[];
  metrics: string[];
  group: string | null;
  /** How the binned numeric parameters were binned (absent: equal-width, or none binned). */
  binning?: BinMode;
}

// ---------------------------------------------------------------------------
// Writing.

/** The sweep as an Arrow IPC file. */
export function sweepToArrow(sweep: Sweep): Uint8Array {
  const { rows } = sweep;
  const fields: Field[] = [];
  const children: Data[] = [];
  sweep.params.forEach((p, i) => {
    if (p.kind === 'numeric' && p.values) {
      const type = new Float32();
      const pairs = spellingsOf(p, p.values, rows);
      const meta = pairs ? new Map([[WRITTEN_KEY, JSON.stringify(pairs)]]) : undefined;
      fields.push(new Field(p.name, type, false, meta));
      children.push(makeData({ type, length: rows, nullCount: 0, data: p.values }));
    } else {
      const type = new Dictionary(new Utf8(), new Uint8(), i, false);
      fields.push(new Field(p.name, type, false));
      const dictionary = vectorFromArray([...p.labels], new Utf8());
      children.push(makeData({ type, length: rows, nullCount: 0, data: p.codes, dictionary }));
    }
  });
  for (const m of sweep.metrics) {
    const type = new Float32();
    fields.push(new Field(m.name, type, false));
    children.push(makeData({ type, length: rows, nullCount: 0, data: m.values }));
  }
  const meta: SweepMetadata = {
    version: FORMAT_VERSION,
    params: sweep.params.map((p) => p.name),
    metrics: sweep.metrics.map((m) => m.name),
    group: sweep.group >= 0 ? sweep.params[sweep.group].name : null,
  };
  const binning = binningOf(sweep);
  if (binning) meta.binning = binning;
  const schema = new Schema(fields, new Map([[METADATA_KEY, JSON.stringify(meta)]]));
  const struct = makeData({ type: new Struct(fields), length: rows, nullCount: 0, children });
  const table = new Table(schema, [new RecordBatch(schema, struct)]);
  return tableToIPC(table, 'file');
}

/**
 * A numeric parameter's labels as `[value, label]` pairs, when it has one
 * option per value (not binned) and some label is not the value's shortest
 * decimal (a spelling kept from a text file); else null.
 */
function spellingsOf(p: Param, values: Float32Array, rows: number): [number, string][] | null {
  const { labels, codes } = p;
  if (labels.length > MAX_PARAM_BINS + 1 || values.length < rows || codes.length < rows) return null;
  const byCode = new Float64Array(labels.length).fill(NaN);
  for (let i = 0; i < rows; i++) {
    const v = values[i];
    const c = codes[i];
    if (c >= labels.length) return null;
    if (v !== v) {
      if (labels[c] !== MISSING_LABEL) return null;
      continue;
    }
    const key = v === 0 ? 0 : v;
    const prev = byCode[c];
    if (prev !== prev) byCode[c] = key;
    else if (prev !== key) return null; // a bin of several values
  }
  const pairs: [number, string][] = [];
  const seen = new Set<number>();
  let plain = true;
  byCode.forEach((x, c) => {
    if (x !== x) return;
    if (seen.has(x)) plain = false;
    seen.add(x);
    pairs.push([x, labels[c]]);
  });
  if (!plain || pairs.some(([, l]) => l === MISSING_LABEL || l === '')) return null;
  return pairs.some(([x, l]) => l !== formatFloat32(x)) ? pairs : null;
}

function sameBins(b: Binned, p: Param, rows: number): boolean {
  if (b.labels.length !== p.labels.length || b.labels.some((l, k) => l !== p.labels[k])) return false;
  for (let i = 0; i < rows; i++) if (b.codes[i] !== p.codes[i]) return false;
  return true;
}

/**
 * How the sweep's binned numeric parameters were binned, as far as their bins
 * tell (log bins and one option per value do not): the mode that gives the
 * same labels and codes again; undefined when none tells.
 */
function binningOf(sweep: Sweep): BinMode | undefined {
  const { rows } = sweep;
  let scratch: Uint8Array | null = null;
  for (const p of sweep.params) {
    const values = p.values;
    if (p.kind !== 'numeric' || !values || values.length !== rows || p.labels.length <= 1) continue;
    scratch ??= new Uint8Array(rows);
    const width = binNumeric(values, MAX_PARAM_BINS, scratch, 'width');
    if (!width.edges || width.log) continue;
    if (sameBins(width, p, rows)) return 'width';
    if (sameBins(binNumeric(values, MAX_PARAM_BINS, scratch, 'quantile'), p, rows)) return 'quantile';
  }
  return undefined;
}

// ---------------------------------------------------------------------------
// Reading.

function isValid(d: Data, i: number): boolean {
  const bitmap = d.nullBitmap;
  if (d.nullCount === 0 || !bitmap || bitmap.length === 0) return true;
  const bit = d.offset + i;
  return ((bitmap[bit >> 3] >> (bit & 7)) & 1) === 1;
}

type NumArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

function numArray(x: unknown): NumArray | null {
  return x instanceof Float32Array ||
    x instanceof Float64Array ||
    x instanceof Int8Array ||
    x instanceof Int16Array ||
    x instanceof Int32Array ||
    x instanceof Uint8Array ||
    x instanceof Uint16Array ||
    x instanceof Uint32Array ||
    x instanceof BigInt64Array ||
    x instanceof BigUint64Array
    ? x
    : null;
}

/** One chunk's values as numbers into out[off, off + d.length). */
function copyNumbers(d: Data, out: Float32Array, off: number): void {
  const n = d.length;
  // Float16 is stored as raw halves: read it through the vector.
  const values = DataType.isFloat(d.type) && d.type.precision === Precision.HALF ? null : numArray(d.values);
  if (values === null) {
    const v = makeVector(d);
    for (let i = 0; i < n; i++) out[off + i] = Number(v.get(i));
  } else if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
    for (let i = 0; i < n; i++) out[off + i] = Number(values[i]);
  } else out.set(values.subarray(0, n), off);
  if (d.nullCount > 0) for (let i = 0; i < n; i++) if (!isValid(d, i)) out[off + i] = NaN;
}

function numericColumn(name: string, chunks: readonly Data[], rows: number, spelled?: string): RawColumn {
  const out = allocF32(rows);
  let off = 0;
  for (const d of chunks) {
    copyNumbers(d, out, off);
    off += d.length;
  }
  for (let i = 0; i < rows; i++) {
    const x = out[i];
    if (x === Infinity || x === -Infinity) out[i] = NaN;
  }
  const written = spelled === undefined ? null : writtenOf(spelled, out);
  return written ? { kind: 'numeric', name, values: out, written } : { kind: 'numeric', name, values: out };
}

/**
 * The spellings of a column's values from its `sweepscope.written` field
 * metadata: only when every value present has one (then only those kept);
 * null when malformed or incomplete (labels then come from the values).
 */
function writtenOf(raw: string, values: Float32Array): Map<number, string> | null {
  let pairs: unknown;
  try {
    pairs = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!Array.isArray(pairs) || pairs.length > MAX_PARAM_BINS) return null;
  const spelled = new Map<number, string>();
  for (const pair of pairs as unknown[]) {
    if (!Array.isArray(pair) || pair.length !== 2) return null;
    const [x, label] = pair as unknown[];
    if (typeof x !== 'number' || typeof label !== 'string' || label === '' || label === MISSING_LABEL) return null;
    const f = Math.fround(x);
    if (!Number.isFinite(f)) return null;
    spelled.set(f === 0 ? 0 : f, label);
  }
  const present = new Set<number>();
  let prev = NaN;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== v || v === prev) continue;
    const key = v === 0 ? 0 : v;
    if (!spelled.has(key)) return null;
    present.add(key);
    prev = v;
  }
  return present.size === spelled.size ? spelled : new Map([...spelled].filter(([x]) => present.has(x)));
}

/** Labels of a dictionary vector, `(missing)` for nulls. */
function dictionaryLabels(d: Data): string[] {
  const dict = d.dictionary;
  if (!dict) return [];
  const out: string[] = [];
  for (let j = 0; j < dict.length; j++) {
    const v: unknown = dict.get(j);
    out.push(v === null || v === undefined ? MISSING_LABEL : String(v));
  }
  return out;
}

function dictionaryColumn(name: string, chunks: readonly Data[], rows: number): RawColumn {
  const labels: string[] = [];
  const index = new Map<string, number>();
  const codeOf = (label: string): number => {
    let c = index.get(label);
    if (c === undefined) {
      c = labels.length;
      labels.push(label);
      index.set(label, c);
    }
    return c;
  };
  // Codes as u32 first (dictionaries may be large or differ per chunk).
  const wide = rows > 0 ? new Uint32Array(rows) : new Uint32Array(0);
  const fast = allocU8(rows);
  let allFast = true;
  let off = 0;
  let prevDict: unknown = null;
  let map: Int32Array = new Int32Array(0);
  for (const d of chunks) {
    if (d.dictionary !== prevDict) {
      map = Int32Array.from(dictionaryLabels(d), codeOf);
      prevDict = d.dictionary;
    }
    const idx = numArray(d.values);
    const n = d.length;
    let identity = true;
    for (let j = 0; j < map.length; j++) if (map[j] !== j) identity = false;
    // The fast path copies the indices as codes: each must name a label (corrupt files have others).
    let inRange = idx instanceof Uint8Array && identity && d.nullCount === 0;
    if (inRange) for (let i = 0; i < n; i++) if ((idx as Uint8Array)[i] >= map.length) inRange = false;
    if (inRange && idx instanceof Uint8Array && labels.length <= MAX_OPTIONS && allFast) {
      fast.set(idx.subarray(0, n), off);
    } else {
      if (allFast) {
        for (let i = 0; i < off; i++) wide[i] = fast[i];
        allFast = false;
      }
      for (let i = 0; i < n; i++) {
        if (!isValid(d, i) || !idx) wide[off + i] = codeOf(MISSING_LABEL);
        else {
          const j = Number(idx[i]);
          wide[off + i] = j >= 0 && j < map.length ? map[j] : codeOf(MISSING_LABEL);
        }
      }
    }
    off += d.length;
  }
  const numbers = (): Float32Array => {
    const values = labels.map((l) => Math.fround(Number(l)));
    const out = allocF32(rows);
    for (let i = 0; i < rows; i++) {
      const x = values[allFast ? fast[i] : wide[i]];
      out[i] = Number.isFinite(x) && labels[allFast ? fast[i] : wide[i]].trim() !== '' ? x : NaN;
    }
    return out;
  };
  // Which labels are used: unused ones are kept, unless there are too many.
  const used = new Uint8Array(labels.length);
  if (allFast) for (let i = 0; i < rows; i++) used[fast[i]] = 1;
  else for (let i = 0; i < rows; i++) used[wide[i]] = 1;
  let distinct = 0;
  for (const u of used) distinct += u;
  /** Every row's cell ('' where missing), from per-row indices into `texts`' labels (made on demand). */
  const cellsOf =
    (texts: readonly string[], ids: Uint8Array | Uint32Array) =>
    (): readonly string[] => {
      const byId = texts.map((l) => (l === MISSING_LABEL ? '' : l));
      const out = new Array<string>(rows);
      for (let i = 0; i < rows; i++) out[i] = byId[ids[i]];
      return out;
    };
  if (labels.length <= MAX_OPTIONS) {
    if (!allFast) for (let i = 0; i < rows; i++) fast[i] = wide[i];
    return { kind: 'text', name, distinct, labels, codes: fast, numbers, cells: cellsOf(labels, fast) };
  }
  if (distinct > MAX_OPTIONS) return { kind: 'text', name, distinct, labels: null, codes: null, numbers, cells: cellsOf(labels, wide) };
  const compact = new Int32Array(labels.length).fill(-1);
  const kept: string[] = [];
  labels.forEach((l, j) => {
    if (used[j]) {
      compact[j] = kept.length;
      kept.push(l);
    }
  });
  for (let i = 0; i < rows; i++) fast[i] = compact[wide[i]];
  return { kind: 'text', name, distinct, labels: kept, codes: fast, numbers, cells: cellsOf(kept, fast) };
}

function textColumn(name: string, chunks: readonly Data[], rows: number): TextColumn {
  const dict = new TextDict();
  let codes: Uint8Array | null = allocU8(rows);
  const enc = new TextEncoder();
  const forEachCell = (cell: (row: number, bytes: Uint8Array, s: number, e: number) => void): void => {
    let off = 0;
    const empty = new Uint8Array(0);
    for (const d of chunks) {
      const n = d.length;
      const offsets = d.valueOffsets as unknown;
      const bytes = d.values as unknown;
      if ((offsets instanceof Int32Array || offsets instanceof BigInt64Array) && bytes instanceof Uint8Array) {
        for (let i = 0; i < n; i++) {
          if (!isValid(d, i)) cell(off + i, empty, 0, 0);
          else cell(off + i, bytes, Number(offsets[i]), Number(offsets[i + 1]));
        }
      } else {
        const v = makeVector(d);
        for (let i = 0; i < n; i++) {
          const x: unknown = v.get(i);
          const b = x === null || x === undefined ? empty : enc.encode(String(x));
          cell(off + i, b, 0, b.length);
        }
      }
      off += n;
    }
  };
  forEachCell((row, bytes, s, e) => {
    const id = dict.id(bytes, s, e);
    if (codes !== null) {
      if (id > 255) codes = null;
      else codes[row] = id;
    }
  });
  const numbers = (): Float32Array => {
    const out = allocF32(rows);
    forEachCell((row, bytes, s, e) => {
      const x = parseNumber(bytes, s, e);
      const f = x === NOT_A_NUMBER ? NaN : Math.fround(x);
      out[row] = Number.isFinite(f) ? f : NaN;
    });
    return out;
  };
  // Made on demand: the cells interned again (one string per distinct value), '' where missing.
  const cells = (): readonly string[] => {
    const again = new TextDict();
    const ids = new Int32Array(rows);
    forEachCell((row, bytes, s, e) => {
      ids[row] = again.id(bytes, s, e);
    });
    // An empty cell and `(missing)` written out are the same option (as finishText has it).
    const texts = again.keys().map((l) => (l === MISSING_LABEL ? '' : l));
    const out = new Array<string>(rows);
    for (let i = 0; i < rows; i++) out[i] = texts[ids[i]];
    return out;
  };
  return { ...finishText(name, dict, codes, rows, numbers), cells };
}

function readMetadata(name: string, schema: Schema): FileDefaults | undefined {
  const raw = schema.metadata.get(METADATA_KEY);
  if (raw === undefined) return undefined;
  let meta: unknown;
  try {
    meta = JSON.parse(raw);
  } catch {
    throw new SweepError(`${name}: the '${METADATA_KEY}' schema metadata is not valid JSON: remove it, or write the file again`);
  }
  const m = meta as Partial<SweepMetadata> | null;
  const strings = (x: unknown): x is string[] => Array.isArray(x) && x.every((s) => typeof s === 'string');
  if (!m || typeof m !== 'object' || typeof m.version !== 'number' || !strings(m.params) || !strings(m.metrics))
    throw new SweepError(`${name}: the '${METADATA_KEY}' schema metadata is malformed: remove it, or write the file again`);
  if (m.version > FORMAT_VERSION)
    throw new SweepError(`${name} was written by a newer sweepscope (format ${m.version}; this one reads ${FORMAT_VERSION}): update sweepscope`);
  const binning = m.binning === 'width' || m.binning === 'quantile' ? { binning: m.binning } : {};
  return { params: m.params, metrics: m.metrics, group: typeof m.group === 'string' ? m.group : null, ...binning };
}

function corruptArrow(name: string, detail: string | null): SweepError {
  return new SweepError(`${name}: the Arrow file is truncated or corrupt${detail ? ` (${detail})` : ''}`);
}

// ---------------------------------------------------------------------------
// Checking the IPC framing and flatbuffer metadata before apache-arrow reads it:
// on corrupt metadata (a vector length of 2^31, a footer block pointing at the
// wrong message) it can loop for minutes or forever.

/** Most tables visited in one message's metadata (fields, types, key-values). */
const MAX_TABLES = 1 << 18;
/** Deepest nesting of fields. */
const MAX_FIELD_DEPTH = 64;

class Corrupt extends Error {}

/** A flatbuffer, checked as it is walked: every read in bounds, or Corrupt. */
class Flat {
  private readonly view: DataView;
  private tables = 0;

  constructor(private readonly b: Uint8Array) {
    this.view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }

  private need(pos: number, size: number): void {
    if (!(pos >= 0 && pos + size <= this.b.length)) throw new Corrupt('metadata out of its bounds');
  }

  u8(pos: number): number {
    this.need(pos, 1);
    return this.b[pos];
  }

  u32(pos: number): number {
    this.need(pos, 4);
    return this.view.getUint32(pos, true);
  }

  /** The root table's position. */
  root(): number {
    return this.table(this.u32(0));
  }

  /** Checks the table at pos and its vtable; returns pos. */
  table(pos: number): number {
    if (++this.tables > MAX_TABLES) throw new Corrupt('metadata with too many entries');
    this.need(pos, 4);
    const vt = pos - this.view.getInt32(pos, true);
    this.need(vt, 4);
    const vtSize = this.view.getUint16(vt, true);
    const size = this.view.getUint16(vt + 2, true);
    if (vtSize < 4 || vtSize % 2 !== 0 || size < 4) throw new Corrupt('malformed metadata');
    this.need(vt, vtSize);
    this.need(pos, size);
    return pos;
  }

  /** Where field `i` of the table at pos lies, or 0 when absent. */
  field(pos: number, i: number): number {
    const vt = pos - this.view.getInt32(pos, true);
    const vtSize = this.view.getUint16(vt, true);
    if (4 + 2 * i + 2 > vtSize) return 0;
    const off = this.view.getUint16(vt + 4 + 2 * i, true);
    if (off === 0) return 0;
    if (off >= this.view.getUint16(vt + 2, true)) throw new Corrupt('malformed metadata');
    return pos + off;
  }

  /** The table that field `i` points to, or 0. */
  child(pos: number, i: number): number {
    const at = this.field(pos, i);
    return at === 0 ? 0 : this.table(at + this.u32(at));
  }

  /** The vector that field `i` points to, elements of `size` bytes: [start, length], or null. */
  vector(pos: number, i: number, size: number): [number, number] | null {
    const at = this.field(pos, i);
    if (at === 0) return null;
    const v = at + this.u32(at);
    const n = this.u32(v);
    this.need(v + 4, n * size);
    return [v + 4, n];
  }

  /** The tables of a vector of tables at field `i`. */
  tablesAt(pos: number, i: number): number[] {
    const v = this.vector(pos, i, 4);
    const out: number[] = [];
    if (v) for (let k = 0; k < v[1]; k++) out.push(this.table(v[0] + 4 * k + this.u32(v[0] + 4 * k)));
    return out;
  }

  /** Checks a string at field `i` (if present). */
  string(pos: number, i: number): void {
    this.vector(pos, i, 1);
  }

  /** A little-endian int64 at field `i` as a number (0 when absent). */
  i64(pos: number, i: number): number {
    const at = this.field(pos, i);
    if (at === 0) return 0;
    this.need(at, 8);
    return Number(this.view.getBigInt64(at, true));
  }
}

/** Message header types (Message.fbs). */
const SCHEMA = 1;
const DICTIONARY_BATCH = 2;
const RECORD_BATCH = 3;
/** Type union members that hold more than scalars (Schema.fbs). */
const TYPE_TIMESTAMP = 10;
const TYPE_UNION = 14;

function checkKeyValues(f: Flat, pos: number, i: number): void {
  for (const kv of f.tablesAt(pos, i)) {
    f.string(kv, 0);
    f.string(kv, 1);
  }
}

function checkField(f: Flat, field: number, depth: number): void {
  if (depth > MAX_FIELD_DEPTH) throw new Corrupt(`fields nested deeper than ${MAX_FIELD_DEPTH} levels`);
  f.string(field, 0);
  const typeType = f.field(field, 2) ? f.u8(f.field(field, 2)) : 0;
  const type = f.child(field, 3);
  if (type !== 0) {
    if (typeType === TYPE_UNION) f.vector(type, 1, 4);
    if (typeType === TYPE_TIMESTAMP) f.string(type, 1);
  }
  const dict = f.child(field, 4);
  if (dict !== 0) f.child(dict, 1);
  for (const c of f.tablesAt(field, 5)) checkField(f, c, depth + 1);
  checkKeyValues(f, field, 6);
}

function checkRecordBatch(f: Flat, rb: number, bodyLength: number): void {
  f.vector(rb, 1, 16); // FieldNode { length, null_count }
  const buffers = f.vector(rb, 2, 16); // Buffer { offset, length }
  const b = f.child(rb, 3);
  void b;
  f.vector(rb, 4, 8);
  if (buffers) {
    for (let k = 0; k < buffers[1]; k++) {
      const at = buffers[0] + 16 * k;
      const lo = f.u32(at) + f.u32(at + 4) * 2 ** 32;
      const len = f.u32(at + 8) + f.u32(at + 12) * 2 ** 32;
      if (lo + len > bodyLength) throw new Corrupt('a buffer lies outside its message');
    }
  }
}

/** Checks one message's metadata; returns its header type and body length. */
function checkMessage(meta: Uint8Array, remaining: number): { type: number; body: number } {
  const f = new Flat(meta);
  const m = f.root();
  const typeAt = f.field(m, 1);
  const headerType = typeAt ? f.u8(typeAt) : 0;
  const header = f.child(m, 2);
  const bodyLength = f.i64(m, 3);
  if (!Number.isSafeInteger(bodyLength) || bodyLength < 0) throw new Corrupt('a message of negative or impossible length');
  if (bodyLength > remaining) throw new Corrupt('it ends inside a record batch');
  checkKeyValues(f, m, 4);
  if (header !== 0) {
    if (headerType === SCHEMA) checkSchema(f, header);
    else if (headerType === RECORD_BATCH) checkRecordBatch(f, header, bodyLength);
    else if (headerType === DICTIONARY_BATCH) {
      const data = f.child(header, 1);
      if (data !== 0) checkRecordBatch(f, data, bodyLength);
    }
  }
  return { type: headerType, body: bodyLength };
}

function checkSchema(f: Flat, schema: number): void {
  for (const field of f.tablesAt(schema, 1)) checkField(f, field, 0);
  checkKeyValues(f, schema, 2);
  f.vector(schema, 3, 8);
}

/**
 * The message at p, checked (framing, metadata, body length), reading no
 * further than `end`; null at the end-of-stream marker or the end. Throws Corrupt.
 */
function checkMessageAt(b: Uint8Array, p: number, end: number): { type: number; next: number } | null {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (p + 4 > end) return null;
  let len = view.getInt32(p, true);
  p += 4;
  if (len === -1) {
    if (p + 4 > end) return null;
    len = view.getInt32(p, true);
    p += 4;
  }
  if (len === 0) return null;
  if (len < 0 || len > end - p) throw new Corrupt('it ends inside a message');
  const { type, body } = checkMessage(b.subarray(p, p + len), end - p - len);
  return { type, next: p + len + body };
}

/** The messages of an IPC stream, checked; throws Corrupt. */
function checkStream(b: Uint8Array): void {
  for (let p = 0; ; ) {
    const m = checkMessageAt(b, p, b.length);
    if (m === null) return;
    p = m.next;
  }
}

/**
 * An IPC file's footer and the messages its blocks point to, checked: each
 * block must hold a message of its kind (apache-arrow loops forever on a
 * record batch block that holds another message). Throws Corrupt.
 */
function checkFile(b: Uint8Array): void {
  const n = b.length;
  if (n < 18) throw new Corrupt('too short for an Arrow file');
  const footerLength = new DataView(b.buffer, b.byteOffset, n).getInt32(n - 10, true);
  if (footerLength <= 0 || footerLength > n - 18) throw new Corrupt('the footer is damaged');
  const end = n - 10 - footerLength;
  const f = new Flat(b.subarray(end, n - 10));
  const footer = f.root();
  const schema = f.child(footer, 1);
  if (schema === 0) throw new Corrupt('the footer has no schema');
  checkSchema(f, schema);
  checkKeyValues(f, footer, 4);
  for (const [field, kind] of [
    [2, DICTIONARY_BATCH],
    [3, RECORD_BATCH],
  ] as const) {
    const blocks = f.vector(footer, field, 24); // Block { offset: long, metaDataLength: int, bodyLength: long }
    if (!blocks) continue;
    for (let k = 0; k < blocks[1]; k++) {
      const at = blocks[0] + 24 * k;
      const offset = f.u32(at) + f.u32(at + 4) * 2 ** 32;
      if (offset < 8 || offset >= end) throw new Corrupt('the footer points outside the file');
      const m = checkMessageAt(b, offset, end);
      if (m === null || m.type !== kind)
        throw new Corrupt(`the footer points at something other than a ${kind === RECORD_BATCH ? 'record' : 'dictionary'} batch`);
    }
  }
}

/** Whether a chunk's buffers hold its length of values (corrupt lengths would make long loops). */
function holdsItsValues(d: Data): boolean {
  const n = d.offset + d.length;
  if (n === 0) return true;
  const t = d.type;
  if (DataType.isDictionary(t) || DataType.isInt(t) || DataType.isFloat(t)) {
    const v = numArray(d.values);
    return v !== null && v.length >= n;
  }
  if (DataType.isUtf8(t) || DataType.isLargeUtf8(t)) {
    const o = numArray(d.valueOffsets);
    return o !== null && o.length >= n + 1;
  }
  if (DataType.isBool(t)) {
    const v = d.values as unknown;
    return v instanceof Uint8Array && v.length * 8 >= n;
  }
  return true;
}

const FILE_MAGIC = [0x41, 0x52, 0x52, 0x4f, 0x57, 0x31]; // ARROW1

function hasMagicAt(b: Uint8Array, at: number): boolean {
  if (at < 0 || b.length < at + FILE_MAGIC.length) return false;
  for (let i = 0; i < FILE_MAGIC.length; i++) if (b[at + i] !== FILE_MAGIC[i]) return false;
  return true;
}

/**
 * Reads a sweep from Arrow IPC bytes (file or stream format). A truncated or
 * corrupt file is a SweepError of ours, never the reader's own error.
 */
export function sweepFromArrow(bytes: Uint8Array, name: string, options: LoadOptions = {}): Sweep {
  if (bytes.length === 0) throw new SweepError(`${name} is empty: expected an Arrow IPC file`);
  // The file format ends with its footer and the magic again: without them the
  // reader falls back to reading a stream, and would return the batches before the cut.
  if (hasMagicAt(bytes, 0) && !hasMagicAt(bytes, bytes.length - FILE_MAGIC.length))
    throw corruptArrow(name, 'it ends before the Arrow footer');
  try {
    if (hasMagicAt(bytes, 0)) checkFile(bytes);
    else checkStream(bytes);
  } catch (e) {
    if (e instanceof Corrupt) throw corruptArrow(name, e.message);
    throw e;
  }
  try {
    const table = tableFromIPC(bytes);
    const fields = table.schema.fields;
    if (fields.length === 0) throw new SweepError(`${name} has no columns (or is not an Arrow IPC file)`);
    const rows = table.numRows;
    const cols = fields.map((f, i): RawColumn => {
      const vec = table.getChildAt(i);
      const chunks = vec ? vec.data : [];
      let n = 0;
      for (const d of chunks) n += d.length;
      if (n !== rows) throw new Corrupt(`column '${f.name}' has ${n} values for ${rows} rows`);
      for (const d of chunks) {
        if (!holdsItsValues(d)) throw new Corrupt(`column '${f.name}' has fewer values than rows`);
        for (const dd of d.dictionary?.data ?? []) if (!holdsItsValues(dd)) throw new Corrupt(`the dictionary of column '${f.name}' is damaged`);
      }
      const t = f.type;
      if (DataType.isDictionary(t)) return dictionaryColumn(f.name, chunks, rows);
      if (DataType.isUtf8(t) || DataType.isLargeUtf8(t) || DataType.isUtf8View(t) || DataType.isBool(t))
        return textColumn(f.name, chunks, rows);
      if (DataType.isInt(t) || DataType.isFloat(t)) return numericColumn(f.name, chunks, rows, f.metadata.get(WRITTEN_KEY));
      return { kind: 'other', name: f.name, type: String(t) };
    });
    // Inside the try: text columns read their cells again, lazily, when one is the metric.
    return buildSweep(cols, rows, name, options, readMetadata(name, table.schema));
  } catch (e) {
    if (e instanceof SweepError) throw e;
    throw corruptArrow(name, e instanceof Corrupt ? e.message : libraryDetail(e));
  }
}
