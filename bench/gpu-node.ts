/**
 * `npm run bench:gpu-node`: the WebGPU engine in Node, on Dawn's Node binding
 * (dawn.node from the npm package `webgpu`, loaded from the path in
 * SWEEPSCOPE_DAWN; it is not a dependency of this project). For machines with
 * a GPU but no browser: bench/device-pack.sh bundles this file with a Node
 * binary and dawn.node into .devbench/, and .devbench/run.sh runs it there.
 *
 * Prints, with the adapter's name: GPU = CPU checks at BENCH_CHECK_ROWS
 * (counts exact, means within 1e-6 relative), then per size in BENCH_ROWS the
 * query latency (p50, p95) of a full query and of brush moves, and the
 * per-kernel rates, as bench/gpu.ts does in Chromium. On a software adapter
 * (lavapipe, SwiftShader) the figures check the path and say nothing about
 * GPU speed.
 *
 * Environment: SWEEPSCOPE_DAWN (path to dawn.node, required),
 * SWEEPSCOPE_DAWN_FLAGS (comma-separated create() flags, e.g. backend=vulkan),
 * BENCH_ROWS (default 1000000,10000000,50000000), BENCH_REPEATS (default 15),
 * BENCH_CHECK_ROWS (default 1000000; 0 skips the checks), BENCH_CPU (1: also
 * time the CPU engine's full query on the main thread, for sizes up to
 * BENCH_CPU_MAX_ROWS, default 10000000; default 1), BENCH_TIMEOUT_S (watchdog,
 * default 280).
 */

import { createRequire, register } from 'node:module';
import { availableParallelism, cpus } from 'node:os';
import type { QuerySpec } from '../src/engine/types.js';
import type { Sweep } from '../src/model/sweep.js';
import { percentile, timeQuery } from './timing.js';

// ---------------------------------------------------------------- setup

/**
 * Run from source (tsx), `import x from '...wgsl?raw'` needs a loader hook, as
 * Vite is not there; the esbuild bundle has the shader inlined already.
 */
if (import.meta.url.endsWith('.ts')) {
  const hooks = `
    import { readFile } from 'node:fs/promises';
    export async function resolve(specifier, context, next) {
      if (specifier.endsWith('?raw') && context.parentURL) return { url: new URL(specifier, context.parentURL).href, shortCircuit: true };
      return next(specifier, context);
    }
    export async function load(url, context, next) {
      if (url.startsWith('file:') && url.endsWith('?raw')) {
        const text = await readFile(new URL(url.slice(0, -'?raw'.length)), 'utf8');
        return { format: 'module', source: 'export default ' + JSON.stringify(text) + ';', shortCircuit: true };
      }
      return next(url, context);
    }`;
  register(`data:text/javascript,${encodeURIComponent(hooks)}`);
}

const t00 = performance.now();
const stamp = (): string => `[${((performance.now() - t00) / 1000).toFixed(1).padStart(6)} s]`;
const log = (line: string): void => console.log(line);
const progress = (line: string): void => console.log(`${stamp()} ${line}`);

const watchdogS = Number(process.env.BENCH_TIMEOUT_S ?? 280);
setTimeout(() => {
  console.log(`${stamp()} WATCHDOG: still running after ${watchdogS} s; stopping (figures above are complete, the rest is missing)`);
  process.exit(3);
}, watchdogS * 1000).unref();

const dawnPath = process.env.SWEEPSCOPE_DAWN;
if (!dawnPath) {
  console.error('SWEEPSCOPE_DAWN must be the path of dawn.node (from the npm package webgpu, dist/linux-x64/dawn.node)');
  process.exit(2);
}
const flags = (process.env.SWEEPSCOPE_DAWN_FLAGS ?? '').split(',').filter(Boolean);

interface DawnBinding {
  create(flags: string[]): GPU;
  globals: Record<string, unknown>;
}

