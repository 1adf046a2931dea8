/**
 * What a file is, from its first bytes (and, for a few formats, its last):
 * a table sweepscope reads, a compressed stream to open first, text in
 * UTF-16, or something that is not a table, named so the refusal can say
 * what it is. The name of the file plays no part.
 *
 * Browser-safe: no Node modules.
 */

/** Table formats the readers understand. */
export type TableFormat = 'csv' | 'json' | 'arrow' | 'parquet';

/** Compression codecs read through (src/io/decompress.ts). */
export type Codec = 'gzip' | 'zstd';

export type Sniffed =
  /** A table; `start` skips a UTF-8 byte-order mark (JSON). */
  | { readonly kind: 'table'; readonly format: TableFormat; readonly start: number }
  | { readonly kind: 'compressed'; readonly codec: Codec }
  /** UTF-16 text (with or without a byte-order mark): transcode to UTF-8, then sniff again. */
  | { readonly kind: 'utf16'; readonly encoding: 'utf-16le' | 'utf-16be'; readonly bom: number }
  /** Nothing but blanks. */
  | { readonly kind: 'empty' }
  /**
   * Not something sweepscope reads: `what` names it ("a PNG image"), `hint` says
   * what to do; `table`: it may well hold a table, in a form not read here.
   */
  | { readonly kind: 'refused'; readonly what: string; readonly hint: string; readonly table?: boolean };

const OPEN_A_TABLE = 'open a table: CSV, JSON, Arrow or Parquet (gzip- or zstd-compressed or not)';

function refused(what: string, hint = OPEN_A_TABLE): Sniffed {
  return { kind: 'refused', what, hint };
}

/** A form of table (or of compression) that sweepscope does not read. */
function unsupported(what: string, hint: string): Sniffed {
  return { kind: 'refused', what, hint, table: true };
}

function startsWith(b: Uint8Array, sig: readonly number[], at = 0): boolean {
  if (b.length < at + sig.length) return false;
  for (let i = 0; i < sig.length; i++) if (b[at + i] !== sig[i]) return false;
  return true;
}

function ascii(s: string): number[] {
  return Array.from(s, (c) => c.charCodeAt(0));
}

const ARROW_MAGIC = ascii('ARROW1');
const PARQUET_MAGIC = ascii('PAR1');
const PARQUET_ENCRYPTED = ascii('PARE');

/** Whether the last bytes are `sig`. */
export function endsWith(b: Uint8Array, sig: readonly number[]): boolean {
  return b.length >= sig.length && startsWith(b, sig, b.length - sig.length);
}

export const MAGIC = { arrow: ARROW_MAGIC, parquet: PARQUET_MAGIC } as const;

/** A Windows PE executable: `MZ`, and the `PE\0\0` header where the DOS header points. */
function isPe(b: Uint8Array): boolean {
  if (b.length < 0x40 || b[0] !== 0x4d || b[1] !== 0x5a) return false;
  const at = b[0x3c] | (b[0x3d] << 8) | (b[0x3e] << 16) | (b[0x3f] << 24);
  return at >= 0x40 && startsWith(b, [0x50, 0x45, 0, 0], at);
}

function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/**
 * UTF-16 without a byte-order mark: in the first bytes, zeros sit in the odd
 * (little-endian) or even (big-endian) positions of ASCII characters only.
 */
function utf16WithoutBom(b: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  const n = Math.min(b.length, 4096) & ~1;
  if (n < 4) return null;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < n; i += 2) {
    if (b[i] === 0) evenZeros++;
    if (b[i + 1] === 0) oddZeros++;
  }
  const pairs = n / 2;
  if (oddZeros >= pairs * 0.6 && evenZeros === 0) return 'utf-16le';
  if (evenZeros >= pairs * 0.6 && oddZeros === 0) return 'utf-16be';
  return null;
}


/**
 * Whether the first bytes hold more control characters (other than tab, CR,
 * LF, form feed) than text ever does: 1 in 100, and at least 4 (random bytes:
 * about 1 in 8). A stray one in text is for the CSV reader to name by its line.
 */
function mostlyControl(b: Uint8Array): boolean {
  const n = Math.min(b.length, 65536);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const c = b[i];
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c) || c === 0x7f) control++;
  }
  return control >= 4 && control * 100 > n;
}

function lowerAscii(b: Uint8Array, from: number, n: number): string {
  let s = '';
  for (let i = from; i < Math.min(b.length, from + n); i++) {
    const c = b[i];
    s += String.fromCharCode(c >= 65 && c <= 90 ? c + 32 : c);
  }
  return s;
}

