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

import { parquetMetadata, parquetRead, parquetSchema, type ColumnData, type FileMetaData, type SchemaTree } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { SweepError, type Sweep } from '../model/sweep.js';
import { NumberBuilder, TextBuilder } from './columns.js';
import { MAGIC, endsWith } from './sniff.js';
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

/** Message detail from whatever hyparquet threw. */
function reason(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.split('\n')[0].trim() || 'unknown error';
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
    throw corruptParquet(name, `unreadable metadata: ${reason(e)}`);
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
  const top = schema.children;
  const cols: RawColumn[] = [];
  const kinds = top.map(kindOf);
  const toRead = kinds.filter((k) => k.kind !== 'other').length;
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
      throw corruptParquet(name, `column '${colName}': ${reason(e)}`);
    }
    cols.push(num ? { kind: 'numeric', name: colName, values: num.finish(rows) } : (text as TextBuilder).finish(colName, rows));
    onProgress?.(++done / Math.max(1, toRead));
  }
  if (top.length === 0) throw new SweepError(`${name} has no columns`);
  return buildSweep(cols, rows, name, options);
}
