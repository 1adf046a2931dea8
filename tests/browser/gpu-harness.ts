/**
 * In-browser side of tests/browser/gpu.test.ts: runs the WebGPU engine and the
 * CPU engine on the same sweeps and queries and reports every difference
 * (WebGPU validation errors included: each engine run is inside an error
 * scope), and reads host-written records back through the count shader's
 * struct declarations.
 */

import countWgsl from '../../shaders/count.wgsl?raw';
import { InlineCpuEngine } from '../../src/engine/cpu-engine.js';
import { Session } from '../../src/engine/session.js';
import { WebGpuEngine } from '../../src/engine/gpu/gpu-engine.js';
import { acquireGpu } from '../../src/engine/gpu/device.js';
import { FILTER_RECORD, GROUP_RECORD, PLAN_ARRAY, recordsBlock, TASK, TASK_BYTES } from '../../src/engine/gpu/count-layout.js';
import {
  appendStruct,
  loaderName,
  scalarBits,
  U32Writer,
  wordsConstName,
  writeStruct,
  type StructValues,
  type WgslStruct,
} from '../../src/engine/gpu/wgsl-struct.js';
import { createEngine } from '../../src/engine/create-engine.js';
import type { QuerySpec } from '../../src/engine/types.js';
import type { Sweep } from '../../src/model/sweep.js';
import { generateNwsSweep } from '../../src/synth/nws.js';
import { diffAggregates } from '../reference.js';
import { randomQuery, randomSweep } from '../random-sweep.js';

export interface CheckReport {
  adapter: string;
  compared: number;
  differences: string[];
  incremental: number;
}

/** Means within 1e-6 relative, counts exact. */
const REL = 1e-6;

/** A WebGPU engine and its device, for error scopes around its runs. */
interface Gpu {
  engine: WebGpuEngine;
  device: GPUDevice;
}

async function openGpu(chunkRows?: number): Promise<Gpu> {
  const ctx = await acquireGpu();
  return { engine: await WebGpuEngine.create({ chunkRows }, ctx), device: ctx.device };
}

/** Runs `f` inside a validation error scope; an error caught there is a difference in `report`. */
async function scoped<T>(device: GPUDevice, what: string, report: CheckReport, f: () => Promise<T>): Promise<T> {
  device.pushErrorScope('validation');
  try {
    return await f();
  } finally {
    const err = await device.popErrorScope();
    if (err) report.differences.push(`${what}: WebGPU validation error: ${err.message}`);
  }
}

/**
 * Runs `specs` on the WebGPU engine and the CPU engine and lists the differences.
 * `shared`: an engine to load the sweep into (reused across sweeps: creating a
 * device and compiling the shaders takes seconds on SwiftShader); else a new one.
 */
async function compare(sweep: Sweep, specs: QuerySpec[], chunkRows?: number, label = '', shared?: Gpu): Promise<CheckReport> {
  const gpu = shared ?? (await openGpu(chunkRows));
  const report: CheckReport = { adapter: gpu.engine.info.adapter ?? '', compared: 0, differences: [], incremental: 0 };
  try {
    const g = await scoped(gpu.device, `${label} load`, report, () => Session.open(sweep, gpu.engine));
    const c = await Session.open(sweep, new InlineCpuEngine());
    for (const spec of specs) {
      const a = (await scoped(gpu.device, `${label} ${JSON.stringify(spec)}`, report, () => g.query(spec))).json;
      const b = (await c.query(spec)).json;
      const d = diffAggregates(a, b, REL);
      if (d) report.differences.push(`${label} ${JSON.stringify(spec)}: ${d}`);
      report.compared++;
    }
    report.incremental = g.brushQueries;
  } finally {
    if (!shared) await gpu.engine.dispose();
  }
  return report;
}

/** Distinct values for every field: u32 with the high bit set, negative i32, fractional f32. */
function sampleValues<F extends string>(s: WgslStruct<F>, seed: number): StructValues<F> {
  const out: Partial<StructValues<F>> = {};
  s.fields.forEach(([name, type], i) => {
    const k = seed * 64 + i + 1;
    out[name] = type === 'u32' ? (0x80000000 + k * 0x10101) >>> 0 : type === 'i32' ? -k * 1001 : k * -1.375;
  });
  return out as StructValues<F>;
}

/**
 * Host writes a Task uniform and two group and two filter records into a
 * plan array (after some filler words); a compute shader made of count.wgsl's
 * own record declarations and loaders copies every field of the Task and of
 * the second record of each kind (bitcast to u32) into an output buffer; each
 * word must equal the bits the host wrote.
 */
