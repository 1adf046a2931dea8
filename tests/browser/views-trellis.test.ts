/**
 * <sweep-trellis> in headless Chromium, in a box of the size the dashboard
 * gives it (tests/browser/views-trellis.html; the test sets the box), fed
 * with real aggregates computed in Node: panels per row follow the width,
 * nothing leaves the box sideways, labels neither overlap nor are cut, the
 * chart scrolls inside under a fixed toolbar when it is taller than the box,
 * no blank band, the empty-selection notice and its reset, and a brush that
 * leaves the means as they were changes nothing in the chart. Screenshots in
 * test-artifacts/views-trellis-box-*.png.
 */

import { describe, expect, it } from 'vitest';
import { InlineCpuEngine } from '../../src/engine/cpu-engine.js';
import type { AggregateJson } from '../../src/engine/output.js';
import { Session } from '../../src/engine/session.js';
import { generateNwsSweep } from '../../src/synth/nws.js';
import { DEFAULT_VIEW_STATE, type ViewState } from '../../src/views/shared/view-state.js';
import { openTestPage } from './harness.js';
import { saveScreenshot, usePage } from './setup.js';
import { jsonOf, wireOf } from './answer-wire.js';
import type { Box, TrellisMeasure } from './views-trellis.js';

const ROWS = 20_000;
const SEED = 2;
const STATE: ViewState = { ...DEFAULT_VIEW_STATE, normalize: true, range: [0.8, 1] };

/** Box sizes: wide, the trellis at 1920x1080 and at 1280x800, narrow, very narrow. */
const SIZES: [number, number][] = [
  [1600, 900],
  [700, 600],
  [560, 520],
  [600, 600],
  [400, 500],
];

/** Area two boxes share beyond a hair (text boxes of neighbouring rows may touch). */
function overlap(a: Box, b: Box): boolean {
  const w = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
  return w > 0.5 && h > 0.5;
}

/** The largest vertical gap between drawn things, and between the last of them and `bottom`. */
function largestGap(boxes: Box[], top: number, bottom: number): number {
  const spans = boxes.map((b) => [b.y, b.y + b.h] as const).sort((a, b) => a[0] - b[0]);
  let reach = top;
  let gap = 0;
  for (const [y0, y1] of spans) {
    gap = Math.max(gap, y0 - reach);
    reach = Math.max(reach, y1);
  }
  return Math.max(gap, bottom - reach);
}

