/**
 * Packing and sorting a sweep for the engine (Session's packSweep) off the
 * page's main thread: at 10M trainings it takes seconds, which the main
 * thread must not spend.
 *
 * On a cross-origin isolated page whose sweep columns are in shared memory,
 * several workers share the work (pack-parallel.ts), reading the columns in
 * place and writing shared buffers; the main thread only adds up their
 * bucket counts between steps. Otherwise one worker runs packSweep: with
 * shared memory it reads the columns in place, without, they are copied to it
 * and the packed buffers transferred back. Where no worker can start, it
 * packs here.
 */

import { releaseProxy, wrap } from 'comlink';
import { browserCores } from '../engine/browser-workers.js';
import { DEFAULT_UNIT_BITS } from '../engine/layout.js';
import {
  columnsShared,
  packSweepParallel,
  PARALLEL_MIN_ROWS,
  remotePackPool,
  type PackPool,
  type PackResult,
  type PackWorkerHandle,
} from '../engine/pack-parallel.js';
import { packSweep } from '../engine/session.js';
import type { Sweep } from '../model/sweep.js';
import type { PackApi } from '../../workers/pack.worker.js';

/** Most pack workers: past 8 the steps wait on memory more than on cores, and each worker costs its start. */
const MAX_PACK_WORKERS = 8;

function startPackWorker(name: string): { worker: Worker; failed: Promise<never> } {
  const worker = new Worker(new URL('../../workers/pack.worker.ts', import.meta.url), { type: 'module', name });
  const failed = new Promise<never>((_, reject) =>
    worker.addEventListener('error', (e) => reject(new Error(`pack worker failed: ${e.message || 'could not start'}`))),
  );
  // rejects only when a step is waiting on it; not an unhandled rejection
  failed.catch(() => undefined);
  return { worker, failed };
}

/** How many workers share the packing here: 0 where the page cannot share memory with them, or has one core. */
function parallelWorkers(): number {
  const count = Math.min(MAX_PACK_WORKERS, browserCores());
  const isolated = globalThis.crossOriginIsolated === true && typeof SharedArrayBuffer !== 'undefined' && typeof Worker !== 'undefined';
  return isolated && count > 1 ? count : 0;
}

/**
 * The pack workers of the parallel packing: started when this module loads
 * (the page then reads or generates a sweep for a while, which hides their
 * start) and kept, so that a later load starts none and finds their code
 * already compiled. null where they cannot run, or could not start.
 */
let pool: (PackPool & { close(): Promise<void> }) | null = null;

function startPool(count: number): void {
  const handles: PackWorkerHandle[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const { worker, failed } = startPackWorker(`sweepscope-pack-${i}`);
      handles.push({ endpoint: worker, failed, terminate: () => worker.terminate() });
    }
    pool = remotePackPool(handles);
  } catch {
    for (const h of handles) h.terminate();
    pool = null;
  }
}

if (parallelWorkers() > 0) startPool(parallelWorkers());

export async function packInWorker(sweep: Sweep, unitBits = DEFAULT_UNIT_BITS): Promise<PackResult> {
  if (pool && sweep.rows >= PARALLEL_MIN_ROWS && columnsShared(sweep)) {
    const shared = pool;
    try {
      return await packSweepParallel(sweep, shared, unitBits);
    } catch (e) {
      // workers that failed are not used again: the next load gets new ones
      if (pool === shared && e instanceof Error && e.message.startsWith('pack worker failed')) {
        void shared.close();
        startPool(parallelWorkers());
      }
      throw e;
    }
  }
  let started: { worker: Worker; failed: Promise<never> };
  try {
    started = startPackWorker('sweepscope-pack');
  } catch {
    return packSweep(sweep, unitBits);
  }
  const { worker, failed } = started;
  const remote = wrap<PackApi>(worker);
  try {
    return await Promise.race([remote.pack(sweep, unitBits), failed]);
  } finally {
    remote[releaseProxy]();
    worker.terminate();
  }
}
