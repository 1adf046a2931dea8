/**
 * What a CPU worker offers over comlink. The sweep arrives once (shared
 * memory: no copy); each call then names a row range of it.
 */

import { transfer } from 'comlink';
import { allocCounts, countRows, statsRows } from './kernel.js';
import type { Field, KernelPlan, PackedSweep, TableCounts } from './types.js';

let data: PackedSweep | null = null;

function loaded(): PackedSweep {
  if (!data) throw new Error('engine worker: no sweep loaded');
  return data;
}

export const workerApi = {
  load(d: PackedSweep): void {
    data = d;
  },
  stats(metric: number, group: Field | null, groups: number, start: number, end: number): { min: Float64Array; max: Float64Array } {
    const r = statsRows(loaded(), metric, group, groups, start, end);
    return transfer(r, [r.min.buffer, r.max.buffer]);
  },
  run(plan: KernelPlan, start: number, end: number): TableCounts {
    const out = allocCounts(plan);
    countRows(loaded(), plan, start, end, out);
    return transfer(out, [out.hist.buffer, out.pairs.buffer, out.trellisCount.buffer, out.trellisSum.buffer]);
  },
};

export type WorkerApi = typeof workerApi;
