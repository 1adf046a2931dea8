/**
 * One entry point from the bytes of a file to a Sweep, for the CLI (load.ts)
 * and the page's parse worker: the content decides the format, never the name.
 * Compressed files (gzip, zstd) are opened and their content sniffed again;
 * what is not a table is refused in one line that says what it is.
 *
 * Browser-safe: no Node modules.
 */

import { SweepError, type Sweep } from '../model/sweep.js';
import { sweepFromArrow } from './arrow.js';
import { parseCsv } from './csv.js';
import { CsvStreamReader } from './csv-stream.js';
import { DEFAULT_MAX_DECODED_BYTES, decompress } from './decompress.js';
import { sweepFromJson } from './json.js';
import { sweepFromParquet } from './parquet.js';
import { refusalMessage, sniff, type Codec, type TableFormat } from './sniff.js';
import { buildSweep, type LoadOptions } from './table.js';

export { DEFAULT_MAX_DECODED_BYTES } from './decompress.js';

export interface ReadLimits {
  /** Most bytes that compressed content may decode to (default 2 GiB). */
  maxDecodedBytes?: number;
}

/** What a file turned out to be: the table format, inside which compression (outermost first). */
export interface DetectedFormat {
  format: TableFormat;
  compression: readonly Codec[];
}

const LABELS: Record<TableFormat, string> = { csv: 'CSV', json: 'JSON', arrow: 'Arrow IPC', parquet: 'Parquet' };

/** `CSV`, `JSON, gzip`, `Parquet`: for status lines. */
export function formatLabel(f: DetectedFormat): string {
  return [LABELS[f.format], ...f.compression].join(', ');
}

/** Most nested compression layers opened (a `.gz` inside a `.zst` is fine; deeper is not a table). */
const MAX_LAYERS = 3;

/** Longest text checked for being one JSON scalar (a file of only `42` or `"x"`). */
const SCALAR_CHECK_BYTES = 1 << 16;

/** A file that is a single JSON scalar (number, string, true, false, null): not rows. */
function jsonScalar(b: Uint8Array): string | null {
  if (b.length > SCALAR_CHECK_BYTES) return null;
  let v: unknown;
  try {
    v = JSON.parse(new TextDecoder().decode(b));
  } catch {
    return null;
  }
  if (v === null) return 'null';
  if (typeof v === 'number') return 'a number';
  if (typeof v === 'string') return 'a string';
  if (typeof v === 'boolean') return 'a boolean';
  return null;
}

function transcodeUtf16(b: Uint8Array, encoding: 'utf-16le' | 'utf-16be', bom: number, name: string): Uint8Array {
  let text: string;
  try {
    text = new TextDecoder(encoding, { fatal: true }).decode(b.subarray(bom));
  } catch {
    throw new SweepError(`${name} looks like UTF-16 text but is not valid UTF-16: save it as UTF-8`);
  }
  return new TextEncoder().encode(text);
}

/** Longest message shown (one that lists a file's columns can be long). */
const MAX_MESSAGE = 1000;

/**
 * A message as one line: control characters from the file (a column name with
 * a line break or a NUL) escaped, and cut at MAX_MESSAGE characters.
 */
function oneLine(e: SweepError): SweepError {
  let m = e.message.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) =>
    c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : '\uFFFD',
  );
  if (m.length > MAX_MESSAGE) m = `${m.slice(0, MAX_MESSAGE - 1)}…`;
  return m === e.message ? e : new SweepError(m);
}

/**
 * Reads a sweep from the bytes of a file called `name` (for messages). Throws
 * SweepError for anything that is not a readable table, in one line. `onDetected`
 * hears the format once known, before parsing.
 */
export async function readSweepBytes(
  bytes: Uint8Array,
  name: string,
  options: LoadOptions = {},
  onProgress?: (fraction: number) => void,
  limits: ReadLimits = {},
  onDetected?: (format: DetectedFormat) => void,
): Promise<Sweep> {
  try {
    return await readTable(bytes, name, options, onProgress, limits, onDetected);
  } catch (e) {
    throw e instanceof SweepError ? oneLine(e) : e;
  }
}

