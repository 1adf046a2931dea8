/// <reference lib="webworker" />
// Browser worker that generates rows of a synthetic NWS sweep (see src/synth/nws.ts).
import { expose, transfer } from 'comlink';
import { allocNwsColumns, generateNwsChunk, type NwsColumns } from '../src/synth/nws.js';

/** Rows per progress report. */
const SUB_CHUNK = 32768;

/** Called with the rows this call has finished so far. */
export type GenerateProgress = (done: number) => void;

function fill(seed: number, start: number, end: number, cols: NwsColumns, onProgress?: GenerateProgress): void {
  for (let s = start; s < end; s += SUB_CHUNK) {
    const e = Math.min(end, s + SUB_CHUNK);
    generateNwsChunk(seed, s, e, cols);
    // Fire and forget: the page updates its progress bar while this loop goes on.
    void onProgress?.(e - start);
  }
}

export const generateApi = {
  /**
   * Fills rows [start, end) of `cols`, which must be SharedArrayBuffer-backed
   * (allocated on the main thread with allocNwsColumns) for the page to see them.
   */
  generate(seed: number, start: number, end: number, cols: NwsColumns, onProgress?: GenerateProgress): void {
    fill(seed, start, end, cols, onProgress);
  },

  /**
   * Without shared memory: allocates and fills all `rows` here and transfers the
   * columns back (no copy).
   */
  generateAll(seed: number, rows: number, onProgress?: GenerateProgress): NwsColumns {
    const cols = allocNwsColumns(rows);
    fill(seed, 0, rows, cols, onProgress);
    const buffers = [...cols.codes, cols.learningRate, cols.accuracy].map((a) => a.buffer as ArrayBuffer);
    return transfer(cols, buffers);
  },
};

export type GenerateApi = typeof generateApi;

expose(generateApi);
