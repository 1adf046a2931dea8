/**
 * Reading sweeps from Parquet.
 *
 * Why hyparquet: it is pure JavaScript (nothing to compile, no WASM module to
 * ship or load in the worker), small, dependency-free, maintained, and reads
 * the metadata first and then one column chunk at a time, so a file is decoded
 * column by column and row group by row group rather than all at once.
 * hyparquet-compressors adds gzip, zstd, brotli and LZ4 (snappy is built in).
 * Flat columns of numbers and strings (nearly every sweep's) have their pages
 * decoded here instead (readFlat), with hyparquet's page headers and
 * decompressors: hyparquet's row assembly was most of the time of reading.
 *
 * Types: integers, floats, doubles and decimals are numeric columns; strings,
 * enums, UUIDs, JSON and booleans (`true` / `false`) are text; timestamps,
 * dates and times are OtherColumns of type `timestamp`, `date`, `time` (kept
 * out of the parameters and the metric, as Arrow timestamps are); lists,
 * maps, structs and binary columns are OtherColumns too, and are not read.
 *
 * Browser-safe: no Node modules.
 */

import { parquetMetadata, parquetRead, parquetSchema, type ColumnData, type DataReader, type FileMetaData, type PageHeader, type SchemaTree } from 'hyparquet';
import { parquetHeader } from 'hyparquet/src/column.js';
import { decompressPage } from 'hyparquet/src/datapage.js';
import { compressors } from 'hyparquet-compressors';
import { SweepError, type Sweep } from '../model/sweep.js';
import { NumberBuilder, TextBuilder } from './columns.js';
import { MAGIC, endsWith } from './sniff.js';
import { libraryDetail } from './text.js';
import { buildSweep, type LoadOptions, type RawColumn } from './table.js';

type Kind = { readonly kind: 'numeric' } | { readonly kind: 'text' } | { readonly kind: 'other'; readonly type: string };

const NUMERIC: Kind = { kind: 'numeric' };
const TEXT: Kind = { kind: 'text' };
const other = (type: string): Kind => ({ kind: 'other', type });

/** How a top-level column of the schema is read. */
function kindOf(node: SchemaTree): Kind {
  const e = node.element;
  const ct = e.converted_type;
  const lt = e.logical_type?.type;
  if (node.children.length > 0) {
    if (ct === 'LIST' || lt === 'LIST') return other('list');
    if (ct === 'MAP' || ct === 'MAP_KEY_VALUE' || lt === 'MAP') return other('map');
    if (lt === 'VARIANT') return other('variant');
    return other('struct');
  }
  if (e.repetition_type === 'REPEATED') return other('list');
  if (lt === 'TIMESTAMP' || ct === 'TIMESTAMP_MILLIS' || ct === 'TIMESTAMP_MICROS' || e.type === 'INT96') return other('timestamp');
  if (lt === 'DATE' || ct === 'DATE') return other('date');
  if (lt === 'TIME' || ct === 'TIME_MILLIS' || ct === 'TIME_MICROS') return other('time');
  if (ct === 'INTERVAL' || lt === 'INTERVAL') return other('interval');
  if (ct === 'BSON' || lt === 'BSON') return other('bson');
  if (lt === 'GEOMETRY' || lt === 'GEOGRAPHY') return other(lt.toLowerCase());
  if (lt === 'NULL') return other('null');
  if (ct === 'DECIMAL' || lt === 'DECIMAL' || lt === 'FLOAT16') return NUMERIC;
  switch (e.type) {
    case 'INT32':
    case 'INT64':
    case 'FLOAT':
    case 'DOUBLE':
      return NUMERIC;
    case 'BOOLEAN':
    case 'BYTE_ARRAY':
      return TEXT;
    case 'FIXED_LEN_BYTE_ARRAY':
      return lt === 'UUID' ? TEXT : other('binary');
    default:
      return other(String(e.type ?? 'group'));
  }
}

/** Message detail from whatever hyparquet threw: its words when readable, else `fallback`. */
function reason(e: unknown, fallback: string): string {
  return libraryDetail(e) ?? fallback;
}

export function corruptParquet(name: string, detail: string): SweepError {
  return new SweepError(`${name}: the Parquet file is truncated or corrupt (${detail})`);
}

