/// <reference lib="webworker" />
// Browser worker that parses a sweep file (CSV or Arrow IPC) off the main thread,
// so the page keeps drawing its progress bar. Started by src/app/source.ts.
import { expose, transfer } from 'comlink';
import { parseCsv } from '../src/io/csv.js';
import { sweepFromArrow } from '../src/io/arrow.js';
import type { LoadOptions } from '../src/io/table.js';
import type { Sweep } from '../src/model/sweep.js';

export type SweepFormat = 'csv' | 'arrow';

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

export const parseApi = {
  /** Parses `bytes` (a file called `name`); throws SweepError on bad input. */
  parse(bytes: Uint8Array, name: string, format: SweepFormat, options: LoadOptions, onProgress?: (fraction: number) => void): Sweep {
    let last = -1;
    const progress = (f: number): void => {
      // At most about 100 messages back to the page.
      if (f - last >= 0.01 || f >= 1) {
        last = f;
        void onProgress?.(f);
      }
    };
    const sweep = format === 'csv' ? parseCsv(bytes, name, options, progress) : sweepFromArrow(bytes, name, options);
    return transfer(sweep, transferable(sweep));
  },
};

export type ParseApi = typeof parseApi;

expose(parseApi);
