// The page's file reading (src/app/source.ts) in Node: a file larger than the
// tab can hold is refused before a byte is read, a cancelled read stops with
// its own error, and the bytes arrive whole with progress.

import { describe, expect, it } from 'vitest';
import { LoadCancelled, MAX_FILE_BYTES, readBlob } from '../src/app/source.js';
import { SweepError } from '../src/model/sweep.js';

/** A File-like object of any size whose stream is never to be read. */
function hugeFile(size: number): Blob {
  return {
    name: 'huge.csv',
    size,
    stream(): ReadableStream<Uint8Array> {
      throw new Error('read a file that should have been refused');
    },
  } as unknown as Blob;
}

describe('reading a file in the page', () => {
  it('refuses a file larger than the page reads, before reading it', async () => {
    const e = await readBlob(hugeFile(3 * 2 ** 30)).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SweepError);
    expect((e as Error).message).toBe(
      'huge.csv is 3.0 GiB; the page reads files up to 2.0 GiB: filter it first, or use the CLI (sweepscope aggregate)',
    );
    expect(MAX_FILE_BYTES).toBe(2 ** 31);
  });

  it('reads a file whole, with progress, and stops when cancelled', async () => {
    const bytes = new Uint8Array(3 << 20).map((_, i) => i & 0xff);
    const file = new File([bytes], 'sweep.csv');
    const seen: number[] = [];
    const read = await readBlob(file, (done) => seen.push(done));
    expect(read.length).toBe(bytes.length);
    expect(Buffer.compare(read, bytes)).toBe(0);
    expect(seen.at(-1)).toBe(bytes.length);

    const abort = new AbortController();
    abort.abort();
    const e = await readBlob(file, undefined, abort.signal).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(LoadCancelled);
    expect((e as Error).message).toBe('loading sweep.csv was cancelled');
  });
});