/** Byte strings come back as bytes (no string per cell); JSON as its text. */
const PARSERS = {
  stringFromBytes: (b: Uint8Array): Uint8Array => b,
  jsonFromBytes: (b: Uint8Array): Uint8Array => b,
};

/** Writes one decoded run of a numeric column. */
function putNumbers(out: NumberBuilder, data: ArrayLike<unknown>, rowStart: number, rows: number): void {
  const n = Math.min(data.length, rows - rowStart);
  for (let i = 0; i < n; i++) {
    const v = data[i];
    out.set(rowStart + i, typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : NaN);
  }
}

/** Writes one decoded run of a text column. */
function putText(out: TextBuilder, data: ArrayLike<unknown>, rowStart: number, rows: number): void {
  const n = Math.min(data.length, rows - rowStart);
  for (let i = 0; i < n; i++) {
    const v = data[i];
    const row = rowStart + i;
    if (v instanceof Uint8Array) out.set(row, v, 0, v.length);
    else if (v === null || v === undefined) out.setMissing(row);
    else if (typeof v === 'string') out.setString(row, v);
    else if (typeof v === 'boolean' || typeof v === 'number' || typeof v === 'bigint') out.setString(row, String(v));
    else out.setString(row, JSON.stringify(v) ?? '');
  }
}

// ---------------------------------------------------------------------------
// Checking pages before hyparquet decodes them: a corrupt run length in
// run-length/bit-packed data (levels, dictionary indices, booleans) makes it
// write billions of values, and a corrupt page value count allocate them.
// The pages decompressed for this are kept (PageCache) for readFlat, which
// would otherwise decompress them again.

class Corrupt extends Error {}

function varint(view: DataView, r: DataReader, end: number): number {
  let v = 0;
  for (let shift = 0; shift < 35; shift += 7) {
    if (r.offset >= end) throw new Corrupt('run-length data ends early');
    const b = view.getUint8(r.offset++);
    v += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return v;
  }
  throw new Corrupt('a malformed run length');
}

/**
 * Walks run-length/bit-packed hybrid data of `n` values of `width` bits in
 * view[r.offset, end): a repeated run must fit in the values left; a
 * bit-packed run may be longer (writers such as DuckDB pad the last one to a
 * whole run) but its bytes must lie in the data, so its length is bounded by
 * the page's size. Leaves r.offset after the runs read.
 */
function checkRuns(view: DataView, r: DataReader, end: number, width: number, n: number): void {
  let seen = 0;
  while (seen < n && r.offset < end) {
    const header = varint(view, r, end);
    if (header % 2 === 1) {
      const count = Math.floor(header / 2) * 8;
      const bytes = (count / 8) * width;
      if (width === 0 ? count > n - seen + 8 : r.offset + bytes > end)
        throw new Corrupt(`a bit-packed run of ${count} values runs past its data`);
      r.offset += bytes;
      seen += count;
    } else {
      const count = Math.floor(header / 2);
      if (count > n - seen + 8) throw new Corrupt(`a run of ${count} values where ${n - seen} are left`);
      r.offset += (width + 7) >> 3;
      seen += count;
    }
  }
}

