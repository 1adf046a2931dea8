/**
 * The worker CPU engine: rows split across workers that share the sweep's
 * memory (SharedArrayBuffer). Each query sends the small plan to every worker
 * and sums their table counts; the sweep itself is never copied.
 */

import { wrap, releaseProxy, type Endpoint, type Remote } from 'comlink';
import { addCounts, mergeStats } from './kernel.js';
import type { Engine, EngineInfo, Field, KernelPlan, MetricStats, PackedSweep, TableCounts } from './types.js';
import type { WorkerApi } from './worker-api.js';

/** A started worker: its comlink endpoint and how to stop it. */
export interface WorkerHandle {
  endpoint: Endpoint;
  terminate(): void | Promise<unknown>;
}

export class WorkerCpuEngine implements Engine {
  readonly info: EngineInfo;
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

  /** Row ranges, one per worker. */
  private ranges(): [number, number][] {
    const n = this.remotes.length;
    return this.remotes.map((_, i) => [Math.floor((this.rows * i) / n), Math.floor((this.rows * (i + 1)) / n)]);
  }

  async load(data: PackedSweep): Promise<void> {
    this.rows = data.rows;
    await Promise.all(this.remotes.map((r) => r.load(data)));
  }

  async stats(metric: number, group: Field | null, groups: number): Promise<MetricStats> {
    const parts = await Promise.all(this.ranges().map(([s, e], i) => this.remotes[i].stats(metric, group, groups, s, e)));
    return mergeStats(parts, groups);
  }

  async run(plan: KernelPlan): Promise<TableCounts> {
    const parts = await Promise.all(this.ranges().map(([s, e], i) => this.remotes[i].run(plan, s, e)));
    const total = parts[0];
    for (let i = 1; i < parts.length; i++) addCounts(total, parts[i]);
    return total;
  }

  async dispose(): Promise<void> {
    for (const r of this.remotes) r[releaseProxy]();
    await Promise.all(this.handles.map((h) => h.terminate()));
  }
}
