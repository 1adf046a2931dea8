// The page's file reading (src/app/source.ts) in Node: a file larger than the
// tab can hold is refused before a byte is read (and before a worker starts),
// a File's chunks arrive whole, a failed read is one line of ours, and a
// cancelled load stops before it starts.

import { describe, expect, it } from 'vitest';
import { LoadCancelled, MAX_FILE_BYTES, blobChunks, parseInWorker } from '../src/app/source.js';
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

async function all(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const c of chunks) out.push(c);
  return out;
}

const TOO_LARGE = 'huge.csv is 3.0 GiB; the page reads files up to 2.0 GiB: filter it first, or use the CLI (sweepscope aggregate)';

describe('reading a file in the page', () => {
  it('refuses a file larger than the page reads, before reading it or starting a worker', async () => {
    expect(MAX_FILE_BYTES).toBe(2 ** 31);
    const e = await all(blobChunks(hugeFile(3 * 2 ** 30))).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SweepError);
    expect((e as Error).message).toBe(TOO_LARGE);
    const w = await parseInWorker(hugeFile(3 * 2 ** 30), 'huge.csv', {}).catch((x: unknown) => x);
    expect((w as Error).message).toBe(TOO_LARGE);
  });

  it("gives a File's bytes whole, and a failed read as one line of ours", async () => {
    const bytes = new Uint8Array(3 << 20).map((_, i) => i & 0xff);
    const chunks = await all(blobChunks(new File([bytes], 'sweep.csv')));
    const read = Buffer.concat(chunks);
    expect(read.length).toBe(bytes.length);
    expect(Buffer.compare(read, bytes)).toBe(0);

    const broken = {
      name: 'gone.csv',
      size: 10,
      stream: () => new ReadableStream<Uint8Array>({ pull: (c) => c.error(new Error('the file was removed')) }),
    } as unknown as Blob;
    const e = await all(blobChunks(broken)).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SweepError);
    expect((e as Error).message).toBe("cannot read 'gone.csv': the file was removed");
  });

  it('a cancelled load stops before it starts', async () => {
    const abort = new AbortController();
    abort.abort();
    const e = await parseInWorker(new File(['a,acc\nx,1\n'], 'sweep.csv'), 'sweep.csv', {}, undefined, abort.signal).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(LoadCancelled);
    expect((e as Error).message).toBe('loading sweep.csv was cancelled');
  });
});
