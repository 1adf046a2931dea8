/**
 * Reading sweeps from Parquet.
 *
 * Why hyparquet: it is pure JavaScript (nothing to compile, no WASM module to
 * ship or load in the worker), small, dependency-free, maintained, and reads
 * the metadata first and then one column chunk at a time, so a file is decoded
 * column by column and row group by row group rather than all at once.
 * hyparquet-compressors adds gzip, zstd, brotli and LZ4 (snappy is built in).
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
 * view[r.offset, end): every run must fit in the values left (bit-packed runs
 * are padded to 8). Leaves r.offset after the runs read.
 */
function checkRuns(view: DataView, r: DataReader, end: number, width: number, n: number): void {
  let seen = 0;
  while (seen < n && r.offset < end) {
    const header = varint(view, r, end);
    const count = header % 2 === 1 ? Math.floor(header / 2) * 8 : Math.floor(header / 2);
    if (count > n - seen + 8) throw new Corrupt(`a run of ${count} values where ${n - seen} are left`);
    r.offset += header % 2 === 1 ? (count / 8) * width : (width + 7) >> 3;
    seen += count;
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
): void {
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

/** Checks the pages of the columns read (top-level, not repeated); throws Corrupt or hyparquet's errors. */
function checkPages(bytes: Uint8Array, metadata: FileMetaData, top: readonly SchemaTree[], read: readonly boolean[]): void {
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
      checkChunk(bytes, from, to, n, e.repetition_type === 'OPTIONAL', e.type === 'BOOLEAN', m.codec);
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
  try {
    checkPages(
      bytes,
      metadata,
      top,
      kinds.map((k) => k.kind !== 'other'),
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
    const num = kind.kind === 'numeric' ? new NumberBuilder(rows) : null;
    const text = kind.kind === 'text' ? new TextBuilder(rows, true) : null;
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
