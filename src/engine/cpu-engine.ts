/**
 * The CPU engine on the calling thread: the Node CLI's and the tests' path,
 * and the body every worker runs for its share of rows.
 */

import { allocCounts, countRows, mergeStats, statsRows } from './kernel.js';
import { countCubeBlocks, type CubeSpec } from './cube.js';
import { inlineParts, pageRows, sampleRowsIn } from './rows.js';
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

export class InlineCpuEngine implements Engine {
  readonly info: EngineInfo = { kind: 'cpu', adapter: 'main thread' };
  readonly visitsRanges = true;
  private data: PackedSweep | null = null;

  /** `tableUnitBits` cuts plan tables finer than the layout (tests use it to cover the GPU's cut). */
  constructor(readonly tableUnitBits?: number) {}

  async load(data: PackedSweep): Promise<void> {
    this.data = data;
  }

  private loaded(): PackedSweep {
    if (!this.data) throw new Error('InlineCpuEngine: no sweep loaded');
    return this.data;
  }

  async stats(metric: number, group: Field | null, groups: number): Promise<MetricStats> {
    const d = this.loaded();
    return mergeStats([statsRows(d, metric, group, groups, 0, d.rows)], groups);
  }

  async run(plan: KernelPlan): Promise<TableCounts> {
    const d = this.loaded();
    const out = allocCounts(plan);
    countRows(d, plan, 0, d.rows, out);
    return out;
  }

  private readonly parts = inlineParts(() => this.loaded());

  rowPage(request: RowPageRequest): Promise<RowPage> {
    return pageRows(this.parts, request);
  }

  async rowSample(request: RowSampleRequest): Promise<RowSample> {
    const d = this.loaded();
    return sampleRowsIn(d, request, 0, d.rows);
  }

  async cubeBlocks(spec: CubeSpec, first: number, last: number): Promise<Uint32Array> {
    return countCubeBlocks(this.loaded(), spec, first, last);
  }

  async dispose(): Promise<void> {
    this.data = null;
  }
}