async function recordLayout(): Promise<{ checked: number; differences: string[] }> {
  const { device } = await acquireGpu();
  const differences: string[] = [];
  const buffers: GPUBuffer[] = [];
  const S = GPUBufferUsage;
  const buffer = (size: number, usage: GPUBufferUsageFlags): GPUBuffer => {
    const b = device.createBuffer({ size: Math.ceil(Math.max(16, size) / 16) * 16, usage });
    buffers.push(b);
    return b;
  };
  try {
    device.pushErrorScope('validation');
    const task = sampleValues(TASK, 0);
    const groups = [sampleValues(GROUP_RECORD, 1), sampleValues(GROUP_RECORD, 2)];
    const filters = [sampleValues(FILTER_RECORD, 3), sampleValues(FILTER_RECORD, 4)];
    const plan = new U32Writer();
    plan.u32(0xdeadbeef).u32(0xfeedface).u32(0x0badf00d);
    const groupAt = plan.length;
    for (const g of groups) appendStruct(plan, GROUP_RECORD, g);
    const filterAt = plan.length;
    for (const f of filters) appendStruct(plan, FILTER_RECORD, f);
    const taskBytes = new ArrayBuffer(TASK_BYTES);
    writeStruct(new DataView(taskBytes), 0, TASK, task);

    // what the shader must read: [struct, field, bits], in copy order
    const expected: [string, string, number][] = [];
    const copies: string[] = [];
    const copy = <F extends string>(s: WgslStruct<F>, values: StructValues<F>, from: string): void => {
      for (const [name, type] of s.fields) {
        copies.push(`  copied[${expected.length}u] = bitcast<u32>(${from}.${name});`);
        expected.push([s.name, name, scalarBits(type, values[name])]);
      }
    };
    copy(TASK, task, 'task');
    copy(GROUP_RECORD, groups[1], 'g');
    copy(FILTER_RECORD, filters[1], 'f');
    const code = [
      recordsBlock(countWgsl),
      `@group(0) @binding(0) var<storage, read> ${PLAN_ARRAY}: array<u32>;`,
      '@group(0) @binding(1) var<uniform> task: Task;',
      '@group(0) @binding(2) var<storage, read_write> copied: array<u32>;',
      '@compute @workgroup_size(1)',
      'fn main() {',
      `  let g = ${loaderName(GROUP_RECORD)}(${groupAt}u + ${wordsConstName(GROUP_RECORD)});`,
      `  let f = ${loaderName(FILTER_RECORD)}(${filterAt}u + ${wordsConstName(FILTER_RECORD)});`,
      ...copies,
      '}',
    ].join('\n');
    const module = device.createShaderModule({ code, label: 'record copy' });
    for (const m of (await module.getCompilationInfo()).messages)
      if (m.type === 'error') differences.push(`record copy shader ${m.lineNum}:${m.linePos}: ${m.message}`);
    const pipeline = await device.createComputePipelineAsync({ layout: 'auto', compute: { module, entryPoint: 'main' } });

    const image = plan.bytes();
    const planBuf = buffer(image.byteLength, S.STORAGE | S.COPY_DST);
    device.queue.writeBuffer(planBuf, 0, image.buffer, image.byteOffset, image.byteLength);
    const taskBuf = buffer(TASK_BYTES, S.UNIFORM | S.COPY_DST);
    device.queue.writeBuffer(taskBuf, 0, taskBytes);
    const outBytes = expected.length * 4;
    const outBuf = buffer(outBytes, S.STORAGE | S.COPY_SRC);
    const readBuf = buffer(outBytes, S.MAP_READ | S.COPY_DST);
    const bindGroup = device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: planBuf } },
        { binding: 1, resource: { buffer: taskBuf, size: TASK_BYTES } },
        { binding: 2, resource: { buffer: outBuf } },
      ],
    });
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(1);
    pass.end();
    enc.copyBufferToBuffer(outBuf, 0, readBuf, 0, outBytes);
    device.queue.submit([enc.finish()]);
    await readBuf.mapAsync(GPUMapMode.READ, 0, outBytes);
    const got = new Uint32Array(readBuf.getMappedRange(0, outBytes).slice(0));
    readBuf.unmap();
    expected.forEach(([struct, field, bits], i) => {
      if (got[i] !== bits) differences.push(`${struct}.${field}: the shader read 0x${got[i].toString(16)}, the host wrote 0x${bits.toString(16)}`);
    });
    const err = await device.popErrorScope();
    if (err) differences.push(`WebGPU validation error: ${err.message}`);
    return { checked: expected.length, differences };
  } finally {
    for (const b of buffers) b.destroy();
    device.destroy();
  }
}

function merge(reports: CheckReport[]): CheckReport {
  return {
    adapter: reports[0]?.adapter ?? '',
    compared: reports.reduce((s, r) => s + r.compared, 0),
    differences: reports.flatMap((r) => r.differences),
    incremental: reports.reduce((s, r) => s + r.incremental, 0),
  };
}

