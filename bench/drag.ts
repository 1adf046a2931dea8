/**
 * A real mouse brush dragged across the explorer's histogram in headless
 * Chromium, with the main thread's long tasks (PerformanceObserver
 * 'longtask': every task over 50 ms), the gaps between frames and the view
 * updates counted while it moves. `npm run bench:brush` and `npm run bench`
 * both drive it.
 */

import type { Page } from 'puppeteer-core';
import { percentile } from './timing.js';

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

/** Starts counting long tasks, frame gaps and view updates on the page. */
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

/** Waits until the explorer has answered what was asked of it. */
export async function settle(page: Page): Promise<void> {
  await page.waitForFunction(() => document.querySelector('#explorer')?.getAttribute('data-busy') === 'false', { timeout: 600_000 });
}

export interface DragFigures {
  /** How long the mouse moved, s, and how many moves it made (one every ~16 ms, as a hand would). */
  seconds: number;
  moves: number;
  /** Main-thread tasks over 50 ms while it moved, ms each. */
  longTasks: number[];
  frameGapMs: { p50: number; p95: number; max: number };
  /** Times the views' answer changed, and per second of dragging. */
  viewUpdates: number;
  viewUpdatesPerSecond: number;
  finalBrush: [number, number] | null;
}

/**
 * Puts a brush on the histogram, then drags it to and fro for `seconds`
 * (a mouse event every ~16 ms), and reports what the page did meanwhile.
 */
export async function dragBrush(page: Page, seconds: number): Promise<DragFigures> {
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
  const brush = await page.evaluate(() => window.sweepscope.state.range);
  return {
    seconds: dragMs / 1000,
    moves,
    longTasks: probe.tasks.map((t) => t.ms),
    frameGapMs: { p50: percentile(probe.frames, 0.5), p95: percentile(probe.frames, 0.95), max: Math.max(...probe.frames) },
    viewUpdates: probe.queries,
    viewUpdatesPerSecond: probe.queries / (dragMs / 1000),
    finalBrush: brush ? [brush[0], brush[1]] : null,
  };
}
