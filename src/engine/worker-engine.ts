/**
 * The worker CPU engine: rows split across workers that share the sweep's
 * memory (SharedArrayBuffer). Each query sends the small plan to every worker
 * and sums their table counts; the sweep itself is never copied.
 */

import { wrap, releaseProxy, type Endpoint, type Remote } from 'comlink';
import { addCounts, mergeStats } from './kernel.js';
import type { CubeSpec } from './cube.js';
import { mergeSamples, pageRows, runRank, type RowParts } from './rows.js';
import type {
  Engine,
  EngineInfo,
  Field,
  KernelPlan,
  MetricStats,
  PackedSweep,
  RowPage,
  RowPageRequest,
  RowSample,
  RowSampleRequest,
  TableCounts,
} from './types.js';
import type { WorkerApi } from './worker-api.js';

/** A started worker: its comlink endpoint and how to stop it. */
export interface WorkerHandle {
  endpoint: Endpoint;
  terminate(): void | Promise<unknown>;
}

export class WorkerCpuEngine implements Engine {
  readonly info: EngineInfo;
  readonly visitsRanges = true;
  private readonly remotes: Remote<WorkerApi>[];
  private rows = 0;

  constructor(private readonly handles: readonly WorkerHandle[]) {
    if (handles.length === 0) throw new Error('WorkerCpuEngine needs at least one worker');
    this.remotes = handles.map((h) => wrap<WorkerApi>(h.endpoint));
    this.info = { kind: 'cpu', adapter: `${handles.length} worker${handles.length > 1 ? 's' : ''}` };
  }

  get workers(): number {
    return this.handles.length;
  }

  /** Row slices, one per worker: equal shares of the rows, or of the rows in the plan's ranges. */
  private ranges(plan?: KernelPlan): [number, number][] {
    const n = this.remotes.length;
    const r = plan?.ranges;
    if (!r) return this.remotes.map((_, i) => [Math.floor((this.rows * i) / n), Math.floor((this.rows * (i + 1)) / n)]);
    let total = 0;
    for (let k = 0; k < r.length; k += 2) total += r[k + 1] - r[k];
    // cut points: the row where the i-th equal share of the ranges' rows begins
    const cuts = [0];
    let seen = 0;
    let k = 0;
    for (let i = 1; i < n; i++) {
      const want = Math.floor((total * i) / n);
      while (k < r.length && seen + (r[k + 1] - r[k]) <= want) {
        seen += r[k + 1] - r[k];
        k += 2;
      }
      cuts.push(k < r.length ? r[k] + (want - seen) : this.rows);
    }
    cuts.push(this.rows);
    return this.remotes.map((_, i) => [cuts[i], cuts[i + 1]]);
  }

  /** The sweep as loaded (shared memory where possible): row ranks by counting read it here. */
  private data: PackedSweep | null = null;

  async load(data: PackedSweep): Promise<void> {
    this.rows = data.rows;
    this.data = data;
    await Promise.all(this.remotes.map((r) => r.load(data)));
  }

  async stats(metric: number, group: Field | null, groups: number): Promise<MetricStats> {
    const parts = await Promise.all(this.ranges().map(([s, e], i) => this.remotes[i].stats(metric, group, groups, s, e)));
    return mergeStats(parts, groups);
  }

  async run(plan: KernelPlan): Promise<TableCounts> {
    const parts = await Promise.all(this.ranges(plan).map(([s, e], i) => this.remotes[i].run(plan, s, e)));
    const total = parts[0];
    for (let i = 1; i < parts.length; i++) addCounts(total, parts[i]);
    return total;
  }

  /** Row queries: each worker answers for its equal share of the rows; pages are merged here (rows.ts). */
  private readonly parts: RowParts = {
    first: (base, win, n) => Promise.all(this.ranges().map(([s, e], i) => this.remotes[i].rowsFirst(base, win, n, s, e))),
    histogram: (base, win) => Promise.all(this.ranges().map(([s, e], i) => this.remotes[i].rowsHistogram(base, win, s, e))),
    gather: (base, win) => Promise.all(this.ranges().map(([s, e], i) => this.remotes[i].rowsGather(base, win, s, e))),
    // counting over the sorted runs needs only binary searches: here, on the shared buffers
    rank: async (base, after, r) => (this.data ? runRank(this.data, base, after, r) : undefined),
  };

  rowPage(request: RowPageRequest): Promise<RowPage> {
    return pageRows(this.parts, request);
  }

  async rowSample(request: RowSampleRequest): Promise<RowSample> {
    return mergeSamples(await Promise.all(this.ranges().map(([s, e], i) => this.remotes[i].rowsSample(request, s, e))));
  }

  /** Blocks split in equal shares over the workers, answered in order. */
  async cubeBlocks(spec: CubeSpec, first: number, last: number): Promise<Uint32Array> {
    const n = this.remotes.length;
    const cuts = this.remotes.map((_, i) => first + Math.floor(((last - first) * i) / n));
    cuts.push(last);
    const parts = await Promise.all(this.remotes.map((r, i) => (cuts[i] < cuts[i + 1] ? r.cubeBlocks(spec, cuts[i], cuts[i + 1]) : new Uint32Array(0))));
    const out = new Uint32Array((last - first) * spec.cells);
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  async dispose(): Promise<void> {
    for (const r of this.remotes) r[releaseProxy]();
    await Promise.all(this.handles.map((h) => h.terminate()));
  }
}
