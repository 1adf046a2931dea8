/**
 * `npm run bench:gpu`: the WebGPU engine in headless Chromium. On a machine
 * without a GPU, Chromium runs WebGPU on SwiftShader, a CPU emulation: those
 * figures check that the path works and say nothing about GPU speed.
 */

import { launchChromium, startDevServer } from '../tests/browser/harness.js';
import type { GpuBenchResult } from './gpu-bench-page.js';

const sizes = (process.env.BENCH_ROWS ?? '100000,1000000').split(',').map(Number);
const repeats = Number(process.env.BENCH_REPEATS ?? 5);

const server = await startDevServer();
const chromium = await launchChromium();
try {
  const page = await chromium.browser.newPage();
  page.setDefaultTimeout(0);
  await page.goto(`${server.origin}/bench/gpu-bench.html`, { waitUntil: 'load' });
  await page.waitForFunction(() => 'gpuBench' in window);
  for (const rows of sizes) {
    const r: GpuBenchResult = await page.evaluate((n, k) => window.gpuBench(n, k), rows, repeats);
    const note = r.software ? '  [software adapter: CPU emulation, NOT a GPU speed]' : '';
    console.log(`adapter: ${r.adapter}${note}`);
    for (const q of r.queries)
      console.log(`query ${rows.toLocaleString('en')} trainings, ${q.name.padEnd(11)} p50 ${q.p50.toFixed(1).padStart(8)} ms  p95 ${q.p95.toFixed(1).padStart(8)} ms${note}`);
    for (const k of r.kernels)
      console.log(
        `kernel ${k.kernel.padEnd(19)} ${String(k.tables).padStart(2)} table(s) ${k.ms.toFixed(1).padStart(8)} ms  ${((rows * Math.max(1, k.tables)) / (k.ms / 1000) / 1e6).toFixed(1).padStart(8)} M rows/s (rows x tables, submit to readback)${note}`,
      );
  }
} finally {
  await chromium.close();
  await server.close();
}
