/**
 * In-browser side of tests/browser/gpu.test.ts: runs the WebGPU engine and the
 * CPU engine on the same sweeps and queries and reports every difference.
 */

import { InlineCpuEngine } from '../../src/engine/cpu-engine.js';
import { Session } from '../../src/engine/session.js';
import { WebGpuEngine } from '../../src/engine/gpu/gpu-engine.js';
import { acquireGpu } from '../../src/engine/gpu/device.js';
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

/**
 * Runs `specs` on the WebGPU engine and the CPU engine and lists the differences.
 * `engine`: an engine to load the sweep into (reused across sweeps: creating a
 * device and compiling the shaders takes seconds on SwiftShader); else a new one.
 */
async function compare(sweep: Sweep, specs: QuerySpec[], chunkRows?: number, label = '', engine?: WebGpuEngine): Promise<CheckReport> {
  const gpu = engine ?? (await WebGpuEngine.create({ chunkRows }));
  const report: CheckReport = { adapter: gpu.info.adapter ?? '', compared: 0, differences: [], incremental: 0 };
  try {
    const g = await Session.open(sweep, gpu);
    const c = await Session.open(sweep, new InlineCpuEngine());
    for (const spec of specs) {
      const a = (await g.query(spec)).json;
      const b = (await c.query(spec)).json;
      const d = diffAggregates(a, b, REL);
      if (d) report.differences.push(`${label} ${JSON.stringify(spec)}: ${d}`);
      report.compared++;
    }
    report.incremental = g.brushQueries;
  } finally {
    if (!engine) await gpu.dispose();
  }
  return report;
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
    const gpu = await WebGpuEngine.create();
    try {
      for (let s = first; s < first + count; s++) {
        const sweep = randomSweep(s);
        const specs = Array.from({ length: queries }, (_, k) => randomQuery(sweep, s * 1000 + k));
        out.push(await compare(sweep, specs, undefined, `sweep ${s}`, gpu));
      }
    } finally {
      await gpu.dispose();
    }
    return merge(out);
  },

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
