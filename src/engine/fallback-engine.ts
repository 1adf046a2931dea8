/**
 * An engine that runs on the GPU while it can and falls back to the CPU on its
 * own: no adapter, a failed shader compile, an uncaptured error or a lost
 * device. The query that hit the failure is answered on the CPU (plans are
 * engine-independent), the sweep is kept, and `info` says which engine runs
 * and why.
 */

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
import type { CubeSpec } from './cube.js';

export class FallbackEngine implements Engine {
  private current: Engine;
  private fallback: Engine | null = null;
  private data: PackedSweep | null = null;
  private reason: string | undefined;
  private readonly listeners = new Set<(info: EngineInfo) => void>();

  /**
   * `primary` is the GPU engine, or null when it could not be created (then
   * `reason` says why); `makeFallback` starts the CPU engine when needed.
   */
  constructor(
    private readonly primary: Engine | null,
    private readonly makeFallback: () => Engine,
    reason?: string,
  ) {
    this.reason = reason;
    this.current = primary ?? this.cpu();
  }

  private cpu(): Engine {
    this.fallback ??= this.makeFallback();
    return this.fallback;
  }

  get info(): EngineInfo {
    const info = this.current.info;
    return this.current === this.primary ? info : { ...info, reason: this.reason ?? info.reason };
  }

  get tableUnitBits(): number | undefined {
    return this.current.tableUnitBits;
  }

  get visitsRanges(): boolean | undefined {
    return this.current.visitsRanges;
  }

  /** The GPU engine this one started with (null when there was none). */
  get primaryEngine(): Engine | null {
    return this.primary;
  }

  /** True once the GPU engine has been given up. */
  get fellBack(): boolean {
    return this.current !== this.primary;
  }

  /** Called with the new engine info whenever the engine in use changes. */
  onChange(listener: (info: EngineInfo) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Gives up the GPU engine (from its failure callback, or after an error). */
  async switchToCpu(reason: string): Promise<void> {
    if (this.current !== this.primary) return;
    this.reason = `fell back to the CPU: ${reason}`;
    const cpu = this.cpu();
    this.current = cpu;
    if (this.data) await cpu.load(this.data);
    void this.primary?.dispose().catch(() => undefined);
    const info = this.info;
    for (const l of this.listeners) l(info);
  }

  private async guard<T>(work: (e: Engine) => Promise<T>): Promise<T> {
    const engine = this.current;
    try {
      return await work(engine);
    } catch (e) {
      if (engine !== this.primary) throw e;
      await this.switchToCpu(e instanceof Error ? e.message : String(e));
      return work(this.current);
    }
  }

  async load(data: PackedSweep): Promise<void> {
    this.data = data;
    await this.guard((e) => e.load(data));
  }

  stats(metric: number, group: Field | null, groups: number): Promise<MetricStats> {
    return this.guard((e) => e.stats(metric, group, groups));
  }

  run(plan: KernelPlan): Promise<TableCounts> {
    return this.guard((e) => e.run(plan));
  }

  /** The sweep the CPU engine holds for row queries while the GPU engine counts (null: not loaded yet). */
  private rowsLoaded: PackedSweep | null = null;

  /**
   * The engine for row queries. On the CPU engine, itself. While the GPU
   * counts, the CPU workers too when the sweep is in shared memory: row work
   * (a scan of the packed rows for a deep page, a sample's flags) then never
   * runs on the page's main thread, and the workers read the same buffers
   * without a copy. Without shared memory each worker would need its own copy
   * of the sweep, so the GPU engine answers rows inline instead.
   */
  private async rowEngine(): Promise<Engine> {
    const data = this.data;
    if (this.current !== this.primary || !data) return this.current;
    if (typeof SharedArrayBuffer === 'undefined' || !(data.codes.buffer instanceof SharedArrayBuffer)) return this.current;
    const cpu = this.cpu();
    if (this.rowsLoaded !== data) {
      await cpu.load(data);
      this.rowsLoaded = data;
    }
    return cpu;
  }

  async rowPage(request: RowPageRequest): Promise<RowPage> {
    return (await this.rowEngine()).rowPage(request);
  }

  async rowSample(request: RowSampleRequest): Promise<RowSample> {
    return (await this.rowEngine()).rowSample(request);
  }

  /** Cube blocks on the CPU engine that answers rows (the workers, beside the GPU); refused where it has none. */
  async cubeBlocks(spec: CubeSpec, first: number, last: number): Promise<Uint32Array> {
    const engine = await this.rowEngine();
    if (!engine.cubeBlocks) throw new Error('this engine counts no brush cube');
    return engine.cubeBlocks(spec, first, last);
  }

  async dispose(): Promise<void> {
    await Promise.all([this.primary?.dispose(), this.fallback?.dispose()]);
  }
}
