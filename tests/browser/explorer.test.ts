/**
 * The explorer page in headless Chromium: the linked views under one
 * coordinator (src/app/main.ts). A real mouse brush on the histogram, a click
 * on a matrix cell, the trellis selects and the normalization switch each
 * change the view state, the address and the aggregates every view shows;
 * reloading the address restores the view. Screenshots of every view go to
 * test-artifacts/explorer-<view>.png.
 */

import { describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import type { AggregateJson } from '../../src/engine/output.js';
import { specOf, type ViewState } from '../../src/views/shared/view-state.js';
import { foreignRequests, openAppPage } from './harness.js';
import { saveScreenshot, usePage } from './setup.js';

const QUERY = '?engine=cpu&rows=100000&seed=2';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));


const lastResult = (page: Page): Promise<AggregateJson | null> => page.evaluate(() => window.sweepscope.lastResult);
const viewState = (page: Page): Promise<ViewState> => page.evaluate(() => window.sweepscope.state);

/** Waits until the views show the answer to the current state (nothing pending, nothing running). */
async function settle(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const m = document.querySelector('#explorer');
      return m !== null && m.getAttribute('data-busy') === 'false';
    },
    { timeout: 20_000 },
  );
  // Two frames: a query scheduled for the next frame has started (busy) or there was none.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(null)))));
  await page.waitForFunction(() => document.querySelector('#explorer')?.getAttribute('data-busy') === 'false', { timeout: 20_000 });
  await page.evaluate(async () => {
    const els = [...document.querySelectorAll('#explorer *')].filter((e): e is HTMLElement & { updateComplete: Promise<unknown> } => 'updateComplete' in e);
    await Promise.all(els.map((e) => e.updateComplete));
    await new Promise((r) => requestAnimationFrame(() => r(null)));
    await Promise.all(els.map((e) => e.updateComplete));
  });
}