/** What the package's index.js does: the GPU* globals, and device.destroy() unmapping the device's buffers. */
function installDawn(path: string): GPU {
  const dawn = createRequire(import.meta.url)(path) as DawnBinding;
  Object.assign(globalThis, dawn.globals);
  type DeviceProto = { createBuffer(descriptor: GPUBufferDescriptor): GPUBuffer; destroy(): undefined };
  const proto = (dawn.globals.GPUDevice as { prototype?: DeviceProto } | undefined)?.prototype;
  const patched = Symbol.for('webgpu.deviceDestroyUnmapsBuffers');
  if (proto && !(patched in proto)) {
    const buffers = new WeakMap<DeviceProto, Set<WeakRef<GPUBuffer>>>();
    const { createBuffer, destroy } = proto;
    proto.createBuffer = function (this: DeviceProto, descriptor: GPUBufferDescriptor): GPUBuffer {
      const b = createBuffer.call(this, descriptor);
      let set = buffers.get(this);
      if (!set) buffers.set(this, (set = new Set()));
      set.add(new WeakRef(b));
      return b;
    };
    proto.destroy = function (this: DeviceProto): undefined {
      for (const ref of buffers.get(this) ?? []) {
        const b = ref.deref();
        if (b?.mapState === 'mapped')
          try {
            b.unmap();
          } catch {
            // one bad buffer must not keep the device alive
          }
      }
      buffers.delete(this);
      return destroy.call(this);
    };
    Object.defineProperty(proto, patched, { value: true });
  }
  // Unlike Chromium, dawn.node's queue.writeBuffer refuses SharedArrayBuffer
  // data ("no overload matched"), and the engine uploads the sweep from shared
  // memory (allocU32/allocF32): hand it a private copy instead.
  type Write = (buffer: GPUBuffer, bufferOffset: number, data: unknown, dataOffset?: number, size?: number) => undefined;
  const queue = (dawn.globals.GPUQueue as { prototype?: { writeBuffer: Write } } | undefined)?.prototype;
  if (queue && !(patched in queue)) {
    const writeBuffer = queue.writeBuffer;
    queue.writeBuffer = function (this: unknown, buffer, bufferOffset, data, dataOffset, size) {
      if (typeof SharedArrayBuffer !== 'undefined' && data instanceof SharedArrayBuffer) {
        const from = dataOffset ?? 0;
        const bytes = size ?? data.byteLength - from;
        return writeBuffer.call(this, buffer, bufferOffset, new Uint8Array(data, from, bytes).slice(), 0, bytes);
      }
      if (ArrayBuffer.isView(data) && typeof SharedArrayBuffer !== 'undefined' && data.buffer instanceof SharedArrayBuffer) {
        // offsets and size count elements of the view: keep the view's type
        const copy = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
        const ctor = data.constructor as new (b: ArrayBuffer) => ArrayBufferView;
        return writeBuffer.call(this, buffer, bufferOffset, data instanceof DataView ? copy : new ctor(copy.buffer), dataOffset, size);
      }
      return writeBuffer.call(this, buffer, bufferOffset, data, dataOffset, size);
    } as Write;
    Object.defineProperty(queue, patched, { value: true });
  }
  const gpu = dawn.create(flags);
  // Node 21+ has a navigator of its own (without gpu): replace it.
  Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  return gpu;
}

// ---------------------------------------------------------------- figures

const sizes = (process.env.BENCH_ROWS ?? '1000000,10000000,50000000').split(',').map(Number);
const repeats = Number(process.env.BENCH_REPEATS ?? 15);
const checkRows = Number(process.env.BENCH_CHECK_ROWS ?? 1_000_000);
const cpuToo = (process.env.BENCH_CPU ?? '1') === '1';
const cpuMaxRows = Number(process.env.BENCH_CPU_MAX_ROWS ?? 10_000_000);
/** Means within 1e-6 relative, counts exact (as tests/browser/gpu-harness.ts). */
const REL = 1e-6;

/** The query of bench/cpu.ts and bench/gpu-bench-page.ts. */
const full: QuerySpec = { normalize: true, range: [0.8, 1], where: { batch_size: ['32', '64', '128'] }, secondary: 'optimizer' };
const timed: { name: string; spec: QuerySpec; incremental: boolean }[] = [
  { name: 'full query', spec: full, incremental: false },
  { name: 'brush move [0.95, 1]', spec: { ...full, range: [0.95, 1] }, incremental: true },
  { name: 'brush move [0.8, 1]', spec: full, incremental: true },
  { name: 'brush move [0.5, 1]', spec: { ...full, range: [0.5, 1] }, incremental: true },
  { name: 'brush move [0.1, 1]', spec: { ...full, range: [0.1, 1] }, incremental: true },
];

