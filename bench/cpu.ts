/**
 * `npm run bench:cpu`: the synthetic generator's rate and the CPU engine's
 * query latency (p50, p95) with 1 and 2 workers at 1M and 10M trainings.
 * Figures only; nothing here is asserted.
 */

import { availableParallelism, cpus } from 'node:os';
import { generateNwsSweep } from '../src/synth/nws.js';
import { Session } from '../src/engine/session.js';
import { createNodeWorkerEngine } from '../src/engine/node-workers.js';
import { InlineCpuEngine } from '../src/engine/cpu-engine.js';
import type { Engine, QuerySpec } from '../src/engine/types.js';
import { benchGenerate } from './generate.js';
import { percentile, timeQuery } from './timing.js';

const sizes = (process.env.BENCH_ROWS ?? '1000000,10000000').split(',').map(Number);
const repeats = Number(process.env.BENCH_REPEATS ?? 15);

/**
 * A full query computes every aggregate from scratch (what a filter or metric
 * change costs); a brush move changes only the brush, and is answered from the
 * last full query by counting the smaller side of the brush.
 */
const full: QuerySpec = {
  normalize: true,
  range: [0.8, 1],
  where: { batch_size: ['32', '64', '128'] },
  secondary: 'optimizer',
};
const queries: Record<string, { spec: QuerySpec; incremental: boolean }> = {
  'full query': { spec: full, incremental: false },
  'brush move [0.95, 1]': { spec: { ...full, range: [0.95, 1] }, incremental: true },
  'brush move [0.8, 1]': { spec: { ...full, range: [0.8, 1] }, incremental: true },
  'brush move [0.5, 1]': { spec: { ...full, range: [0.5, 1] }, incremental: true },
  'brush move [0.1, 1]': { spec: { ...full, range: [0.1, 1] }, incremental: true },
};

async function main(): Promise<void> {
  console.log(`machine: ${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown cpu'}), Node ${process.version}`);
  for (const rows of sizes) {
    const g = benchGenerate(rows, 2);
    console.log(`generate ${rows.toLocaleString('en')} trainings: ${g.seconds.toFixed(3)} s, ${(g.rowsPerSecond / 1e6).toFixed(1)} M trainings/s (one thread)`);
  }
  for (const rows of sizes) {
    const sweep = generateNwsSweep(rows, 1);
    const engines: [string, () => Engine][] = [
      ['main thread', () => new InlineCpuEngine()],
      ['1 worker', () => createNodeWorkerEngine(1)],
      ['2 workers', () => createNodeWorkerEngine(2)],
    ];
    for (const [label, make] of engines) {
      const engine = make();
      try {
        const session = await Session.open(sweep, engine);
        for (const [name, { spec, incremental }] of Object.entries(queries)) {
          const { times, share } = await timeQuery(session, spec, incremental, repeats);
          console.log(
            `query ${rows.toLocaleString('en')} trainings, ${label.padEnd(11)} ${name.padEnd(26)} p50 ${percentile(times, 0.5).toFixed(1).padStart(7)} ms  p95 ${percentile(times, 0.95).toFixed(1).padStart(7)} ms  (${(100 * share).toFixed(0)}% selected)`,
          );
        }
      } finally {
        await engine.dispose();
      }
    }
  }
}

await main();