const api = {
  async adapter(): Promise<{ name: string; software: boolean }> {
    const ctx = await acquireGpu();
    ctx.device.destroy();
    return { name: ctx.adapterName, software: ctx.isSoftware };
  },

  /** Random sweeps (cardinalities 1..255, missing metrics, 0 and 1 rows) with random queries. */
  async randomSweeps(first: number, count: number, queries: number): Promise<CheckReport> {
    const out: CheckReport[] = [];
    // One engine for all the sweeps: each is loaded in place of the one before (as the page does).
    const gpu = await openGpu();
    try {
      for (let s = first; s < first + count; s++) {
        const sweep = randomSweep(s);
        const specs = Array.from({ length: queries }, (_, k) => randomQuery(sweep, s * 1000 + k));
        out.push(await compare(sweep, specs, undefined, `sweep ${s}`, gpu));
      }
    } finally {
      await gpu.engine.dispose();
    }
    return merge(out);
  },

  recordLayout,

  /** Edge cases: one option, 255 options (tables beyond workgroup memory), nothing selected, one-value brush, brush moves. */
  async edgeCases(): Promise<CheckReport> {
    const out: CheckReport[] = [];
    const wide = randomSweep(77, { rows: 3000, maxParams: 0 });
    const mk = (card: number, rows: number, seed: number): Uint8Array => {
      const c = new Uint8Array(rows);
      let x = seed;
      for (let i = 0; i < rows; i++) {
        x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
        c[i] = x % card;
      }
      return c;
    };
    const rows = 3000;
    const sweep: Sweep = {
      rows,
      params: [
        { name: 'one', labels: ['only'], codes: mk(1, rows, 1), kind: 'categorical' },
        { name: 'many', labels: Array.from({ length: 255 }, (_, i) => `o${i}`), codes: mk(255, rows, 2), kind: 'categorical' },
        { name: 'many2', labels: Array.from({ length: 200 }, (_, i) => `q${i}`), codes: mk(200, rows, 3), kind: 'categorical' },
        { name: 'g', labels: ['a', 'b', 'c'], codes: mk(3, rows, 4), kind: 'categorical' },
      ],
      metrics: wide.metrics,
      group: 3,
    };
    const specs: QuerySpec[] = [
      {},
      { normalize: true, range: [0.5, 0.5] },
      { normalize: true, range: [2, 3] },
      { range: [0.1, 0.1] },
      { where: { many: ['o1', 'o7', 'o254'] }, secondary: 'one' },
      { where: { many: [] } },
      { normalize: true, range: [0.2, 0.9], primary: 'g', secondary: 'g' },
      { normalize: true, range: [0.3, 0.9], primary: 'g', secondary: 'g' },
      { normalize: true, range: [0.05, 0.1], primary: 'g', secondary: 'g' },
    ];
    out.push(await compare(sweep, specs, undefined, 'edge'));
    return merge(out);
  },

  /** Loses the device between two queries: the engine falls back to the CPU and the next answer is still right. */
  async deviceLoss(): Promise<{ before: string; after: string; reason: string; differences: string[] }> {
    const sweep = generateNwsSweep(20_000, 5);
    const engine = await createEngine('webgpu', { makeCpu: () => new InlineCpuEngine() });
    const cpu = await Session.open(sweep, new InlineCpuEngine());
    const session = await Session.open(sweep, engine);
    const differences: string[] = [];
    const check = async (spec: QuerySpec): Promise<void> => {
      const d = diffAggregates((await session.query(spec)).json, (await cpu.query(spec)).json, REL);
      if (d) differences.push(`${JSON.stringify(spec)}: ${d}`);
    };
    await check({ normalize: true, range: [0.8, 1] });
    const before = engine.info.kind;
    // what a driver reset does; the engine must notice, fall back, and keep the sweep
    const gpu = engine.primaryEngine;
    if (!(gpu instanceof WebGpuEngine)) throw new Error(`no WebGPU engine to lose: ${engine.info.reason}`);
    gpu.loseDevice();
    await check({ normalize: true, range: [0.7, 1] });
    await check({ normalize: true, range: [0.7, 1], where: { optimizer: ['adam'] }, secondary: 'activation' });
    const after = engine.info.kind;
    const reason = engine.info.reason ?? '';
    await engine.dispose();
    return { before, after, reason, differences };
  },

  /** A sweep spread over many small buffers: the chunked path. */
  async chunked(rows: number, chunkRows: number): Promise<CheckReport> {
    const sweep = generateNwsSweep(rows, 11);
    const specs: QuerySpec[] = [
      { normalize: true, range: [0.8, 1], secondary: 'optimizer' },
      { normalize: true, range: [0.5, 1], secondary: 'optimizer' },
      { normalize: true, range: [0.9, 1], secondary: 'optimizer' },
      { range: [0.3, 0.6], where: { activation: ['elu', 'relu'] }, primary: 'initialization', bins: 17 },
    ];
    return compare(sweep, specs, chunkRows, `chunked ${chunkRows}`);
  },
};

declare global {
  interface Window {
    gpuChecks: typeof api;
  }
}

window.gpuChecks = api;
