/**
 * <sweep-parallel> and <sweep-table> in headless Chromium (WebGL there is
 * SwiftShader on GPU-less machines) under the page's coordinator, on a sweep
 * generated in the page and the same sweep generated in Node: lines drawn and
 * counted, brushing and moving axes with the real mouse, the table's order
 * (and a click on a header reordering it), virtual scrolling and CSV export
 * against the row reference (tests/reference.ts) in Node, exports,
 * screenshots (test-artifacts/views-parallel.png, views-table.png) and timings
 * at 1M rows (test-artifacts/views-parallel-timings.json).
 */

import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/io/csv.js';
import type { Sweep } from '../../src/model/sweep.js';
import { generateNwsSweep } from '../../src/synth/nws.js';
import { toCsv } from '../../src/views/csv-rows.js';
import { specOf, DEFAULT_VIEW_STATE, type ViewState } from '../../src/views/shared/view-state.js';
import { referencePage, referenceSample, referenceSelected } from '../reference.js';
import { openTestPage } from './harness.js';
import { saveArtifact, saveScreenshot, usePage } from './setup.js';

const ROWS = 300_000;
const SEED = 3;
const fmt = (x: number): string => x.toLocaleString('en-US');
/** The query of a state the test sets (over the default state, as the page harness does). */
const specFor = (s: Partial<ViewState>) => specOf({ ...DEFAULT_VIEW_STATE, ...s });

/** 50,938 of the 300,000 trainings (checked below). */
const TABLE_STATE: Partial<ViewState> = { normalize: true, range: [0.8, 1], where: { optimizer: ['adam'] } };
const BASE_STATE: Partial<ViewState> = { normalize: true, range: [0.8, 1] };

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

