/**
 * Text decoding for the CSV reader: byte-order marks, UTF-16, files that are
 * not text at all, and counting invalid UTF-8.
 *
 * The reader works on UTF-8 bytes; `utf8Text` turns a file's bytes into UTF-8
 * (decoding UTF-16 when marked or evident) and refuses binary files with one
 * line that says what the file looks like. Invalid UTF-8 is not repaired here:
 * only text cells become strings, and TextDecoder replaces each invalid
 * sequence with U+FFFD there; `invalidUtf8` counts them the same way (the
 * WHATWG decoder's "maximal subpart" rule), for the note that says so.
 *
 * Browser-safe: no Node modules.
 */

import { SweepError } from '../model/sweep.js';

const LF = 10;
const CR = 13;

/** A file's text as UTF-8: read `bytes` from `start` (past a byte-order mark). */
export interface Utf8Text {
  readonly bytes: Uint8Array;
  readonly start: number;
}

/** Signatures of binary formats people save as, or mistake for, CSV. */
const SIGNATURES: readonly { magic: readonly number[]; what: string }[] = [
  { magic: [0x50, 0x4b, 0x03, 0x04], what: 'a zip archive (an Excel .xlsx workbook?), not CSV text: save the sheet as CSV' },
  { magic: [0xd0, 0xcf, 0x11, 0xe0], what: 'an old Excel (.xls) workbook, not CSV text: save the sheet as CSV' },
  { magic: [0x1f, 0x8b], what: 'gzip-compressed: decompress it first (gunzip)' },
  { magic: [0x28, 0xb5, 0x2f, 0xfd], what: 'zstd-compressed: decompress it first (unzstd)' },
  { magic: [0x41, 0x52, 0x52, 0x4f, 0x57, 0x31], what: 'an Arrow IPC file, not CSV text: name it .arrow' },
  { magic: [0x50, 0x41, 0x52, 0x31], what: 'a Parquet file, not CSV text' },
];

function startsWith(b: Uint8Array, magic: readonly number[]): boolean {
  if (b.length < magic.length) return false;
  for (let i = 0; i < magic.length; i++) if (b[i] !== magic[i]) return false;
  return true;
}

/** The 1-based line of byte `pos` (lines end with LF, or with CR in files without LF). */
export function lineAt(b: Uint8Array, pos: number): number {
  const sep = b.indexOf(LF) >= 0 ? LF : CR;
  let n = 1;
  for (let i = b.indexOf(sep); i >= 0 && i < pos; i = b.indexOf(sep, i + 1)) n++;
  return n;
}

/** UTF-16 bytes (no byte-order mark) as UTF-8, decoded in pieces (no string of the whole file). */
function utf16ToUtf8(b: Uint8Array, le: boolean): Uint8Array {
  const dec = new TextDecoder(le ? 'utf-16le' : 'utf-16be');
  const enc = new TextEncoder();
  const pieces: Uint8Array[] = [];
  let total = 0;
  const step = 1 << 24; // even: pieces split between code units
  for (let p = 0; p < b.length || p === 0; p += step) {
    const end = Math.min(b.length, p + step);
    const u = enc.encode(dec.decode(b.subarray(p, end), { stream: end < b.length }));
    pieces.push(u);
    total += u.length;
    if (end >= b.length) break;
  }
  if (pieces.length === 1) return pieces[0];
  const out = new Uint8Array(total);
  let o = 0;
  for (const u of pieces) {
    out.set(u, o);
    o += u.length;
  }
  return out;
}

/**
 * The file as UTF-8 text. UTF-8 with or without a byte-order mark is read in
 * place; UTF-16 (LE or BE) with a byte-order mark, or without one when the
 * first characters are plainly ASCII in UTF-16 (a note says so), is decoded.
 * Throws SweepError for a binary file: a known signature (zip, gzip, Arrow, ...)
 * or a NUL byte, named by its line.
 */
export function utf8Text(b: Uint8Array, name: string, notes: string[]): Utf8Text {
  for (const s of SIGNATURES) if (startsWith(b, s.magic)) throw new SweepError(`${name} is ${s.what}`);
  let bytes = b;
  let start = 0;
  if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) start = 3;
  else if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) bytes = utf16ToUtf8(b.subarray(2), true);
  else if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) bytes = utf16ToUtf8(b.subarray(2), false);
  else if (b.length >= 4 && b[0] !== 0 && b[0] < 0x80 && b[1] === 0 && b[2] !== 0 && b[2] < 0x80 && b[3] === 0) {
    bytes = utf16ToUtf8(b, true);
    notes.push('read as UTF-16 LE text (the file has no byte-order mark)');
  } else if (b.length >= 4 && b[0] === 0 && b[1] !== 0 && b[1] < 0x80 && b[2] === 0 && b[3] !== 0 && b[3] < 0x80) {
    bytes = utf16ToUtf8(b, false);
    notes.push('read as UTF-16 BE text (the file has no byte-order mark)');
  }
  const nul = bytes.indexOf(0, start);
  if (nul >= 0) throw new SweepError(`${name} line ${lineAt(bytes, nul)}: a NUL byte: this looks like a binary file, not text`);
  return { bytes, start };
}

/**
 * How many U+FFFD a UTF-8 decoder writes for b[s, e): one per invalid
 * sequence (maximal subpart), 0 for valid UTF-8.
 */
export function invalidUtf8(b: Uint8Array, s: number, e: number): number {
  let bad = 0;
  let i = s;
  while (i < e) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    let need = 0;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c === 0xe0) lo = 0xa0;
      else if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c === 0xf0) lo = 0x90;
      else if (c === 0xf4) hi = 0x8f;
    } else {
      bad++;
      i++;
      continue;
    }
    i++;
    for (let k = 0; k < need; k++) {
      const d = i < e ? b[i] : -1;
      if (d < lo || d > hi) {
        bad++; // the byte that broke the sequence is read again
        break;
      }
      lo = 0x80;
      hi = 0xbf;
      i++;
    }
  }
  return bad;
}

// ---------------------------------------------------------------------------
// Messages.

/** Wording of a reader library's own failures (or of JavaScript's) that says nothing to a user. */
const INTERNAL_WORDING =
  /undefined|null\b|NaN|Cannot |propert|is not a function|is not iterable|is not defined|out of bounds|out of range|Invalid (typed )?array|Invalid string|allocation failed|Maximum call stack|intermediate value|\[object |Unexpected token|\bat \S+:\d+/i;

/**
 * The part of a library's error (hyparquet, apache-arrow, the gzip stream)
 * worth showing after our own words: what is not supported (`unsupported
 * compression codec: LZO`); null for everything else, which is about the
 * library's internals (its parser's state, JavaScript's TypeError or RangeError).
 */
export function libraryDetail(e: unknown, maxLength = 120): string | null {
  if (!(e instanceof Error) || e.name !== 'Error') return null;
  const line = e.message.split('\n')[0].trim().replace(/^parquet /, '');
  if (line === '' || line.length > maxLength || INTERNAL_WORDING.test(line)) return null;
  return /unsupported|not supported|not implemented/i.test(line) ? line : null;
}