describe('the trellis view in a dashboard box', () => {
  let plain: AggregateJson;
  let secondary: AggregateJson;
  let moved: AggregateJson;
  let empty: AggregateJson;

  const env = usePage(({ chromium, server }) => openTestPage(chromium.browser, server.origin, 'views-trellis.html', 'viewsTrellis', { width: 1700, height: 1000 }), {
    async prepare() {
      const session = await Session.open(generateNwsSweep(ROWS, SEED), new InlineCpuEngine());
      plain = jsonOf(await session.query({ normalize: true, range: [0.8, 1] }));
      secondary = jsonOf(await session.query({ normalize: true, range: [0.8, 1], secondary: 'optimizer' }));
      moved = jsonOf(await session.query({ normalize: true, range: [0.6, 0.9] }));
      empty = jsonOf(await session.query({ normalize: true, range: [0.8, 1], where: { optimizer: [] } }));
    },
    ready: () => show(plain, STATE),
  });

  async function show(json: AggregateJson, state: ViewState): Promise<void> {
    await env.page.evaluate((w, s) => window.viewsTrellis.setResult(w, s), wireOf(json), state);
  }

  async function setBox(w: number, h: number): Promise<TrellisMeasure> {
    await env.page.evaluate((w, h) => window.viewsTrellis.setBox(w, h), w, h);
    return env.page.evaluate(() => window.viewsTrellis.measure());
  }

  it('puts 5 panels in a row at 1600 px and fewer when narrow, re-laid out when the box changes', async () => {
    const { log } = env.setUp();
    await show(plain, STATE);
    const cols: number[] = [];
    for (const [w, h] of SIZES) {
      const m = await setBox(w, h);
      const label = `${w}x${h}`;
      expect(m.svg, label).not.toBeNull();
      expect(m.panels.map((p) => p.panel), label).toEqual(plain.params[0].options);
      expect(m.host.w, label).toBe(w);
      expect(m.host.h, label).toBe(h);
      // The grid the layout reports is the one drawn: panels of a row share a top.
      const tops = [...new Set(m.panels.map((p) => Math.round(p.y)))];
      expect(tops.length, label).toBe(m.svg!.gridRows);
      expect(m.svg!.cols * m.svg!.gridRows, label).toBeGreaterThanOrEqual(5);
      for (const p of m.panels) expect(p.w, `${label} ${p.panel}`).toBeGreaterThanOrEqual(90);
      cols.push(m.svg!.cols);
    }
    expect(cols[0]).toBe(5); // 1600 px: every dataset side by side
    expect(cols[3]).toBeLessThan(5); // 600 px: fewer
    expect(cols[3]).toBeGreaterThanOrEqual(2);
    expect(cols[4]).toBeLessThanOrEqual(cols[3]); // 400 px: no more than at 600
    // Back to wide: the same element lays out again.
    expect((await setBox(1600, 900)).svg!.cols).toBe(5);
    expect(log.errors).toEqual([]);
  });

  it('keeps everything inside the box and draws no label over another or across an edge', async () => {
    const { log } = env.setUp();
    for (const json of [plain, secondary]) {
      await show(json, STATE);
      for (const [w, h] of SIZES) {
        const m = await setBox(w, h);
        const label = `${w}x${h}${json.secondary ? ' with a secondary' : ''}`;
        const svg = m.svg!;
        // Nothing wider than the box: no horizontal scrolling, the SVG within the chart and the host.
        expect(m.chart.scrollW, label).toBeLessThanOrEqual(m.chart.clientW);
        expect(svg.w, label).toBeLessThanOrEqual(m.chart.clientW);
        expect(svg.x + svg.w, label).toBeLessThanOrEqual(m.host.x + m.host.w + 0.5);
        expect(m.toolbar.x + m.toolbar.w, label).toBeLessThanOrEqual(m.host.x + m.host.w + 0.5);
        for (const p of m.panels) expect(p.x + p.w, `${label} panel ${p.panel}`).toBeLessThanOrEqual(svg.x + svg.w);
        // Every label inside the SVG (not cut at an edge), legible, and not over another.
        expect(m.texts.length, label).toBeGreaterThan(60);
        for (const t of m.texts) {
          const what = `${label}: ${t.cls} "${t.text}"`;
          expect(t.x, what).toBeGreaterThanOrEqual(svg.x - 0.5);
          expect(t.x + t.w, what).toBeLessThanOrEqual(svg.x + svg.w + 0.5);
          expect(t.y, what).toBeGreaterThanOrEqual(svg.y - 0.5);
          expect(t.y + t.h, what).toBeLessThanOrEqual(svg.y + svg.h + 0.5);
        }
        const clashes: string[] = [];
        for (let i = 0; i < m.texts.length; i++)
          for (let j = i + 1; j < m.texts.length; j++)
            if (overlap(m.texts[i], m.texts[j])) clashes.push(`${m.texts[i].cls} "${m.texts[i].text}" / ${m.texts[j].cls} "${m.texts[j].text}"`);
        expect(clashes, label).toEqual([]);
        // Option rows compact but legible.
        expect(svg.rowH, label).toBeGreaterThanOrEqual(11);
        const optionText = m.texts.filter((t) => t.cls === 'option-label');
        expect(optionText.length, label).toBeGreaterThanOrEqual(53);
      }
    }
    await show(plain, STATE);
    expect(log.errors).toEqual([]);
  });

  it('scrolls inside the element under a fixed toolbar when the panels are taller than the box', async () => {
    const { page, log } = env.setUp();
    await show(plain, STATE);
    // 700 x 600 (the trellis at 1920 x 1080): 53 option rows do not fit.
    let m = await setBox(700, 600);
    expect(m.chart.overflowY).toBe('auto');
    expect(m.chart.scrollH).toBeGreaterThan(m.chart.clientH + 40);
    expect(m.host.h).toBe(600); // the element does not grow past its box
    expect(m.chart.y + m.chart.h).toBeLessThanOrEqual(m.host.y + m.host.h + 0.5);
    // Ticks at the top of the panels too, so the scale is in view before scrolling.
    expect(m.texts.filter((t) => t.cls === 'tick tick-top' && t.y + t.h <= m.chart.y + m.chart.h).length).toBeGreaterThan(0);
    const toolbarY = m.toolbar.y;
    await page.evaluate(() => {
      const chart = document.querySelector('sweep-trellis')!.shadowRoot!.querySelector('.chart')!;
      chart.scrollTop = chart.scrollHeight;
    });
    await page.evaluate(() => window.viewsTrellis.settled());
    m = await page.evaluate(() => window.viewsTrellis.measure());
    expect(m.toolbar.y).toBe(toolbarY);
    // Scrolled to the end, the bottom axis is in the chart's view.
    const bottomTicks = m.texts.filter((t) => t.cls === 'tick');
    expect(bottomTicks.length).toBeGreaterThan(0);
    for (const t of bottomTicks) {
      expect(t.y).toBeGreaterThanOrEqual(m.chart.y);
      expect(t.y + t.h).toBeLessThanOrEqual(m.chart.y + m.chart.h + 0.5);
    }
    await page.evaluate(() => {
      document.querySelector('sweep-trellis')!.shadowRoot!.querySelector('.chart')!.scrollTop = 0;
    });
    // 1600 x 900: everything fits, nothing to scroll and no top ticks.
    m = await setBox(1600, 900);
    expect(m.chart.scrollH).toBeLessThanOrEqual(m.chart.clientH + 1);
    expect(m.texts.filter((t) => t.cls === 'tick tick-top')).toEqual([]);
    expect(log.errors).toEqual([]);
  });

  it('leaves no blank band taller than 40 px', async () => {
    const { log } = env.setUp();
    for (const json of [plain, secondary]) {
      await show(json, STATE);
      for (const [w, h] of SIZES) {
        const m = await setBox(w, h);
        const svg = m.svg!;
        const drawn = [...m.texts, ...m.panels];
        // From the chart's top to the SVG's end (the box's bottom when it fits, the content's end when it scrolls).
        expect(largestGap(drawn, m.chart.y, svg.y + svg.h), `${w}x${h}`).toBeLessThanOrEqual(40);
        expect(svg.h - svg.contentH, `${w}x${h}`).toBeLessThanOrEqual(40);
      }
    }
    await show(plain, STATE);
    expect(log.errors).toEqual([]);
  });

  it('says when the filters leave no training, with a reset button that clears the filters and the brush', async () => {
    const { page, log } = env.setUp();
    const m0 = await setBox(700, 600);
    expect(m0.notice).toBeNull();
    expect(empty.baseline).toBe(0);
    await show(empty, { ...STATE, where: { optimizer: [] } });
    const m = await page.evaluate(() => window.viewsTrellis.measure());
    expect(m.svg).toBeNull();
    expect(m.dots).toBe(0);
    expect(m.notice).not.toBeNull();
    expect(m.notice!.text).toContain('No training passes the filters.');
    // Over the chart, in view.
    expect(m.notice!.y).toBeGreaterThanOrEqual(m.chart.y - 0.5);
    expect(m.notice!.y + m.notice!.h).toBeLessThanOrEqual(m.chart.y + m.chart.h + 0.5);
    await page.evaluate(() => {
      window.viewsTrellis.events.length = 0;
    });
    await page.click('sweep-trellis >>> button.empty-reset');
    expect(await page.evaluate(() => window.viewsTrellis.events)).toEqual([{ where: {}, range: null }]);
    // Trainings again: the panels come back, the notice goes.
    await show(plain, STATE);
    const back = await page.evaluate(() => window.viewsTrellis.measure());
    expect(back.notice).toBeNull();
    expect(back.dots).toBeGreaterThan(100);
    expect(log.errors).toEqual([]);
  });

  it('changes nothing in the chart when a new result has the same means (a brush drag)', async () => {
    const { page, log } = env.setUp();
    await setBox(700, 600);
    await show(plain, STATE);
    type Spied = { trellisMutations: number; trellisObserver: MutationObserver; bodyRenders: number };
    await page.evaluate(() => {
      const el = document.querySelector('sweep-trellis')!;
      const w = window as unknown as Spied;
      w.trellisMutations = 0;
      w.bodyRenders = 0;
      w.trellisObserver = new MutationObserver((records) => {
        w.trellisMutations += records.length;
      });
      w.trellisObserver.observe(el.shadowRoot!.querySelector('.chart > svg')!, { subtree: true, childList: true, attributes: true, characterData: true });
      // Counts the builds of the chart's body (a private method: what a brush drag must not run again).
      const spied = el as unknown as { renderBody: (...a: unknown[]) => unknown };
      const build = spied.renderBody;
      spied.renderBody = function (this: unknown, ...a: unknown[]) {
        w.bodyRenders++;
        return build.apply(this, a);
      };
    });
    // The brush moved: a new result object, the same filtered means.
    expect(moved.selected).not.toBe(plain.selected);
    await show(moved, { ...STATE, range: [0.6, 0.9] });
    const same = await page.evaluate(() => {
      const w = window as unknown as Spied;
      const r = { mutations: w.trellisMutations, bodyRenders: w.bodyRenders };
      w.trellisObserver.disconnect();
      return r;
    });
    expect(same).toEqual({ mutations: 0, bodyRenders: 0 });
    // Other means (a secondary parameter): the body is built again, once.
    await show(secondary, STATE);
    expect(await page.evaluate(() => (window as unknown as Spied).bodyRenders)).toBe(1);
    await page.evaluate(() => {
      delete (document.querySelector('sweep-trellis') as unknown as { renderBody?: unknown }).renderBody;
    });
    await show(plain, STATE);
    expect(log.errors).toEqual([]);
  });

  it('looks right at the dashboard sizes in light and dark (screenshots in test-artifacts/)', async () => {
    const { page, log } = env.setUp();
    const shots: [string, AggregateJson, number, number][] = [
      ['1920', secondary, 700, 600],
      ['1280', plain, 560, 520],
      ['wide', plain, 1600, 900],
    ];
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
      for (const [name, json, w, h] of shots) {
        await show(json, STATE);
        await setBox(w, h);
        const img = await saveScreenshot((await page.$('sweep-trellis'))!, `views-trellis-box-${name}${scheme === 'dark' ? '-dark' : ''}`, {
          ink: 0.05,
          colours: 16,
          label: `${name} ${scheme}`,
        });
        expect(img.width).toBe(w);
        expect(img.height).toBe(h);
        // The background follows the scheme.
        const bg = [img.rgba[0], img.rgba[1], img.rgba[2]];
        if (scheme === 'dark') expect(Math.max(...bg)).toBeLessThan(60);
        else expect(Math.min(...bg)).toBeGreaterThan(200);
      }
    }
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'light' }]);
    await show(plain, STATE);
    expect(log.errors).toEqual([]);
  });
});
