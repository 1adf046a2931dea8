/**
 * `npm run bench:brush`: the explorer in headless Chromium with a big sweep,
 * a real mouse brush dragged across the histogram for a few seconds, and the
 * main thread's long tasks (PerformanceObserver 'longtask': every task over
 * 50 ms) counted while it moves. Prints figures; asserts nothing (the machine
 * is shared and noisy: speed is a benchmark's business, not a test's).
 *
 * BENCH_ROWS (default 10000000), BENCH_ENGINE (cpu | webgpu | auto, default
 * cpu: on a machine without a GPU, WebGPU runs on SwiftShader, a CPU
 * emulation, whose figures say nothing about a GPU), BENCH_SECONDS (how long
 * the brush moves, default 6).
 */

import { launchChromium, openAppPage, PAGE_SERVER_CONFIG, startDevServer } from '../tests/browser/harness.js';
import { dragBrush, settle } from './drag.js';

const rows = Number(process.env.BENCH_ROWS ?? 10_000_000);
const engineChoice = process.env.BENCH_ENGINE ?? 'cpu';
const seconds = Number(process.env.BENCH_SECONDS ?? 6);

const server = await startDevServer(PAGE_SERVER_CONFIG);
const chromium = await launchChromium();
try {
  const t0 = performance.now();
  // Long tasks from the start: generation, sorting and loading must not hold the page either.
  const { page, log } = await openAppPage(
    chromium.browser,
    server.origin,
    `?rows=${rows}&seed=1&engine=${engineChoice}`,
    { width: 1400, height: 1000 },
    async (p) => {
      await p.evaluateOnNewDocument(
        `window.__loadTasks = []; new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__loadTasks.push(e.duration); }).observe({ type: 'longtask' });`,
      );
    },
  );
  page.setDefaultTimeout(600_000);
  // tsx keeps function names with a `__name` helper that page.evaluate's functions carry along.
  await page.evaluate('globalThis.__name = (f) => f');
  await settle(page);
  const engine = await page.evaluate(() => window.sweepscope.engine);
  console.log(`${rows.toLocaleString('en')} trainings loaded and first drawn in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const loadTasks = await page.evaluate(() => (window as unknown as { __loadTasks: number[] }).__loadTasks);
  console.log(
    `  main-thread tasks over 50 ms while loading: ${loadTasks.length}${loadTasks.length ? ` (max ${Math.max(...loadTasks).toFixed(0)} ms; ${loadTasks.map((x) => x.toFixed(0)).join(', ')})` : ''}`,
  );
  console.log(`engine: ${engine.kind}${engine.adapter ? ` (${engine.adapter})` : ''}${engine.reason ? ` — ${engine.reason}` : ''}`);
  if (/swiftshader/i.test(engine.adapter ?? '')) console.log('  [SwiftShader: CPU emulation of a GPU; its figures are NOT a GPU speed]');

  // Drag the brush to and fro for `seconds`, a mouse event every ~16 ms (as a hand would).
  const d = await dragBrush(page, seconds);
  const long = d.longTasks;
  console.log(
    `brushing for ${d.seconds.toFixed(1)} s (${d.moves} mouse moves), final brush ${d.finalBrush ? d.finalBrush.map((v) => v.toFixed(3)).join('–') : 'none'}:`,
  );
  console.log(
    `  main-thread tasks over 50 ms: ${long.length}${long.length ? ` (max ${Math.max(...long).toFixed(0)} ms; ${long.map((x) => x.toFixed(0)).join(', ')})` : ''}`,
  );
  console.log(`  frame gaps: p50 ${d.frameGapMs.p50.toFixed(1)} ms, p95 ${d.frameGapMs.p95.toFixed(1)} ms, max ${d.frameGapMs.max.toFixed(0)} ms`);
  console.log(`  views updated ${d.viewUpdates} times (${d.viewUpdatesPerSecond.toFixed(1)} a second)`);
  console.log(`  console errors: ${log.errors.length}`);
  console.log('(2-core shared machines are noisy; run it on the machine you care about.)');
} finally {
  await chromium.close();
  await server.close();
}
