/**
 * <sweep-matrix> and <sweep-trellis> in headless Chromium, fed with real
 * aggregates computed in Node (tests/browser/views-matrix.html mounts them;
 * it runs no queries and records every view-change). Fails, never skips,
 * without Chromium. Screenshots go to test-artifacts/views-*.png.
 */

import { describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { InlineCpuEngine } from '../../src/engine/cpu-engine.js';
import type { AggregateJson, TrellisCell } from '../../src/engine/output.js';
import { Session } from '../../src/engine/session.js';
import type { Param, Sweep } from '../../src/model/sweep.js';
import { generateNwsSweep } from '../../src/synth/nws.js';
import { DEFAULT_VIEW_STATE, type ViewState } from '../../src/views/view-state.js';
import { rng } from '../random-sweep.js';
import { openTestPage } from './harness.js';
import { savePng, saveScreenshot, usePage } from './setup.js';

const ROWS = 50_000;
const SEED = 2;
/** Options of the synthetic sweep: 5+4+2+3+4+4+16+3+3+3+3+3. */
const OPTIONS = 53;

const STATE: ViewState = { ...DEFAULT_VIEW_STATE, range: [0.9, 1], matrixEncoding: 'count' };

interface CellInfo {
  count: string | null;
  fill: string | null;
  x: number;
  y: number;
  w: number;
  h: number;
}

function rgb(fill: string): [number, number, number] {
  const m = /rgb\((\d+),\s*(\d+),\s*(\d+)\)/.exec(fill);
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3])];
  const h = /^#([0-9a-f]{6})$/i.exec(fill);
  if (h) {
    const n = parseInt(h[1], 16);
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  }
  throw new Error(`not a colour: ${fill}`);
}

