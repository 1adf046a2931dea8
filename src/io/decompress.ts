/**
 * Opening compressed files: gzip through the platform's DecompressionStream
 * (browsers and Node ≥ 18), zstd through fzstd (small, pure JavaScript,
 * streaming). Output is capped: decoding stops with a SweepError as soon as it
 * outgrows `maxBytes` (a small file can decode to gigabytes).
 *
 * Browser-safe: no Node modules.
 */

import { Decompress, decompress as zstdDecompress } from 'fzstd';
import { SweepError } from '../model/sweep.js';
import type { Codec } from './sniff.js';
import { libraryDetail } from './text.js';

/** Default cap on decoded bytes: 2 GiB. */
export const DEFAULT_MAX_DECODED_BYTES = 2 ** 31;

/** Input is fed to the decoders in pieces of this size (progress, and bounded work per step). */
const PIECE = 1 << 20;

function fmtSize(n: number): string {
  if (n >= 2 ** 30) return `${+(n / 2 ** 30).toFixed(1)} GiB`;
  if (n >= 2 ** 20) return `${+(n / 2 ** 20).toFixed(1)} MiB`;
  if (n >= 1024) return `${+(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}

export function tooLargeMessage(name: string, codec: Codec, maxBytes: number): string {
  return `${name}: the ${codec} data decompresses to more than ${fmtSize(maxBytes)}, more than can be loaded at once: load a smaller file (fewer rows or columns)`;
}

/** A growing output buffer that refuses to grow past `max` bytes. */
class Output {
  private buf: Uint8Array;
  size = 0;

  constructor(
    initial: number,
    private readonly max: number,
    private readonly tooLarge: () => SweepError,
  ) {
    this.buf = this.alloc(Math.max(1024, Math.min(initial, max)));
  }

  private alloc(n: number): Uint8Array {
    try {
      return new Uint8Array(n);
    } catch {
      throw new SweepError(`cannot allocate ${fmtSize(n)} for the decompressed data: the file is too large for this machine's memory`);
    }
  }

  push(chunk: Uint8Array): void {
    const need = this.size + chunk.length;
    if (need > this.max) throw this.tooLarge();
    if (need > this.buf.length) {
      const grown = this.alloc(Math.min(this.max, Math.max(need, this.buf.length * 2)));
      grown.set(this.buf.subarray(0, this.size));
      this.buf = grown;
    }
    this.buf.set(chunk, this.size);
    this.size = need;
  }

  bytes(): Uint8Array {
    return this.buf.subarray(0, this.size);
  }
}

function corrupt(name: string, codec: Codec, e: unknown): SweepError {
  const detail = libraryDetail(e);
  return new SweepError(`${name}: the ${codec} data is truncated or corrupt${detail ? ` (${detail})` : ''}`);
}

async function gunzip(bytes: Uint8Array, name: string, maxBytes: number, onProgress?: (fraction: number) => void): Promise<Uint8Array> {
  if (typeof DecompressionStream === 'undefined')
    throw new SweepError(`${name} is gzip-compressed, and this browser cannot decompress gzip (no DecompressionStream): decompress it first`);
  // The trailer holds the decoded size modulo 2^32: a hint for the first buffer.
  const n = bytes.length;
  const isize = n >= 18 ? (bytes[n - 4] | (bytes[n - 3] << 8) | (bytes[n - 2] << 16) | (bytes[n - 1] << 24)) >>> 0 : 0;
  const tooLarge = (): SweepError => new SweepError(tooLargeMessage(name, 'gzip', maxBytes));
  const out = new Output(Math.min(isize, n * 1100), maxBytes, tooLarge);
  const ds = new DecompressionStream('gzip');
  const writer = ds.writable.getWriter();
  const reader = ds.readable.getReader();
  let stop = false;
  const writing = (async () => {
    for (let pos = 0; pos < n && !stop; pos += PIECE) {
      await writer.write(bytes.slice(pos, Math.min(n, pos + PIECE)));
      onProgress?.(Math.min(n, pos + PIECE) / n);
    }
    if (!stop) await writer.close();
  })();
  // An error on the writing side also errors the readable side; keep it from going unhandled.
  writing.catch(() => undefined);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      out.push(value);
    }
    await writing;
  } catch (e) {
    stop = true;
    void reader.cancel().catch(() => undefined);
    void writer.abort().catch(() => undefined);
    if (e instanceof SweepError) throw e;
    throw corrupt(name, 'gzip', e);
  }
  return out.bytes();
}

/** Largest zstd window read: zstd's own default limit (128 MiB). */
const MAX_WINDOW = 2 ** 27;
/**
 * Most bytes fzstd may shift when streaming (it moves the whole window after
 * each block: blocks × window): 16 GiB, a few seconds.
 */
const MAX_SHIFTED = 2 ** 34;

