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

import type { Page } from 'puppeteer-core';
import { launchChromium, openAppPage, PAGE_SERVER_CONFIG, startDevServer } from '../tests/browser/harness.js';
import { percentile } from './timing.js';

const rows = Number(process.env.BENCH_ROWS ?? 10_000_000);
const engineChoice = process.env.BENCH_ENGINE ?? 'cpu';
const seconds = Number(process.env.BENCH_SECONDS ?? 6);

interface Probe {
  tasks: { start: number; ms: number }[];
  frames: number[];
  queries: number;
}

declare global {
  interface Window {
    __probe?: Probe;
  }
}

/** Starts counting long tasks and frame gaps on the page. */
async function startProbe(page: Page): Promise<void> {
  await page.evaluate(() => {
    const probe: Probe = { tasks: [], frames: [], queries: 0 };
    window.__probe = probe;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) probe.tasks.push({ start: e.startTime, ms: e.duration });
    }).observe({ type: 'longtask' });
    let last = performance.now();
    let shown = window.sweepscope.lastResult;
    const tick = (t: number): void => {
      probe.frames.push(t - last);
      last = t;
      const now = window.sweepscope.lastResult;
      if (now !== shown) probe.queries++;
      shown = now;
      if (window.__probe === probe) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}

async function stopProbe(page: Page): Promise<Probe> {
  return page.evaluate(() => {
    const p = window.__probe!;
    window.__probe = undefined;
    return p;
  });
}

async function settle(page: Page): Promise<void> {
  await page.waitForFunction(() => document.querySelector('#explorer')?.getAttribute('data-busy') === 'false', { timeout: 600_000 });
}

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

  // The histogram's plot area, in the middle of the screen.
  const g = await page.evaluate(() => {
    const svg = document.querySelector('sweep-histogram')!.shadowRoot!.querySelector('svg.plot') as SVGSVGElement;
    svg.scrollIntoView({ block: 'center' });
    const box = svg.getBoundingClientRect();
    const n = (k: string): number => Number(svg.dataset[k]);
    return { left: box.left + n('left'), right: box.left + n('right'), y: box.top + (n('top') + n('bottom')) / 2 };
  });
  const at = (f: number): number => g.left + f * (g.right - g.left);
  await page.mouse.move(at(0.55), g.y);
  await page.mouse.down();
  await page.mouse.move(at(0.75), g.y, { steps: 5 });
  await page.mouse.up();
  await settle(page);

  // Drag the brush to and fro for `seconds`, a mouse event every ~16 ms (as a hand would).
  const results0 = await page.evaluate(() => performance.now());
  await startProbe(page);
  const started = performance.now();
  let moves = 0;
  await page.mouse.move(at(0.65), g.y);
  await page.mouse.down();
  while (performance.now() - started < seconds * 1000) {
    const phase = ((performance.now() - started) / 3000) * 2 * Math.PI;
    await page.mouse.move(at(0.65 + 0.25 * Math.sin(phase)), g.y);
    moves++;
    await new Promise((r) => setTimeout(r, 16));
  }
  await page.mouse.up();
  const dragMs = performance.now() - started;
  await settle(page);
  const probe = await stopProbe(page);
  const results1 = await page.evaluate(() => performance.now());
  const brush = await page.evaluate(() => window.sweepscope.state.range);
  const long = probe.tasks.map((t) => t.ms);
  console.log(
    `brushing for ${(dragMs / 1000).toFixed(1)} s (${moves} mouse moves), final brush ${brush ? brush.map((v) => v.toFixed(3)).join('–') : 'none'}:`,
  );
  console.log(
    `  main-thread tasks over 50 ms: ${long.length}${long.length ? ` (max ${Math.max(...long).toFixed(0)} ms; ${long.map((x) => x.toFixed(0)).join(', ')})` : ''}`,
  );
  console.log(
    `  frame gaps: p50 ${percentile(probe.frames, 0.5).toFixed(1)} ms, p95 ${percentile(probe.frames, 0.95).toFixed(1)} ms, max ${Math.max(...probe.frames).toFixed(0)} ms over ${((results1 - results0) / 1000).toFixed(1)} s`,
  );
  console.log(`  views updated ${probe.queries} times (${(probe.queries / (dragMs / 1000)).toFixed(1)} a second)`);
  console.log(`  console errors: ${log.errors.length}`);
  console.log('(2-core shared machines are noisy; run it on the machine you care about.)');
} finally {
  await chromium.close();
  await server.close();
}