/** Relative luminance (sRGB), 0 = black. */
function luminance(fill: string): number {
  const [r, g, b] = rgb(fill).map((v) => {
    const c = v / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** A cell of the matrix: its data-count, fill and box in page coordinates. */
function cell(page: Page, a: string, oa: string, b: string, ob: string): Promise<CellInfo | null> {
  return page.evaluate(
    (a, oa, b, ob) => {
      const root = document.querySelector('sweep-matrix')!.shadowRoot!;
      const el = [...root.querySelectorAll('rect.cell')].find(
        (e) => e.getAttribute('data-a') === a && e.getAttribute('data-oa') === oa && e.getAttribute('data-b') === b && e.getAttribute('data-ob') === ob,
      );
      if (!el) return null;
      const r = el.getBoundingClientRect();
      return { count: el.getAttribute('data-count'), fill: el.getAttribute('fill'), x: r.x, y: r.y, w: r.width, h: r.height };
    },
    a,
    oa,
    b,
    ob,
  );
}

function lastEvent(page: Page): Promise<Partial<ViewState> | undefined> {
  return page.evaluate(() => window.viewsMatrix.events.at(-1));
}

function eventCount(page: Page): Promise<number> {
  return page.evaluate(() => window.viewsMatrix.events.length);
}

/** The view's tooltip text, once the view has rendered what it was last told (views render in a task of their own). */
function tooltipText(page: Page, view: 'sweep-matrix' | 'sweep-trellis'): Promise<string | null> {
  return page.evaluate(async (v) => {
    const el = document.querySelector(v)!;
    await el.updateComplete;
    return el.shadowRoot!.querySelector('.tooltip')?.textContent?.replace(/\s+/g, ' ') ?? null;
  }, view);
}

/** Non-null trellis means of one panel (times secondary options), as the view should draw them. */
function expectedDots(json: AggregateJson, panel: string): number {
  let n = 0;
  for (const p of json.params)
    for (const o of p.options) {
      const v = json.trellis[p.name][o][panel];
      if (json.secondary) n += Object.values(v as Record<string, TrellisCell>).filter((c) => c.mean !== null).length;
      else if ((v as TrellisCell).mean !== null) n++;
    }
  return n;
}

/** A sweep with a 255-option parameter: the matrix must switch to its canvas. */
function wideSweep(rows: number): Sweep {
  const r = rng(7);
  const spec: [string, number][] = [
    ['model', 255],
    ['optimizer', 3],
    ['seed', 4],
  ];
  const params: Param[] = spec.map(([name, card]) => {
    const codes = new Uint8Array(rows);
    for (let i = 0; i < rows; i++) codes[i] = Math.floor(r() * card);
    return { name, labels: Array.from({ length: card }, (_, o) => `${name[0]}${o}`), codes, kind: 'categorical' };
  });
  const values = new Float32Array(rows);
  for (let i = 0; i < rows; i++) values[i] = 0.5 + 0.3 * (params[0].codes[i] / 255) + 0.2 * r();
  return { rows, params, metrics: [{ name: 'accuracy', values }], group: 1 };
}

describe('the matrix and trellis views in Chromium', () => {
  let json: AggregateJson;
  let plain: AggregateJson;

  const env = usePage(({ chromium, server }) => openTestPage(chromium.browser, server.origin, 'views-matrix.html', 'viewsMatrix', { width: 1280, height: 800 }), {
    async prepare() {
      const session = await Session.open(generateNwsSweep(ROWS, SEED), new InlineCpuEngine());
      json = (await session.query({ normalize: true, range: [0.9, 1], secondary: 'optimizer' })).json;
      plain = (await session.query({ normalize: true, range: [0.9, 1] })).json;
    },
    ready: () => show(json, STATE),
  });

  async function show(result: AggregateJson | null, state: ViewState): Promise<void> {
    await env.page.evaluate((j, s) => window.viewsMatrix.setResult(j, s), result as AggregateJson, state);
  }

  it('draws one cell per option pair, with the JSON counts, grouped and labelled by parameter', async () => {
    const { page } = env.setUp();
    const stats = await page.evaluate(() => {
      const root = document.querySelector('sweep-matrix')!.shadowRoot!;
      const cells = [...root.querySelectorAll('rect.cell')];
      const label = root.querySelector('text.option-label');
      const one = cells[0].getBoundingClientRect();
      return {
        cells: cells.length,
        fills: cells.map((c) => [c.getAttribute('data-a'), c.getAttribute('data-b'), c.getAttribute('data-count'), c.getAttribute('fill')]),
        paramLabels: root.querySelectorAll('text.param-label').length,
        optionLabels: root.querySelectorAll('text.option-label').length,
        fontSize: label ? parseFloat(getComputedStyle(label).fontSize) : 0,
        cellSize: one.width,
        svgW: root.querySelector('svg')!.getBoundingClientRect().width,
      };
    });
    expect(json.params.reduce((s, p) => s + p.options.length, 0)).toBe(OPTIONS);
    expect(stats.cells).toBe(OPTIONS * OPTIONS);
    expect(stats.paramLabels).toBe(2 * 12);
    expect(stats.optionLabels).toBe(2 * OPTIONS);
    // Legible at 1280 x 800.
    expect(stats.fontSize).toBeGreaterThanOrEqual(9);
    expect(stats.cellSize).toBeGreaterThanOrEqual(9);
    expect(stats.svgW).toBe(1280);

    const pc = json.pairCounts;
    const checks: [string, string, string, string, number][] = [
      ['initialization', 'glorot_normal', 'optimizer', 'adam', pc.initialization.optimizer.glorot_normal.adam],
      ['optimizer', 'adam', 'initialization', 'glorot_normal', pc.initialization.optimizer.glorot_normal.adam],
      ['dataset', 'stl10', 'batch_size', '256', pc.dataset.batch_size.stl10['256']],
      ['learning_rate', json.params[6].options[3], 'fc_width', '192', pc.learning_rate.fc_width[json.params[6].options[3]]['192']],
      ['fc_width', '64', 'fc_width', '64', json.optionCounts.fc_width['64']],
      ['augmentation', 'on', 'augmentation', 'on', json.optionCounts.augmentation.on],
      ['activation', 'sigmoid', 'initialization', 'constant', pc.activation.initialization.sigmoid.constant],
    ];
    for (const [a, oa, b, ob, want] of checks) {
      const c = await cell(page, a, oa, b, ob);
      expect(c, `${a}=${oa} x ${b}=${ob}`).not.toBeNull();
      expect(Number(c!.count), `${a}=${oa} x ${b}=${ob}`).toBe(want);
    }
    // Two options of one parameter never meet: n/a, no count.
    expect((await cell(page, 'optimizer', 'adam', 'optimizer', 'rmsprop'))!.count).toBe('');

    // The largest off-diagonal count has the darkest colour.
    let max = -1;
    let maxFill = '';
    for (const [a, b, count, fill] of stats.fills)
      if (a !== b && Number(count) > max) {
        max = Number(count);
        maxFill = fill!;
      }
    const darkest = Math.min(...stats.fills.map((f) => luminance(f[3]!)));
    expect(luminance(maxFill)).toBeLessThanOrEqual(darkest + 1e-9);
    expect(luminance(maxFill)).toBeLessThan(0.05);
    const legend = await page.evaluate(() => document.querySelector('sweep-matrix')!.shadowRoot!.querySelector('g.legend')!.getAttribute('data-scale'));
    expect(legend).toBe('sequential');
  });

  it('switches encodings: share, and lift on a diverging scale centred at 1', async () => {
    const { page } = env.setUp();
    const before = await eventCount(page);
    const liftButton = await page.$('sweep-matrix >>> button[data-encoding="lift"]');
    await liftButton!.click();
    expect(await eventCount(page)).toBe(before + 1);
    expect(await lastEvent(page)).toEqual({ matrixEncoding: 'lift' });

    await show(json, { ...STATE, matrixEncoding: 'share' });
    const shareLabels = await page.$$eval('sweep-matrix >>> text.legend-label', (ts) => ts.map((t) => t.textContent));
    expect(shareLabels.every((t) => t?.endsWith('%'))).toBe(true);

    await show(json, { ...STATE, matrixEncoding: 'lift' });
    const legend = await page.evaluate(() => {
      const g = document.querySelector('sweep-matrix')!.shadowRoot!.querySelector('g.legend')!;
      return {
        scale: g.getAttribute('data-scale'),
        labels: [...g.querySelectorAll('text.legend-label')].map((t) => t.textContent),
        steps: [...g.querySelectorAll('rect.legend-step')].map((r) => r.getAttribute('fill')!),
      };
    });
    expect(legend.scale).toBe('diverging');
    expect(legend.labels).toContain('1×');
    const [bottom, top] = [rgb(legend.steps[0]), rgb(legend.steps.at(-1)!)];
    expect(bottom[0]).toBeGreaterThan(bottom[2] + 50); // red below 1
    expect(top[2]).toBeGreaterThan(top[0] + 50); // blue above 1

    const lift = (a: string, oa: string, b: string, ob: string): number =>
      json.pairCounts[a][b][oa][ob] / json.selected / (json.baselinePairCounts[a][b][oa][ob] / json.baseline);
    expect(lift('initialization', 'glorot_normal', 'optimizer', 'adam')).toBeGreaterThan(1.2);
    const over = rgb((await cell(page, 'initialization', 'glorot_normal', 'optimizer', 'adam'))!.fill!);
    expect(over[2]).toBeGreaterThan(over[0] + 30);
    for (const o of ['adam', 'rmsprop', 'sgd_momentum']) {
      expect(lift('initialization', 'constant', 'optimizer', o)).toBeLessThan(0.8);
      const under = rgb((await cell(page, 'initialization', 'constant', 'optimizer', o))!.fill!);
      expect(under[0]).toBeGreaterThan(under[2] + 30);
    }
    const hot = (await cell(page, 'initialization', 'glorot_normal', 'optimizer', 'adam'))!;
    await page.mouse.move(hot.x + hot.w / 2, hot.y + hot.h / 2);
    await saveScreenshot((await page.$('#matrix-box'))!, 'views-matrix-lift');
    await page.mouse.move(1, 1);
    await show(json, STATE);
  });

  it('hover shows the numbers; a click filters to the pair, Shift-click adds to the filter', async () => {
    const { page } = env.setUp();
    const c = (await cell(page, 'initialization', 'glorot_normal', 'optimizer', 'adam'))!;
    await page.mouse.move(c.x + c.w / 2, c.y + c.h / 2);
    await page.waitForFunction(() => document.querySelector('sweep-matrix')!.shadowRoot!.querySelector('.tooltip') !== null);
    const tip = (await tooltipText(page, 'sweep-matrix'))!;
    const count = json.pairCounts.initialization.optimizer.glorot_normal.adam;
    const base = json.baselinePairCounts.initialization.optimizer.glorot_normal.adam;
    expect(tip).toContain('initialization = glorot_normal');
    expect(tip).toContain('optimizer = adam');
    expect(tip).toContain(count.toLocaleString('en-US'));
    expect(tip).toContain(`${((100 * count) / json.selected).toFixed(1)}%`);
    expect(tip).toContain(`${(count / json.selected / (base / json.baseline)).toFixed(2)}×`);

    const before = await eventCount(page);
    await page.mouse.click(c.x + c.w / 2, c.y + c.h / 2);
    expect(await eventCount(page)).toBe(before + 1);
    expect(await lastEvent(page)).toEqual({ where: { initialization: ['glorot_normal'], optimizer: ['adam'] } });

    // Other parameters' filters are kept; Shift adds the pair's options.
    const filtered: ViewState = { ...STATE, where: { dataset: ['mnist'], initialization: ['glorot_normal'], optimizer: ['adam'] } };
    await show(json, filtered);
    const d = (await cell(page, 'optimizer', 'rmsprop', 'initialization', 'glorot_uniform'))!;
    await page.keyboard.down('Shift');
    await page.mouse.click(d.x + d.w / 2, d.y + d.h / 2);
    await page.keyboard.up('Shift');
    expect(await lastEvent(page)).toEqual({
      where: { dataset: ['mnist'], initialization: ['glorot_uniform', 'glorot_normal'], optimizer: ['adam', 'rmsprop'] },
    });
    await page.mouse.click(d.x + d.w / 2, d.y + d.h / 2);
    expect(await lastEvent(page)).toEqual({ where: { dataset: ['mnist'], initialization: ['glorot_uniform'], optimizer: ['rmsprop'] } });
    // A diagonal cell filters its one parameter.
    const g = (await cell(page, 'batch_size', '64', 'batch_size', '64'))!;
    await page.mouse.click(g.x + g.w / 2, g.y + g.h / 2);
    expect(await lastEvent(page)).toEqual({ where: { ...filtered.where, batch_size: ['64'] } });
    await page.mouse.move(1, 1);
    await show(json, STATE);
  });

  it('is keyboard operable: Tab reaches the cells, arrows and Page keys move, Enter filters, Shift+Enter adds, Escape leaves', async () => {
    const { page } = env.setUp();
    await page.mouse.move(1, 1);
    await show(json, STATE);
    const focusedIsMatrix = (): Promise<boolean> =>
      page.evaluate(() => document.querySelector('sweep-matrix')!.shadowRoot!.activeElement?.tagName.toLowerCase() === 'svg');
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    let tabs = 0;
    while (!(await focusedIsMatrix()) && tabs < 40) {
      await page.keyboard.press('Tab');
      tabs++;
    }
    expect(await focusedIsMatrix(), 'Tab reaches the matrix').toBe(true);
    // The first cell is shown at once.
    expect(await tooltipText(page, 'sweep-matrix')).toContain('dataset = mnist');
    // Rows: five parameters down (dataset, batch_size, augmentation, optimizer, activation → initialization),
    // then three options down (constant, random_normal, glorot_uniform → glorot_normal); columns: three parameters right.
    for (let k = 0; k < 5; k++) await page.keyboard.press('PageDown');
    for (let k = 0; k < 3; k++) await page.keyboard.press('ArrowDown');
    await page.keyboard.down('Shift');
    for (let k = 0; k < 3; k++) await page.keyboard.press('PageDown');
    await page.keyboard.up('Shift');
    const tip = (await tooltipText(page, 'sweep-matrix'))!;
    const count = json.pairCounts.initialization.optimizer.glorot_normal.adam;
    expect(tip).toContain('initialization = glorot_normal');
    expect(tip).toContain('optimizer = adam');
    expect(tip).toContain(count.toLocaleString('en-US'));
    const spoken = await page.evaluate(async () => {
      const m = document.querySelector('sweep-matrix')!;
      await m.updateComplete;
      return m.shadowRoot!.querySelector('[aria-live]')!.textContent;
    });
    expect(spoken).toBe(
      `initialization glorot_normal and optimizer adam: ${count.toLocaleString('en-US')} trainings, ${((100 * count) / json.selected).toFixed(1)}% of the selection, lift ${(count / json.selected / (json.baselinePairCounts.initialization.optimizer.glorot_normal.adam / json.baseline)).toFixed(2)}×`,
    );
    const before = await eventCount(page);
    await page.keyboard.press('Enter');
    expect(await eventCount(page)).toBe(before + 1);
    expect(await lastEvent(page)).toEqual({ where: { initialization: ['glorot_normal'], optimizer: ['adam'] } });
    // The cell stays under the keyboard when the state changes; one to the right is rmsprop.
    await show(json, { ...STATE, where: { initialization: ['glorot_normal'], optimizer: ['adam'] } });
    await page.keyboard.press('ArrowRight');
    expect(await tooltipText(page, 'sweep-matrix')).toContain('optimizer = rmsprop');
    await page.keyboard.down('Shift');
    await page.keyboard.press('Enter');
    await page.keyboard.up('Shift');
    expect(await lastEvent(page)).toEqual({ where: { initialization: ['glorot_normal'], optimizer: ['adam', 'rmsprop'] } });
    await page.keyboard.press('Escape');
    expect(await tooltipText(page, 'sweep-matrix')).toBeNull();
    expect(await focusedIsMatrix()).toBe(false);
    await show(json, STATE);
  });

  it('trellis: a panel per primary option, a dot per option and secondary option, at its mean; menus dispatch', async () => {
    const { page } = env.setUp();
    const panels = await page.$$eval('sweep-trellis >>> g.panel', (ps) =>
      ps.map((p) => ({
        panel: p.getAttribute('data-panel')!,
        dots: [...p.querySelectorAll('.dot')].map((d) => {
          const r = d.getBoundingClientRect();
          return { mean: Number(d.getAttribute('data-mean')), cx: r.x + r.width / 2, param: d.getAttribute('data-param'), option: d.getAttribute('data-option'), secondary: d.getAttribute('data-secondary') };
        }),
      })),
    );
    expect(json.primary).toBe('dataset');
    expect(panels.map((p) => p.panel)).toEqual(json.params[0].options);
    for (const p of panels) {
      expect(p.dots.length, p.panel).toBe(expectedDots(json, p.panel));
      expect(p.dots.length).toBeGreaterThan(OPTIONS);
      // x follows the mean: sorted by mean, the centres never go left.
      const sorted = [...p.dots].sort((a, b) => a.mean - b.mean);
      for (let k = 1; k < sorted.length; k++) expect(sorted[k].cx).toBeGreaterThanOrEqual(sorted[k - 1].cx - 0.01);
      expect(sorted.at(-1)!.cx - sorted[0].cx).toBeGreaterThan(50);
    }
    // A dot's mean is the JSON's.
    const dot = panels[1].dots.find((d) => d.param === 'activation' && d.option === 'sigmoid' && d.secondary === 'sgd_momentum')!;
    const want = (json.trellis.activation.sigmoid[panels[1].panel] as Record<string, TrellisCell>).sgd_momentum.mean;
    expect(dot.mean).toBeCloseTo(want!, 12);
    // Secondary legend: one entry per optimizer.
    expect(await page.$$eval('sweep-trellis >>> g.legend-item', (e) => e.map((x) => x.getAttribute('data-option')))).toEqual(json.params[3].options);

    const primary = await page.$('sweep-trellis >>> select[name="primary"]');
    await primary!.select('optimizer');
    expect(await lastEvent(page)).toEqual({ primary: 'optimizer' });
    const secondary = await page.$('sweep-trellis >>> select[name="secondary"]');
    await secondary!.select('activation');
    expect(await lastEvent(page)).toEqual({ secondary: 'activation' });
    await secondary!.select('');
    expect(await lastEvent(page)).toEqual({ secondary: null });

    // Without a secondary: one dot per option with data, no legend.
    await show(plain, { ...STATE, secondary: null });
    const counts = await page.$$eval('sweep-trellis >>> g.panel', (ps) => ps.map((p) => p.querySelectorAll('.dot').length));
    expect(counts).toEqual(plain.params[0].options.map((o) => expectedDots(plain, o)));
    expect(counts[0]).toBe(OPTIONS - 4); // the other four datasets have no trainings in the mnist panel
    expect(await page.$$eval('sweep-trellis >>> g.legend-item', (e) => e.length)).toBe(0);

    // Hovering a dot shows its mean.
    const box = await page.$eval('sweep-trellis >>> .dot', (d) => {
      d.scrollIntoView({ block: 'center' });
      const r = d.getBoundingClientRect();
      return { x: r.x + r.width / 2, y: r.y + r.height / 2, mean: Number(d.getAttribute('data-mean')) };
    });
    await page.mouse.move(box.x, box.y);
    await page.waitForFunction(() => document.querySelector('sweep-trellis')!.shadowRoot!.querySelector('.tooltip') !== null);
    expect(await tooltipText(page, 'sweep-trellis')).toContain(box.mean.toFixed(4));
    await page.mouse.move(1, 1);
    await page.evaluate(() => window.scrollTo(0, 0));
    await show(json, STATE);
  });

  it('exports parseable SVG with the cells and dots, and non-empty PNGs', async () => {
    const { page } = env.setUp();
    for (const view of ['matrix', 'trellis'] as const) {
      const text = await page.evaluate((v) => window.viewsMatrix.exportView(v, 'svg'), view);
      const parsed = await page.evaluate((t) => {
        const doc = new DOMParser().parseFromString(t, 'image/svg+xml');
        return {
          error: doc.querySelector('parsererror')?.textContent ?? null,
          root: doc.documentElement.nodeName,
          cells: doc.querySelectorAll('rect.cell').length,
          dots: doc.querySelectorAll('.dot').length,
        };
      }, text);
      expect(parsed.error).toBeNull();
      expect(parsed.root).toBe('svg');
      if (view === 'matrix') expect(parsed.cells).toBe(OPTIONS * OPTIONS);
      else expect(parsed.dots).toBe(json.params[0].options.reduce((s, o) => s + expectedDots(json, o), 0));

      const png = Buffer.from(await page.evaluate((v) => window.viewsMatrix.exportView(v, 'png'), view), 'base64');
      const img = await savePng(`views-${view}-export`, png, { ink: 0.05, colours: 16 });
      expect(img.width).toBeGreaterThan(1000);
    }
  });

  it('paints a 255-option parameter on a canvas and stays interactive', async () => {
    const { page } = env.setUp();
    const session = await Session.open(wideSweep(30_000), new InlineCpuEngine());
    const wide = (await session.query({ normalize: true, range: [0.7, 1] })).json;
    const t0 = Date.now();
    await show(wide, STATE);
    const ms = Date.now() - t0;
    expect(ms).toBeLessThan(3000);
    const info = await page.evaluate(() => {
      const root = document.querySelector('sweep-matrix')!.shadowRoot!;
      const canvas = root.querySelector('canvas.cells-canvas') as HTMLCanvasElement | null;
      const r = canvas?.getBoundingClientRect();
      return {
        mode: root.querySelector('g.cells')?.getAttribute('data-mode'),
        cells: root.querySelectorAll('rect.cell').length,
        box: r ? { x: r.x, y: r.y, w: r.width, h: r.height } : null,
      };
    });
    expect(info.mode).toBe('canvas');
    expect(info.cells).toBe(0);
    expect(info.box!.w).toBeGreaterThan(400);
    // Click in the optimizer x seed block (bottom right): rows then columns are model, optimizer, seed.
    const N = 262;
    const cellPx = (info.box!.w - 2 * 3) / N;
    const x = info.box!.x + info.box!.w - cellPx * 0.5; // seed s3
    const y = info.box!.y + info.box!.h - 4 * cellPx - 3 - cellPx * 0.5; // optimizer o2
    await page.mouse.move(x, y);
    await page.waitForFunction(() => document.querySelector('sweep-matrix')!.shadowRoot!.querySelector('.tooltip') !== null);
    expect(await tooltipText(page, 'sweep-matrix')).toContain(wide.pairCounts.optimizer.seed.o2.s3.toLocaleString('en-US'));
    await page.mouse.click(x, y);
    expect(await lastEvent(page)).toEqual({ where: { optimizer: ['o2'], seed: ['s3'] } });
    const svgText = await page.evaluate(() => window.viewsMatrix.exportView('matrix', 'svg'));
    expect(svgText).toContain('<image');
    await saveScreenshot(page, 'views-matrix-255', undefined, { fullPage: false });
    await page.mouse.move(1, 1);
    await show(json, STATE);
  });

  it('renders both views legibly in light and dark (screenshots in test-artifacts/)', async () => {
    const { page, log } = env.setUp();
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
      await show(json, STATE);
      for (const view of ['matrix', 'trellis'] as const) {
        const box = (await page.$(`#${view}-box`))!;
        const suffix = scheme === 'dark' ? '-dark' : '';
        const img = await saveScreenshot(box, `views-${view}${suffix}`, { ink: view === 'matrix' ? 0.2 : 0.1, colours: 24, label: `${view} ${scheme}` });
        expect(img.width).toBe(1280);
        const bg = [img.rgba[0], img.rgba[1], img.rgba[2]];
        if (scheme === 'dark') expect(Math.max(...bg)).toBeLessThan(60);
        else expect(Math.min(...bg)).toBeGreaterThan(200);
      }
      // The largest count stands out most: darkest on light, brightest on dark.
      const fills = await page.evaluate(() =>
        [...document.querySelector('sweep-matrix')!.shadowRoot!.querySelectorAll('rect.cell')]
          .filter((c) => c.getAttribute('data-a') !== c.getAttribute('data-b'))
          .map((c) => [Number(c.getAttribute('data-count')), c.getAttribute('fill')!] as const),
      );
      const maxFill = fills.reduce((best, f) => (f[0] > best[0] ? f : best))[1];
      const lums = fills.map((f) => luminance(f[1]));
      if (scheme === 'dark') expect(luminance(maxFill)).toBeGreaterThanOrEqual(Math.max(...lums) - 1e-9);
      else expect(luminance(maxFill)).toBeLessThanOrEqual(Math.min(...lums) + 1e-9);
    }
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'light' }]);
    // Larger screens get larger cells.
    await page.setViewport({ width: 1920, height: 1080 });
    await show(json, STATE);
    const size = await page.$eval('sweep-matrix >>> rect.cell', (c) => c.getBoundingClientRect().width);
    expect(size).toBeGreaterThanOrEqual(14);
    await saveScreenshot((await page.$('#matrix-box'))!, 'views-matrix-1920');
    await saveScreenshot((await page.$('#trellis-box'))!, 'views-trellis-1920');
    await page.setViewport({ width: 1280, height: 800 });
    expect(log.errors).toEqual([]);
  });
});
