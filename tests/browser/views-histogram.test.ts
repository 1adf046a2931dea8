/**
 * <sweep-histogram>, <sweep-filters> and <sweep-status> in headless Chromium,
 * on real aggregates computed in Node: bars and legend, brushing with the
 * mouse (make, move, resize, clear) and the keyboard, the raw/normalized
 * switch, filter toggles, the status line, SVG and PNG export (a download
 * from the button, a failure said on the page), the
 * histogram and the filters in boxes of the dashboard's sizes (the histogram
 * across the top, the filters in a 240 px column that scrolls), the notice
 * when the filters leave no training, and screenshots
 * (test-artifacts/views-histogram*.png).
 */

import { describe, expect, it } from 'vitest';
import { InlineCpuEngine } from '../../src/engine/cpu-engine.js';
import type { AggregateJson } from '../../src/engine/output.js';
import { Session } from '../../src/engine/session.js';
import { generateNwsSweep } from '../../src/synth/nws.js';
import { DEFAULT_VIEW_STATE, type ViewState } from '../../src/views/shared/view-state.js';
import { foreignRequests, openTestPage } from './harness.js';
import type { Box } from './view-page.js';
import { savePng, saveScreenshot, usePage } from './setup.js';
import { jsonOf, wireOf } from './answer-wire.js';

const ROWS = 50_000;
const SEED = 2;
const fmt = new Intl.NumberFormat('en-US');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Area two boxes share beyond a hair. */
function overlap(a: Box, b: Box): boolean {
  const w = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
  return w > 0.5 && h > 0.5;
}

/** The plot's frame in page pixels and its axis domain. */
interface Geometry {
  left: number;
  right: number;
  top: number;
  bottom: number;
  d0: number;
  d1: number;
}

