/**
 * Opening compressed files: gzip through the platform's DecompressionStream
 * (browsers and Node ≥ 18), zstd through fzstd (small, pure JavaScript,
 * streaming). Output is capped: decoding stops with a SweepError as soon as it
 * outgrows `maxBytes` (a small file can decode to gigabytes).
 *
 * Browser-safe: no Node modules.
 */

import { Decompress } from 'fzstd';
import { SweepError } from '../model/sweep.js';
import type { Codec } from './sniff.js';

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

function reason(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.split('\n')[0].trim() || 'unknown error';
}

function corrupt(name: string, codec: Codec, e: unknown): SweepError {
  return new SweepError(`${name}: the ${codec} data is truncated or corrupt (${reason(e)})`);
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

function unzstd(bytes: Uint8Array, name: string, maxBytes: number, onProgress?: (fraction: number) => void): Uint8Array {
  const n = bytes.length;
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
