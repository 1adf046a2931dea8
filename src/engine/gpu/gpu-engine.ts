/**
 * The WebGPU engine. The packed codes and the metrics go into storage buffers
 * once per sweep (split into chunks of rows that fit the device's binding
 * limit); a query writes only the small plan and task blocks, dispatches
 * shaders/count.wgsl once per table and chunk, and reads back only the tables.
 */

import countWgsl from '../../../shaders/count.wgsl?raw';
import { mergeStats, statsRows } from '../kernel.js';
import { inlineParts, pageRows, sampleRowsIn } from '../rows.js';
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
} from '../types.js';
import {
  COUNT_CONSTANTS,
  HIST_TOTAL,
  HIST_TOTALS,
  KIND,
  LOCAL_SIZE,
  TASK,
  TASK_BYTES,
  TRELLIS_PLANE,
  TRELLIS_PLANES,
  WORKGROUP_SIZE as WG,
  type Task,
} from './count-layout.js';
import { acquireGpu, GpuUnavailable, type GpuContext } from './device.js';
import { planImage } from './plan-image.js';
import { writeStruct } from './wgsl-struct.js';

/** Unit width for GPU tables: a pair table of two 5-bit units is 2^10 keys x 2 counters, which fit LOCAL_SIZE. */
export const GPU_TABLE_UNIT_BITS = 5;
const MAX_WORKGROUPS = 1024;

export interface WebGpuEngineOptions {
  /** Rows per buffer chunk; default: as many as the device's limits allow (tests force tiny chunks). */
  chunkRows?: number;
  /** Called once when the device is lost or raises an error nobody caught. */
  onFailure?: (reason: string) => void;
}

interface Chunk {
  start: number;
  rows: number;
  codes: GPUBuffer;
  metrics: GPUBuffer[];
}

/** Growable GPU buffer: reallocated only when a query needs more than any before it. */
class GrowBuffer {
  buffer: GPUBuffer | null = null;
  constructor(
    private readonly device: GPUDevice,
    private readonly usage: GPUBufferUsageFlags,
    private readonly label: string,
  ) {}
  /** Returns true when the buffer was reallocated (bind groups must be rebuilt). */
  ensure(bytes: number): boolean {
    const size = Math.max(16, Math.ceil(bytes / 16) * 16);
    if (this.buffer && this.buffer.size >= size) return false;
    this.buffer?.destroy();
    this.buffer = this.device.createBuffer({ size: Math.max(size, (this.buffer?.size ?? 0) * 2), usage: this.usage, label: this.label });
    return true;
  }
  destroy(): void {
    this.buffer?.destroy();
    this.buffer = null;
  }
}

export class WebGpuEngine implements Engine {
  readonly info: EngineInfo;
  readonly tableUnitBits = GPU_TABLE_UNIT_BITS;
  private readonly device: GPUDevice;
  private readonly pipeline: GPUComputePipeline;
  private readonly layout: GPUBindGroupLayout;
  private readonly taskStride: number;
  private readonly planBuf: GrowBuffer;
  private readonly outBuf: GrowBuffer;
  private readonly readBuf: GrowBuffer;
  private readonly taskBuf: GrowBuffer;
  private chunks: Chunk[] = [];
  private data: PackedSweep | null = null;
  private bindGroups = new Map<string, GPUBindGroup>();
  private failure: string | null = null;
  private destroyed = false;

