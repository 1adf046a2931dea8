/**
 * Packing and sorting a sweep for the engine (Session's packSweep) in a web
 * worker: at 10M trainings it takes seconds, which the page's main thread must
 * not spend. With shared memory the worker reads the columns in place and
 * writes shared buffers; without, the columns are copied to it and the packed
 * buffers transferred back. Where no worker can start, it packs here.
 */

import { releaseProxy, wrap } from 'comlink';
import { DEFAULT_UNIT_BITS } from '../engine/layout.js';
import { packSweep } from '../engine/session.js';
import type { Sweep } from '../model/sweep.js';
import type { PackApi } from '../../workers/pack.worker.js';

export async function packInWorker(sweep: Sweep, unitBits = DEFAULT_UNIT_BITS): Promise<ReturnType<typeof packSweep>> {
  let worker: Worker;
  try {
    worker = new Worker(new URL('../../workers/pack.worker.ts', import.meta.url), { type: 'module', name: 'sweepscope-pack' });
  } catch {
    return packSweep(sweep, unitBits);
  }
  const remote = wrap<PackApi>(worker);
  const failed = new Promise<never>((_, reject) =>
    worker.addEventListener('error', (e) => reject(new Error(`pack worker failed: ${e.message || 'could not start'}`))),
  );
  try {
    return await Promise.race([remote.pack(sweep, unitBits), failed]);
  } finally {
    remote[releaseProxy]();
    worker.terminate();
  }
}