/** The pages of one column chunk, checked (see above); throws Corrupt (or hyparquet's errors). */
function checkChunk(
  bytes: Uint8Array,
  from: number,
  to: number,
  maxValues: number,
  optional: boolean,
  boolean: boolean,
  codec: Parameters<typeof decompressPage>[2],
  cache: PageCache,
): void {
  const base = from;
  // The chunk alone, as hyparquet reads it: nothing is read past its end.
  bytes = bytes.subarray(from, to);
  to -= from;
  from = 0;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const r: DataReader = { view, offset: from };
  let values = 0;
  while (r.offset < to - 1 && values < maxValues) {
    const h: PageHeader = parquetHeader(r);
    const start = r.offset;
    const size = h.compressed_page_size;
    if (!(size >= 0) || start + size > to) throw new Corrupt('a page runs past its column chunk');
    r.offset = start + size;
    const v1 = h.type === 'DATA_PAGE' ? h.data_page_header : undefined;
    const v2 = h.type === 'DATA_PAGE_V2' ? h.data_page_header_v2 : undefined;
    const n = v1?.num_values ?? v2?.num_values;
    if (n === undefined) continue; // dictionary and index pages: plain values, bounded by their bytes
    if (!(n >= 0) || values + n > maxValues) throw new Corrupt(`a page of ${n} values in a column chunk of ${maxValues}`);
    values += n;
    const encoding = v1?.encoding ?? v2?.encoding;
    const runs = boolean ? encoding === 'RLE' : encoding === 'RLE_DICTIONARY' || encoding === 'PLAIN_DICTIONARY';
    if (!optional && !runs) continue;
    const compressed = bytes.subarray(start, start + size);
    if (v1) {
      const page = decompressPage(compressed, Number(h.uncompressed_page_size), codec, compressors);
      cache.keep(base + start, page, page !== compressed);
      const pv = new DataView(page.buffer, page.byteOffset, page.byteLength);
      const pr: DataReader = { view: pv, offset: 0 };
      if (optional) {
        if (page.length < 4) throw new Corrupt('a page too short for its levels');
        const len = pv.getUint32(0, true);
        pr.offset = 4;
        checkRuns(pv, pr, Math.min(page.length, 4 + len), 1, n);
        pr.offset = 4 + len;
      }
      if (runs && pr.offset < page.length) {
        if (boolean) pr.offset += 4;
        const width = boolean ? 1 : pv.getUint8(pr.offset++);
        if (width > 32) throw new Corrupt(`dictionary indices of ${width} bits`);
        if (width > 0) checkRuns(pv, pr, page.length, width, n);
      }
    } else if (v2) {
      const levels = v2.repetition_levels_byte_length + v2.definition_levels_byte_length;
      if (!(v2.repetition_levels_byte_length >= 0 && v2.definition_levels_byte_length >= 0 && levels <= size))
        throw new Corrupt('page levels longer than the page');
      if (optional) {
        const lr: DataReader = { view, offset: start + v2.repetition_levels_byte_length };
        checkRuns(view, lr, start + levels, 1, n);
      }
      if (runs) {
        const rest = compressed.subarray(levels);
        const uncompressed = Number(h.uncompressed_page_size) - levels;
        const page = v2.is_compressed !== false && uncompressed ? decompressPage(rest, uncompressed, codec, compressors) : rest;
        cache.keep(base + start, page, page !== rest);
        if (page.length === 0) continue;
        const pv = new DataView(page.buffer, page.byteOffset, page.byteLength);
        const pr: DataReader = { view: pv, offset: 0 };
        if (boolean) pr.offset += 4;
        const width = boolean ? 1 : pv.getUint8(pr.offset++);
        if (width > 32) throw new Corrupt(`dictionary indices of ${width} bits`);
        if (width > 0) checkRuns(pv, pr, page.length, width, n - v2.num_nulls);
      }
    }
  }
}

/** Checks the pages of the columns read (top-level, not repeated), keeping the pages it decompressed in `cache`; throws Corrupt or hyparquet's errors. */
function checkPages(bytes: Uint8Array, metadata: FileMetaData, top: readonly SchemaTree[], read: readonly boolean[], cache: PageCache): void {
  const byName = new Map<string, number>();
  top.forEach((t, i) => {
    if (read[i]) byName.set(t.element.name, i);
  });
  for (const g of metadata.row_groups) {
    const rows = Number(g.num_rows);
    for (const c of g.columns) {
      const m = c.meta_data;
      if (!m || m.path_in_schema.length !== 1) continue;
      const i = byName.get(m.path_in_schema[0]);
      if (i === undefined) continue;
      const dict = m.dictionary_page_offset === undefined ? undefined : Number(m.dictionary_page_offset);
      const data = Number(m.data_page_offset);
      const from = dict !== undefined && dict > 0 && dict < data ? dict : data;
      const to = from + Number(m.total_compressed_size);
      if (!(from >= 4 && to <= bytes.length - 8 && to >= from)) throw new Corrupt(`column '${m.path_in_schema[0]}' lies outside the file`);
      const n = Number(m.num_values);
      if (!(n >= 0 && n <= rows)) throw new Corrupt(`column '${m.path_in_schema[0]}' has ${n} values in a row group of ${rows} rows`);
      const e = top[i].element;
      checkChunk(bytes, from, to, n, e.repetition_type === 'OPTIONAL', e.type === 'BOOLEAN', m.codec, cache);
    }
  }
}

