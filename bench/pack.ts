/**
 * `npm run bench:pack`: how long packing a loaded sweep for the engine takes
 * (bit-packing the codes, sorting the rows by group and first metric,
 * permuting the columns): packSweep on this thread, and the parallel packing
 * (pack-parallel.ts) on 1 and 2 Node worker threads. The synthetic sweep
 * (seed 1) at 1M and 10M trainings; each figure the median of 3 runs, after
 * one warm-up run of each (which also starts the workers).
 *
 * Also printed: what first touching fresh memory costs here, which every
 * packing pays for its outputs (on some virtual machines it is a large part
 * of the time, and does not shrink with more threads).
 *
 * Figures only; nothing is asserted. Sizes: BENCH_ROWS=1000000,10000000.
 */

import { cpus, loadavg, totalmem } from 'node:os';
import { packSweepParallel } from '../src/engine/pack-parallel.js';
import { startNodePackPool } from '../src/engine/pack-parallel-node.js';
import { packSweep } from '../src/engine/session.js';
import { generateNwsSweep } from '../src/synth/nws.js';
import type { Sweep } from '../src/model/sweep.js';
import { percentile } from './timing.js';

const SIZES = (process.env.BENCH_ROWS ?? '1000000,10000000').split(',').map(Number);
const RUNS = 3;

/** Milliseconds to first touch 160 MB of fresh shared memory, then to write it again. */
function freshMemoryCost(): { first: number; again: number } {
  const a = new Uint32Array(new SharedArrayBuffer(160 * 2 ** 20));
  let t = performance.now();
  a.fill(1);
  const first = performance.now() - t;
  t = performance.now();
  a.fill(2);
  return { first, again: performance.now() - t };
}

async function main(): Promise<void> {
  const cpu = cpus();
  console.log(`machine: ${cpu.length} cores, ${cpu[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; load average ${loadavg()[0].toFixed(2)}`);
  console.log(`node ${process.version}`);
  const touch = freshMemoryCost();
  console.log(`fresh memory: first write of 160 MB ${touch.first.toFixed(0)} ms, again ${touch.again.toFixed(0)} ms`);

  const pools = [1, 2].map((n) => ({ n, pool: startNodePackPool(n) }));
  const methods: { name: string; pack: (s: Sweep) => Promise<unknown> }[] = [
    { name: 'packSweep (this thread)', pack: async (s) => packSweep(s) },
    ...pools.map(({ n, pool }) => ({ name: `parallel, ${n} worker${n > 1 ? 's' : ''}`, pack: (s: Sweep) => packSweepParallel(s, pool) })),
  ];
  try {
    const warm = generateNwsSweep(1_000_000, 2);
    for (const m of methods) await m.pack(warm);
    for (const rows of SIZES) {
      const sweep = generateNwsSweep(rows, 1);
      console.log(`\n${rows.toLocaleString('en-US')} trainings (median of ${RUNS}, ms; all runs in brackets)`);
      for (const m of methods) {
        const times: number[] = [];
        for (let r = 0; r < RUNS; r++) {
          const t = performance.now();
          await m.pack(sweep);
          times.push(performance.now() - t);
        }
        console.log(`  ${m.name.padEnd(26)} ${percentile(times, 0.5).toFixed(0).padStart(6)}   [${times.map((x) => x.toFixed(0)).join(', ')}]`);
      }
    }
  } finally {
    await Promise.all(pools.map(({ pool }) => pool.close()));
  }
}

await main();
