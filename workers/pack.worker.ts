/// <reference lib="webworker" />
// Browser worker that packs a sweep's codes and sorts its rows (Session's
// packSweep), so that millions of rows never hold the page's main thread.
import { expose, transfer } from 'comlink';
import { packSweep } from '../src/engine/session.js';
import type { Sweep } from '../src/model/sweep.js';

/** The buffers to hand back by transfer: those not in shared memory. */
function transferable(arrays: readonly ArrayBufferView[]): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const a of arrays) if (a.buffer instanceof ArrayBuffer) out.add(a.buffer);
  return [...out];
}

export const packApi = {
  pack(sweep: Sweep, unitBits: number): ReturnType<typeof packSweep> {
    const r = packSweep(sweep, unitBits);
    const { codes, metrics, order, perm } = r.packed;
    return transfer(r, transferable([codes, ...metrics, perm, ...(order ? [order.groupStart, order.finiteEnd] : [])]));
  },
};

export type PackApi = typeof packApi;

expose(packApi);