// ---------------------------------------------------------------------------
// Reading flat columns without hyparquet's row assembly. hyparquet returns an
// optional column's values as a JS array built one push per row (assembleLists),
// with its levels and dictionary indices in JS arrays too: most of the time of
// reading a file went there. For the plain cases (a top-level column, required
// or optional, of floats, doubles, ints or strings, PLAIN or dictionary
// encoded, data pages v1 or v2) the pages are decoded here into typed arrays,
// reusing the pages checkPages decompressed. Anything else, and anything
// unexpected on the way (a run past the values a page has, an index past the
// dictionary, a page count that does not add up to the row group), and the
// column is read by parquetRead as before: the same values, notes and errors.

/** Most bytes of decompressed pages checkPages keeps for the reading after it. */
const PAGE_CACHE_BYTES = 256 << 20;

/** Pages checkPages decompressed, by the file offset of their data, for readFlat (each taken once). */
class PageCache {
  private readonly pages = new Map<number, Uint8Array>();
  private bytes = 0;

  keep(at: number, page: Uint8Array, decompressed: boolean): void {
    if (!decompressed || this.bytes + page.length > PAGE_CACHE_BYTES) return;
    this.pages.set(at, page);
    this.bytes += page.length;
  }

  take(at: number): Uint8Array | undefined {
    const page = this.pages.get(at);
    if (page) {
      this.pages.delete(at);
      this.bytes -= page.length;
    }
    return page;
  }
}

/** Thrown inside readFlat: this column is left to parquetRead. */
class NotFlat extends Error {}

const notFlat = (): never => {
  throw new NotFlat();
};

/**
 * Run-length/bit-packed hybrid data of `n` values of `width` (<= 24) bits in
 * b[pos, end) into out[0, n), as hyparquet reads it; returns the position
 * after the runs read. A run that would write past `n` values (hyparquet would
 * then lengthen its array) or data that ends early: NotFlat.
 */
function hybrid(b: Uint8Array, pos: number, end: number, width: number, out: Int32Array, n: number): number {
  const mask = (1 << width) - 1;
  const bytesPerValue = (width + 7) >> 3;
  let seen = 0;
  while (seen < n) {
    let header = 0;
    for (let shift = 0; ; shift += 7) {
      if (pos >= end || shift > 28) notFlat();
      const x = b[pos++];
      header |= (x & 0x7f) << shift;
      if ((x & 0x80) === 0) break;
    }
    if (header & 1) {
      // Bit-packed: groups of 8 values; values past n are padding.
      const count = (header >>> 1) << 3;
      const len = (count * width) >> 3;
      if (pos + len > end) notFlat();
      const stop = Math.min(n, seen + count);
      let bit = pos * 8;
      for (; seen < stop; seen++, bit += width) {
        const at = bit >>> 3;
        const word = b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24);
        out[seen] = (word >>> (bit & 7)) & mask;
      }
      pos += len;
    } else {
      const count = header >>> 1;
      if (count > n - seen || pos + bytesPerValue > end) notFlat();
      let value = 0;
      for (let i = 0; i < bytesPerValue; i++) value |= b[pos++] << (i << 3);
      if (value > mask) notFlat();
      out.fill(value, seen, seen + count);
      seen += count;
    }
  }
  return pos;
}

type Physical = 'FLOAT' | 'DOUBLE' | 'INT32' | 'INT64' | 'BYTE_ARRAY';

/** The physical type when readFlat reads the column, else null. */
function flatType(node: SchemaTree): Physical | null {
  const e = node.element;
  if (node.children.length > 0 || e.repetition_type === 'REPEATED') return null;
  const ct = e.converted_type;
  const lt = e.logical_type;
  switch (e.type) {
    case 'FLOAT':
    case 'DOUBLE':
    case 'INT32':
    case 'INT64':
      return ct === undefined && lt === undefined ? e.type : null;
    case 'BYTE_ARRAY':
      return (ct === undefined || ct === 'UTF8') && (lt === undefined || lt.type === 'STRING') ? 'BYTE_ARRAY' : null;
    default:
      return null;
  }
}

