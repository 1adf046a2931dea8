/**
 * <sweep-matrix> in headless Chromium, fed with real aggregates computed in
 * Node (tests/browser/views-matrix.html mounts it in a box of a given size, as
 * the dashboard does; it runs no queries and records every view-change).
 * Fails, never skips, without Chromium. Screenshots go to
 * test-artifacts/views-matrix-*.png.
 */

import { describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { InlineCpuEngine } from '../../src/engine/cpu-engine.js';
import type { AggregateJson } from '../../src/engine/output.js';
import { Session } from '../../src/engine/session.js';
import type { Param, Sweep } from '../../src/model/sweep.js';
import { generateNwsSweep } from '../../src/synth/nws.js';
import { DEFAULT_VIEW_STATE, type ViewState } from '../../src/views/shared/view-state.js';
import { parseColour } from '../../src/views/shared/colour.js';
import { rng } from '../random-sweep.js';
import { openTestPage } from './harness.js';
import { savePng, saveScreenshot, usePage } from './setup.js';
import { jsonOf, wireOf } from './answer-wire.js';
import type { MatrixMeasure, TextBox } from './views-matrix.js';

const ROWS = 50_000;
const SEED = 2;
/** Options of the synthetic sweep: 5+4+2+3+4+4+16+3+3+3+3+3. */
const OPTIONS = 53;
/** The dashboard's box for the matrix at 1920 x 1080, and at 1280 x 800. */
const DASHBOARD = { width: 900, height: 600 };
const SMALL = { width: 800, height: 560 };

const STATE: ViewState = { ...DEFAULT_VIEW_STATE, range: [0.9, 1], matrixEncoding: 'count', matrixScale: 'global' };

type Cell = MatrixMeasure['cells'][number];

/** A cell's fill as [r, g, b] in 0..255, read by the views' colour parser. */
function rgb(fill: string): [number, number, number] {
  const c = parseColour(fill);
  if (!c) throw new Error(`not a colour: ${fill}`);
  return c;
}

/** Relative luminance (sRGB), 0 = black. */
function luminance(fill: string): number {
  const [r, g, b] = rgb(fill).map((v) => {
    const c = v / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** The number of cells of the lower triangle: every option pair of two different parameters, once. */
function triangleCells(json: AggregateJson): number {
  let n = 0;
  json.params.forEach((p, i) => json.params.slice(0, i).forEach((q) => (n += p.options.length * q.options.length)));
  return n;
}

/** Baseline count of an option: a row of a baseline pair table, summed. */
function baselineOption(json: AggregateJson, param: string, option: string): number {
  const other = json.params.find((p) => p.name !== param)!;
  return Object.values(json.baselinePairCounts[param][other.name][option]).reduce((s, v) => s + v, 0);
}

function measure(page: Page): Promise<MatrixMeasure> {
  return page.evaluate(() => window.viewsMatrix.measure());
}

function findCell(m: MatrixMeasure, a: string, oa: string, b: string, ob: string): Cell | undefined {
  return m.cells.find((c) => c.a === a && c.oa === oa && c.b === b && c.ob === ob);
}

function lastEvent(page: Page): Promise<Partial<ViewState> | undefined> {
  return page.evaluate(() => window.viewsMatrix.events.at(-1));
}

function eventCount(page: Page): Promise<number> {
  return page.evaluate(() => window.viewsMatrix.events.length);
}

/** The view's tooltip text, once the view has rendered what it was last told (views render in a task of their own). */
function tooltipText(page: Page): Promise<string | null> {
  return page.evaluate(async () => {
    const el = document.querySelector('sweep-matrix')!;
    await el.updateComplete;
    return el.shadowRoot!.querySelector('.tooltip')?.textContent?.replace(/\s+/g, ' ') ?? null;
  });
}

/**
 * A text's em box: its measured length, and one font size across (the
 * glyphs of a line of text lie within it; the element's box adds the font's
 * line gap, which may touch the next row's without any ink meeting).
 */
function emBox(t: TextBox): { x0: number; x1: number; y0: number; y1: number } {
  if (t.rotated) {
    const cx = t.x + t.w / 2;
    return { x0: cx - t.font / 2, x1: cx + t.font / 2, y0: t.y, y1: t.y + t.h };
  }
  const cy = t.y + t.h / 2;
  return { x0: t.x, x1: t.x + t.w, y0: cy - t.font / 2, y1: cy + t.font / 2 };
}

const meet = (a: { x0: number; x1: number; y0: number; y1: number }, b: { x0: number; x1: number; y0: number; y1: number }, slack = 0.5): boolean =>
  a.x0 < b.x1 - slack && b.x0 < a.x1 - slack && a.y0 < b.y1 - slack && b.y0 < a.y1 - slack;

/** Every problem of the labels: two overlapping, one over a cell or bar, one cut at the view's edge. */
function labelProblems(m: MatrixMeasure): string[] {
  const out: string[] = [];
  const boxes = m.texts.map(emBox);
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++)
      if (meet(boxes[i], boxes[j])) out.push(`'${m.texts[i].text}' (${m.texts[i].cls}) overlaps '${m.texts[j].text}' (${m.texts[j].cls})`);
  const marks = [...m.cells, ...m.bars.filter((b) => b.w > 0)].map((c) => ({ x0: c.x, x1: c.x + c.w, y0: c.y, y1: c.y + c.h }));
  for (const [i, b] of boxes.entries()) {
    const hit = marks.findIndex((c) => meet(b, c, 1));
    if (hit >= 0) out.push(`'${m.texts[i].text}' lies over a cell or bar`);
  }
  const svg = m.svg!;
  for (const t of m.texts) {
    const b = emBox(t);
    const [x0, x1] = [Math.min(b.x0, t.x), Math.max(b.x1, t.x + t.w)];
    if (x0 < svg.x - 0.5 || x1 > svg.x + svg.w + 0.5 || b.y0 < svg.y - 0.5 || b.y1 > svg.y + svg.h + 0.5) out.push(`'${t.text}' is cut at the edge`);
  }
  return out;
}

/** A sweep with a 255-option and a 48-option parameter: more cells than SVG takes, the matrix must switch to its canvas. */
function wideSweep(rows: number): Sweep {
  const r = rng(7);
  const spec: [string, number][] = [
    ['model', 255],
    ['optimizer', 3],
    ['width', 48],
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

describe('the matrix view in Chromium', () => {
  let json: AggregateJson;
  let wider: AggregateJson;
  let none: AggregateJson;
  let session: Session;

  const env = usePage(({ chromium, server }) => openTestPage(chromium.browser, server.origin, 'views-matrix.html', 'viewsMatrix', { width: 1320, height: 900 }), {
    async prepare() {
      session = await Session.open(generateNwsSweep(ROWS, SEED), new InlineCpuEngine());
      json = jsonOf(await session.query({ normalize: true, range: [0.9, 1] }));
      wider = jsonOf(await session.query({ normalize: true, range: [0.8, 1] }));
      none = jsonOf(await session.query({ normalize: true, range: [0.9, 1], where: { dataset: [] } }));
    },
    ready: () => show(json, STATE, DASHBOARD),
  });

  async function show(result: AggregateJson | null, state: ViewState, box?: { width: number; height: number }): Promise<void> {
    if (box) await env.page.evaluate((w, h) => window.viewsMatrix.setBox(w, h), box.width, box.height);
    await env.page.evaluate((w, s) => window.viewsMatrix.setResult(w, s), result ? wireOf(result) : null, state);
  }

  it('draws each option pair once, in the lower-left triangle, with the JSON counts', async () => {
    const { page } = env.setUp();
    await show(json, STATE, DASHBOARD);
    const m = await measure(page);
    expect(json.params.reduce((s, p) => s + p.options.length, 0)).toBe(OPTIONS);
    expect(m.cells.length).toBe(triangleCells(json));
    const order = new Map(json.params.map((p, i) => [p.name, i]));
    const seen = new Set<string>();
    for (const c of m.cells) {
      // the row's parameter comes after the column's: each pair once, never a parameter with itself
      expect(order.get(c.a)!, `${c.a} x ${c.b}`).toBeGreaterThan(order.get(c.b)!);
      const key = [`${c.a}=${c.oa}`, `${c.b}=${c.ob}`].sort().join(' x ');
      expect(seen.has(key), key).toBe(false);
      seen.add(key);
    }
    // Rows go down, columns right: a cell lies below and left of its mirror's place.
    const pc = json.pairCounts;
    const checks: [string, string, string, string, number][] = [
      ['optimizer', 'adam', 'initialization', 'glorot_normal', pc.initialization.optimizer.glorot_normal.adam],
      ['batch_size', '256', 'dataset', 'stl10', pc.dataset.batch_size.stl10['256']],
      ['learning_rate', json.params[6].options[3], 'dataset', 'svhn', pc.learning_rate.dataset[json.params[6].options[3]].svhn],
      ['fc_width', '192', 'learning_rate', json.params[6].options[15], pc.fc_width.learning_rate['192'][json.params[6].options[15]]],
      ['initialization', 'constant', 'activation', 'sigmoid', pc.activation.initialization.sigmoid.constant],
    ];
    for (const [a, oa, b, ob, want] of checks) {
      const c = findCell(m, a, oa, b, ob) ?? findCell(m, b, ob, a, oa);
      expect(c, `${a}=${oa} x ${b}=${ob}`).toBeDefined();
      expect(Number(c!.count), `${a}=${oa} x ${b}=${ob}`).toBe(want);
    }
    // Parameter names once each; every row's option label at this size.
    const names = m.texts.filter((t) => t.cls === 'param-label').map((t) => t.text);
    expect(names).toEqual(json.params.map((p) => p.name));
    expect(m.texts.filter((t) => t.cls === 'option-label row').length).toBe(OPTIONS);

    // The largest count has the darkest colour.
    const max = m.cells.reduce((best, c) => (Number(c.count) > Number(best.count) ? c : best));
    const darkest = Math.min(...m.cells.map((c) => luminance(c.fill)));
    expect(luminance(max.fill)).toBeLessThanOrEqual(darkest + 1e-9);
    expect(luminance(max.fill)).toBeLessThan(0.05);
    expect(m.legend).toMatchObject({ map: 'sequential', scale: 'global' });
    expect(m.legend!.text).toContain('one scale, all pairs');
  });

  it('puts each parameter\'s option bars on the diagonal: the selected inside all filtered', async () => {
    const { page } = env.setUp();
    await show(json, STATE, DASHBOARD);
    const m = await measure(page);
    expect(m.bars.length).toBe(2 * OPTIONS);
    const lanes: number[] = [];
    for (const p of json.params) {
      let total = 0;
      let widest = 0;
      for (const o of p.options) {
        const all = m.bars.find((b) => b.kind === 'all' && b.param === p.name && b.option === o)!;
        const sel = m.bars.find((b) => b.kind === 'sel' && b.param === p.name && b.option === o)!;
        expect(Number(sel.count), `${p.name}=${o}`).toBe(json.optionCounts[p.name][o]);
        expect(Number(all.count), `${p.name}=${o}`).toBe(baselineOption(json, p.name, o));
        expect(Number(sel.count)).toBeLessThanOrEqual(Number(all.count));
        expect(sel.w).toBeLessThanOrEqual(all.w + 0.01);
        // one zero for both, in the same row
        expect(sel.x).toBeCloseTo(all.x, 3);
        expect(sel.y).toBeCloseTo(all.y, 3);
        total += Number(all.count);
        widest = Math.max(widest, all.w);
      }
      // Every filtered training has one option of each parameter.
      expect(total).toBe(json.baseline);
      lanes.push(widest);
    }
    // Each parameter's most common option fills the same lane.
    for (const w of lanes) expect(w).toBeCloseTo(lanes[0], 0);
    expect(lanes[0]).toBeGreaterThan(30);
    // The bar sits on the diagonal: right of the row's last cell, left of the next row's bars.
    const rowCells = m.cells.filter((c) => c.a === 'optimizer' && c.oa === 'adam');
    const bar = m.bars.find((b) => b.kind === 'all' && b.param === 'optimizer' && b.option === 'adam')!;
    expect(bar.x).toBeGreaterThan(Math.max(...rowCells.map((c) => c.x + c.w)) - 0.01);
    expect(bar.y).toBeGreaterThan(rowCells[0].y - 0.01);
    expect(bar.y + bar.h).toBeLessThan(rowCells[0].y + rowCells[0].h + 0.01);
    // A bar's tooltip names the option and gives both counts.
    await page.mouse.move(bar.x + 2, bar.y + bar.h / 2);
    await page.waitForFunction(() => document.querySelector('sweep-matrix')!.shadowRoot!.querySelector('.tooltip') !== null);
    const tip = (await tooltipText(page))!;
    expect(tip).toContain('optimizer = adam');
    expect(tip).toContain(json.optionCounts.optimizer.adam.toLocaleString('en-US'));
    expect(tip).toContain(baselineOption(json, 'optimizer', 'adam').toLocaleString('en-US'));
    await page.mouse.move(1, 1);
  });

  it('scales colours per pair: each block to its own maximum, and says so', async () => {
    const { page } = env.setUp();
    await show(json, STATE, DASHBOARD);
    const global = await measure(page);
    const before = await eventCount(page);
    const pairButton = await page.$('sweep-matrix >>> button[data-scale="pair"]');
    await pairButton!.click();
    expect(await eventCount(page)).toBe(before + 1);
    expect(await lastEvent(page)).toEqual({ matrixScale: 'pair' });

    await show(json, { ...STATE, matrixScale: 'pair' });
    const pair = await measure(page);
    expect(pair.legend).toMatchObject({ map: 'sequential', scale: 'pair' });
    expect(pair.legend!.text).toContain('each block to its own maximum');
    // Blocks by pair: the smallest maximum is a learning_rate block (16 options), washed out on the global scale.
    const blocks = new Map<string, { g: Cell[]; p: Cell[] }>();
    global.cells.forEach((c, k) => {
      const key = `${c.a} x ${c.b}`;
      if (!blocks.has(key)) blocks.set(key, { g: [], p: [] });
      blocks.get(key)!.g.push(c);
      blocks.get(key)!.p.push(pair.cells[k]);
    });
    const blockMax = (cs: Cell[]): Cell => cs.reduce((best, c) => (Number(c.count) > Number(best.count) ? c : best));
    const darkest = luminance(blockMax(global.cells).fill);
    let small: { key: string; max: number } | null = null;
    for (const [key, { g, p }] of blocks) {
      // Each block's largest count takes the map's end, as the largest of all does on the global scale.
      expect(luminance(blockMax(p).fill), key).toBeCloseTo(darkest, 3);
      const max = Number(blockMax(g).count);
      if (!small || max < small.max) small = { key, max };
    }
    expect(small!.key).toContain('learning_rate');
    const { g, p } = blocks.get(small!.key)!;
    const changed = g.filter((c, k) => c.fill !== p[k].fill).length;
    expect(changed).toBeGreaterThan(g.length / 2);
    expect(luminance(blockMax(g).fill)).toBeGreaterThan(luminance(blockMax(p).fill) + 0.2);
    // The tooltip says what the block's maximum is.
    const c = blockMax(p);
    await page.mouse.move(c.x + c.w / 2, c.y + c.h / 2);
    await page.waitForFunction(() => document.querySelector('sweep-matrix')!.shadowRoot!.querySelector('.tooltip') !== null);
    expect(await tooltipText(page)).toContain(`maximum${Number(c.count).toLocaleString('en-US')}`);
    await page.mouse.move(1, 1);

    // Lift has one fixed scale: the control is off, the legend says so.
    await show(json, { ...STATE, matrixScale: 'pair', matrixEncoding: 'lift' });
    const lift = await measure(page);
    expect(lift.legend).toMatchObject({ map: 'diverging', scale: 'fixed' });
    expect(await page.$eval('sweep-matrix >>> button[data-scale="pair"]', (b) => (b as HTMLButtonElement).disabled)).toBe(true);
    await show(json, STATE);
  });

  it('switches encodings: share, and lift on a diverging scale centred at 1', async () => {
    const { page } = env.setUp();
    await show(json, STATE, DASHBOARD);
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
        map: g.getAttribute('data-map'),
        labels: [...g.querySelectorAll('text.legend-label')].map((t) => t.textContent),
        steps: [...g.querySelectorAll('rect.legend-step')].map((r) => r.getAttribute('fill')!),
      };
    });
    expect(legend.map).toBe('diverging');
    expect(legend.labels).toContain('1×');
    const [bottom, top] = [rgb(legend.steps[0]), rgb(legend.steps.at(-1)!)];
    expect(bottom[0]).toBeGreaterThan(bottom[2] + 50); // red below 1
    expect(top[2]).toBeGreaterThan(top[0] + 50); // blue above 1

    const lift = (a: string, oa: string, b: string, ob: string): number =>
      json.pairCounts[a][b][oa][ob] / json.selected / (json.baselinePairCounts[a][b][oa][ob] / json.baseline);
    const m = await measure(page);
    expect(lift('initialization', 'glorot_normal', 'optimizer', 'adam')).toBeGreaterThan(1.2);
    const over = rgb(findCell(m, 'initialization', 'glorot_normal', 'optimizer', 'adam')!.fill);
    expect(over[2]).toBeGreaterThan(over[0] + 30);
    for (const o of ['adam', 'rmsprop', 'sgd_momentum']) {
      expect(lift('initialization', 'constant', 'optimizer', o)).toBeLessThan(0.8);
      const under = rgb(findCell(m, 'initialization', 'constant', 'optimizer', o)!.fill);
      expect(under[0]).toBeGreaterThan(under[2] + 30);
    }
    const hot = findCell(m, 'initialization', 'glorot_normal', 'optimizer', 'adam')!;
    await page.mouse.move(hot.x + hot.w / 2, hot.y + hot.h / 2);
    await saveScreenshot((await page.$('#matrix-box'))!, 'views-matrix-lift');
    await page.mouse.move(1, 1);
    await show(json, STATE);
  });

  it('hover shows the numbers; a click filters to the pair, Shift-click adds to the filter', async () => {
    const { page } = env.setUp();
    await show(json, STATE, DASHBOARD);
    const c = findCell(await measure(page), 'initialization', 'glorot_normal', 'optimizer', 'adam')!;
    await page.mouse.move(c.x + c.w / 2, c.y + c.h / 2);
    await page.waitForFunction(() => document.querySelector('sweep-matrix')!.shadowRoot!.querySelector('.tooltip') !== null);
    const tip = (await tooltipText(page))!;
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
    const d = findCell(await measure(page), 'initialization', 'glorot_uniform', 'optimizer', 'rmsprop')!;
    await page.keyboard.down('Shift');
    await page.mouse.click(d.x + d.w / 2, d.y + d.h / 2);
    await page.keyboard.up('Shift');
    expect(await lastEvent(page)).toEqual({
      where: { dataset: ['mnist'], initialization: ['glorot_uniform', 'glorot_normal'], optimizer: ['adam', 'rmsprop'] },
    });
    await page.mouse.click(d.x + d.w / 2, d.y + d.h / 2);
    expect(await lastEvent(page)).toEqual({ where: { dataset: ['mnist'], initialization: ['glorot_uniform'], optimizer: ['rmsprop'] } });
    // A diagonal bar filters its one parameter.
    const g = (await measure(page)).bars.find((b) => b.kind === 'all' && b.param === 'batch_size' && b.option === '64')!;
    await page.mouse.click(g.x + 3, g.y + g.h / 2);
    expect(await lastEvent(page)).toEqual({ where: { ...filtered.where, batch_size: ['64'] } });
    await page.mouse.move(1, 1);
    await show(json, STATE);
  });

  it('is keyboard operable: Tab reaches the cells, arrows and Page keys move, Enter filters, Shift+Enter adds, Escape leaves', async () => {
    const { page } = env.setUp();
    await page.mouse.move(1, 1);
    await show(json, STATE, DASHBOARD);
    const focusedIsMatrix = (): Promise<boolean> =>
      page.evaluate(() => document.querySelector('sweep-matrix')!.shadowRoot!.activeElement?.tagName.toLowerCase() === 'svg');
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    let tabs = 0;
    while (!(await focusedIsMatrix()) && tabs < 40) {
      await page.keyboard.press('Tab');
      tabs++;
    }
    expect(await focusedIsMatrix(), 'Tab reaches the matrix').toBe(true);
    // The first row's bar is shown at once (the first parameter's row has nothing else).
    expect(await tooltipText(page)).toContain('dataset = mnist');
    // Along the bars: five parameters down (dataset, batch_size, augmentation, optimizer, activation → initialization),
    // three options down (constant, random_normal, glorot_uniform → glorot_normal); Home to the row's first cell,
    // then three parameters right.
    for (let k = 0; k < 5; k++) await page.keyboard.press('PageDown');
    for (let k = 0; k < 3; k++) await page.keyboard.press('ArrowDown');
    expect(await tooltipText(page)).toContain(`initialization = glorot_normal selected${json.optionCounts.initialization.glorot_normal.toLocaleString('en-US')}`);
    await page.keyboard.press('Home');
    expect(await tooltipText(page)).toContain('dataset = mnist');
    await page.keyboard.down('Shift');
    for (let k = 0; k < 3; k++) await page.keyboard.press('PageDown');
    await page.keyboard.up('Shift');
    const tip = (await tooltipText(page))!;
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
    expect(await tooltipText(page)).toContain('optimizer = rmsprop');
    await page.keyboard.down('Shift');
    await page.keyboard.press('Enter');
    await page.keyboard.up('Shift');
    expect(await lastEvent(page)).toEqual({ where: { initialization: ['glorot_normal'], optimizer: ['adam', 'rmsprop'] } });
    // Up into the optimizer's own rows there is no optimizer column: the keyboard lands on the row's bar.
    for (let k = 0; k < 8; k++) await page.keyboard.press('ArrowUp');
    expect(await tooltipText(page)).toContain('optimizer = sgd_momentum selected');
    // End goes to the bar, Right stops there.
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('End');
    await page.keyboard.press('ArrowRight');
    expect(await tooltipText(page)).toContain('activation = relu selected');
    await page.keyboard.press('Escape');
    expect(await tooltipText(page)).toBeNull();
    expect(await focusedIsMatrix()).toBe(false);
    await show(json, STATE);
  });

  it('lays out legibly in the dashboard\'s box (900 x 600) and at 800 x 560, and again when the box changes', async () => {
    const { page } = env.setUp();
    const seen: { cell: number; width: number }[] = [];
    for (const box of [DASHBOARD, SMALL]) {
      for (const state of [STATE, { ...STATE, matrixScale: 'pair' as const }, { ...STATE, matrixEncoding: 'lift' as const }]) {
        await show(json, state, box);
        const m = await measure(page);
        const at = `${box.width}x${box.height} ${state.matrixEncoding}/${state.matrixScale}`;
        expect(m.host.w, at).toBe(box.width);
        expect(m.host.h, at).toBe(box.height);
        expect(labelProblems(m), at).toEqual([]);
        // Every row's options named, at 9 px or more; every parameter named.
        const rowLabels = m.texts.filter((t) => t.cls === 'option-label row');
        expect(rowLabels.length, at).toBe(OPTIONS);
        for (const t of m.texts) expect(t.font, `${at}: ${t.text}`).toBeGreaterThanOrEqual(9);
        expect(m.texts.filter((t) => t.cls === 'param-label').length, at).toBe(json.params.length);
        // The toolbar is one line, and the whole matrix is in the box: no scrolling.
        expect(m.toolbar.h, at).toBeLessThan(40);
        expect(m.scroller!.scrollH, at).toBeLessThanOrEqual(m.scroller!.clientH);
        expect(m.svg!.x + m.svg!.w, at).toBeLessThanOrEqual(m.host.x + m.host.w + 0.5);
        expect(m.svg!.y + m.svg!.h, at).toBeLessThanOrEqual(m.host.y + m.host.h + 0.5);
        const cell = m.cells[0].w;
        expect(cell, at).toBeGreaterThanOrEqual(9);
        seen.push({ cell, width: m.svg!.w });
      }
      const suffix = box === DASHBOARD ? '' : '-800';
      await saveScreenshot((await page.$('#matrix-box'))!, `views-matrix${suffix}`, { ink: 0.2, colours: 24, label: `matrix ${box.width}x${box.height}` });
    }
    // The smaller box got a smaller layout.
    expect(seen.at(-1)!.width).toBeLessThan(seen[0].width);
    expect(seen.at(-1)!.cell).toBeLessThanOrEqual(seen[0].cell);
    // A large box: larger cells, and the columns' option labels under the triangle.
    await show(json, STATE, { width: 1280, height: 860 });
    const big = await measure(page);
    expect(big.cells[0].w).toBeGreaterThan(seen[0].cell);
    expect(big.texts.filter((t) => t.cls === 'option-label col').length).toBe(OPTIONS - json.params.at(-1)!.options.length);
    expect(labelProblems(big)).toEqual([]);
    await saveScreenshot((await page.$('#matrix-box'))!, 'views-matrix-1280');
    // A box too short for 9 px rows: the chart scrolls (rather than thinning the labels), with no sideways scrolling.
    await show(json, STATE, { width: 800, height: 420 });
    const short = await measure(page);
    expect(short.scroller!.overflowY).toBe('auto');
    expect(short.scroller!.scrollH).toBeGreaterThan(short.scroller!.clientH);
    expect(short.svg!.w).toBeLessThanOrEqual(short.scroller!.w - 10);
    expect(short.texts.filter((t) => t.cls === 'option-label row').length).toBe(OPTIONS);
    for (const t of short.texts) expect(t.font).toBeGreaterThanOrEqual(9);
    expect(labelProblems(short)).toEqual([]);
    await show(json, STATE, DASHBOARD);
  });

  it('updates counts and colours in place: a brush move rebuilds no element', async () => {
    const { page } = env.setUp();
    await show(json, STATE, DASHBOARD);
    await page.evaluate(() => {
      const root = document.querySelector('sweep-matrix')!.shadowRoot!;
      for (const el of root.querySelectorAll('rect.cell, rect.bar-sel, text.option-label')) (el as Element & { mark?: number }).mark = 1;
    });
    await show(wider, STATE);
    const after = await page.evaluate(() => {
      const root = document.querySelector('sweep-matrix')!.shadowRoot!;
      const all = [...root.querySelectorAll('rect.cell, rect.bar-sel, text.option-label')];
      return { total: all.length, marked: all.filter((el) => (el as Element & { mark?: number }).mark === 1).length };
    });
    expect(after.marked).toBe(after.total);
    const m = await measure(page);
    const c = findCell(m, 'initialization', 'glorot_normal', 'optimizer', 'adam')!;
    expect(Number(c.count)).toBe(wider.pairCounts.initialization.optimizer.glorot_normal.adam);
    expect(wider.selected).toBeGreaterThan(json.selected);
    const bar = m.bars.find((b) => b.kind === 'sel' && b.param === 'dataset' && b.option === 'mnist')!;
    expect(Number(bar.count)).toBe(wider.optionCounts.dataset.mnist);
    await show(json, STATE);
  });

  it('shows the empty notice when the filters leave no training, and its button resets them', async () => {
    const { page } = env.setUp();
    expect(none.baseline).toBe(0);
    await show(none, { ...STATE, where: { dataset: [] } }, DASHBOARD);
    const m = await measure(page);
    expect(m.notice).not.toBeNull();
    expect(m.notice!.text).toContain('No training passes the filters.');
    expect(m.svg).toBeNull();
    // Centred in the chart.
    expect(Math.abs(m.notice!.x + m.notice!.w / 2 - (m.chart.x + m.chart.w / 2))).toBeLessThan(4);
    const before = await eventCount(page);
    const reset = await page.$('sweep-matrix >>> button.empty-reset');
    await reset!.click();
    expect(await eventCount(page)).toBe(before + 1);
    expect(await lastEvent(page)).toEqual({ where: {}, range: null });
    // The matrix is back with trainings.
    await show(json, STATE);
    const back = await measure(page);
    expect(back.notice).toBeNull();
    expect(back.cells.length).toBe(triangleCells(json));
  });

  it('exports parseable SVG with the cells and bars, and a non-empty PNG', async () => {
    const { page } = env.setUp();
    await show(json, STATE, DASHBOARD);
    const text = await page.evaluate(() => window.viewsMatrix.exportView('svg'));
    const parsed = await page.evaluate((t) => {
      const doc = new DOMParser().parseFromString(t, 'image/svg+xml');
      return {
        error: doc.querySelector('parsererror')?.textContent ?? null,
        root: doc.documentElement.nodeName,
        cells: doc.querySelectorAll('rect.cell').length,
        bars: doc.querySelectorAll('rect.bar-sel').length,
      };
    }, text);
    expect(parsed.error).toBeNull();
    expect(parsed.root).toBe('svg');
    expect(parsed.cells).toBe(triangleCells(json));
    expect(parsed.bars).toBe(OPTIONS);
    const png = Buffer.from(await page.evaluate(() => window.viewsMatrix.exportView('png')), 'base64');
    const img = await savePng('views-matrix-export', png, { ink: 0.05, colours: 16 });
    expect(img.width).toBe(2 * DASHBOARD.width);
  });

  it('paints a 255-option parameter on a canvas, thins its labels, and stays interactive', async () => {
    const { page } = env.setUp();
    const wide = await Session.open(wideSweep(30_000), new InlineCpuEngine());
    const wj = jsonOf(await wide.query({ normalize: true, range: [0.7, 1] }));
    const t0 = Date.now();
    await show(wj, STATE, DASHBOARD);
    expect(Date.now() - t0).toBeLessThan(3000);
    const info = await page.evaluate(() => {
      const root = document.querySelector('sweep-matrix')!.shadowRoot!;
      const canvas = root.querySelector('canvas.cells-canvas') as HTMLCanvasElement | null;
      const svg = root.querySelector('.scroller > svg')!;
      const r = canvas?.getBoundingClientRect();
      return {
        mode: svg.getAttribute('data-mode'),
        cell: Number(svg.getAttribute('data-cell')),
        gap: Number(svg.getAttribute('data-gap')),
        stride: Number(svg.getAttribute('data-row-stride')),
        cells: root.querySelectorAll('rect.cell').length,
        box: r ? { x: r.x, y: r.y, w: r.width, h: r.height } : null,
      };
    });
    expect(info.mode).toBe('canvas');
    expect(info.cells).toBe(0);
    expect(info.box!.h).toBeGreaterThan(500);
    // Every k-th option label, none overlapping, the parameters all named.
    const m = await measure(page);
    expect(info.stride).toBeGreaterThan(1);
    const rows = m.texts.filter((t) => t.cls === 'option-label row');
    expect(rows.length).toBeLessThan(310);
    expect(rows.length).toBeGreaterThan(20);
    expect(labelProblems(m)).toEqual([]);
    expect(m.texts.filter((t) => t.cls === 'param-label').map((t) => t.text)).toEqual(['model', 'optimizer', 'width', 'seed']);
    // The seed s3 x optimizer o2 cell: row 309 (after model, optimizer, width), column 257 (after model).
    const x = info.box!.x + 257 * info.cell + info.gap + info.cell / 2;
    const y = info.box!.y + 309 * info.cell + 3 * info.gap + info.cell / 2;
    await page.mouse.move(x, y);
    await page.waitForFunction(() => document.querySelector('sweep-matrix')!.shadowRoot!.querySelector('.tooltip') !== null);
    const tip = (await tooltipText(page))!;
    expect(tip).toContain('seed = s3');
    expect(tip).toContain('optimizer = o2');
    expect(tip).toContain(wj.pairCounts.seed.optimizer.s3.o2.toLocaleString('en-US'));
    await page.mouse.click(x, y);
    expect(await lastEvent(page)).toEqual({ where: { seed: ['s3'], optimizer: ['o2'] } });
    const svgText = await page.evaluate(() => window.viewsMatrix.exportView('svg'));
    expect(svgText).toContain('<image');
    await saveScreenshot((await page.$('#matrix-box'))!, 'views-matrix-255');
    await page.mouse.move(1, 1);
    await show(json, STATE);
  });

  it('renders legibly in light and dark (screenshots in test-artifacts/)', async () => {
    const { page, log } = env.setUp();
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
      for (const box of [DASHBOARD, SMALL]) {
        await show(json, STATE, box);
        const suffix = `${scheme === 'dark' ? '-dark' : '-light'}-${box.width}`;
        const img = await saveScreenshot((await page.$('#matrix-box'))!, `views-matrix${suffix}`, { ink: 0.2, colours: 24, label: `matrix ${scheme}` });
        expect(img.width).toBe(box.width);
        const bg = [img.rgba[0], img.rgba[1], img.rgba[2]];
        if (scheme === 'dark') expect(Math.max(...bg)).toBeLessThan(60);
        else expect(Math.min(...bg)).toBeGreaterThan(200);
        expect(labelProblems(await measure(page))).toEqual([]);
      }
      // The largest count stands out most: darkest on light, brightest on dark.
      const m = await measure(page);
      const maxFill = m.cells.reduce((best, c) => (Number(c.count) > Number(best.count) ? c : best)).fill;
      const lums = m.cells.map((c) => luminance(c.fill));
      if (scheme === 'dark') expect(luminance(maxFill)).toBeGreaterThanOrEqual(Math.max(...lums) - 1e-9);
      else expect(luminance(maxFill)).toBeLessThanOrEqual(Math.min(...lums) + 1e-9);
    }
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'light' }]);
    await show(json, STATE, DASHBOARD);
    expect(log.errors).toEqual([]);
  });
});
