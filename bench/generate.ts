/**
 * Generation rate of the synthetic sweep: one thread, generateNwsChunk only
 * (allocation and learning-rate binning excluded).
 * Run: npx tsx bench/generate.ts
 */

import { pathToFileURL } from 'node:url';
import { allocNwsColumns, generateNwsChunk } from '../src/synth/nws.js';

export interface GenerateBench {
  rows: number;
  seconds: number;
  rowsPerSecond: number;
}

/**
 * Times generateNwsChunk over `rows` rows in one call, after a warm-up (JIT)
 * and with the columns already touched (no page faults in the timing); the
 * fastest of `repeats` runs, as other processes on the machine only slow runs down.
 */
export function benchGenerate(rows: number, repeats = 3): GenerateBench {
  const cols = allocNwsColumns(rows);
  generateNwsChunk(1, 0, Math.min(rows, 200_000), cols);
  cols.accuracy.fill(0);
  cols.learningRate.fill(0);
  for (const c of cols.codes) c.fill(0);
  let seconds = Infinity;
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    generateNwsChunk(42, 0, rows, cols);
    seconds = Math.min(seconds, (performance.now() - t0) / 1000);
  }
  return { rows, seconds, rowsPerSecond: rows / seconds };
}

function main(): void {
  for (const rows of [1_000_000, 10_000_000]) {
    const r = benchGenerate(rows);
    console.log(`${rows.toLocaleString('en')} rows: ${r.seconds.toFixed(3)} s, ${(r.rowsPerSecond / 1e6).toFixed(2)} M trainings/s`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