/** What the bytes are. */
export function sniff(b: Uint8Array): Sniffed {
  // Tables.
  if (startsWith(b, ARROW_MAGIC)) return { kind: 'table', format: 'arrow', start: 0 };
  if (startsWith(b, [0xff, 0xff, 0xff, 0xff]) && b.length >= 8) return { kind: 'table', format: 'arrow', start: 0 };
  if (startsWith(b, PARQUET_MAGIC)) return { kind: 'table', format: 'parquet', start: 0 };
  if (startsWith(b, PARQUET_ENCRYPTED))
    return unsupported('an encrypted Parquet file', 'write it without encryption');
  if (startsWith(b, ascii('FEA1')))
    return unsupported('a Feather version 1 file', 'write it again as Feather version 2 (Arrow IPC), e.g. pyarrow.feather.write_feather');
  // Compression.
  if (startsWith(b, [0x1f, 0x8b])) return { kind: 'compressed', codec: 'gzip' };
  if (startsWith(b, [0x28, 0xb5, 0x2f, 0xfd])) return { kind: 'compressed', codec: 'zstd' };
  // A zstd skippable frame (0x184D2A50 to 0x184D2A5F, little-endian).
  if (b.length >= 8 && (b[0] & 0xf0) === 0x50 && b[1] === 0x2a && b[2] === 0x4d && b[3] === 0x18) return { kind: 'compressed', codec: 'zstd' };
  if (startsWith(b, ascii('BZh')) && b.length >= 10 && b[3] >= 0x31 && b[3] <= 0x39 && (startsWith(b, [0x31, 0x41, 0x59, 0x26, 0x53, 0x59], 4) || startsWith(b, [0x17, 0x72, 0x45, 0x38, 0x50, 0x90], 4)))
    return unsupported('bzip2-compressed', 'decompress it (bunzip2), or compress it with gzip or zstd instead');
  if (startsWith(b, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])) return unsupported('xz-compressed', 'decompress it (unxz), or compress it with gzip or zstd instead');
  if (startsWith(b, [0x04, 0x22, 0x4d, 0x18])) return unsupported('LZ4-compressed', 'decompress it (unlz4), or compress it with gzip or zstd instead');
  // Archives and containers.
  if (startsWith(b, [0x50, 0x4b, 0x03, 0x04]) || startsWith(b, [0x50, 0x4b, 0x05, 0x06]) || startsWith(b, [0x50, 0x4b, 0x07, 0x08]))
    return refused('a ZIP archive (or an Excel .xlsx workbook)', 'unzip it or export it as CSV');
  if (startsWith(b, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c])) return refused('a 7z archive', 'extract it and open the table inside');
  if (startsWith(b, ascii('ustar'), 257)) return refused('a tar archive', 'extract it (tar -xf) and open the table inside');
  if (startsWith(b, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))
    return refused('an old-style Excel .xls workbook (or another OLE document)', 'export it as CSV');
  if (startsWith(b, ascii('SQLite format 3\0')))
    return refused('a SQLite database', "export a table as CSV (sqlite3 -header -csv FILE 'select * from runs')");
  const hdf5 = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
  if (startsWith(b, hdf5) || startsWith(b, hdf5, 512)) return refused('an HDF5 file', 'export the table as CSV or Parquet (pandas: read_hdf, then to_parquet)');
  if (startsWith(b, [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]))
    return refused('a NumPy .npy array', 'save a table with column names as CSV or Parquet (pandas: DataFrame(...).to_parquet)');
  if (b.length >= 2 && b[0] === 0x80 && b[1] >= 2 && b[1] <= 5)
    return refused('a Python pickle', 'load it in Python and save the table as CSV or Parquet (pandas: to_parquet)');
  if (startsWith(b, [0x4f, 0x62, 0x6a, 0x01])) return unsupported('an Avro file', 'convert it to Parquet or CSV');
  // Documents and images.
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return refused('a PNG image');
  if (startsWith(b, [0xff, 0xd8, 0xff])) return refused('a JPEG image');
  if (startsWith(b, ascii('GIF87a')) || startsWith(b, ascii('GIF89a'))) return refused('a GIF image');
  if (startsWith(b, ascii('%PDF-'))) return refused('a PDF document');
  // Executables.
  if (startsWith(b, [0x7f, 0x45, 0x4c, 0x46])) return refused('an ELF executable (or shared library)');
  for (const m of [
    [0xfe, 0xed, 0xfa, 0xce],
    [0xfe, 0xed, 0xfa, 0xcf],
    [0xce, 0xfa, 0xed, 0xfe],
    [0xcf, 0xfa, 0xed, 0xfe],
  ])
    if (startsWith(b, m)) return refused('a Mach-O executable (or shared library)');
  if (startsWith(b, [0xca, 0xfe, 0xba, 0xbe])) return refused('a Mach-O universal executable (or a Java class file)');
  if (isPe(b)) return refused('a Windows executable (or DLL)');
  if (startsWith(b, [0x00, 0x61, 0x73, 0x6d])) return refused('a WebAssembly module');
  // Text.
  if (startsWith(b, [0xff, 0xfe, 0, 0]) || startsWith(b, [0, 0, 0xfe, 0xff])) return unsupported('UTF-32 text', 'save it as UTF-8');
  if (startsWith(b, [0xff, 0xfe])) return { kind: 'utf16', encoding: 'utf-16le', bom: 2 };
  if (startsWith(b, [0xfe, 0xff])) return { kind: 'utf16', encoding: 'utf-16be', bom: 2 };
  const bom = startsWith(b, [0xef, 0xbb, 0xbf]) ? 3 : 0;
  let i = bom;
  while (i < b.length && isBlank(b[i])) i++;
  if (i === b.length) return { kind: 'empty' };
  const c = b[i];
  if (c === 0x5b || c === 0x7b) return { kind: 'table', format: 'json', start: bom };
  if (c === 0x3c) {
    const head = lowerAscii(b, i, 15);
    if (head.startsWith('<!doctype html') || head.startsWith('<html')) return refused('an HTML page');
    if (head.startsWith('<?xml')) return refused('an XML document');
  }
  if (bom === 0) {
    const utf16 = utf16WithoutBom(b);
    if (utf16) return { kind: 'utf16', encoding: utf16, bom: 0 };
  }
  // Mostly control bytes: binary. A stray NUL in text is left to the CSV reader, which names its line.
  if (mostlyControl(b)) return refused('binary data of a kind sweepscope does not know');
  return { kind: 'table', format: 'csv', start: 0 };
}

/** The one-line refusal; `inside` names the compression around the content, outermost last. */
export function refusalMessage(name: string, r: { what: string; hint: string; table?: boolean }, inside: readonly Codec[] = []): string {
  const wrap = inside.length ? ` (inside ${inside.join(' inside ')})` : '';
  return `${name} is ${r.what}${wrap}, ${r.table ? 'which sweepscope does not read' : 'not a table'}: ${r.hint}`;
}
