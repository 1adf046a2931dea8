/// <reference lib="webworker" />
// Browser worker that reads a sweep file off the main thread (any format
// src/io/read.ts knows, decided by content), so the page keeps drawing its
// progress bar and answering clicks. Started by src/app/source.ts; a Cancel
// terminates it.
import { expose, transfer } from 'comlink';
import { formatLabel, readSweepBytes, readSweepChunks, type DetectedFormat } from '../src/io/read.js';
import { blobChunks } from '../src/app/source.js';
import type { LoadOptions } from '../src/io/table.js';
import type { Sweep } from '../src/model/sweep.js';

/** Columns in ArrayBuffers (not shared memory) are transferred back, not copied. */
function transferable(sweep: Sweep): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  const add = (a: ArrayBufferView | undefined): void => {
    if (a && a.buffer instanceof ArrayBuffer) buffers.add(a.buffer);
  };
  for (const p of sweep.params) {
    add(p.codes);
    add(p.values);
  }
  for (const m of sweep.metrics) add(m.values);
  return [...buffers];
}

export interface Parsed {
  sweep: Sweep;
  /** What the file turned out to be: `CSV`, `Parquet`, `JSON, gzip`. */
  format: string;
}

/** What the worker is doing: reading the file's bytes (done and total in bytes; rows read so far for CSV), or parsing them (a fraction, total 1). */
export type ParsePhase = 'read' | 'parse';

export const parseApi = {
  /**
   * Reads a file (a File or Blob, read here in chunks so the page never holds
   * its bytes; or bytes already fetched) called `name`; throws SweepError on
   * bad input.
   */
  async parse(
    input: Blob | Uint8Array,
    name: string,
    options: LoadOptions,
    onProgress?: (phase: ParsePhase, done: number, total: number, rows?: number) => void,
  ): Promise<Parsed> {
    let last = -1;
    let lastRead = 0;
    const progress = (f: number): void => {
      // At most about 100 messages back to the page.
      if (f - last >= 0.01 || f >= 1) {
        last = f;
        void onProgress?.('parse', f, 1);
      }
    };
    let detected: DetectedFormat | null = null;
    const onDetected = (f: DetectedFormat): void => void (detected = f);
    let sweep: Sweep;
    const size = input instanceof Uint8Array ? input.length : input.size;
    if (input instanceof Uint8Array) sweep = await readSweepBytes(input, name, options, progress, {}, onDetected);
    else {
      // A File: read in chunks; plain CSV is parsed as it arrives.
      const read = (done: number, rows?: number): void => {
        if (done - lastRead >= size / 100 || done === size) {
          lastRead = done;
          void onProgress?.('read', done, size, rows);
        }
      };
      sweep = await readSweepChunks({ chunks: blobChunks(input), size }, name, options, read, progress, {}, onDetected);
    }
    const format = detected ? formatLabel(detected) : 'table';
    return transfer({ sweep, format }, transferable(sweep));
  },
};

export type ParseApi = typeof parseApi;

expose(parseApi);
