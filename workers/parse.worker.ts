/// <reference lib="webworker" />
// Browser worker that reads a sweep file off the main thread (any format
// src/io/read.ts knows, decided by content), so the page keeps drawing its
// progress bar and answering clicks. Started by src/app/source.ts; a Cancel
// terminates it.
import { expose, transfer } from 'comlink';
import { formatLabel, readSweepBytes, type DetectedFormat } from '../src/io/read.js';
import { readBlob } from '../src/app/source.js';
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
  /** The file's size in bytes. */
  bytes: number;
}

/** What the worker is doing: reading the file's bytes (done and total in bytes), or parsing them (a fraction, total 1). */
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
    onProgress?: (phase: ParsePhase, done: number, total: number) => void,
  ): Promise<Parsed> {
    let last = -1;
    let lastRead = 0;
    const bytes =
      input instanceof Uint8Array
        ? input
        : await readBlob(input, (done, total) => {
            // About 100 messages back to the page.
            if (done - lastRead >= total / 100 || done === total) {
              lastRead = done;
              void onProgress?.('read', done, total);
            }
          });
    const progress = (f: number): void => {
      if (f - last >= 0.01 || f >= 1) {
        last = f;
        void onProgress?.('parse', f, 1);
      }
    };
    let detected: DetectedFormat | null = null;
    const sweep = await readSweepBytes(bytes, name, options, progress, {}, (f) => (detected = f));
    const format = detected ? formatLabel(detected) : 'table';
    return transfer({ sweep, format, bytes: bytes.length }, transferable(sweep));
  },
};

export type ParseApi = typeof parseApi;

expose(parseApi);