  private constructor(
    private readonly ctx: GpuContext,
    pipeline: GPUComputePipeline,
    layout: GPUBindGroupLayout,
    private readonly options: WebGpuEngineOptions,
  ) {
    this.device = ctx.device;
    this.pipeline = pipeline;
    this.layout = layout;
    const align = this.device.limits.minUniformBufferOffsetAlignment;
    this.taskStride = Math.ceil(TASK_BYTES / align) * align;
    const S = GPUBufferUsage;
    this.planBuf = new GrowBuffer(this.device, S.STORAGE | S.COPY_DST, 'plan');
    this.outBuf = new GrowBuffer(this.device, S.STORAGE | S.COPY_SRC | S.COPY_DST, 'tables');
    this.readBuf = new GrowBuffer(this.device, S.MAP_READ | S.COPY_DST, 'readback');
    this.taskBuf = new GrowBuffer(this.device, S.UNIFORM | S.COPY_DST, 'tasks');
    this.info = {
      kind: 'webgpu',
      adapter: ctx.adapterName,
      reason: ctx.isSoftware ? 'software adapter (CPU emulation): correct but slow' : undefined,
    };
    this.device.addEventListener('uncapturederror', (e) => {
      this.fail(`WebGPU error: ${(e as GPUUncapturedErrorEvent).error.message}`);
    });
    void this.device.lost.then((l) => {
      if (!this.destroyed) this.fail(`the GPU device was lost (${l.reason}${l.message ? `: ${l.message}` : ''})`);
    });
  }