async function readTable(
  bytes: Uint8Array,
  name: string,
  options: LoadOptions,
  onProgress: ((fraction: number) => void) | undefined,
  limits: ReadLimits,
  onDetected: ((format: DetectedFormat) => void) | undefined,
): Promise<Sweep> {
  const maxBytes = limits.maxDecodedBytes ?? DEFAULT_MAX_DECODED_BYTES;
  const inside: Codec[] = [];
  let b = bytes;
  // Decompression is the first fifth of the progress, when there is any.
  let parseFrom = 0;
  for (;;) {
    const s = sniff(b);
    switch (s.kind) {
      case 'empty':
        throw new SweepError(
          inside.length
            ? `${name} is empty once decompressed (${inside.join(', ')}): expected a table (CSV, JSON, Arrow or Parquet)`
            : `${name} is empty: expected a table (CSV, JSON, Arrow or Parquet)`,
        );
      case 'refused':
        throw new SweepError(refusalMessage(name, s, [...inside].reverse()));
      case 'utf16':
        b = transcodeUtf16(b, s.encoding, s.bom, name);
        continue;
      case 'compressed': {
        if (inside.length >= MAX_LAYERS)
          throw new SweepError(`${name} is compressed ${inside.length + 1} times over (${[...inside, s.codec].join(', ')}), not a table: decompress it`);
        const layer = inside.length;
        const from = 0.2 * (layer / MAX_LAYERS);
        b = await decompress(b, s.codec, name, maxBytes, onProgress && ((f) => onProgress(from + (0.2 / MAX_LAYERS) * f)));
        inside.push(s.codec);
        parseFrom = 0.2;
        continue;
      }
      case 'table': {
        const progress = onProgress && parseFrom > 0 ? (f: number) => onProgress(parseFrom + (1 - parseFrom) * f) : onProgress;
        onDetected?.({ format: s.format, compression: [...inside] });
        switch (s.format) {
          case 'csv': {
            const scalar = jsonScalar(b);
            if (scalar !== null)
              throw new SweepError(
                `${name}: the JSON is ${scalar}, not an array of rows: expected [{"column": value, ...}, ...] or JSON Lines (one object per line)`,
              );
            return parseCsv(b, name, options, progress);
          }
          case 'json':
            return sweepFromJson(b, name, options, progress, s.start);
          case 'arrow': {
            const sweep = sweepFromArrow(b, name, options);
            progress?.(1);
            return sweep;
          }
          case 'parquet':
            return sweepFromParquet(b, name, options, progress);
        }
      }
    }
  }
}

/** Bytes gathered from a stream before deciding how to read it. */
const SNIFF_BYTES = 1 << 16;

/**
 * Bytes gathered from chunks into one buffer: of the size the file says it
 * has, so that the chunks are let go as they are copied (no second copy of
 * the whole file); grown (doubling) when the file turns out longer.
 */
class Gathered {
  private out: Uint8Array;
  length = 0;

  constructor(
    private readonly name: string,
    size: number,
  ) {
    this.out = this.alloc(Math.max(size, 1 << 16));
  }

  private alloc(n: number): Uint8Array {
    try {
      return new Uint8Array(n);
    } catch {
      throw new SweepError(`cannot read '${this.name}': the file (${(n / 2 ** 30).toFixed(1)} GiB) is too large to load at once`);
    }
  }

  push(c: Uint8Array): void {
    if (this.length + c.length > this.out.length) {
      const grown = this.alloc(Math.max(this.length + c.length, this.out.length * 2));
      grown.set(this.out.subarray(0, this.length));
      this.out = grown;
    }
    this.out.set(c, this.length);
    this.length += c.length;
  }

  bytes(): Uint8Array {
    return this.out.subarray(0, this.length);
  }
}

/** A file as it arrives: its chunks, and its size when known (to gather it in one buffer). */
export interface ChunkSource {
  chunks: AsyncIterable<Uint8Array>;
  size?: number;
}

/**
 * Reads a sweep from a file's chunks as they arrive (a File's stream in the
 * page's worker, the file on disk in the CLI). Plain CSV text is parsed while
 * it is read, with only an incomplete record kept between chunks
 * (csv-stream.ts); anything else (compressed, UTF-16, JSON, Arrow, Parquet) is
 * gathered and read as `readSweepBytes` reads it. `onRead` hears the bytes
 * read so far (and, for CSV, the rows); `onProgress` the fraction of the
 * parsing of gathered bytes.
 */
export async function readSweepChunks(
  source: ChunkSource,
  name: string,
  options: LoadOptions = {},
  onRead?: (bytes: number, rows?: number) => void,
  onProgress?: (fraction: number) => void,
  limits: ReadLimits = {},
  onDetected?: (format: DetectedFormat) => void,
): Promise<Sweep> {
  const it = source.chunks[Symbol.asyncIterator]();
  let bytes = 0;
  let csv: CsvStreamReader | null = null;
  const next = async (): Promise<Uint8Array | null> => {
    const r = await it.next();
    if (r.done) return null;
    bytes += r.value.length;
    onRead?.(bytes, csv?.rowsRead);
    return r.value;
  };
  // The first bytes decide: plain CSV streams, anything else is gathered whole.
  const gathered = new Gathered(name, source.size ?? 0);
  let ended = false;
  while (gathered.length < SNIFF_BYTES) {
    const c = await next();
    if (c === null) {
      ended = true;
      break;
    }
    gathered.push(c);
  }
  const s = sniff(gathered.bytes());
  if (ended || s.kind !== 'table' || s.format !== 'csv') {
    // Not plain CSV (or all of it is here already): the whole file, read by its content.
    for (let c = await next(); c !== null; c = await next()) gathered.push(c);
    return readSweepBytes(gathered.bytes(), name, options, onProgress, limits, onDetected);
  }
  onDetected?.({ format: 'csv', compression: [] });
  csv = new CsvStreamReader(name, options);
  csv.push(gathered.bytes());
  for (let c = await next(); c !== null; c = await next()) csv.push(c);
  const { columns, rows, notes } = csv.finish();
  const sweep = buildSweep(columns, rows, name, options, {}, notes);
  onProgress?.(1);
  return sweep;
}