describe('histogram, filters and status views in Chromium', () => {
  let normalized: AggregateJson;
  let raw: AggregateJson;
  let filtered: AggregateJson;
  /** The filters exclude every training. */
  let nothingPasses: AggregateJson;
  /** Trainings pass the filters, the brush selects none of them. */
  let nothingBrushed: AggregateJson;
  const brushed: ViewState = { ...DEFAULT_VIEW_STATE, normalize: true, range: [0.8, 1] };

  const env = usePage(({ chromium, server }) => openTestPage(chromium.browser, server.origin, 'views-histogram.html', 'viewsHist', { width: 1280, height: 800 }), {
    async prepare() {
      const session = await Session.open(generateNwsSweep(ROWS, SEED), new InlineCpuEngine());
      normalized = jsonOf(await session.query({ normalize: true, range: [0.8, 1] }));
      raw = jsonOf(await session.query({ normalize: false, range: null }));
      filtered = jsonOf(await session.query({ normalize: true, range: [0.8, 1], where: { optimizer: ['adam'] } }));
      nothingPasses = jsonOf(await session.query({ normalize: true, range: [0.8, 1], where: { optimizer: [] } }));
      nothingBrushed = jsonOf(await session.query({ normalize: false, range: [0, 0.001] }));
    },
    ready: () => setResult(normalized, brushed),
  });

  async function setResult(json: AggregateJson, state: ViewState): Promise<void> {
    await env.page.evaluate((w, s) => window.viewsHist.setResult(w, s), wireOf(json), state);
  }

  async function clearEvents(): Promise<void> {
    await env.page.evaluate(() => {
      window.viewsHist.events.length = 0;
    });
  }

  async function events(): Promise<Partial<ViewState>[]> {
    return env.page.evaluate(() => window.viewsHist.events);
  }

  async function rangeEvents(): Promise<(readonly [number, number] | null)[]> {
    return (await events()).filter((e) => 'range' in e).map((e) => e.range ?? null);
  }

  async function lastRange(): Promise<readonly [number, number] | null> {
    const r = await rangeEvents();
    expect(r.length).toBeGreaterThan(0);
    return r[r.length - 1];
  }

  async function geometry(): Promise<Geometry> {
    return env.page.evaluate(() => {
      const svg = document.querySelector('sweep-histogram')!.plot!;
      const box = svg.getBoundingClientRect();
      const n = (k: string): number => Number(svg.dataset[k]);
      return { left: box.left + n('left'), right: box.left + n('right'), top: box.top + n('top'), bottom: box.top + n('bottom'), d0: n('d0'), d1: n('d1') };
    });
  }

  /** The page x of a fraction of the axis. */
  const px = (g: Geometry, t: number): number => g.left + t * (g.right - g.left);
  const midY = (g: Geometry): number => (g.top + g.bottom) / 2;
  const value = (g: Geometry, t: number): number => g.d0 + t * (g.d1 - g.d0);

  /** A real mouse drag, in steps with time for animation frames between them; returns range events seen before the release. */
  async function drag(g: Geometry, from: number, to: number, steps = 8): Promise<number> {
    const { page } = env;
    const y = midY(g);
    await page.mouse.move(from, y);
    await page.mouse.down();
    for (let i = 1; i <= steps; i++) {
      await page.mouse.move(from + ((to - from) * i) / steps, y);
      await sleep(25);
    }
    const during = (await rangeEvents()).length;
    await page.mouse.up();
    await page.evaluate(() => window.viewsHist.settled());
    return during;
  }

  async function brushRect(): Promise<{ lo: number; hi: number; label: string } | null> {
    return env.page.evaluate(() => {
      const root = document.querySelector('sweep-histogram')!.shadowRoot!;
      const layer = root.querySelector('.brush-layer') as SVGGElement | null;
      if (!layer || !root.querySelector('rect.brush')) return null;
      return { lo: Number(layer.dataset.lo), hi: Number(layer.dataset.hi), label: root.querySelector('.brush-label')?.textContent ?? '' };
    });
  }

  it('draws stacked bars for every group, faded outside the brush, and a legend of the 5 datasets', async () => {
    const { page, log } = env.setUp();
    const counts = await page.evaluate(() => {
      const root = document.querySelector('sweep-histogram')!.shadowRoot!;
      const per = (cls: string): number[] =>
        [0, 1, 2, 3, 4].map((g) => root.querySelectorAll(`rect.bar.${cls}[data-group="${g}"]`).length);
      return {
        sel: per('sel'),
        base: per('base'),
        legend: [...root.querySelectorAll('.legend-item')].map((e) => e.textContent?.trim()),
        yTicks: [...root.querySelectorAll('.y-axis .tick text')].map((e) => e.textContent),
      };
    });
    for (const n of counts.sel) expect(n).toBeGreaterThan(0);
    for (const n of counts.base) expect(n).toBeGreaterThan(0);
    expect(counts.legend).toEqual(normalized.histogram.groups);
    expect(counts.legend).toHaveLength(5);
    expect(counts.yTicks.length).toBeGreaterThanOrEqual(3);
    expect(counts.yTicks[0]).toBe('0');
    const b = await brushRect();
    expect(b).not.toBeNull();
    expect(b!.label).toBe('[0.800, 1.000]');
    expect(log.errors).toEqual([]);
  });

  it('brushes with a real mouse drag, moves and resizes the brush, and clears it by double-click and Escape', async () => {
    const { page, log } = env.setUp();
    await setResult(normalized, { ...DEFAULT_VIEW_STATE, normalize: true, range: null });
    expect(await brushRect()).toBeNull();
    const g = await geometry();
    const bin = (g.d1 - g.d0) / (normalized.histogram.edges.length - 1);
    expect(g.d0).toBe(0);
    expect(g.d1).toBe(1);

    // A new brush from 30% to 60% of the axis.
    await clearEvents();
    const during = await drag(g, px(g, 0.3), px(g, 0.6));
    expect(during).toBeGreaterThan(0); // dispatched while dragging
    const all = await rangeEvents();
    expect(all.length).toBeLessThanOrEqual(8 + 1); // at most one per frame (8 moves) and one on release
    let r = await lastRange();
    expect(r).not.toBeNull();
    expect(Math.abs(r![0] - value(g, 0.3))).toBeLessThan(bin);
    expect(Math.abs(r![1] - value(g, 0.6))).toBeLessThan(bin);
    const drawn = await brushRect();
    expect(drawn).not.toBeNull();
    expect(drawn!.label).toMatch(/^\[0\.\d{3}, 0\.\d{3}\]$/);
    expect(await page.evaluate(() => window.viewsHist.state.range)).toEqual(r);

    // Move: drag from inside the brush by +10% of the axis; the width stays.
    const [lo0, hi0] = r!;
    await drag(g, px(g, (lo0 + hi0) / 2), px(g, (lo0 + hi0) / 2 + 0.1));
    r = await lastRange();
    expect(Math.abs(r![0] - (lo0 + 0.1))).toBeLessThan(bin);
    expect(Math.abs(r![1] - (hi0 + 0.1))).toBeLessThan(bin);
    expect(Math.abs(r![1] - r![0] - (hi0 - lo0))).toBeLessThan(1e-3);

    // Resize: drag the right edge to 90%, then the left edge to 20%.
    const [lo1, hi1] = r!;
    await drag(g, px(g, hi1), px(g, 0.9));
    r = await lastRange();
    expect(Math.abs(r![0] - lo1)).toBeLessThan(1e-9);
    expect(Math.abs(r![1] - 0.9)).toBeLessThan(bin);
    await drag(g, px(g, r![0]), px(g, 0.2));
    r = await lastRange();
    expect(Math.abs(r![0] - 0.2)).toBeLessThan(bin);
    expect(Math.abs(r![1] - 0.9)).toBeLessThan(bin);

    // Dragging past the end of the axis ends the brush exactly at the domain's end.
    await drag(g, px(g, r![1]), g.right + 40);
    r = await lastRange();
    expect(r![1]).toBe(g.d1);

    // Double-click clears.
    await page.mouse.click(px(g, 0.5), midY(g), { count: 2 });
    await page.evaluate(() => window.viewsHist.settled());
    expect(await lastRange()).toBeNull();
    expect(await brushRect()).toBeNull();

    // Escape clears.
    await drag(g, px(g, 0.1), px(g, 0.3));
    expect(await lastRange()).not.toBeNull();
    await page.keyboard.press('Escape');
    await page.evaluate(() => window.viewsHist.settled());
    expect(await lastRange()).toBeNull();
    expect(await brushRect()).toBeNull();
    expect(log.errors).toEqual([]);
  });

  it('moves the brush by one bin with the arrow keys and resizes it with Shift+arrows', async () => {
    const { page, log } = env.setUp();
    const g = await geometry();
    const bin = (g.d1 - g.d0) / (normalized.histogram.edges.length - 1);
    await drag(g, px(g, 0.2), px(g, 0.4));
    const [lo, hi] = (await lastRange())!;
    // The plot is focusable from the keyboard.
    expect(await page.evaluate(() => document.querySelector('sweep-histogram')!.plot!.getAttribute('tabindex'))).toBe('0');
    await page.evaluate(() => document.querySelector('sweep-histogram')!.plot!.focus());
    await page.keyboard.press('ArrowRight');
    let r = (await lastRange())!;
    expect(r[0]).toBeCloseTo(lo + bin, 3);
    expect(r[1]).toBeCloseTo(hi + bin, 3);
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    r = (await lastRange())!;
    expect(r[0]).toBeCloseTo(lo - bin, 3);
    expect(r[1]).toBeCloseTo(hi - bin, 3);
    await page.keyboard.down('Shift');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.up('Shift');
    r = (await lastRange())!;
    expect(r[0]).toBeCloseTo(lo - bin, 3);
    expect(r[1]).toBeCloseTo(hi, 3);
    await page.keyboard.press('Escape');
    expect(await lastRange()).toBeNull();
    expect(log.errors).toEqual([]);
  });

  it('switches between raw and normalized, and shows the raw metric range on the raw axis', async () => {
    const { page, log } = env.setUp();
    await setResult(normalized, brushed);
    await clearEvents();
    await page.click('sweep-histogram >>> button[data-normalize="false"]');
    expect(await events()).toEqual([{ normalize: false, range: null }]);

    await setResult(raw, { ...DEFAULT_VIEW_STATE, normalize: false, range: null });
    const edges = raw.histogram.edges;
    const lo = edges[0];
    const hi = edges[edges.length - 1];
    expect(lo).toBeGreaterThan(0.02); // the synthetic sweep's worst training is well above 0
    expect(hi).toBeLessThan(0.999);
    const axis = await page.evaluate(() => {
      const root = document.querySelector('sweep-histogram')!.shadowRoot!;
      return {
        values: [...root.querySelectorAll('.x-axis .tick')].map((t) => Number((t as SVGGElement).dataset.value)),
        labels: [...root.querySelectorAll('.x-axis .tick text')].map((t) => t.textContent ?? ''),
        pressed: root.querySelector('button[data-normalize="false"]')!.getAttribute('aria-pressed'),
        title: root.querySelector('.x-axis .axis-title')!.textContent,
      };
    });
    expect(axis.pressed).toBe('true');
    expect(axis.values.length).toBeGreaterThanOrEqual(4);
    for (const v of axis.values) {
      expect(v).toBeGreaterThanOrEqual(lo);
      expect(v).toBeLessThanOrEqual(hi);
    }
    expect(axis.labels).not.toContain('0.0');
    expect(axis.labels).not.toContain('1.0');
    expect(axis.title).toBe('test_accuracy');

    // A drag on the raw axis gives a range in raw metric units.
    const g = await geometry();
    expect(g.d0).toBeCloseTo(lo, 12);
    expect(g.d1).toBeCloseTo(hi, 12);
    await clearEvents();
    await drag(g, px(g, 0.5), px(g, 0.8));
    const r = (await lastRange())!;
    const bin = (hi - lo) / (edges.length - 1);
    expect(Math.abs(r[0] - value(g, 0.5))).toBeLessThan(bin);
    expect(Math.abs(r[1] - value(g, 0.8))).toBeLessThan(bin);

    await clearEvents();
    await page.click('sweep-histogram >>> button[data-normalize="true"]');
    expect(await events()).toEqual([{ normalize: true, range: null }]);
    expect(log.errors).toEqual([]);
  });

  it('filters: toggles, "all", "only", reset, and the selected count', async () => {
    const { page, log } = env.setUp();
    await setResult(normalized, brushed);
    const sel = (param: string, option: string, cls = 'opt'): string =>
      `sweep-filters >>> [data-param="${param}"] button.${cls}[data-option="${option}"]`;
    const pressed = (param: string): Promise<Record<string, string | null>> =>
      page.evaluate((p) => {
        const root = document.querySelector('sweep-filters')!.shadowRoot!;
        return Object.fromEntries(
          [...root.querySelectorAll(`[data-param="${p}"] button.opt`)].map((b) => [(b as HTMLElement).dataset.option, b.getAttribute('aria-pressed')]),
        );
      }, param);
    const countText = (): Promise<string> =>
      page.evaluate(() => document.querySelector('sweep-filters')!.shadowRoot!.querySelector('.count')!.textContent!.trim().replace(/\s+/g, ' '));

    expect(await countText()).toBe(`${fmt.format(normalized.selected)} of 50,000 trainings selected`);
    expect(await page.evaluate(() => document.querySelector('sweep-filters')!.shadowRoot!.querySelectorAll('[data-param]').length)).toBe(
      normalized.params.length,
    );
    expect(await pressed('optimizer')).toEqual({ adam: 'true', rmsprop: 'true', sgd_momentum: 'true' });

    await clearEvents();
    await page.click(sel('optimizer', 'sgd_momentum'));
    await page.evaluate(() => window.viewsHist.settled());
    expect(await events()).toEqual([{ where: { optimizer: ['adam', 'rmsprop'] } }]);
    expect(await pressed('optimizer')).toEqual({ adam: 'true', rmsprop: 'true', sgd_momentum: 'false' });

    await page.click(sel('optimizer', 'rmsprop'));
    await page.evaluate(() => window.viewsHist.settled());
    expect((await events()).at(-1)).toEqual({ where: { optimizer: ['adam'] } });

    // The count follows the result.
    await setResult(filtered, { ...brushed, where: { optimizer: ['adam'] } });
    expect(await countText()).toBe(`${fmt.format(filtered.selected)} of 50,000 trainings selected`);
    expect(filtered.selected).toBeLessThan(normalized.selected);
    expect(await pressed('optimizer')).toEqual({ adam: 'true', rmsprop: 'false', sgd_momentum: 'false' });

    // Turning an option back on, then "all" for the parameter.
    await clearEvents();
    await page.click(sel('optimizer', 'sgd_momentum'));
    expect((await events()).at(-1)).toEqual({ where: { optimizer: ['adam', 'sgd_momentum'] } });
    await page.click('sweep-filters >>> [data-param="optimizer"] button.all');
    expect((await events()).at(-1)).toEqual({ where: {} });

    // "only" (shown on hover) keeps the other parameters' filters.
    await page.click(sel('batch_size', '256'));
    await page.hover(sel('dataset', 'cifar10'));
    await page.click(sel('dataset', 'cifar10', 'only'));
    expect((await events()).at(-1)).toEqual({ where: { batch_size: ['32', '64', '128'], dataset: ['cifar10'] } });
    // Alt+click is "only" too.
    await page.keyboard.down('Alt');
    await page.click(sel('activation', 'relu'));
    await page.keyboard.up('Alt');
    expect((await events()).at(-1)).toEqual({ where: { batch_size: ['32', '64', '128'], dataset: ['cifar10'], activation: ['relu'] } });

    await page.click('sweep-filters >>> button.reset');
    expect((await events()).at(-1)).toEqual({ where: {}, range: null });
    await page.evaluate(() => window.viewsHist.settled());
    expect(await pressed('dataset')).toEqual(Object.fromEntries(normalized.histogram.groups.map((d) => [d, 'true'])));
    expect(log.errors).toEqual([]);
  });

  it('shows the engine, the trainings loaded, the last update time and a busy indicator', async () => {
    const { page, log } = env.setUp();
    const text = (): Promise<string> =>
      page.evaluate(() => document.querySelector('sweep-status')!.shadowRoot!.textContent!.replace(/\s+/g, ' ').trim());
    const busyVisible = (): Promise<boolean> =>
      page.evaluate(() => {
        const el = document.querySelector('sweep-status')!.shadowRoot!.querySelector('.busy')!;
        return getComputedStyle(el).visibility === 'visible';
      });
    await page.evaluate(() => window.viewsHist.setStatus({ engine: { kind: 'webgpu', adapter: 'Test GPU (nvidia)' }, rows: 50_000, lastMs: 12.345, busy: true }));
    let t = await text();
    expect(t).toContain('WebGPU on Test GPU (nvidia)');
    expect(t).toContain('50,000 trainings');
    expect(t).toContain('12.3 ms');
    expect(await busyVisible()).toBe(true);
    await page.evaluate(() =>
      window.viewsHist.setStatus({ engine: { kind: 'cpu', adapter: '4 workers', reason: 'WebGPU is not available in this browser' }, rows: 50_000, lastMs: 3.21, busy: false }),
    );
    t = await text();
    expect(t).toContain('CPU (4 workers) — WebGPU is not available in this browser');
    expect(t).toContain('3.21 ms');
    expect(await busyVisible()).toBe(false);
    expect(log.errors).toEqual([]);
  });

  it('exports the histogram as a parseable SVG with its bars, and as a PNG', async () => {
    const { page, log } = env.setUp();
    await setResult(normalized, brushed);
    const svg = await page.evaluate(async () => {
      const hist = document.querySelector('sweep-histogram')!;
      const markup = window.viewsHist.svgMarkup(hist.plot!);
      const blob = hist.exportSvg();
      const doc = new DOMParser().parseFromString(markup, 'image/svg+xml');
      return {
        markup,
        type: blob.type,
        size: blob.size,
        root: doc.documentElement.nodeName,
        parseErrors: doc.getElementsByTagName('parsererror').length,
        bars: doc.querySelectorAll('rect.bar').length,
        legend: doc.querySelectorAll('.legend-item').length,
        width: Number(doc.documentElement.getAttribute('width')),
      };
    });
    expect(svg.root).toBe('svg');
    expect(svg.parseErrors).toBe(0);
    expect(svg.bars).toBeGreaterThan(50);
    expect(svg.legend).toBe(5);
    expect(svg.markup).toContain('xmlns="http://www.w3.org/2000/svg"');
    expect(svg.type).toBe('image/svg+xml');
    expect(svg.size).toBeGreaterThan(1000);

    const png = await page.evaluate(async () => {
      const blob = await document.querySelector('sweep-histogram')!.exportPng(1);
      const bytes = new Uint8Array(await blob.arrayBuffer());
      let s = '';
      for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      return { type: blob.type, base64: btoa(s) };
    });
    expect(png.type).toBe('image/png');
    const image = await savePng('views-histogram-export', Buffer.from(png.base64, 'base64'), { ink: 0.03, colours: 8 });
    expect(image.width).toBe(svg.width);
    expect(log.errors).toEqual([]);
  });

  it('offers an export as a download from its button, and says on the page when one fails (no download then)', async () => {
    const { page, log } = env.setUp();
    await setResult(normalized, brushed);
    const base = `sweepscope-histogram-${normalized.metric}-normalized`;
    /** Clicks an export button with the anchor's click (the download) and, if asked, the PNG encoding stubbed; what came of it. */
    const exportWith = (format: 'svg' | 'png', failPng: boolean): Promise<{ downloads: string[]; notices: string[] }> =>
      page.evaluate(
        async (format, failPng) => {
          const downloads: string[] = [];
          const notices: string[] = [];
          const click = HTMLAnchorElement.prototype.click;
          const toBlob = HTMLCanvasElement.prototype.toBlob;
          // Heard on the document: the notice must cross the shadow root to reach the page's message line.
          const onNotice = (e: Event): void => void notices.push((e as CustomEvent<string>).detail);
          document.addEventListener('view-notice', onNotice);
          HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement): void {
            downloads.push(this.download);
          };
          if (failPng)
            HTMLCanvasElement.prototype.toBlob = function (this: HTMLCanvasElement, callback: BlobCallback): void {
              setTimeout(() => callback(null));
            };
          try {
            const button = document.querySelector('sweep-histogram')!.shadowRoot!.querySelector<HTMLButtonElement>(`button[data-export="${format}"]`)!;
            button.click();
            // The export is asynchronous (the PNG decodes an image): wait for its outcome.
            for (let t = 0; t < 100 && downloads.length + notices.length === 0; t++) await new Promise((r) => setTimeout(r, 50));
            await new Promise((r) => setTimeout(r, 100)); // nothing more comes after the outcome
            return { downloads, notices };
          } finally {
            HTMLAnchorElement.prototype.click = click;
            HTMLCanvasElement.prototype.toBlob = toBlob;
            document.removeEventListener('view-notice', onNotice);
          }
        },
        format,
        failPng,
      );

    expect(await exportWith('svg', false)).toEqual({ downloads: [`${base}.svg`], notices: [] });
    expect(await exportWith('png', false)).toEqual({ downloads: [`${base}.png`], notices: [] });
    const failed = await exportWith('png', true);
    expect(failed.downloads).toEqual([]);
    expect(failed.notices).toEqual([`Export of ${base}.png failed: the canvas could not be encoded as PNG`]);
    expect(log.errors).toEqual([]);
  });

  it('looks like something at 1280x800 (light) and 1920x1080 (dark): screenshots in test-artifacts/', async () => {
    const { page, log, server } = env.setUp();
    await page.evaluate(() =>
      window.viewsHist.setStatus({ engine: { kind: 'webgpu', adapter: 'Test GPU (nvidia)' }, rows: 50_000, lastMs: 4.2, busy: true }),
    );
    await setResult(normalized, brushed);
    const shots: [string, { width: number; height: number }, 'light' | 'dark'][] = [
      ['views-histogram', { width: 1280, height: 800 }, 'light'],
      ['views-histogram-dark', { width: 1920, height: 1080 }, 'dark'],
    ];
    for (const [name, viewport, scheme] of shots) {
      await page.setViewport(viewport);
      await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
      await sleep(100); // the ResizeObserver and the colour scheme both re-render
      await page.evaluate(() => window.viewsHist.settled());
      const { plot, box } = await page.evaluate(() => ({
        plot: document.querySelector('sweep-histogram')!.plot!.getBoundingClientRect().width,
        box: document.getElementById('hist-box')!.getBoundingClientRect().width,
      }));
      expect(box).toBeGreaterThan(viewport.width - 330); // the page's column: all but the filters' 250 px and the margins
      expect(Math.abs(plot - box)).toBeLessThanOrEqual(1); // the chart fills its box
      await saveScreenshot(page, name, { ink: 0.03, colours: 16 });
    }
    await page.setViewport({ width: 1280, height: 800 });
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'light' }]);
    expect(log.errors).toEqual([]);
    expect(foreignRequests(log.requests, server.origin)).toEqual([]);
  });

  it('draws to the box it is given at 1600x280, 1600x240 and 1200x240: axes, legend and brush fit and work', async () => {
    const { page, log } = env.setUp();
    await page.setViewport({ width: 1920, height: 1080 });
    await setResult(normalized, brushed);
    for (const [w, h] of [
      [1600, 280],
      [1600, 240],
      [1200, 240],
    ] as const) {
      const label = `${w}x${h}`;
      await page.evaluate((w, h) => window.viewsHist.setBox('hist', w, h), w, h);
      const m = await page.evaluate(() => {
        const el = document.querySelector('sweep-histogram')!;
        const root = el.shadowRoot!;
        const rect = (e: Element): Box => {
          const r = e.getBoundingClientRect();
          return { x: r.x, y: r.y, w: r.width, h: r.height };
        };
        const svg = el.plot!;
        return {
          host: rect(el),
          svg: rect(svg),
          plotH: Number(svg.dataset.bottom) - Number(svg.dataset.top),
          toolbar: rect(root.querySelector('.toolbar')!),
          hint: rect(root.querySelector('.hint')!),
          legend: [...root.querySelectorAll('.legend-item, .legend-key')].map((g) => ({ ...rect(g), text: g.textContent?.trim() ?? '' })),
          texts: [...svg.querySelectorAll('text')].map((t) => ({ ...rect(t), text: t.textContent ?? '', cls: t.closest('[class]')?.getAttribute('class') ?? '' })),
          xTicks: root.querySelectorAll('.x-axis .tick').length,
          yTicks: root.querySelectorAll('.y-axis .tick').length,
        };
      });
      // The element is its box; the chart takes the width and what the toolbar and the one-line hint leave of the height.
      expect(m.host.w, label).toBe(w);
      expect(m.host.h, label).toBe(h);
      expect(Math.abs(m.svg.w - w), label).toBeLessThanOrEqual(1);
      expect(m.svg.y, label).toBeGreaterThanOrEqual(m.toolbar.y + m.toolbar.h - 0.5);
      expect(m.hint.y, label).toBeGreaterThanOrEqual(m.svg.y + m.svg.h - 0.5);
      expect(m.hint.y + m.hint.h, label).toBeLessThanOrEqual(m.host.y + h + 0.5);
      expect(m.hint.h, label).toBeLessThan(20);
      expect(m.plotH, label).toBeGreaterThanOrEqual(100);
      // Legend: the 5 datasets and the key of the faded bars, side by side, none over another.
      expect(m.legend.map((l) => l.text), label).toEqual([...normalized.histogram.groups, 'outside the brush']);
      expect(m.xTicks, label).toBeGreaterThanOrEqual(10);
      expect(m.yTicks, label).toBeGreaterThanOrEqual(2);
      // Every text inside the chart and none over another (ticks, titles, legend, the brush's label).
      for (const t of m.texts) {
        const what = `${label}: ${t.cls} "${t.text}"`;
        expect(t.x, what).toBeGreaterThanOrEqual(m.svg.x - 0.5);
        expect(t.x + t.w, what).toBeLessThanOrEqual(m.svg.x + m.svg.w + 0.5);
        expect(t.y, what).toBeGreaterThanOrEqual(m.svg.y - 0.5);
        expect(t.y + t.h, what).toBeLessThanOrEqual(m.svg.y + m.svg.h + 0.5);
      }
      const clashes: string[] = [];
      for (let i = 0; i < m.texts.length; i++)
        for (let j = i + 1; j < m.texts.length; j++) if (overlap(m.texts[i], m.texts[j])) clashes.push(`"${m.texts[i].text}" / "${m.texts[j].text}"`);
      expect(clashes, label).toEqual([]);
      // The brush works at this size.
      const g = await geometry();
      const bin = (g.d1 - g.d0) / (normalized.histogram.edges.length - 1);
      await clearEvents();
      await drag(g, px(g, 0.3), px(g, 0.6));
      const r = await lastRange();
      expect(Math.abs(r![0] - value(g, 0.3)), label).toBeLessThan(bin);
      expect(Math.abs(r![1] - value(g, 0.6)), label).toBeLessThan(bin);
      expect((await brushRect())?.label, label).toMatch(/^\[0\.\d{3}, 0\.\d{3}\]$/);
      await setResult(normalized, brushed);
    }
    await page.evaluate(() => window.viewsHist.setBox('hist', null, 280));
    await page.setViewport({ width: 1280, height: 800 });
    await setResult(normalized, brushed);
    expect(log.errors).toEqual([]);
  });

  it('filters: legible in a 240 px column, scrolling inside under the summary when the parameters do not fit', async () => {
    const { page, log } = env.setUp();
    await setResult(normalized, brushed);
    await page.evaluate(() => window.viewsHist.setBox('filters', 240, 420));
    const measure = (): Promise<{
      host: Box;
      summary: Box;
      params: Box & { clientW: number; clientH: number; scrollW: number; scrollH: number; overflowY: string };
      chips: Box[];
      names: Box[];
      fontSize: number;
    }> =>
      page.evaluate(() => {
        const el = document.querySelector('sweep-filters')!;
        const root = el.shadowRoot!;
        const rect = (e: Element): Box => {
          const r = e.getBoundingClientRect();
          return { x: r.x, y: r.y, w: r.width, h: r.height };
        };
        const params = root.querySelector('.params') as HTMLElement;
        return {
          host: rect(el),
          summary: rect(root.querySelector('.summary')!),
          params: {
            ...rect(params),
            clientW: params.clientWidth,
            clientH: params.clientHeight,
            scrollW: params.scrollWidth,
            scrollH: params.scrollHeight,
            overflowY: getComputedStyle(params).overflowY,
          },
          chips: [...root.querySelectorAll('button.opt')].map(rect),
          names: [...root.querySelectorAll('.name')].map(rect),
          fontSize: parseFloat(getComputedStyle(root.querySelector('button.opt')!).fontSize),
        };
      });
    let m = await measure();
    expect(m.host.w).toBe(240);
    expect(m.host.h).toBe(420);
    // The parameters scroll, the summary (count and reset) stays above them.
    expect(m.params.overflowY).toBe('auto');
    expect(m.params.scrollH).toBeGreaterThan(m.params.clientH);
    expect(m.params.y + m.params.h).toBeLessThanOrEqual(m.host.y + m.host.h + 0.5);
    expect(m.summary.y + m.summary.h).toBeLessThanOrEqual(m.params.y + 0.5);
    // Nothing wider than the column: one column of parameters, every chip and name inside it.
    expect(m.params.scrollW).toBeLessThanOrEqual(m.params.clientW);
    for (const b of [...m.chips, ...m.names]) {
      expect(b.x).toBeGreaterThanOrEqual(m.host.x - 0.5);
      expect(b.x + b.w).toBeLessThanOrEqual(m.host.x + m.host.w + 0.5);
    }
    expect(m.fontSize).toBeGreaterThanOrEqual(11);
    const summaryY = m.summary.y;
    await page.evaluate(() => {
      const params = document.querySelector('sweep-filters')!.shadowRoot!.querySelector('.params')!;
      params.scrollTop = params.scrollHeight;
    });
    m = await measure();
    expect(m.summary.y).toBe(summaryY);
    // The last parameter's chips can be reached (clicked) at the end of the scroll.
    const last = m.chips[m.chips.length - 1];
    expect(last.y + last.h).toBeLessThanOrEqual(m.params.y + m.params.h + 0.5);
    await saveScreenshot((await page.$('#filters-box'))!, 'views-filters-240', { ink: 0.03, colours: 8 });
    await page.evaluate(() => window.viewsHist.setBox('filters', 250, 640));
    expect(log.errors).toEqual([]);
  });

  it('says when the filters leave no training, in the histogram and the filters, with a reset that clears filters and brush', async () => {
    const { page, log } = env.setUp();
    expect(nothingPasses.baseline).toBe(0);
    const notices = (): Promise<{ hist: string | null; filters: string | null; histInPlot: boolean; bars: number; resetInSummary: boolean }> =>
      page.evaluate(() => {
        const h = document.querySelector('sweep-histogram')!.shadowRoot!;
        const f = document.querySelector('sweep-filters')!.shadowRoot!;
        const hn = h.querySelector('.empty-selection');
        const fn = f.querySelector('.empty-selection');
        const svg = document.querySelector('sweep-histogram')!.plot!;
        const sb = svg.getBoundingClientRect();
        const nb = hn?.getBoundingClientRect();
        const top = sb.top + Number(svg.dataset.top);
        const bottom = sb.top + Number(svg.dataset.bottom);
        return {
          hist: hn?.textContent?.replace(/\s+/g, ' ').trim() ?? null,
          filters: fn?.textContent?.replace(/\s+/g, ' ').trim() ?? null,
          histInPlot: nb !== undefined && nb.top >= top - 0.5 && nb.bottom <= bottom + 0.5 && nb.height > 0,
          bars: h.querySelectorAll('rect.bar').length,
          resetInSummary: f.querySelector('button.reset') !== null,
        };
      });
    // Trainings pass: no notice.
    await setResult(normalized, brushed);
    expect(await notices()).toMatchObject({ hist: null, filters: null, resetInSummary: true });
    // The brush selects none, but trainings pass: the histogram shows them (no notice), and so do the filters.
    expect(nothingBrushed.selected).toBe(0);
    expect(nothingBrushed.baseline).toBeGreaterThan(0);
    await setResult(nothingBrushed, { ...DEFAULT_VIEW_STATE, normalize: false, range: [0, 0.001] });
    expect(await notices()).toMatchObject({ hist: null, filters: null });

    const noneState: ViewState = { ...brushed, where: { optimizer: [] } };
    await setResult(nothingPasses, noneState);
    const n = await notices();
    expect(n.hist).toBe('No training passes the filters. Reset filters and brush');
    expect(n.histInPlot).toBe(true);
    expect(n.bars).toBe(0);
    expect(n.filters).toBe('No training passes the filters. Reset filters and brush');
    expect(n.resetInSummary).toBe(false); // the notice's button stands for it
    for (const view of ['sweep-histogram', 'sweep-filters']) {
      await setResult(nothingPasses, noneState);
      await clearEvents();
      await page.click(`${view} >>> button.empty-reset`);
      expect(await events(), view).toEqual([{ where: {}, range: null }]);
    }
    await setResult(normalized, brushed);
    expect(await notices()).toMatchObject({ hist: null, filters: null });
    expect(log.errors).toEqual([]);
  });
});