/** Values of one page or dictionary: numbers, or strings as b[starts[k], ends[k]). */
interface Values {
  count: number;
  numbers: Float64Array | null;
  b: Uint8Array;
  starts: Int32Array | null;
  ends: Int32Array | null;
}

/** `count` PLAIN values of `type` from b[pos, end). */
function plainValues(b: Uint8Array, pos: number, end: number, type: Physical, count: number): Values {
  if (!(count >= 0)) notFlat();
  if (type === 'BYTE_ARRAY') {
    if (count > (end - pos) / 4) notFlat(); // each value has a 4-byte length
    const starts = new Int32Array(count);
    const ends = new Int32Array(count);
    for (let k = 0; k < count; k++) {
      if (pos + 4 > end) notFlat();
      const len = (b[pos] | (b[pos + 1] << 8) | (b[pos + 2] << 16) | (b[pos + 3] << 24)) >>> 0;
      pos += 4;
      if (len > end - pos) notFlat();
      starts[k] = pos;
      ends[k] = pos + len;
      pos += len;
    }
    return { count, numbers: null, b, starts, ends };
  }
  const size = type === 'FLOAT' || type === 'INT32' ? 4 : 8;
  if (count * size > end - pos) notFlat();
  const view = new DataView(b.buffer, b.byteOffset + pos, count * size);
  const numbers = new Float64Array(count);
  if (type === 'FLOAT') for (let k = 0; k < count; k++) numbers[k] = view.getFloat32(k * 4, true);
  else if (type === 'DOUBLE') for (let k = 0; k < count; k++) numbers[k] = view.getFloat64(k * 8, true);
  else if (type === 'INT32') for (let k = 0; k < count; k++) numbers[k] = view.getInt32(k * 4, true);
  else for (let k = 0; k < count; k++) numbers[k] = Number(view.getBigInt64(k * 8, true));
  return { count, numbers, b, starts: null, ends: null };
}

/** Rows from `row` on: value at[i] of x, or NaN where at[i] < 0. */
function numbersAt(num: NumberBuilder, row: number, at: Int32Array, n: number, x: Float64Array): void {
  for (let i = 0; i < n; i++) {
    const v = at[i];
    num.set(row + i, v < 0 ? NaN : x[v]);
  }
}

/** Rows from `row` on: string at[i] of `values`, or missing where at[i] < 0. */
function textAt(text: TextBuilder, row: number, at: Int32Array, n: number, values: Values): void {
  const b = values.b;
  const starts = values.starts as Int32Array;
  const ends = values.ends as Int32Array;
  for (let i = 0; i < n; i++) {
    const v = at[i];
    if (v < 0) text.setMissing(row + i);
    else text.set(row + i, b, starts[v], ends[v]);
  }
}

/**
 * Reads a checked column (see checkPages) as parquetRead would, into `num` or
 * `text`; throws NotFlat when it is not a case read here (nothing is kept of
 * what was written then: the caller starts again with new builders).
 */