const mrows = (rows: number, ms: number): string => `${(rows / (ms / 1000) / 1e6).toFixed(1).padStart(9)} M rows/s`;

async function main(): Promise<void> {
  const gpu = installDawn(dawnPath as string);
  // Modules that read navigator.gpu and the GPU* globals, or import the shader, load after the setup above.
  const { WebGpuEngine } = await import('../src/engine/gpu/gpu-engine.js');
  const { InlineCpuEngine } = await import('../src/engine/cpu-engine.js');
  const { Session } = await import('../src/engine/session.js');
  const { compilePlan } = await import('../src/engine/plan.js');
  const { generateNwsSweep } = await import('../src/synth/nws.js');
  const { diffAggregates } = await import('../tests/reference.js');

  log(`machine: ${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown cpu'}), Node ${process.version}, dawn.node ${dawnPath}${flags.length ? ` flags ${flags.join(',')}` : ''}`);
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new Error('Dawn found no WebGPU adapter (is a Vulkan driver installed? VK_DRIVER_FILES?)');
  const ai = adapter.info;
  const L = adapter.limits;
  log(
    `adapter info: vendor=${JSON.stringify(ai.vendor)} architecture=${JSON.stringify(ai.architecture)} device=${JSON.stringify(ai.device)} description=${JSON.stringify(ai.description)}`,
  );
  log(
    `adapter limits: maxStorageBufferBindingSize=${L.maxStorageBufferBindingSize} maxBufferSize=${L.maxBufferSize} maxComputeWorkgroupsPerDimension=${L.maxComputeWorkgroupsPerDimension}`,
  );

  const probe = await WebGpuEngine.create();
  const adapterName = probe.info.adapter ?? '';
  const software = Boolean(probe.info.reason) || /llvmpipe|lavapipe|swiftshader|software/i.test(adapterName);
  await probe.dispose();
  const note = software ? '  [software adapter: CPU emulation, NOT a GPU speed]' : '';
  log(`adapter: ${adapterName}${software ? '  [SOFTWARE adapter: the figures below are CPU emulation, NOT GPU speed]' : ''}`);

  // ---- GPU = CPU at checkRows
  let allSame = true;
  if (checkRows > 0) {
    progress(`check: generating ${checkRows.toLocaleString('en')} trainings (seed 7)`);
    const sweep: Sweep = generateNwsSweep(checkRows, 7);
    const specs: { name: string; spec: QuerySpec }[] = [
      { name: 'full query', spec: full },
      { name: 'brush move [0.5, 1]', spec: { ...full, range: [0.5, 1] } },
      { name: 'brush move [0.95, 1]', spec: { ...full, range: [0.95, 1] } },
      { name: 'no filter, no brush', spec: {} },
      { name: 'raw metric, filter, primary, 17 bins', spec: { range: [0.3, 0.6], where: { activation: ['elu', 'relu'] }, primary: 'initialization', bins: 17 } },
      { name: 'normalized, primary = secondary', spec: { normalize: true, range: [0.2, 0.9], primary: 'optimizer', secondary: 'optimizer' } },
    ];
    // several buffers per sweep, as a sweep larger than the binding limit gets
    const chunked = Math.max(1, Math.ceil(checkRows / 7));
    const cpu = await Session.open(sweep, new InlineCpuEngine());
    const expected = [];
    for (const { spec } of specs) expected.push((await cpu.query(spec)).json);
    progress('check: CPU answers computed');
    for (const [label, chunkRows] of [
      ['one buffer per sweep', undefined],
      [`chunked, ${chunked.toLocaleString('en')} rows per buffer`, chunked],
    ] as const) {
      const engine = await WebGpuEngine.create({ chunkRows });
      try {
        const session = await Session.open(sweep, engine);
        for (const incremental of [false, true]) {
          session.incremental = incremental;
          for (let i = 0; i < specs.length; i++) {
            const got = (await session.query(specs[i].spec)).json;
            const d = diffAggregates(got, expected[i], REL);
            if (d) allSame = false;
            log(
              `GPU = CPU: ${d ? 'no ' : 'yes'}  ${checkRows.toLocaleString('en')} trainings, ${label}, ${incremental ? 'brush moves on' : 'full queries'}: ${specs[i].name}${d ? `  FIRST DIFFERENCE ${d}` : ''}`,
            );
          }
        }
        if (engine.failed) {
          allSame = false;
          log(`GPU engine failed: ${engine.failed}`);
        }
      } finally {
        await engine.dispose();
      }
    }
    log(`GPU = CPU overall: ${allSame ? 'yes' : 'NO'}`);
  }

  // ---- figures per size
  for (const rows of sizes) {
    progress(`size ${rows.toLocaleString('en')}: generating`);
    let t0 = performance.now();
    const sweep = generateNwsSweep(rows, 1);
    progress(`size ${rows.toLocaleString('en')}: generated in ${((performance.now() - t0) / 1000).toFixed(2)} s; packing and uploading`);
    const engine = await WebGpuEngine.create();
    try {
      t0 = performance.now();
      const session = await Session.open(sweep, engine);
      progress(`size ${rows.toLocaleString('en')}: Session.open (pack, sort, upload) ${((performance.now() - t0) / 1000).toFixed(2)} s`);
      for (const { name, spec, incremental } of timed) {
        const { first, times, engineTimes, share } = await timeQuery(session, spec, incremental, repeats);
        log(
          `query ${rows.toLocaleString('en')} trainings, ${name.padEnd(20)} p50 ${percentile(times, 0.5).toFixed(1).padStart(8)} ms  p95 ${percentile(times, 0.95).toFixed(1).padStart(8)} ms  (engine p50 ${percentile(engineTimes, 0.5).toFixed(1)} ms, first ${first.toFixed(1)} ms, ${(100 * share).toFixed(0)}% selected, ${repeats} runs)${note}`,
        );
      }
      session.incremental = false;
      const r = await session.query(full);
      const { plan } = compilePlan(sweep, session.layout, r.query, r.stats, { tableUnitBits: engine.tableUnitBits });
      await engine.profile(plan); // warm-up
      for (const k of await engine.profile(plan))
        log(
          `kernel ${rows.toLocaleString('en')} trainings, ${k.kernel.padEnd(19)} ${String(k.tables).padStart(2)} table(s) ${k.ms.toFixed(1).padStart(8)} ms ${mrows(rows * Math.max(1, k.tables), k.ms)} (rows x tables, submit to readback)${note}`,
        );
      if (engine.failed) log(`GPU engine failed: ${engine.failed}`);
    } finally {
      await engine.dispose();
    }
    if (cpuToo && rows <= cpuMaxRows) {
      progress(`size ${rows.toLocaleString('en')}: CPU engine for comparison`);
      const cpu = await Session.open(sweep, new InlineCpuEngine());
      cpu.incremental = false;
      await cpu.query(full);
      const times: number[] = [];
      for (let i = 0; i < 2; i++) {
        const t1 = performance.now();
        await cpu.query({ ...full, range: [0.8 - (i % 2) * 0.001, 1] });
        times.push(performance.now() - t1);
      }
      log(`query ${rows.toLocaleString('en')} trainings, CPU main thread, full query: p50 ${percentile(times, 0.5).toFixed(1)} ms (2 runs after a warm-up, one thread, for comparison)`);
    }
    progress(`size ${rows.toLocaleString('en')}: done`);
  }
  log(`adapter: ${adapterName}${software ? '  [SOFTWARE adapter: figures are NOT GPU speed]' : ''}`);
  if (checkRows > 0) log(`GPU = CPU overall: ${allSame ? 'yes' : 'NO'}`);
  // dawn.node keeps the process alive while the GPU object is referenced
  delete (globalThis.navigator as { gpu?: GPU }).gpu;
  if (!allSame) process.exitCode = 1;
}

try {
  await main();
  progress('finished');
  process.exit(process.exitCode ?? 0);
} catch (e) {
  console.log(`${stamp()} FAILED: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  process.exit(1);
}
