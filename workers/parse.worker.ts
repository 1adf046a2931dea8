/// <reference lib="webworker" />
// Browser worker that reads a sweep file off the main thread (any format
// src/io/read.ts knows, decided by content), so the page keeps drawing its
// progress bar and answering clicks. Started by src/app/source.ts; a Cancel
// terminates it.
import { expose, transfer } from 'comlink';
import { formatLabel, readSweepBytes, type DetectedFormat } from '../src/io/read.js';
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

export const parseApi = {
  /** Reads `bytes` (a file called `name`); throws SweepError on bad input. */
  async parse(bytes: Uint8Array, name: string, options: LoadOptions, onProgress?: (fraction: number) => void): Promise<Parsed> {
    let last = -1;
    const progress = (f: number): void => {
      // At most about 100 messages back to the page.
      if (f - last >= 0.01 || f >= 1) {
        last = f;
        void onProgress?.(f);
      }
    };
    let detected: DetectedFormat | null = null;
    const sweep = await readSweepBytes(bytes, name, options, progress, {}, (f) => (detected = f));
    const format = detected ? formatLabel(detected) : 'table';
    return transfer({ sweep, format }, transferable(sweep));
  },
};

export type ParseApi = typeof parseApi;

expose(parseApi);