/** What the frame headers say. */
interface ZstdFrames {
  /** Every frame declares its decoded size. */
  sized: boolean;
  /** Blocks × window, over all frames. */
  shifted: number;
}

function checkZstdFrames(b: Uint8Array, name: string, maxBytes: number): ZstdFrames {
  const bad = (what: string): SweepError => new SweepError(`${name}: the zstd data is truncated or corrupt (${what})`);
  const n = b.length;
  const u32 = (p: number): number => (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0;
  let declared = 0;
  let sized = true;
  let shifted = 0;
  const done = (): ZstdFrames => ({ sized, shifted });
  let p = 0;
  while (p + 4 <= n) {
    const magic = u32(p);
    if ((magic & 0xfffffff0) === 0x184d2a50) {
      if (p + 8 > n) return done();
      p += 8 + u32(p + 4); // a skippable frame
      continue;
    }
    if (magic !== 0xfd2fb528) throw bad('not a zstd frame where one should start');
    p += 4;
    if (p >= n) return done();
    const fhd = b[p++];
    if (fhd & 0x08) throw bad('reserved bits set in a frame header');
    const single = (fhd >> 5) & 1;
    const fcsFlag = fhd >> 6;
    const checksum = (fhd >> 2) & 1;
    let window = 0;
    if (!single) {
      if (p >= n) return done();
      const wd = b[p++];
      const base = 2 ** (10 + (wd >> 3));
      window = base + (base / 8) * (wd & 7);
    }
    p += [0, 1, 2, 4][fhd & 3]; // dictionary id
    const fcsBytes = [single, 2, 4, 8][fcsFlag];
    if (p + fcsBytes > n) return done();
    let fcs = -1;
    if (fcsBytes === 1) fcs = b[p];
    else if (fcsBytes === 2) fcs = (b[p] | (b[p + 1] << 8)) + 256;
    else if (fcsBytes === 4) fcs = u32(p);
    else if (fcsBytes === 8) fcs = u32(p) + u32(p + 4) * 2 ** 32;
    p += fcsBytes;
    if (single) window = fcs;
    if (fcs >= 0) {
      declared += fcs;
      if (declared > maxBytes) throw new SweepError(tooLargeMessage(name, 'zstd', maxBytes));
    } else sized = false;
    if (window > MAX_WINDOW) throw bad(`a window of ${fmtSize(window)}, more than zstd itself reads by default; recompress it without --long`);
    for (;;) {
      if (p + 3 > n) return done();
      const h = b[p] | (b[p + 1] << 8) | (b[p + 2] << 16);
      p += 3;
      const type = (h >> 1) & 3;
      const size = h >>> 3;
      if (type === 3) throw bad('a block of the reserved type');
      if (size > 1 << 17) throw bad('a block larger than 128 KiB');
      p += type === 1 ? 1 : size;
      shifted += window;
      if (h & 1) break;
    }
    p += checksum * 4;
  }
  return done();
}

function unzstd(bytes: Uint8Array, name: string, maxBytes: number, onProgress?: (fraction: number) => void): Uint8Array {
  const frames = checkZstdFrames(bytes, name, maxBytes);
  const n = bytes.length;
  if (frames.sized) {
    // Every frame says its size: decoded in one call straight into buffers of that size.
    try {
      const out = zstdDecompress(bytes);
      onProgress?.(1);
      return out;
    } catch (e) {
      throw corrupt(name, 'zstd', e);
    }
  }
  if (frames.shifted > MAX_SHIFTED)
    throw new SweepError(
      `${name}: the zstd data has no decoded sizes and a large window, which takes too long to decode here: recompress it from a file (zstd FILE), which records the size`,
    );
  const out = new Output(n * 4, maxBytes, () => new SweepError(tooLargeMessage(name, 'zstd', maxBytes)));
  let ended = false;
  const stream = new Decompress((chunk, final) => {
    out.push(chunk);
    if (final) ended = true;
  });
  try {
    for (let pos = 0; pos < n; pos += PIECE) {
      const end = Math.min(n, pos + PIECE);
      stream.push(bytes.subarray(pos, end), end === n);
      onProgress?.(end / n);
    }
  } catch (e) {
    if (e instanceof SweepError) throw e;
    throw corrupt(name, 'zstd', e);
  }
  if (!ended && out.size === 0) throw corrupt(name, 'zstd', new Error('the data ends before the first frame is complete'));
  return out.bytes();
}

/**
 * Decompresses `bytes`; throws a SweepError naming `name` when the data is
 * truncated or corrupt, or decodes to more than `maxBytes`.
 */
export async function decompress(
  bytes: Uint8Array,
  codec: Codec,
  name: string,
  maxBytes = DEFAULT_MAX_DECODED_BYTES,
  onProgress?: (fraction: number) => void,
): Promise<Uint8Array> {
  return codec === 'gzip' ? gunzip(bytes, name, maxBytes, onProgress) : unzstd(bytes, name, maxBytes, onProgress);
}
