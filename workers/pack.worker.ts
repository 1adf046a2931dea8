/// <reference lib="webworker" />
// Browser worker that packs a sweep's codes and sorts its rows, so that
// millions of rows never hold the page's main thread: all of it (Session's
// packSweep, `pack`), or one worker's part of the parallel packing
// (pack-parallel.ts, `runPackStep`), on shared memory.
import { expose, transfer } from 'comlink';
import { packStepApi, type PackResult } from '../src/engine/pack-parallel.js';
import { packSweep } from '../src/engine/session.js';
import type { Sweep } from '../src/model/sweep.js';

/** The buffers to hand back by transfer: those not in shared memory. */
function transferable(arrays: readonly ArrayBufferView[]): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const a of arrays) if (a.buffer instanceof ArrayBuffer) out.add(a.buffer);
  return [...out];
}

export const packApi = {
  ...packStepApi,
  pack(sweep: Sweep, unitBits: number): PackResult {
    const r = packSweep(sweep, unitBits);
    const { codes, metrics, order, perm } = r.packed;
    return transfer(r, transferable([codes, ...metrics, perm, ...(order ? [order.groupStart, order.finiteEnd] : [])]));
  },
};

export type PackApi = typeof packApi;

expose(packApi);
