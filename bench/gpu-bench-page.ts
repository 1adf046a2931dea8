/** In-browser side of `npm run bench:gpu`: WebGPU engine query latency and per-kernel rates. */

import { Session } from '../src/engine/session.js';
import { WebGpuEngine } from '../src/engine/gpu/gpu-engine.js';
import { compilePlan } from '../src/engine/plan.js';
import type { QuerySpec } from '../src/engine/types.js';
import { generateNwsSweep } from '../src/synth/nws.js';
import { percentile } from './timing.js';

export interface GpuBenchResult {
  adapter: string;
  software: boolean;
  rows: number;
  queries: { name: string; p50: number; p95: number }[];
  kernels: { kernel: string; tables: number; ms: number }[];
}

const full: QuerySpec = { normalize: true, range: [0.8, 1], where: { batch_size: ['32', '64', '128'] }, secondary: 'optimizer' };

async function gpuBench(rows: number, repeats: number): Promise<GpuBenchResult> {
  const sweep = generateNwsSweep(rows, 1);
  const engine = await WebGpuEngine.create();
  try {
    const session = await Session.open(sweep, engine);
    const queries: GpuBenchResult['queries'] = [];
    for (const [name, incremental] of [
      ['full query', false],
      ['brush move', true],
    ] as const) {
      session.incremental = incremental;
      await session.query(full);
      const times: number[] = [];
      for (let i = 0; i < repeats; i++) {
        const t0 = performance.now();
        await session.query({ ...full, range: [0.8 - (i % 2) * 0.001, 1] });
        times.push(performance.now() - t0);
      }
      queries.push({ name, p50: percentile(times, 0.5), p95: percentile(times, 0.95) });
    }
    const r = await session.query(full);
    const { plan } = compilePlan(sweep, session.layout, r.query, r.stats, { tableUnitBits: engine.tableUnitBits });
    const kernels = await engine.profile(plan);
    return { adapter: engine.info.adapter ?? '', software: Boolean(engine.info.reason), rows, queries, kernels };
  } finally {
    await engine.dispose();
  }
}

declare global {
  interface Window {
    gpuBench: typeof gpuBench;
  }
}
window.gpuBench = gpuBench;