function readFlat(
  bytes: Uint8Array,
  metadata: FileMetaData,
  node: SchemaTree,
  type: Physical,
  groups: readonly { start: number; end: number }[],
  num: NumberBuilder | null,
  text: TextBuilder | null,
  cache: PageCache,
): void {
  const colName = node.element.name;
  const optional = node.element.repetition_type === 'OPTIONAL';
  const isText = type === 'BYTE_ARRAY';
  if (isText !== (text !== null)) notFlat();
  for (let gi = 0; gi < groups.length; gi++) {
    const g = groups[gi];
    if (g.end <= g.start) continue;
    const chunks = metadata.row_groups[gi].columns.filter((c) => c.meta_data?.path_in_schema.length === 1 && c.meta_data.path_in_schema[0] === colName);
    const m = chunks.length === 1 ? chunks[0].meta_data : undefined;
    if (!m || m.type !== node.element.type) return notFlat();
    const dictAt = m.dictionary_page_offset === undefined ? undefined : Number(m.dictionary_page_offset);
    const dataAt = Number(m.data_page_offset);
    const from = dictAt !== undefined && dictAt > 0 && dictAt < dataAt ? dictAt : dataAt;
    const to = from + Number(m.total_compressed_size);
    const chunk = bytes.subarray(from, to);
    const r: DataReader = { view: new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength), offset: 0 };
    let dict: Values | null = null;
    let row = g.start;
    while (row < g.end) {
      if (r.offset >= chunk.length - 1) notFlat();
      const h: PageHeader = parquetHeader(r);
      const start = r.offset;
      const size = h.compressed_page_size;
      if (!(size >= 0) || start + size > chunk.length) notFlat();
      r.offset = start + size;
      const compressed = chunk.subarray(start, start + size);
      if (h.type === 'DICTIONARY_PAGE') {
        const dh = h.dictionary_page_header;
        if (!dh || dict) notFlat();
        const page = decompressPage(compressed, Number(h.uncompressed_page_size), m.codec, compressors);
        dict = plainValues(page, 0, page.length, type, (dh as { num_values: number }).num_values);
        continue;
      }
      let n: number;
      let defs: Int32Array | null = null;
      let present: number;
      let encoding: string;
      /** The values' bytes: b[vs, ve). */
      let b: Uint8Array;
      let vs: number;
      let ve: number;
      if (h.type === 'DATA_PAGE' && h.data_page_header) {
        const d = h.data_page_header;
        n = d.num_values;
        if (!(n >= 0 && n <= g.end - row)) notFlat();
        encoding = d.encoding;
        b = cache.take(from + start) ?? decompressPage(compressed, Number(h.uncompressed_page_size), m.codec, compressors);
        vs = 0;
        ve = b.length;
        present = n;
        if (optional) {
          if (b.length < 4) notFlat();
          const len = (b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) >>> 0;
          if (len > b.length - 4) notFlat();
          defs = new Int32Array(n);
          hybrid(b, 4, 4 + len, 1, defs, n);
          vs = 4 + len;
          present = 0;
          for (let i = 0; i < n; i++) present += defs[i];
        }
      } else if (h.type === 'DATA_PAGE_V2' && h.data_page_header_v2) {
        const d = h.data_page_header_v2;
        n = d.num_values;
        if (!(n >= 0 && n <= g.end - row)) notFlat();
        encoding = d.encoding;
        const repLen = d.repetition_levels_byte_length;
        const defLen = d.definition_levels_byte_length;
        if (repLen !== 0 || !(defLen >= 0) || defLen > size) notFlat();
        present = n - d.num_nulls;
        if (optional) {
          defs = new Int32Array(n);
          hybrid(compressed, 0, defLen, 1, defs, n);
          let ones = 0;
          for (let i = 0; i < n; i++) ones += defs[i];
          if (ones !== present) notFlat();
        } else if (d.num_nulls !== 0 || defLen !== 0) notFlat();
        const rest = compressed.subarray(defLen);
        const uncompressed = Number(h.uncompressed_page_size) - defLen;
        b = d.is_compressed !== false && uncompressed ? (cache.take(from + start) ?? decompressPage(rest, uncompressed, m.codec, compressors)) : rest;
        vs = 0;
        ve = b.length;
      } else return notFlat();
      if (!(present >= 0 && present <= n)) notFlat();
      // The page's values.
      let values: Values;
      let ids: Int32Array | null = null;
      if (encoding === 'PLAIN') values = plainValues(b, vs, ve, type, present);
      else if (encoding === 'RLE_DICTIONARY' || encoding === 'PLAIN_DICTIONARY') {
        if (!dict) return notFlat();
        values = dict;
        ids = new Int32Array(present);
        if (vs >= ve) notFlat(); // hyparquet reads the bit width even of a page without values
        if (present > 0) {
          const width = b[vs];
          if (width > 24) notFlat();
          if (width > 0) hybrid(b, vs + 1, ve, width, ids, present);
          for (let k = 0; k < present; k++) if (ids[k] >= dict.count) notFlat();
        }
      } else return notFlat();
      // Rows: the index of a value where the level says so, else -1 (missing).
      let at: Int32Array;
      if (defs === null) {
        if (ids) at = ids;
        else {
          at = new Int32Array(n);
          for (let i = 0; i < n; i++) at[i] = i;
        }
      } else {
        at = defs;
        for (let i = 0, k = 0; i < n; i++) at[i] = at[i] === 0 ? -1 : ids ? ids[k++] : k++;
      }
      if (num) numbersAt(num, row, at, n, values.numbers as Float64Array);
      else textAt(text as TextBuilder, row, at, n, values);
      row += n;
    }
  }
}