describe('parallel coordinates and table views in Chromium', () => {
  let sweep: Sweep;

  const env = usePage(({ chromium, server }) => openTestPage(chromium.browser, server.origin, 'views-parallel.html', 'viewsPar', { width: 1400, height: 1100 }), {
    async prepare() {
      sweep = generateNwsSweep(ROWS, SEED);
    },
    async ready() {
      await env.page.evaluate((r, s) => window.viewsPar.setSweep(r, s), ROWS, SEED);
      await env.page.evaluate((s) => window.viewsPar.setState(s), BASE_STATE);
    },
  });

  const events = (): Promise<Partial<ViewState>[]> => env.page.evaluate(() => window.viewsPar.events);

  /** A shadow-DOM element's box in page pixels. */
  function box(host: string, selector: string): Promise<Box> {
    return env.page.evaluate(
      (h, sel) => {
        const el = document.querySelector(h)?.shadowRoot?.querySelector(sel);
        if (!el) throw new Error(`no ${sel} in ${h}`);
        const r = el.getBoundingClientRect();
        return { x: r.x + scrollX, y: r.y + scrollY, width: r.width, height: r.height };
      },
      host,
      selector,
    );
  }

  async function drag(x0: number, y0: number, x1: number, y1: number): Promise<void> {
    const { page } = env;
    await page.mouse.move(x0, y0);
    await page.mouse.down();
    await page.mouse.move((x0 + x1) / 2, (y0 + y1) / 2, { steps: 4 });
    await page.mouse.move(x1, y1, { steps: 4 });
    await page.mouse.up();
    await page.evaluate(() => window.viewsPar.idle());
  }

  const axisOrder = (): Promise<string[]> =>
    env.page.evaluate(() =>
      Array.from(document.querySelector('sweep-parallel')?.shadowRoot?.querySelectorAll('svg.overlay g.axis') ?? []).map(
        (g) => g.getAttribute('data-axis') ?? '',
      ),
    );

  it('row work yields behind waiting messages (a worker\'s answer is never starved by the views\' row work)', async () => {
    const { page } = env.setUp();
    expect(await page.evaluate(() => window.viewsPar.yieldOrder())).toEqual(['message', 'row work']);
  });

  it('draws the sampled lines with WebGL and says how many of how many it shows', async () => {
    const { page } = env.setUp();
    const info = await page.evaluate(() => window.viewsPar.info());
    const renderer = await page.evaluate(() => window.viewsPar.webgl());
    // the default budget: 200k lines on a GPU, 5k on a software rasterizer (SwiftShader here without a GPU)
    expect(info.software).toBe(/swiftshader|llvmpipe|software/i.test(renderer));
    expect(info.lineBudget).toBe(info.software ? 5_000 : 200_000);
    const shown = Math.min(ROWS, info.lineBudget);
    expect(info.sampleSize).toBe(shown);
    const text = await page.evaluate(() => window.viewsPar.sampleText());
    expect(text.startsWith(`showing ${fmt(shown)} of ${fmt(ROWS)} trainings`)).toBe(true);
    const toolbar = await page.$eval('sweep-parallel', (e) => e.shadowRoot?.querySelector('.count')?.textContent ?? '');
    expect(toolbar).toContain(`showing ${fmt(shown)} of ${fmt(ROWS)} trainings`);
    // the lines selected in the page are the sample's selected rows by the reference
    const sample = referenceSample(sweep, specFor(BASE_STATE), info.lineBudget, 1);
    expect(info.sampleSelected).toBe(sample.selected.filter((x) => x === 1).length);
    expect(info.selected).toBe(referenceSelected(sweep, specFor(BASE_STATE)).length);
    expect(toolbar).toContain(`selected ${fmt(info.selected as number)} of ${fmt(ROWS)}`);

    const ink = await page.evaluate(() => window.viewsPar.canvasInk());
    expect(ink.width).toBeGreaterThan(600);
    expect(ink.ink).toBeGreaterThan(0.1);
    expect(ink.colours).toBeGreaterThan(8);
    expect(await axisOrder()).toEqual([...sweep.params.map((p) => p.name), 'test_accuracy']);
  });

  it("brushing the optimizer axis over the band of 'adam' filters optimizer to adam", async () => {
    env.setUp();
    const band = await box('sweep-parallel', 'rect.band[data-axis="optimizer"][data-option="adam"]');
    const before = (await events()).length;
    const x = band.x + band.width / 2;
    await drag(x, band.y + band.height * 0.25, x, band.y + band.height * 0.75);
    const got = (await events()).slice(before);
    expect(got).toEqual([{ where: { optimizer: ['adam'] } }]);
  });

  it('brushing the metric axis sets the range on the shown (normalized) axis', async () => {
    const { page } = env.setUp();
    const line = await box('sweep-parallel', 'g.axis[data-axis="test_accuracy"] line');
    const top = line.y;
    const bottom = line.y + line.height;
    const x = line.x;
    const y0 = top + 0.1 * (bottom - top); // 0.9
    const y1 = top + 0.4 * (bottom - top); // 0.6
    const before = (await events()).length;
    await drag(x, y1, x, y0);
    const got = (await events()).slice(before);
    expect(got.length).toBe(1);
    const range = got[0].range as [number, number];
    expect(Object.keys(got[0])).toEqual(['range']);
    expect(range[0]).toBeCloseTo(0.6, 1);
    expect(range[1]).toBeCloseTo(0.9, 1);
    expect(range[0]).toBeLessThan(range[1]);
    // a click on the axis clears its brush (the state has a range)
    await page.mouse.click(x, (top + bottom) / 2);
    await page.evaluate(() => window.viewsPar.idle());
    expect((await events()).slice(before + 1)).toEqual([{ range: null }]);
  });

  it('brushing the numeric learning_rate axis filters the bins whose values it touches; its scale toggles to log', async () => {
    const { page } = env.setUp();
    const p = sweep.params.find((x) => x.name === 'learning_rate')!;
    const values = p.values!;
    const lo = new Array<number>(p.labels.length).fill(Infinity);
    const hi = new Array<number>(p.labels.length).fill(-Infinity);
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < sweep.rows; i++) {
      const c = p.codes[i];
      lo[c] = Math.min(lo[c], values[i]);
      hi[c] = Math.max(hi[c], values[i]);
      min = Math.min(min, values[i]);
      max = Math.max(max, values[i]);
    }
    const line = await box('sweep-parallel', 'g.axis[data-axis="learning_rate"] line');
    const yOf = (v: number): number => line.y + line.height * (1 - (v - min) / (max - min));
    const x = line.x;
    const [v0, v1] = [1.3e-3, 2.6e-3];
    const before = (await events()).length;
    await drag(x, yOf(v0), x, yOf(v1));
    const got = (await events()).slice(before);
    expect(got.length).toBe(1);
    const chosen = got[0].where?.learning_rate ?? [];
    // every chosen bin touches the brush (give a pixel), and every bin well inside it is chosen
    const px = (max - min) / line.height;
    for (const label of chosen) {
      const c = p.labels.indexOf(label);
      expect(hi[c] >= v0 - 2 * px && lo[c] <= v1 + 2 * px, label).toBe(true);
    }
    p.labels.forEach((label, c) => {
      if (lo[c] >= v0 + 2 * px && hi[c] <= v1 - 2 * px) expect(chosen).toContain(label);
    });
    expect(chosen.length).toBeGreaterThan(2);
    expect(chosen.length).toBeLessThan(p.labels.length);
    // the scale: linear (max/min = 25 < 100), switched to log by its toggle
    const toggle = await box('sweep-parallel', 'text[data-role="scale"][data-axis="learning_rate"]');
    expect(await page.$eval('sweep-parallel', (e) => e.shadowRoot?.querySelector('text[data-role="scale"]')?.textContent)).toBe('linear');
    await page.mouse.click(toggle.x + toggle.width / 2, toggle.y + toggle.height / 2);
    await page.evaluate(() => window.viewsPar.idle());
    expect(await page.$eval('sweep-parallel', (e) => e.shadowRoot?.querySelector('text[data-role="scale"]')?.textContent)).toBe('log');
    const ticks = await page.$$eval('sweep-parallel', (els) =>
      Array.from(els[0].shadowRoot?.querySelectorAll('g.axis[data-axis="learning_rate"] text.tick') ?? []).map((t) => t.textContent),
    );
    expect(ticks).toContain('1e-3');
    expect(ticks).toContain('2e-3');
  });

  it('dragging an axis header sideways moves the axis', async () => {
    const { page } = env.setUp();
    const names = sweep.params.map((p) => p.name);
    const header = await box('sweep-parallel', 'g[data-role="header"][data-axis="optimizer"] text');
    const next = await box('sweep-parallel', 'g[data-role="header"][data-axis="activation"] text');
    const spacing = next.x + next.width / 2 - (header.x + header.width / 2);
    const x = header.x + header.width / 2;
    const y = header.y + header.height / 2;
    await drag(x, y, x + 2.2 * spacing, y + 3);
    const want = [...names.filter((n) => n !== 'optimizer')];
    want.splice(5, 0, 'optimizer');
    want.push('test_accuracy');
    expect(await axisOrder()).toEqual(want);
    // lines follow the new order and are drawn again
    const ink = await page.evaluate(() => window.viewsPar.canvasInk());
    expect(ink.ink).toBeGreaterThan(0.1);
  });

  it('exports PNG and SVG (at most 5,000 lines in the SVG)', async () => {
    const { page } = env.setUp();
    expect(await page.evaluate(() => window.viewsPar.pngBytes())).toBeGreaterThan(20_000);
    const svg = await page.evaluate(() => window.viewsPar.svg());
    expect(svg.startsWith('<svg')).toBe(true);
    const paths = svg.match(/<path /g)?.length ?? 0;
    expect(paths).toBeGreaterThan(100);
    expect(paths).toBeLessThanOrEqual(5_000);
    expect(svg).toMatch(/SVG export: [\d,]+ of [\d,]+ sampled lines/);
    expect(svg).toContain('>optimizer<');
    expect(svg).toContain('>rmsprop<');
    expect(svg).not.toContain('<!--');
  });

  it('screenshot of the parallel coordinates (test-artifacts/views-parallel.png) is not blank', async () => {
    const { page } = env.setUp();
    await page.evaluate((s) => window.viewsPar.setState(s), { ...BASE_STATE, where: { optimizer: ['adam', 'rmsprop'] } });
    await saveScreenshot((await page.$('sweep-parallel'))!, 'views-parallel', { ink: 0.1, colours: 32 });
  });

  it('the table lists the selected trainings by test_accuracy, top first, exactly as the reference in Node', async () => {
    const { page } = env.setUp();
    await page.evaluate((s) => window.viewsPar.setState(s), TABLE_STATE);
    const rows = referenceSelected(sweep, specFor(TABLE_STATE));
    expect(rows.length).toBe(50_938);
    const info = await page.evaluate(() => window.viewsPar.info());
    expect(info.tableCount).toBe(rows.length);
    expect(info.selected).toBe(rows.length); // the engine's count

    const rendered = await page.evaluate(() =>
      Array.from(document.querySelector('sweep-table')?.shadowRoot?.querySelectorAll('.row') ?? []).map((r) => ({
        rank: Number(r.getAttribute('data-rank')),
        row: Number(r.getAttribute('data-row')),
        acc: r.querySelector('[data-col="test_accuracy"]')?.textContent ?? '',
        optimizer: r.querySelector('[data-col="optimizer"]')?.textContent ?? '',
      })),
    );
    expect(rendered.length).toBeGreaterThanOrEqual(20);
    expect(rendered.length).toBeLessThan(200);
    const top = referencePage(sweep, specFor(TABLE_STATE), { metric: 0 }, true, 0, 20);
    expect(rendered.slice(0, 20).map((r) => r.rank)).toEqual(Array.from({ length: 20 }, (_, k) => k));
    expect(rendered.slice(0, 20).map((r) => r.row)).toEqual(Array.from(top));
    const acc = sweep.metrics[0].values;
    for (let k = 0; k < 20; k++) {
      expect(Number(rendered[k].acc)).toBeCloseTo(acc[top[k]], 4);
      expect(rendered[k].optimizer).toBe('adam');
    }
    for (let k = 1; k < 20; k++) expect(acc[top[k]]).toBeLessThanOrEqual(acc[top[k - 1]]);
  });

  it('scrolling to the middle renders the right rows, and only a few of them', async () => {
    const { page } = env.setUp();
    const count = 50_938;
    await page.$eval('sweep-table', (e) => {
      const s = e.shadowRoot?.querySelector('.scroller') as HTMLElement;
      s.scrollTop = (s.scrollHeight - s.clientHeight) / 2;
    });
    await page.evaluate(() => window.viewsPar.idle());
    const rendered = await page.evaluate(() =>
      Array.from(document.querySelector('sweep-table')?.shadowRoot?.querySelectorAll('.row') ?? []).map((r) => [
        Number(r.getAttribute('data-rank')),
        Number(r.getAttribute('data-row')),
      ]),
    );
    expect(rendered.length).toBeGreaterThan(10);
    expect(rendered.length).toBeLessThan(200);
    const first = rendered[0][0];
    expect(Math.abs(first - count / 2)).toBeLessThan(40);
    const want = referencePage(sweep, specFor(TABLE_STATE), { metric: 0 }, true, first, rendered.length);
    expect(rendered.map((r) => r[0])).toEqual(Array.from({ length: rendered.length }, (_, k) => first + k));
    expect(rendered.map((r) => r[1])).toEqual(Array.from(want));
    // the row under the middle of the view is there, in place
    const middle = await page.$eval('sweep-table', (e) => {
      const s = e.shadowRoot?.querySelector('.scroller') as HTMLElement;
      const b = s.getBoundingClientRect();
      const hit = e.shadowRoot?.elementFromPoint(b.x + 120, b.y + b.height / 2)?.closest('.row');
      return Number(hit?.getAttribute('data-rank') ?? -1);
    });
    expect(middle).toBeGreaterThan(first);
    expect(middle).toBeLessThan(first + rendered.length);
    await saveScreenshot((await page.$('sweep-table'))!, 'views-table', { ink: 0.03, colours: 8 });
  });

  it('a click on a column header orders by it (parameters by option), a second click reverses it', async () => {
    const { page } = env.setUp();
    await page.evaluate((s) => window.viewsPar.setState(s), TABLE_STATE);
    const click = async (col: string): Promise<void> => {
      const b = await box('sweep-table', `.header [data-col="${col}"]`);
      await page.mouse.click(b.x + b.width / 2, b.y + b.height / 2);
      await page.evaluate(() => window.viewsPar.idle());
    };
    const shownRows = (): Promise<number[]> =>
      page.evaluate(() =>
        Array.from(document.querySelector('sweep-table')?.shadowRoot?.querySelectorAll('.row[data-row]') ?? [])
          .slice(0, 15)
          .map((r) => Number(r.getAttribute('data-row'))),
      );
    const p = sweep.params.findIndex((x) => x.name === 'batch_size');
    await click('batch_size');
    expect(await shownRows()).toEqual(referencePage(sweep, specFor(TABLE_STATE), { param: p }, false, 0, 15));
    await click('batch_size');
    expect(await shownRows()).toEqual(referencePage(sweep, specFor(TABLE_STATE), { param: p }, true, 0, 15));
    await click('test_accuracy');
    expect(await shownRows()).toEqual(referencePage(sweep, specFor(TABLE_STATE), { metric: 0 }, true, 0, 15));
    await click('test_accuracy');
    expect(await shownRows()).toEqual(referencePage(sweep, specFor(TABLE_STATE), { metric: 0 }, false, 0, 15));
    expect(await page.$eval('sweep-table', (e) => e.shadowRoot?.querySelector('.count')?.textContent ?? '')).toContain('by test_accuracy (lowest first)');
    // back to the default order for the tests after this one
    await click('test_accuracy');
  });

  it('says that nothing is selected, with the button that clears the brush', async () => {
    const { page } = env.setUp();
    await page.evaluate((s) => window.viewsPar.setState(s), { normalize: true, range: [2, 3] as [number, number] });
    for (const tag of ['sweep-table', 'sweep-parallel'])
      expect(await page.$eval(tag, (e) => e.shadowRoot?.querySelector('.empty-selection')?.textContent ?? ''), tag).toContain('The brush selects no training.');
    await page.evaluate((s) => window.viewsPar.setState(s), BASE_STATE);
    expect(await page.$eval('sweep-table', (e) => e.shadowRoot?.querySelector('.empty-selection'))).toBeNull();
  });

  it('exports the selected rows as CSV that reads back to them, in table order', async () => {
    const { page } = env.setUp();
    const state: Partial<ViewState> = { normalize: true, range: [0.97, 1], where: { dataset: ['cifar10'], optimizer: ['adam'] } };
    await page.evaluate((s) => window.viewsPar.setState(s), state);
    const text = await page.evaluate(() => window.viewsPar.csv());
    const rows = referencePage(sweep, specFor(state), { metric: 0 }, true, 0, Infinity);
    expect(rows.length).toBe(175);
    expect(text).toBe([...toCsv(sweep, rows)].join(''));
    const back = parseCsv(text, 'selection.csv', { params: sweep.params.map((p) => p.name) });
    expect(back.rows).toBe(rows.length);
    expect(Array.from(back.metrics[0].values)).toEqual(Array.from(rows, (i) => sweep.metrics[0].values[i]));
    for (const p of sweep.params) {
      const q = back.params.find((x) => x.name === p.name)!;
      if (p.values) expect(Array.from(q.values!)).toEqual(Array.from(rows, (i) => p.values![i]));
      else expect(Array.from(q.codes, (c) => q.labels[c])).toEqual(Array.from(rows, (i) => p.labels[p.codes[i]]));
    }
    expect(new Set(Array.from(back.params[0].codes, (c) => back.params[0].labels[c]))).toEqual(new Set(['cifar10']));
  });

  it('draws and updates 1M trainings (timings in test-artifacts/views-parallel-timings.json), without console errors', async () => {
    const { page, log } = env.setUp();
    const renderer = await page.evaluate(() => window.viewsPar.webgl());
    const load = await page.evaluate(() => window.viewsPar.setSweep(1_000_000, 1));
    const brush = await page.evaluate((s) => window.viewsPar.setState(s), BASE_STATE);
    const brush2 = await page.evaluate((s) => window.viewsPar.setState(s), { ...BASE_STATE, range: [0.5, 0.9] as [number, number] });
    const info = await page.evaluate(() => window.viewsPar.info());
    const drawOnce = await page.evaluate(() => window.viewsPar.drawAndFinish());
    const timings = { renderer, rows: 1_000_000, lines: info.sampleSize, load, brush, brush2, drawAllAtOnceMs: drawOnce };
    await saveArtifact('views-parallel-timings.json', JSON.stringify(timings, null, 2));
    console.log(`views at 1M rows on ${renderer}: ${JSON.stringify(timings)}`);
    expect(info.sampleSize).toBe(info.lineBudget);
    expect(await page.evaluate(() => window.viewsPar.sampleText())).toContain(`of ${fmt(1_000_000)} trainings`);
    expect(info.tableCount).toBe(info.selected);
    const ink = await page.evaluate(() => window.viewsPar.canvasInk());
    expect(ink.ink).toBeGreaterThan(0.1);
    expect(log.errors).toEqual([]);
  });
});