  /** Acquires a device and compiles the shader; throws GpuUnavailable with the reason when it cannot. */
  static async create(options: WebGpuEngineOptions = {}, ctx?: GpuContext): Promise<WebGpuEngine> {
    const gpu = ctx ?? (await acquireGpu());
    const device = gpu.device;
    device.pushErrorScope('validation');
    const module = device.createShaderModule({ code: countWgsl, label: 'count.wgsl' });
    const messages = (await module.getCompilationInfo()).messages.filter((m) => m.type === 'error');
    if (messages.length) {
      await device.popErrorScope();
      device.destroy();
      throw new GpuUnavailable(`count.wgsl does not compile: ${messages.map((m) => `${m.lineNum}:${m.linePos} ${m.message}`).join('; ')}`);
    }
    const storage = (type: GPUBufferBindingType): GPUBindGroupLayoutEntry['buffer'] => ({ type });
    const layout = device.createBindGroupLayout({
      entries: [
        { binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: storage('read-only-storage') },
        { binding: 1, visibility: GPUShaderStage.COMPUTE, buffer: storage('read-only-storage') },
        { binding: 2, visibility: GPUShaderStage.COMPUTE, buffer: storage('read-only-storage') },
        { binding: 3, visibility: GPUShaderStage.COMPUTE, buffer: storage('storage') },
        { binding: 4, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform', hasDynamicOffset: true, minBindingSize: TASK_BYTES } },
      ],
    });
    const pipeline = await device.createComputePipelineAsync({
      layout: device.createPipelineLayout({ bindGroupLayouts: [layout] }),
      compute: { module, entryPoint: 'main', constants: COUNT_CONSTANTS },
    });
    const err = await device.popErrorScope();
    if (err) {
      device.destroy();
      throw new GpuUnavailable(`the count pipeline failed: ${err.message}`);
    }
    return new WebGpuEngine(gpu, pipeline, layout, options);
  }

  /** Why the engine stopped working, or null while it works. */
  get failed(): string | null {
    return this.failure;
  }

  private fail(reason: string): void {
    if (this.failure) return;
    this.failure = reason;
    this.options.onFailure?.(reason);
  }

  private check(): void {
    if (this.failure) throw new GpuUnavailable(this.failure);
  }

  /** Rows per chunk: what one storage binding and one buffer may hold, or the forced size. */
  private chunkRows(words: number): number {
    const lim = this.device.limits;
    const maxBytes = Math.min(lim.maxStorageBufferBindingSize, lim.maxBufferSize);
    const byLimit = Math.floor(maxBytes / (4 * Math.max(1, words)) / WG) * WG;
    return Math.max(1, Math.min(byLimit, this.options.chunkRows ?? Infinity));
  }

  async load(data: PackedSweep): Promise<void> {
    this.check();
    this.releaseChunks();
    this.data = data;
    const per = this.chunkRows(data.words);
    const S = GPUBufferUsage;
    const upload = (src: ArrayBufferView, label: string): GPUBuffer => {
      const buffer = this.device.createBuffer({ size: Math.max(16, Math.ceil(src.byteLength / 4) * 4), usage: S.STORAGE | S.COPY_DST, label });
      if (src.byteLength) this.device.queue.writeBuffer(buffer, 0, src.buffer, src.byteOffset, src.byteLength);
      return buffer;
    };
    this.device.pushErrorScope('out-of-memory');
    for (let start = 0; start < Math.max(1, data.rows); start += per) {
      const rows = Math.min(per, data.rows - start);
      this.chunks.push({
        start,
        rows,
        codes: upload(data.codes.subarray(start * data.words, (start + rows) * data.words), `codes ${start}`),
        metrics: data.metrics.map((m, i) => upload(m.subarray(start, start + rows), `metric ${i} ${start}`)),
      });
    }
    const oom = await this.device.popErrorScope();
    if (oom) {
      this.releaseChunks();
      throw new GpuUnavailable(`the sweep does not fit in GPU memory: ${oom.message}`);
    }
    this.check();
  }

  async stats(metric: number, group: Field | null, groups: number): Promise<MetricStats> {
    const d = this.data;
    if (!d) throw new Error('WebGpuEngine: no sweep loaded');
    // Once per metric, on the host copy the engine was loaded from.
    return mergeStats([statsRows(d, metric, group, groups, 0, d.rows)], groups);
  }

  run(plan: KernelPlan): Promise<TableCounts> {
    return this.execute(plan);
  }

  /**
   * Times each kind of kernel on its own (histogram, pair tables, trellis
   * tables), each from submit to readback, for the benchmark's rows per second
   * per kernel.
   */
  async profile(plan: KernelPlan): Promise<{ kernel: string; tables: number; ms: number }[]> {
    const out: { kernel: string; tables: number; ms: number }[] = [];
    const kinds = [
      ['histogram + totals', KIND.hist, 1],
      ['pair tables', KIND.pair, plan.pairTables.length],
      ['trellis tables', KIND.trellis, plan.countOnly < 0 ? plan.trellisTables.length : 0],
    ] as const;
    for (const [kernel, kind, tables] of kinds) {
      const t0 = performance.now();
      await this.execute(plan, kind);
      out.push({ kernel, tables, ms: performance.now() - t0 });
    }
    return out;
  }

  private async execute(plan: KernelPlan, only?: number): Promise<TableCounts> {
    this.check();
    if (!this.data) throw new Error('WebGpuEngine: no sweep loaded');
    const img = planImage(plan);
    const histSize = plan.groups * plan.bins * 2 + HIST_TOTALS;
    const cells = plan.nPrimary * plan.nSecondary;
    const common: Partial<Task> = {
      words: plan.words,
      countOnly: plan.countOnly,
      nFilters: plan.filters.length,
      bins: plan.bins,
      gWord: plan.group?.word ?? 0,
      gShift: plan.group?.shift ?? 0,
      gMask: plan.group?.mask ?? 0,
      pWord: plan.primary?.word ?? 0,
      pShift: plan.primary?.shift ?? 0,
      pMask: plan.primary?.mask ?? 0,
      hasP: plan.primary ? 1 : 0,
      sWord: plan.secondary?.word ?? 0,
      sShift: plan.secondary?.shift ?? 0,
      sMask: plan.secondary?.mask ?? 0,
      hasS: plan.secondary ? 1 : 0,
      nS: plan.nSecondary,
      cells,
      thrOffset: img.thrOffset,
      groupOffset: img.groupOffset,
      filterOffset: img.filterOffset,
      allowOffset: img.allowOffset,
      rawSums: plan.normalize ? 0 : 1,
    };
    // The tables, laid out one after another in the output buffer.
    const tasks: Partial<Task>[] = [];
    let out = 0;
    const add = (t: Partial<Task>, size: number): void => {
      tasks.push({ ...common, ...t, tableSize: size, outOffset: out, useLocal: size <= LOCAL_SIZE ? 1 : 0 });
      out += size;
    };
    add({ kind: KIND.hist }, histSize);
    const pairOffset = out;
    for (const t of plan.pairTables)
      add(
        {
          kind: KIND.pair,
          aWord: t.a.word,
          aShift: t.a.shift,
          aMask: t.a.mask,
          aBits: t.aBits,
          bWord: t.b?.word ?? 0,
          bShift: t.b?.shift ?? 0,
          bMask: t.b?.mask ?? 0,
          hasB: t.b ? 1 : 0,
        },
        t.size * 2,
      );
    const trellisOffset = out;
    if (plan.countOnly < 0)
      for (const t of plan.trellisTables)
        add({ kind: KIND.trellis, aWord: t.a.word, aShift: t.a.shift, aMask: t.a.mask, aBits: t.aBits }, t.size * cells * TRELLIS_PLANES);
    const outBytes = out * 4;
    if (only !== undefined) tasks.splice(0, tasks.length, ...tasks.filter((t) => t.kind === only));

    let rebind = this.planBuf.ensure(img.data.byteLength);
    rebind = this.outBuf.ensure(outBytes) || rebind;
    this.readBuf.ensure(outBytes);
    const slots = tasks.length * this.chunks.length;
    rebind = this.taskBuf.ensure(slots * this.taskStride) || rebind;
    if (rebind) this.bindGroups.clear();

    const taskBytes = new ArrayBuffer(slots * this.taskStride);
    const view = new DataView(taskBytes);
    this.chunks.forEach((c, ci) => tasks.forEach((t, ti) => writeStruct(view, (ci * tasks.length + ti) * this.taskStride, TASK, { ...t, rows: c.rows })));
    const q = this.device.queue;
    q.writeBuffer(this.planBuf.buffer as GPUBuffer, 0, img.data.buffer, img.data.byteOffset, img.data.byteLength);
    q.writeBuffer(this.taskBuf.buffer as GPUBuffer, 0, taskBytes);

    const enc = this.device.createCommandEncoder({ label: 'query' });
    enc.clearBuffer(this.outBuf.buffer as GPUBuffer, 0, outBytes);
    const pass = enc.beginComputePass({ label: 'count' });
    pass.setPipeline(this.pipeline);
    const maxWg = Math.min(MAX_WORKGROUPS, this.device.limits.maxComputeWorkgroupsPerDimension);
    this.chunks.forEach((c, ci) => {
      const bg = this.bindGroup(ci, plan.metric);
      const groups = Math.max(1, Math.min(maxWg, Math.ceil(c.rows / (WG * 4))));
      tasks.forEach((_, ti) => {
        pass.setBindGroup(0, bg, [(ci * tasks.length + ti) * this.taskStride]);
        pass.dispatchWorkgroups(groups);
      });
    });
    pass.end();
    enc.copyBufferToBuffer(this.outBuf.buffer as GPUBuffer, 0, this.readBuf.buffer as GPUBuffer, 0, outBytes);
    q.submit([enc.finish()]);
    const read = this.readBuf.buffer as GPUBuffer;
    try {
      await read.mapAsync(GPUMapMode.READ, 0, outBytes);
    } catch (e) {
      this.check();
      throw new GpuUnavailable(`reading the GPU's answer failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    const u = new Uint32Array(read.getMappedRange(0, outBytes).slice(0));
    read.unmap();
    this.check();
    return this.toCounts(plan, u, pairOffset, trellisOffset, img.rawShift);
  }

  /** Output buffer to TableCounts; trellis sums from fixed point back to the shown metric. */
  private toCounts(plan: KernelPlan, u: Uint32Array, pairOffset: number, trellisOffset: number, rawShift: number): TableCounts {
    const histLen = plan.groups * plan.bins * 2;
    const cells = plan.nPrimary * plan.nSecondary;
    let trellisLen = 0;
    for (const t of plan.trellisTables) trellisLen += t.size * cells;
    const trellisCount = new Uint32Array(trellisLen);
    const trellisSum = new Float64Array(trellisLen);
    if (plan.countOnly < 0) {
      // Normalized: sum of x 2^31. Raw: sum of (v 2^rawShift + 2^30).
      const unit = plan.normalize ? 2 ** 31 : 2 ** rawShift;
      const offset = plan.normalize ? 0 : 2 ** 30;
      let src = trellisOffset;
      let dst = 0;
      for (const t of plan.trellisTables) {
        const n = t.size * cells;
        for (let k = 0; k < n; k++) {
          const count = u[src + TRELLIS_PLANE.count * n + k];
          const lo = u[src + TRELLIS_PLANE.sumLo * n + k];
          const hi = u[src + TRELLIS_PLANE.sumHi * n + k];
          trellisCount[dst + k] = count;
          trellisSum[dst + k] = (hi * 4294967296 + lo - count * offset) / unit;
        }
        src += TRELLIS_PLANES * n;
        dst += n;
      }
    }
    return {
      missing: u[histLen + HIST_TOTAL.missing],
      baseline: u[histLen + HIST_TOTAL.baseline],
      selected: u[histLen + HIST_TOTAL.selected],
      hist: u.slice(0, histLen),
      pairs: u.slice(pairOffset, trellisOffset),
      trellisCount,
      trellisSum,
    };
  }

  private bindGroup(chunk: number, metric: number): GPUBindGroup {
    const key = `${chunk}:${metric}`;
    let bg = this.bindGroups.get(key);
    if (!bg) {
      const c = this.chunks[chunk];
      bg = this.device.createBindGroup({
        layout: this.layout,
        entries: [
          { binding: 0, resource: { buffer: c.codes } },
          { binding: 1, resource: { buffer: c.metrics[metric] } },
          { binding: 2, resource: { buffer: this.planBuf.buffer as GPUBuffer } },
          { binding: 3, resource: { buffer: this.outBuf.buffer as GPUBuffer } },
          { binding: 4, resource: { buffer: this.taskBuf.buffer as GPUBuffer, size: TASK_BYTES } },
        ],
      });
      this.bindGroups.set(key, bg);
    }
    return bg;
  }

  private releaseChunks(): void {
    for (const c of this.chunks) {
      c.codes.destroy();
      for (const m of c.metrics) m.destroy();
    }
    this.chunks = [];
    this.bindGroups.clear();
  }

  /*
   * Row queries run on the CPU kernel (rows.ts) over the same packed arrays
   * the buffers were uploaded from: an answer is a page of ids or a sample's
   * flags, found by a merge of sorted runs, a bounded heap or a radix select;
   * on the device that would be a sort or select kernel and a readback for
   * every page, where the CPU reads only the rows it needs. The page's
   * FallbackEngine sends them to its CPU workers instead, so they leave the
   * main thread; this inline path serves the GPU engine on its own (tests,
   * bench/gpu-node.ts).
   */
  private readonly parts = inlineParts(() => {
    if (!this.data) throw new Error('WebGpuEngine: no sweep loaded');
    return this.data;
  });

  rowPage(request: RowPageRequest): Promise<RowPage> {
    return pageRows(this.parts, request);
  }

  async rowSample(request: RowSampleRequest): Promise<RowSample> {
    if (!this.data) throw new Error('WebGpuEngine: no sweep loaded');
    return sampleRowsIn(this.data, request, 0, this.data.rows);
  }

  /** For tests: loses the device on purpose, as a driver reset would. */
  loseDevice(): void {
    this.ctx.device.destroy();
  }

  async dispose(): Promise<void> {
    this.destroyed = true;
    this.releaseChunks();
    for (const b of [this.planBuf, this.outBuf, this.readBuf, this.taskBuf]) b.destroy();
    this.device.destroy();
  }
}
