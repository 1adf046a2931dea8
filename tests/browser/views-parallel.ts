/**
 * In-browser side of tests/browser/views-parallel.test.ts: mounts
 * <sweep-parallel> and <sweep-table> on a sweep generated in the page under
 * the page's coordinator (src/app/coordinator.ts) with the main-thread CPU
 * engine: the views declare the rows they need and draw what it hands them.
 * Every view-change event is recorded without being applied (the test sets
 * states).
 */

import { Coordinator } from '../../src/app/coordinator.js';
import { InlineCpuEngine } from '../../src/engine/cpu-engine.js';
import { Session, type QueryResult } from '../../src/engine/session.js';
import type { Sweep } from '../../src/model/sweep.js';
import { generateNwsSweep } from '../../src/synth/nws.js';
import '../../src/views/parallel/sweep-parallel.js';
import '../../src/views/sweep-table.js';
import type { ParallelTimings } from '../../src/views/parallel/sweep-parallel.js';
import { ROWS_NEED, ROWS_REQUEST, type RowsNeedEvent, type RowsRequestEvent } from '../../src/views/shared/row-events.js';
import { yieldToMain } from '../../src/views/shared/tasks.js';
import { DEFAULT_VIEW_STATE, VIEW_CHANGE, specOf, type ViewChangeEvent, type ViewState } from '../../src/views/shared/view-state.js';

export interface Timings {
  /** From setting the state to both views idle, ms. */
  parallelMs: number;
  tableMs: number;
  queryMs: number;
  parallel: ParallelTimings;
  /** The longest main-thread task while the views worked (after the query), ms; 0 when none took 50 ms. */
  longestTaskMs: number;
}

export interface ViewsParApi {
  /** Every view-change event's detail, in order. */
  events: Partial<ViewState>[];
  /** Generates the sweep in the page and hands it to both views (state reset to the default). */
  setSweep(rows: number, seed: number, maxLines?: number): Promise<Timings>;
  /** Sets the state (over the default) on both views, with the engine's answer as `result`. */
  setState(state: Partial<ViewState>): Promise<Timings>;
  idle(): Promise<void>;
  /** The parallel view's "showing N of M" text. */
  sampleText(): string;
  /** Pixels of the WebGL canvas that differ from its background, and distinct colours (4 bits a channel). */
  canvasInk(): { ink: number; colours: number; width: number; height: number };
  /** Draws again and waits for the GPU: ms. */
  drawAndFinish(): number;
  /** The table's CSV export, as text. */
  csv(): Promise<string>;
  /** The parallel view's SVG export markup and PNG export size in bytes. */
  svg(): string;
  pngBytes(): Promise<number>;
  webgl(): string;
  /** What runs first after the row work yields: a message posted before the yield (as a worker's answer would be), or the row work. */
  yieldOrder(): Promise<string[]>;
  /** What the views hold now. */
  info(): { lineBudget: number; software: boolean; sampleSize: number; sampleSelected: number; tableCount: number | null; selected: number | null };
}

declare global {
  interface Window {
    viewsPar: ViewsParApi;
  }
}

const root = document.getElementById('views') as HTMLElement;
const parallel = document.createElement('sweep-parallel');
const table = document.createElement('sweep-table');
root.append(parallel, table);

const events: Partial<ViewState>[] = [];
root.addEventListener(VIEW_CHANGE, (e) => events.push(structuredClone((e as ViewChangeEvent).detail)));

let sweep: Sweep | null = null;

/** The page's coordinator, with this page's frames and one engine turn at a time. */
const coordinator = new Coordinator<QueryResult>(
  {
    frame: (f) => void requestAnimationFrame(f),
    now: () => performance.now(),
    exclusive: (work) => work(),
    changed: () => {
      parallel.rows = coordinator.rows('parallel');
      table.rows = coordinator.rows('table');
    },
  },
  DEFAULT_VIEW_STATE,
);
root.addEventListener(ROWS_NEED, (e) => {
  const { view, need } = (e as RowsNeedEvent).detail;
  coordinator.needRows(view, need);
});
root.addEventListener(ROWS_REQUEST, (e) => {
  const d = (e as RowsRequestEvent).detail;
  d.taken = true;
  coordinator.requestRows(d.query).then(d.resolve, d.reject);
});

