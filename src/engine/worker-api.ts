/**
 * What a CPU worker offers over comlink. The sweep arrives once (shared
 * memory: no copy); each call then names a row range of it.
 */

import { transfer } from 'comlink';
import { allocCounts, countRows, statsRows } from './kernel.js';
import { countCubeBlocks, type CubeSpec } from './cube.js';
import { firstRows, gatherRows, histogramRows, sampleRowsIn, type Pairs, type RowOrderSpec, type RowWindow } from './rows.js';
import type { Field, KernelPlan, PackedSweep, RowSample, RowSampleRequest, TableCounts } from './types.js';

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
  rowsFirst(base: RowOrderSpec, win: RowWindow, n: number, start: number, end: number): Pairs {
    const r = firstRows(loaded(), base, win, n, start, end);
    return transfer(r, [r.keys.buffer, r.ids.buffer]);
  },
  rowsHistogram(base: RowOrderSpec, win: RowWindow, start: number, end: number): Uint32Array {
    const h = histogramRows(loaded(), base, win, start, end);
    return transfer(h, [h.buffer]);
  },
  rowsGather(base: RowOrderSpec, win: RowWindow, start: number, end: number): Pairs {
    const r = gatherRows(loaded(), base, win, start, end);
    return transfer(r, [r.keys.buffer, r.ids.buffer]);
  },
  cubeBlocks(spec: CubeSpec, first: number, last: number): Uint32Array {
    const r = countCubeBlocks(loaded(), spec, first, last);
    return transfer(r, [r.buffer]);
  },
  rowsSample(req: RowSampleRequest, start: number, end: number): RowSample {
    const r = sampleRowsIn(loaded(), req, start, end);
    return transfer(r, [r.ids.buffer, r.selected.buffer]);
  },
};

export type WorkerApi = typeof workerApi;