/** Reads a sweep from the bytes of a Parquet file. Throws SweepError on bad input. */
export async function sweepFromParquet(
  bytes: Uint8Array,
  name: string,
  options: LoadOptions = {},
  onProgress?: (fraction: number) => void,
): Promise<Sweep> {
  if (bytes.length < 12 || !endsWith(bytes, MAGIC.parquet))
    throw corruptParquet(name, 'it does not end with the Parquet footer');
  let metadata: FileMetaData;
  let schema: SchemaTree;
  try {
    metadata = parquetMetadata(bytes);
    schema = parquetSchema(metadata);
  } catch (e) {
    throw corruptParquet(name, `unreadable metadata: ${reason(e, 'not a valid footer')}`);
  }
  const rows = Number(metadata.num_rows);
  if (!Number.isSafeInteger(rows) || rows < 0) throw corruptParquet(name, `the footer gives ${String(metadata.num_rows)} rows`);
  // hyparquet reads slices of an ArrayBuffer; copy only what it asks for.
  const file = {
    byteLength: bytes.length,
    slice: (start: number, end?: number): ArrayBuffer => {
      const s = bytes.slice(start, end);
      return s.buffer;
    },
  };
  const groups: { start: number; end: number }[] = [];
  let at = 0;
  for (const g of metadata.row_groups) {
    const n = Number(g.num_rows);
    groups.push({ start: at, end: at + n });
    at += n;
  }
  if (at !== rows) throw corruptParquet(name, `the footer gives ${rows} rows, its row groups ${at}`);
  const top = schema.children;
  const cols: RawColumn[] = [];
  const kinds = top.map(kindOf);
  const toRead = kinds.filter((k) => k.kind !== 'other').length;
  const cache = new PageCache();
  try {
    checkPages(
      bytes,
      metadata,
      top,
      kinds.map((k) => k.kind !== 'other'),
      cache,
    );
  } catch (e) {
    throw corruptParquet(name, e instanceof Corrupt ? e.message : reason(e, 'its pages cannot be decoded'));
  }
  let done = 0;
  for (let c = 0; c < top.length; c++) {
    const colName = top[c].element.name;
    const kind = kinds[c];
    if (kind.kind === 'other') {
      cols.push({ kind: 'other', name: colName, type: kind.type });
      continue;
    }
    let num = kind.kind === 'numeric' ? new NumberBuilder(rows) : null;
    let text = kind.kind === 'text' ? new TextBuilder(rows, true) : null;
    const flat = flatType(top[c]);
    if (flat !== null) {
      try {
        readFlat(bytes, metadata, top[c], flat, groups, num, text, cache);
        cols.push(num ? { kind: 'numeric', name: colName, values: num.finish(rows) } : (text as TextBuilder).finish(colName, rows));
        onProgress?.(++done / Math.max(1, toRead));
        continue;
      } catch {
        // Not a case read here, or not as expected: parquetRead reads it (and says what is wrong).
        num = kind.kind === 'numeric' ? new NumberBuilder(rows) : null;
        text = kind.kind === 'text' ? new TextBuilder(rows, true) : null;
      }
    }
    const onChunk = (chunk: ColumnData): void => {
      const data: ArrayLike<unknown> = chunk.columnData;
      if (num) putNumbers(num, data, chunk.rowStart, rows);
      else if (text) putText(text, data, chunk.rowStart, rows);
    };
    try {
      // One row group at a time: only one group's decoded values are held at once.
      for (const g of groups) {
        if (g.end <= g.start) continue;
        await parquetRead({
          file,
          metadata,
          columns: [colName],
          rowStart: g.start,
          rowEnd: g.end,
          compressors,
          parsers: PARSERS,
          onChunk,
        });
      }
    } catch (e) {
      if (e instanceof SweepError) throw e;
      throw corruptParquet(name, `column '${colName}': ${reason(e, 'its data cannot be decoded')}`);
    }
    cols.push(num ? { kind: 'numeric', name: colName, values: num.finish(rows) } : (text as TextBuilder).finish(colName, rows));
    onProgress?.(++done / Math.max(1, toRead));
  }
  if (top.length === 0) throw new SweepError(`${name} has no columns`);
  return buildSweep(cols, rows, name, options);
}