interface Geometry {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

function histogramGeometry(page: Page): Promise<Geometry> {
  return page.evaluate(() => {
    const svg = document.querySelector('sweep-histogram')!.shadowRoot!.querySelector('svg.plot') as SVGSVGElement;
    svg.scrollIntoView({ block: 'center' });
    const box = svg.getBoundingClientRect();
    const n = (k: string): number => Number(svg.dataset[k]);
    return { left: box.left + n('left'), right: box.left + n('right'), top: box.top + n('top'), bottom: box.top + n('bottom') };
  });
}

/** A real mouse drag on the histogram from `from` to `to` (fractions of its axis), in 6 steps; then waits for the views. */
async function brushHistogram(page: Page, from: number, to: number): Promise<void> {
  const g = await histogramGeometry(page);
  const y = (g.top + g.bottom) / 2;
  await page.mouse.move(g.left + from * (g.right - g.left), y);
  await page.mouse.down();
  await page.mouse.move(g.left + to * (g.right - g.left), y, { steps: 6 });
  await page.mouse.up();
  await settle(page);
}

interface Cell {
  a: string;
  oa: string;
  b: string;
  ob: string;
  count: string | null;
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Matrix cells (from its shadow DOM): parameters, options, the count drawn, and the box. */
function matrixCells(page: Page): Promise<Cell[]> {
  return page.evaluate(() =>
    [...document.querySelector('sweep-matrix')!.shadowRoot!.querySelectorAll('rect.cell')].map((e) => {
      const r = e.getBoundingClientRect();
      return {
        a: e.getAttribute('data-a')!,
        oa: e.getAttribute('data-oa')!,
        b: e.getAttribute('data-b')!,
        ob: e.getAttribute('data-ob')!,
        count: e.getAttribute('data-count'),
        x: r.x,
        y: r.y,
        w: r.width,
        h: r.height,
      };
    }),
  );
}

describe('the explorer: linked views under one coordinator', () => {
  const env = usePage(async ({ chromium, server }) => {
    const opened = await openAppPage(chromium.browser, server.origin, QUERY, { width: 1400, height: 1000 });
    await settle(opened.page);
    return opened;
  });

  it('(a) loads the views with no console error and no request outside its origin, normalized and unbrushed', async () => {
    const { page, log, server } = env.setUp();
    // One status bar for the page (the engine is said once), the views in the explorer.
    expect(await page.$$eval('sweep-status', (els) => els.length)).toBe(1);
    expect(await page.$('#status'), 'no second engine line').toBeNull();
    for (const tag of ['sweep-filters', 'sweep-histogram', 'sweep-matrix', 'sweep-trellis', 'sweep-parallel', 'sweep-table'])
      expect(await page.$(`#explorer ${tag}`), tag).not.toBeNull();
    const s = await viewState(page);
    expect(s.normalize).toBe(true);
    expect(s.range).toBeNull();
    expect(s.where).toEqual({});
    const r = (await lastResult(page))!;
    expect(r.rows).toBe(100_000);
    expect(r.selected).toBe(r.baseline);
    expect(await page.$eval('#progress', () => true).catch(() => false)).toBe(false);
    expect(await page.$eval('#error', (e) => (e as HTMLElement).hidden)).toBe(true);
    expect(log.errors).toEqual([]);
    expect(foreignRequests(log.requests, server.origin)).toEqual([]);
  });

  it('(b) a real mouse drag on the histogram brushes; the matrix shows the pair counts of that state', async () => {
    const { page, log } = env.setUp();
    const before = (await lastResult(page))!.selected;
    const g = await histogramGeometry(page);
    const y = (g.top + g.bottom) / 2;
    const from = g.left + 0.6 * (g.right - g.left);
    const to = g.left + 0.9 * (g.right - g.left);
    await page.mouse.move(from, y);
    await page.mouse.down();
    for (let i = 1; i <= 8; i++) {
      await page.mouse.move(from + ((to - from) * i) / 8, y);
      await sleep(20);
    }
    await page.mouse.up();
    await settle(page);
    const s = await viewState(page);
    expect(s.range).not.toBeNull();
    expect(s.range![0]).toBeGreaterThan(0.5);
    expect(s.range![1]).toBeLessThan(0.95);
    expect(new URL(page.url()).searchParams.get('range')).toBe(`${s.range![0]},${s.range![1]}`);
    const r = (await lastResult(page))!;
    expect(r.selected).not.toBe(before);
    expect(r.selected).toBeLessThan(r.baseline);

    const expected = await page.evaluate((q) => window.sweepscope.query(q), specOf(s));
    expect(expected.selected).toBe(r.selected);
    const cells = (await matrixCells(page)).filter((c) => c.count !== null && c.count !== '' && c.a !== c.b);
    expect(cells.length).toBeGreaterThan(100);
    for (const c of [cells[0], cells[Math.floor(cells.length / 3)], cells[Math.floor((2 * cells.length) / 3)], cells.at(-1)!])
      expect(Number(c.count), `${c.a}=${c.oa} × ${c.b}=${c.ob}`).toBe(expected.pairCounts[c.a][c.b][c.oa][c.ob]);
    expect(log.errors).toEqual([]);
  });

  it('(b2) the views follow the brush while it is dragged, before the button is released', async () => {
    const { chromium, server } = env.setUp();
    // A million trainings: a query then takes longer than the gap between two mouse moves, so
    // every answer arrives after a newer query was asked for; the views must show it anyway.
    const { page, log } = await openAppPage(chromium.browser, server.origin, '?rows=1000000&seed=4&engine=cpu', { width: 1400, height: 1000 });
    try {
      await settle(page);
      const g = await histogramGeometry(page);
      const y = (g.top + g.bottom) / 2;
      const x = (f: number): number => g.left + f * (g.right - g.left);
      // Count the distinct answers the views are handed while the button is down.
      await page.evaluate(() => {
        const w = window as unknown as { __seen: number; __watch: boolean };
        w.__seen = 0;
        w.__watch = true;
        let last = window.sweepscope.lastResult;
        const tick = (): void => {
          if (window.sweepscope.lastResult !== last) w.__seen++;
          last = window.sweepscope.lastResult;
          if (w.__watch) requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      });
      await page.mouse.move(x(0.2), y);
      await page.mouse.down();
      for (let i = 1; i <= 150; i++) {
        await page.mouse.move(x(0.2 + (0.6 * i) / 150), y);
        await sleep(10);
      }
      const seen = await page.evaluate(() => (window as unknown as { __seen: number }).__seen);
      await page.mouse.up();
      await page.evaluate(() => ((window as unknown as { __watch: boolean }).__watch = false));
      await settle(page);
      expect(seen, 'answers shown while the brush was held').toBeGreaterThanOrEqual(3);
      const s = await viewState(page);
      expect(s.range![0]).toBeCloseTo(0.2, 1);
      expect(s.range![1]).toBeCloseTo(0.8, 1);
      expect(log.errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('(c) a matrix click filters; the trellis follows its selects; the switch changes the histogram axis', async () => {
    const { page, log } = env.setUp();
    const baselineBefore = (await lastResult(page))!.baseline;
    const cells = (await matrixCells(page)).filter((c) => c.a === 'optimizer' && c.b !== 'optimizer' && Number(c.count) > 0);
    expect(cells.length).toBeGreaterThan(0);
    const target = cells[0];
    await page.evaluate(
      (t) => {
        const el = [...document.querySelector('sweep-matrix')!.shadowRoot!.querySelectorAll('rect.cell')].find(
          (e) => e.getAttribute('data-a') === t.a && e.getAttribute('data-oa') === t.oa && e.getAttribute('data-b') === t.b && e.getAttribute('data-ob') === t.ob,
        )!;
        el.scrollIntoView({ block: 'center', inline: 'center' });
      },
      target,
    );
    const box = (await matrixCells(page)).find((c) => c.a === target.a && c.oa === target.oa && c.b === target.b && c.ob === target.ob)!;
    await page.mouse.click(box.x + box.w / 2, box.y + box.h / 2);
    await settle(page);
    const s = await viewState(page);
    expect(s.where[target.a]).toEqual([target.oa]);
    expect(s.where[target.b]).toEqual([target.ob]);
    expect(new URL(page.url()).searchParams.get('where')).toContain(`${target.a}:${target.oa}`);
    const r = (await lastResult(page))!;
    expect(r.baseline).toBeLessThan(baselineBefore);
    const pressed = await page.evaluate(
      (p) =>
        [...document.querySelector('sweep-filters')!.shadowRoot!.querySelectorAll(`[data-param="${p}"] button.opt`)].map((b) => [
          b.getAttribute('data-option'),
          b.getAttribute('aria-pressed'),
        ]),
      target.a,
    );
    expect(pressed.filter(([, on]) => on === 'true').map(([o]) => o)).toEqual([target.oa]);
    expect(pressed.length).toBeGreaterThan(1);

    // Trellis: a new primary through its select → one panel per option of it.
    const primary = 'optimizer';
    await page.evaluate(() => {
      const sel = document.querySelector('sweep-trellis')!.shadowRoot!.querySelector('select[name="primary"]') as HTMLSelectElement;
      sel.scrollIntoView({ block: 'center' });
    });
    const sel = await page.evaluateHandle(() => document.querySelector('sweep-trellis')!.shadowRoot!.querySelector('select[name="primary"]') as HTMLSelectElement);
    await sel.select(primary);
    await settle(page);
    expect((await viewState(page)).primary).toBe(primary);
    expect(new URL(page.url()).searchParams.get('primary')).toBe(primary);
    const options = (await lastResult(page))!.params.find((p) => p.name === primary)!.options;
    const panels = await page.evaluate(() => document.querySelector('sweep-trellis')!.shadowRoot!.querySelectorAll('g.panel').length);
    expect(panels).toBe(options.length);
    const sec = await page.evaluateHandle(() => document.querySelector('sweep-trellis')!.shadowRoot!.querySelector('select[name="secondary"]') as HTMLSelectElement);
    await sec.select('activation');
    await settle(page);
    expect((await viewState(page)).secondary).toBe('activation');
    expect((await lastResult(page))!.secondary).toBe('activation');

    // The normalization switch: raw edges span the metric, normalized ones 0..1.
    const edges = async (): Promise<[number, number]> => {
      const e = (await lastResult(page))!.histogram.edges;
      return [e[0], e[e.length - 1]];
    };
    expect(await edges()).toEqual([0, 1]);
    await page.evaluate(() => (document.querySelector('sweep-histogram')!.shadowRoot!.querySelector('button[data-normalize="false"]') as HTMLElement).scrollIntoView());
    const raw = await page.evaluateHandle(() => document.querySelector('sweep-histogram')!.shadowRoot!.querySelector('button[data-normalize="false"]') as HTMLElement);
    await raw.click();
    await settle(page);
    expect((await viewState(page)).normalize).toBe(false);
    expect(new URL(page.url()).searchParams.get('norm')).toBe('0');
    const [lo, hi] = await edges();
    expect([lo, hi]).not.toEqual([0, 1]);
    expect(hi).toBeGreaterThan(lo);
    expect(await page.evaluate(() => document.querySelector('sweep-histogram')!.shadowRoot!.querySelector('button[data-normalize="false"]')!.getAttribute('aria-pressed'))).toBe('true');
    expect(log.errors).toEqual([]);
  });

  it('(d) reloading the copied address restores the same state and selection', async () => {
    const { page, log } = env.setUp();
    // A brush on the raw axis too, so the address carries every part of the state.
    await brushHistogram(page, 0.3, 0.5);
    const state = await viewState(page);
    const selected = (await lastResult(page))!.selected;
    expect(state.range).not.toBeNull();
    const address = page.url();
    await page.goto(address, { waitUntil: 'load' });
    await page.waitForFunction(() => 'sweepscope' in window);
    await page.evaluate(() => window.sweepscope.ready);
    await settle(page);
    expect(page.url()).toBe(address);
    expect(await viewState(page)).toEqual(state);
    expect((await lastResult(page))!.selected).toBe(selected);
    expect(await page.$eval('#error', (e) => (e as HTMLElement).hidden)).toBe(true);
    expect(log.errors).toEqual([]);
  });

  it('(e) every view draws something (screenshots in test-artifacts/explorer-<view>.png)', async () => {
    const { page, log } = env.setUp();
    // A brush over the top of the raw axis, so the selection is not empty in the pictures.
    await brushHistogram(page, 0.8, 0.995);
    expect((await lastResult(page))!.selected).toBeGreaterThan(0);
    await page.evaluate(() => window.scrollTo(0, 0));
    const views = await page.evaluate(() =>
      [...document.querySelectorAll('sweep-status, #explorer [data-panel] > *')]
        .map((e) => e.tagName.toLowerCase())
        .filter((t) => t.startsWith('sweep-')),
    );
    for (const tag of ['sweep-status', 'sweep-filters', 'sweep-histogram', 'sweep-matrix', 'sweep-trellis']) expect(views).toContain(tag);
    for (const tag of new Set(views)) {
      const el = (await page.$(tag))!;
      const box = await el.boundingBox();
      if (!box || box.width < 1 || box.height < 1) {
        expect(['sweep-parallel', 'sweep-table'], `${tag} has no size`).toContain(tag);
        continue;
      }
      await saveScreenshot(el, `explorer-${tag.replace('sweep-', '')}`, { ink: 0.01, colours: tag === 'sweep-status' ? 4 : 8, label: tag });
    }
    await saveScreenshot(page, 'explorer-page');
    // The whole page at 1920x1080 in the dark theme, for the eye (the views follow the system's scheme).
    await page.setViewport({ width: 1920, height: 1080 });
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'dark' }]);
    try {
      await settle(page);
      const bg = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
      expect(bg).toBe('rgb(20, 24, 30)');
      await saveScreenshot(page, 'explorer-page-1920x1080-dark', { ink: 0.01, colours: 8, label: 'dark page' }, { fullPage: true });
      // The WebGL lines are redrawn on the dark ground too (the canvas is not styled by CSS).
      await page.evaluate(() => document.querySelector('sweep-parallel')!.whenIdle());
      const lines = await saveScreenshot((await page.$('sweep-parallel'))!, 'explorer-parallel-dark');
      let light = 0;
      for (let i = 0; i < lines.rgba.length; i += 4) if (lines.rgba[i] + lines.rgba[i + 1] + lines.rgba[i + 2] > 600) light++;
      expect(light / (lines.width * lines.height), 'share of near-white pixels in the dark parallel view').toBeLessThan(0.05);
    } finally {
      await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'light' }]);
      await page.setViewport({ width: 1400, height: 1000 });
    }
    expect(log.errors).toEqual([]);
  });

  it('reports a malformed or unfitting address state as one message and shows the default view', async () => {
    const { chromium, server } = env.setUp();
    const open = async (q: string): Promise<{ error: string; state: ViewState; p: Page; errors: string[] }> => {
      const { page: p, log: l } = await openAppPage(chromium.browser, server.origin, q);
      await settle(p);
      const error = await p.$eval('#error', (e) => ((e as HTMLElement).hidden ? '' : (e.textContent ?? '')));
      return { error, state: await viewState(p), p, errors: l.errors };
    };
    const bad = await open('?engine=cpu&rows=20000&norm=maybe&bins=7');
    expect(bad.error).toMatch(/norm must be 1 or 0, not 'maybe'/);
    expect(bad.state.normalize).toBe(true);
    expect(bad.state.bins).toBe(7);
    expect((await lastResult(bad.p))!.histogram.edges.length).toBe(8);
    expect(bad.errors).toEqual([]);
    await bad.p.close();
    const unfit = await open('?engine=cpu&rows=20000&where=optimizer:adamw');
    expect(unfit.error).toMatch(/unknown option 'adamw' for parameter 'optimizer'.*reset/);
    expect(unfit.state.where).toEqual({});
    expect(new URL(unfit.p.url()).searchParams.get('where')).toBeNull();
    expect((await lastResult(unfit.p))!.rows).toBe(20_000);
    expect(unfit.errors).toEqual([]);
    await unfit.p.close();
  });

  it('runs the views on the WebGPU engine (SwiftShader without a GPU)', async () => {
    const { chromium, server } = env.setUp();
    const { page: p, log: l } = await openAppPage(chromium.browser, server.origin, '?engine=webgpu&rows=20000&range=0.5,0.9', { width: 1400, height: 1000 });
    try {
      await settle(p);
      expect(await p.evaluate(() => window.sweepscope.engine.kind)).toBe('webgpu');
      const s = await viewState(p);
      expect(s.range).toEqual([0.5, 0.9]);
      const r = (await lastResult(p))!;
      const cpuCheck = await p.evaluate((q) => window.sweepscope.query(q), specOf(s));
      expect(r.selected).toBe(cpuCheck.selected);
      expect(r.selected).toBeGreaterThan(0);
      expect(r.selected).toBeLessThan(r.baseline);
      const cells = (await matrixCells(p)).filter((c) => c.count !== null && c.count !== '' && c.a !== c.b);
      expect(cells.length).toBeGreaterThan(100);
      const c = cells[7];
      expect(Number(c.count)).toBe(r.pairCounts[c.a][c.b][c.oa][c.ob]);
      const status = await p.evaluate(() => document.querySelector('sweep-status')!.shadowRoot!.textContent!.replace(/\s+/g, ' '));
      expect(status).toMatch(/WebGPU/);
      expect(l.errors).toEqual([]);
    } finally {
      await p.close();
    }
  });
});