/** Main-thread tasks of 50 ms or more (the Long Tasks API). */
const longTasks: { start: number; duration: number }[] = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) longTasks.push({ start: e.startTime, duration: e.duration });
}).observe({ type: 'longtask', buffered: false });

async function idle(): Promise<void> {
  await Promise.all([parallel.whenIdle(), table.whenIdle()]);
  await new Promise<void>((r) => requestAnimationFrame(() => r()));
  await Promise.all([parallel.whenIdle(), table.whenIdle()]);
}

async function apply(state: ViewState): Promise<Timings> {
  const t0 = performance.now();
  coordinator.state = state;
  await coordinator.show(specOf(state));
  const result = coordinator.shown?.result.answer ?? null;
  const queryMs = performance.now() - t0;
  const t1 = performance.now();
  parallel.state = state;
  parallel.result = result;
  table.state = state;
  table.result = result;
  let parallelMs = 0;
  let tableMs = 0;
  await Promise.all([
    parallel.whenIdle().then(() => (parallelMs = performance.now() - t1)),
    table.whenIdle().then(() => (tableMs = performance.now() - t1)),
  ]);
  await idle();
  await new Promise((r) => setTimeout(r, 0)); // long task entries arrive after the task
  const longestTaskMs = Math.max(0, ...longTasks.filter((t) => t.start >= t1).map((t) => t.duration));
  return { parallelMs, tableMs, queryMs, parallel: { ...parallel.timings }, longestTaskMs };
}

const api: ViewsParApi = {
  events,
  async setSweep(rows, seed, maxLines) {
    sweep = generateNwsSweep(rows, seed);
    const session = await Session.open(sweep, new InlineCpuEngine());
    coordinator.setTarget(session, { ...DEFAULT_VIEW_STATE });
    if (maxLines !== undefined) parallel.maxLines = maxLines;
    const state = { ...DEFAULT_VIEW_STATE };
    const t0 = performance.now();
    parallel.sweep = sweep;
    table.sweep = sweep;
    const t = await apply(state);
    return { ...t, parallelMs: performance.now() - t0 };
  },
  setState: (s) => apply({ ...DEFAULT_VIEW_STATE, ...s }),
  idle,
  sampleText: () => parallel.sampleText,
  canvasInk() {
    const canvas = parallel.shadowRoot?.querySelector('canvas') as HTMLCanvasElement;
    const c = document.createElement('canvas');
    c.width = canvas.width;
    c.height = canvas.height;
    const ctx = c.getContext('2d') as CanvasRenderingContext2D;
    ctx.drawImage(canvas, 0, 0);
    const px = ctx.getImageData(0, 0, c.width, c.height).data;
    const bg = [px[0], px[1], px[2]];
    let ink = 0;
    const colours = new Set<number>();
    for (let i = 0; i < px.length; i += 4) {
      if (Math.abs(px[i] - bg[0]) + Math.abs(px[i + 1] - bg[1]) + Math.abs(px[i + 2] - bg[2]) > 24) ink++;
      colours.add(((px[i] >> 4) << 8) | ((px[i + 1] >> 4) << 4) | (px[i + 2] >> 4));
    }
    return { ink: ink / (c.width * c.height), colours: colours.size, width: c.width, height: c.height };
  },
  drawAndFinish: () => parallel.drawAndFinish(),
  async csv() {
    return (await table.csvBlob()).text();
  },
  svg: () => parallel.exportSvgMarkup(),
  async pngBytes() {
    return (await parallel.exportPng()).size;
  },
  async yieldOrder() {
    const order: string[] = [];
    const ch = new MessageChannel();
    const delivered = new Promise<void>((resolve) => {
      ch.port1.onmessage = () => {
        order.push('message');
        ch.port1.close();
        resolve();
      };
    });
    ch.port2.postMessage(null);
    await yieldToMain();
    order.push('row work');
    await delivered;
    return order;
  },
  info: () => ({
    lineBudget: parallel.lineBudget,
    software: parallel.softwareGl,
    sampleSize: parallel.sampleSize,
    sampleSelected: parallel.sampleSelected,
    tableCount: table.selectedCount,
    selected: parallel.result?.selected ?? null,
  }),
  webgl() {
    const gl = document.createElement('canvas').getContext('webgl');
    if (!gl) return 'none';
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    return String(ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
  },
};
window.viewsPar = api;
