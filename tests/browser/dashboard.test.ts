/**
 * The dashboard in headless Chromium, on a fixed generated sweep (200,000
 * trainings, seed 1, a brush over the top of the normalized axis):
 * - where the views are: the histogram, the matrix and the trellis fully
 *   inside a 1920×1080 window, none overlapping, no blank band taller than
 *   40 px; legible at 1280×800;
 * - the borders resize and collapse panels, and the address keeps it;
 * - a selection emptied by the filters says so in every view, with a reset;
 * - reference screenshots (tests/browser/reference/*.png) compared with
 *   pixelmatch: anti-aliasing ignored, a moved or missing panel caught. On a
 *   mismatch the new image and the difference are written beside the
 *   reference (`*.new.png`, `*.diff.png`, ignored by git) for a person to
 *   look at; `UPDATE_REFERENCE=1` rewrites the references;
 * - 300 seeded random clicks, drags, keys and filter toggles end with no page
 *   error and every view showing the engine's answer for the final state.
 */

import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pixelmatch from 'pixelmatch';
import { PNG } from 'pngjs';
import type { Page } from 'puppeteer-core';
import { describe, expect, it } from 'vitest';
import type { Answer } from '../../src/engine/answer.js';
import type { AggregateJson } from '../../src/engine/output.js';
import { specOf, type ViewState } from '../../src/views/shared/view-state.js';
import { rng } from '../random-sweep.js';
import { REPO_ROOT, decodePng, openAppPage, type Image } from './harness.js';
import { saveArtifact, settleExplorer, usePage } from './setup.js';

const QUERY = '?engine=cpu&rows=200000&seed=1&range=0.8,0.95';
const REFERENCE_DIR = join(REPO_ROOT, 'tests', 'browser', 'reference');
/** Share of pixels that may differ from a reference (after pixelmatch's anti-aliasing detection): a moved or missing panel is far more. */
const MAX_DIFF_SHARE = 0.005;

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

const VIEWS = ['sweep-filters', 'sweep-histogram', 'sweep-matrix', 'sweep-trellis', 'sweep-parallel', 'sweep-table'] as const;
type ViewTag = (typeof VIEWS)[number];

function boxes(page: Page): Promise<Record<ViewTag, Box | null>> {
  return page.evaluate((tags) => {
    const out: Record<string, { x: number; y: number; w: number; h: number } | null> = {};
    for (const t of tags) {
      const el = document.querySelector(t);
      const r = el?.getBoundingClientRect();
      out[t] = r ? { x: r.x, y: r.y + window.scrollY, w: r.width, h: r.height } : null;
    }
    return out;
  }, VIEWS) as Promise<Record<ViewTag, Box | null>>;
}

const overlap = (a: Box, b: Box): boolean => a.x < b.x + b.w - 0.5 && b.x < a.x + a.w - 0.5 && a.y < b.y + b.h - 0.5 && b.y < a.y + a.h - 0.5;

/** The tallest run of screenshot rows that are the page's background colour from edge to edge. */
function tallestBlankBand(img: Image): { height: number; at: number } {
  const { width, height, rgba } = img;
  const bg = [rgba[0], rgba[1], rgba[2]];
  let best = { height: 0, at: 0 };
  let run = 0;
  for (let y = 0; y < height; y++) {
    let blank = true;
    for (let x = 0; x < width && blank; x++) {
      const i = (y * width + x) * 4;
      blank = Math.abs(rgba[i] - bg[0]) + Math.abs(rgba[i + 1] - bg[1]) + Math.abs(rgba[i + 2] - bg[2]) <= 12;
    }
    run = blank ? run + 1 : 0;
    if (run > best.height) best = { height: run, at: y - run + 1 };
  }
  return best;
}

/** The view state's where-less, brush-less reset, as a view would ask for it. */
function changeState(page: Page, detail: Partial<ViewState>): Promise<void> {
  return page.evaluate((d) => {
    document.querySelector('#explorer')!.dispatchEvent(new CustomEvent('view-change', { detail: d, bubbles: true, composed: true }));
  }, detail);
}

async function compareWithReference(name: string, png: Uint8Array): Promise<void> {
  await mkdir(REFERENCE_DIR, { recursive: true });
  const ref = join(REFERENCE_DIR, `${name}.png`);
  const fresh = join(REFERENCE_DIR, `${name}.new.png`);
  const diffPath = join(REFERENCE_DIR, `${name}.diff.png`);
  await rm(fresh, { force: true });
  await rm(diffPath, { force: true });
  if (process.env.UPDATE_REFERENCE === '1') {
    await writeFile(ref, png);
    return;
  }
  if (!existsSync(ref)) {
    await writeFile(fresh, png);
    throw new Error(`no reference image ${ref}: the page's is at ${fresh}; look at it, and rename it to accept it (or run with UPDATE_REFERENCE=1)`);
  }
  const a = PNG.sync.read(await readFile(ref));
  const b = PNG.sync.read(Buffer.from(png));
  if (a.width !== b.width || a.height !== b.height) {
    await writeFile(fresh, png);
    throw new Error(`${name}: the page is ${b.width}×${b.height}, the reference ${a.width}×${a.height} (new image at ${fresh})`);
  }
  const diff = new PNG({ width: a.width, height: a.height });
  const differing = pixelmatch(a.data, b.data, diff.data, a.width, a.height, { threshold: 0.15, includeAA: false });
  const share = differing / (a.width * a.height);
  if (share > MAX_DIFF_SHARE) {
    await writeFile(fresh, png);
    await writeFile(diffPath, PNG.sync.write(diff));
  }
  expect(share, `${name}: ${differing} pixels differ from the reference (new image ${fresh}, difference ${diffPath})`).toBeLessThanOrEqual(MAX_DIFF_SHARE);
}

/** The page afresh at a window size and colour scheme, settled, with the status bar's run-to-run timings hidden. */
async function freshPage(page: Page, origin: string, width: number, height: number, scheme: 'light' | 'dark', query = QUERY): Promise<void> {
  await page.setViewport({ width, height });
  await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
  await page.goto(`${origin}/${query}`, { waitUntil: 'load' });
  await page.waitForFunction(() => 'sweepscope' in window);
  await page.evaluate(() => window.sweepscope.ready);
  await settleExplorer(page);
}

describe('the dashboard: the paper’s figure on one screen', () => {
  const env = usePage(({ chromium, server }) => openAppPage(chromium.browser, server.origin, QUERY, { width: 1920, height: 1080 }));

  it('shows the histogram, the matrix and the trellis inside 1920×1080, none overlapping, the filters beside them, no blank band', async () => {
    const { page, log } = env.setUp();
    await settleExplorer(page);
    const b = await boxes(page);
    for (const t of ['sweep-filters', 'sweep-histogram', 'sweep-matrix', 'sweep-trellis'] as const) {
      const box = b[t]!;
      expect(box, t).not.toBeNull();
      expect(box.x, `${t} left`).toBeGreaterThanOrEqual(0);
      expect(box.y, `${t} top`).toBeGreaterThanOrEqual(0);
      expect(box.x + box.w, `${t} right`).toBeLessThanOrEqual(1920);
      expect(box.y + box.h, `${t} bottom`).toBeLessThanOrEqual(1080);
      expect(box.w, `${t} width`).toBeGreaterThan(t === 'sweep-filters' ? 180 : 500);
      expect(box.h, `${t} height`).toBeGreaterThan(200);
    }
    const main = ['sweep-filters', 'sweep-histogram', 'sweep-matrix', 'sweep-trellis'] as const;
    for (let i = 0; i < main.length; i++) for (let j = i + 1; j < main.length; j++) expect(overlap(b[main[i]]!, b[main[j]]!), `${main[i]} × ${main[j]}`).toBe(false);
    // The paper's arrangement: the histogram over the matrix, the trellis beside the matrix, the filters at the side.
    expect(b['sweep-histogram']!.y + b['sweep-histogram']!.h).toBeLessThanOrEqual(b['sweep-matrix']!.y);
    expect(b['sweep-matrix']!.x + b['sweep-matrix']!.w).toBeLessThanOrEqual(b['sweep-trellis']!.x);
    expect(b['sweep-filters']!.x + b['sweep-filters']!.w).toBeLessThanOrEqual(b['sweep-histogram']!.x);
    // The lower band, below the first screen.
    expect(b['sweep-parallel']!.y).toBeGreaterThanOrEqual(b['sweep-trellis']!.y + b['sweep-trellis']!.h);
    expect(b['sweep-table']!.y).toBeGreaterThanOrEqual(b['sweep-parallel']!.y + b['sweep-parallel']!.h);
    expect(await page.evaluate(() => document.documentElement.scrollWidth), 'no horizontal scrolling').toBeLessThanOrEqual(1920);
    await page.evaluate(() => document.querySelector('sweep-parallel')!.whenIdle());
    // The page a window at a time, each overlapping the last by more than 40 px, so a taller band lies whole in one
    // (a full-page screenshot would resize the window, and the first screen follows the window's height).
    const pageHeight = await page.evaluate(() => document.documentElement.scrollHeight);
    let band = { height: 0, at: 0 };
    for (let top = 0; ; top = Math.min(top + 1080 - 100, pageHeight - 1080)) {
      await page.evaluate((y) => window.scrollTo(0, y), top);
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(null)))));
      const shot = await page.screenshot({ type: 'png' });
      await saveArtifact(`dashboard-1920x1080-at-${top}.png`, shot);
      const b = tallestBlankBand(decodePng(shot));
      if (b.height > band.height) band = { height: b.height, at: top + b.at };
      if (top >= pageHeight - 1080) break;
    }
    await page.evaluate(() => window.scrollTo(0, 0));
    expect(band.height, `a blank band ${band.height} px tall at y = ${band.at}`).toBeLessThanOrEqual(40);
    expect(log.errors).toEqual([]);
  });

  it('keeps the views legible at 1280×800', async () => {
    const { page, log } = env.setUp();
    await page.setViewport({ width: 1280, height: 800 });
    try {
      await settleExplorer(page);
      const b = await boxes(page);
      for (const t of ['sweep-histogram', 'sweep-matrix', 'sweep-trellis'] as const) {
        expect(b[t]!.w, `${t} width`).toBeGreaterThan(380);
        expect(b[t]!.h, `${t} height`).toBeGreaterThan(200);
        expect(b[t]!.x + b[t]!.w, `${t} right`).toBeLessThanOrEqual(1280);
      }
      const main = ['sweep-filters', 'sweep-histogram', 'sweep-matrix', 'sweep-trellis'] as const;
      for (let i = 0; i < main.length; i++) for (let j = i + 1; j < main.length; j++) expect(overlap(b[main[i]]!, b[main[j]]!), `${main[i]} × ${main[j]}`).toBe(false);
      expect(await page.evaluate(() => document.documentElement.scrollWidth), 'no horizontal scrolling').toBeLessThanOrEqual(1280);
    } finally {
      await page.setViewport({ width: 1920, height: 1080 });
    }
    expect(log.errors).toEqual([]);
  });

  it('resizes panels by their borders (mouse and keys), collapses and expands them, and keeps the layout in the address', async () => {
    const { page, log, server } = env.setUp();
    await settleExplorer(page);
    const before = await boxes(page);
    // Drag the border between the filters and the views 60 px to the right.
    const split = (await page.$('[data-split="filters"]'))!;
    const s = (await split.boundingBox())!;
    await page.mouse.move(s.x + s.width / 2, s.y + 40);
    await page.mouse.down();
    await page.mouse.move(s.x + s.width / 2 + 60, s.y + 40, { steps: 5 });
    await page.mouse.up();
    await settleExplorer(page);
    const wider = await boxes(page);
    expect(wider['sweep-filters']!.w - before['sweep-filters']!.w).toBeCloseTo(60, 0);
    expect(wider['sweep-histogram']!.w - before['sweep-histogram']!.w).toBeCloseTo(-60, 0);
    // Two arrow keys on the border under the histogram: 32 px taller.
    await page.focus('[data-split="histogram"]');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await settleExplorer(page);
    const taller = await boxes(page);
    expect(taller['sweep-histogram']!.h - before['sweep-histogram']!.h).toBeCloseTo(32, 0);
    expect(taller['sweep-matrix']!.h - before['sweep-matrix']!.h).toBeCloseTo(-32, 0);
    // Collapse the trellis: the matrix takes its room.
    await page.click('[data-split="matrix"] button[aria-label="Collapse the trellis"]');
    await settleExplorer(page);
    const collapsed = await boxes(page);
    expect(collapsed['sweep-trellis']).toBeNull();
    expect(collapsed['sweep-matrix']!.w).toBeGreaterThan(taller['sweep-matrix']!.w + 400);
    await page.waitForFunction(() => (new URLSearchParams(location.search).get('layout') ?? '').includes('hide:'), { timeout: 5000 });
    const layout = await page.evaluate(() => new URLSearchParams(location.search).get('layout'));
    expect(layout).toBe(`filters:${Math.round(wider['sweep-filters']!.w)},histogram:${Math.round(taller['sweep-histogram']!.h)},hide:trellis`);
    // A copied link opens the same screen.
    const address = page.url();
    await page.goto(address, { waitUntil: 'load' });
    await page.waitForFunction(() => 'sweepscope' in window);
    await page.evaluate(() => window.sweepscope.ready);
    await settleExplorer(page);
    const again = await boxes(page);
    expect(again['sweep-trellis']).toBeNull();
    expect(again['sweep-filters']!.w).toBeCloseTo(wider['sweep-filters']!.w, 0);
    expect(again['sweep-histogram']!.h).toBeCloseTo(taller['sweep-histogram']!.h, 0);
    // Expanded from its rail.
    await page.click('[data-collapsed="trellis"]');
    await settleExplorer(page);
    expect((await boxes(page))['sweep-trellis']).not.toBeNull();
    expect(await page.evaluate(() => new URLSearchParams(location.search).get('layout'))).not.toContain('trellis');
    await freshPage(page, server.origin, 1920, 1080, 'light');
    expect(log.errors).toEqual([]);
  });

  it('says in every view that the filters leave nothing, and one click resets them', async () => {
    const { page, log } = env.setUp();
    await settleExplorer(page);
    await changeState(page, { where: { optimizer: [] } });
    await settleExplorer(page);
    expect((await page.evaluate(() => window.sweepscope.lastResult))!.baseline).toBe(0);
    // The row views draw in tasks of their own, after the counts: wait for them too.
    const saying = (): Promise<string[]> =>
      page.evaluate((tags) => tags.filter((t) => document.querySelector(t)?.shadowRoot?.querySelector('.empty-selection') != null), VIEWS);
    await page
      .waitForFunction((n) => document.querySelectorAll('#explorer [data-panel] > *').length === n && [...document.querySelectorAll('#explorer [data-panel] > *')].every((v) => v.shadowRoot?.querySelector('.empty-selection')), { timeout: 10_000 }, VIEWS.length)
      .catch(() => undefined);
    expect(await saying()).toEqual([...VIEWS]);
    await page.evaluate(() => (document.querySelector('sweep-matrix')!.shadowRoot!.querySelector('.empty-selection button') as HTMLButtonElement).click());
    await settleExplorer(page);
    const s = await page.evaluate(() => window.sweepscope.state);
    expect(s.where).toEqual({});
    expect(s.range).toBeNull();
    expect((await page.evaluate(() => window.sweepscope.lastResult))!.baseline).toBe(200_000);
    await page
      .waitForFunction(() => [...document.querySelectorAll('#explorer [data-panel] > *')].every((v) => !v.shadowRoot?.querySelector('.empty-selection')), { timeout: 10_000 })
      .catch(() => undefined);
    expect(await saying()).toEqual([]);
    expect(log.errors).toEqual([]);
  });

  it('looks like its reference screenshots at 1920×1080 (light and dark) and 1280×800', async () => {
    const { page, log, server } = env.setUp();
    const shots: [string, number, number, 'light' | 'dark'][] = [
      ['dashboard-1920x1080-light', 1920, 1080, 'light'],
      ['dashboard-1920x1080-dark', 1920, 1080, 'dark'],
      ['dashboard-1280x800-light', 1280, 800, 'light'],
    ];
    const failures: string[] = [];
    // One fresh page in the state of the address; the window and the scheme change under it (the views follow both).
    await freshPage(page, server.origin, 1920, 1080, 'light');
    // The status bar says how long things took, which differs from run to run.
    await page.addStyleTag({ content: 'sweep-status { visibility: hidden; }' });
    try {
      for (const [name, w, h, scheme] of shots) {
        await page.setViewport({ width: w, height: h });
        await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
        await settleExplorer(page);
        await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(null)))));
        const png = await page.screenshot({ type: 'png' });
        await saveArtifact(`${name}.png`, png);
        await compareWithReference(name, png).catch((e: unknown) => failures.push(e instanceof Error ? e.message : String(e)));
      }
    } finally {
      await page.setViewport({ width: 1920, height: 1080 });
      await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'light' }]);
      await page.addStyleTag({ content: 'sweep-status { visibility: visible; }' });
    }
    expect(failures).toEqual([]);
    expect(log.errors).toEqual([]);
  });

  it('survives 300 seeded random clicks, drags, keys and filter toggles, ending with every view on the engine’s answer', async () => {
    const { page, log } = env.setUp();
    await settleExplorer(page);
    const rand = rng(20261202);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
    const b = await boxes(page);
    const targets = (['sweep-filters', 'sweep-histogram', 'sweep-matrix', 'sweep-trellis'] as const).map((t) => b[t]!);
    // Export buttons and links start downloads: random clicks keep off them.
    const avoid: Box[] = await page.evaluate(() =>
      [...document.querySelectorAll('#explorer [data-panel] > *')].flatMap((v) =>
        [...(v.shadowRoot?.querySelectorAll('button, a, select') ?? [])]
          .filter((e) => /svg|png|csv|export|download/i.test(e.textContent ?? '') || e.tagName === 'A')
          .map((e) => {
            const r = e.getBoundingClientRect();
            return { x: r.x - 4, y: r.y - 4, w: r.width + 8, h: r.height + 8 };
          }),
      ),
    );
    const inside = (x: number, y: number, r: Box): boolean => x >= r.x && x <= r.x + r.w && y >= r.y && y <= r.y + r.h;
    const point = (r: Box): [number, number] => {
      for (;;) {
        const x = r.x + 2 + rand() * (r.w - 4);
        const y = r.y + 2 + rand() * (r.h - 4);
        if (!avoid.some((a) => inside(x, y, a))) return [x, y];
      }
    };
    const done = { click: 0, drag: 0, key: 0, filter: 0 };
    for (let i = 0; i < 300; i++) {
      const k = rand();
      if (k < 0.35) {
        const [x, y] = point(pick(targets));
        await page.mouse.click(x, y);
        done.click++;
      } else if (k < 0.6) {
        const h = b['sweep-histogram']!;
        const [x0, y0] = point(h);
        await page.mouse.move(x0, y0);
        await page.mouse.down();
        await page.mouse.move(h.x + rand() * h.w, y0, { steps: 2 + Math.floor(rand() * 4) });
        await page.mouse.up();
        done.drag++;
      } else if (k < 0.8) {
        await page.keyboard.press(pick(['Escape', 'ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End'] as const));
        done.key++;
      } else {
        // A filter chip, by its own button.
        await page.evaluate((r) => {
          const chips = [...document.querySelector('sweep-filters')!.shadowRoot!.querySelectorAll<HTMLButtonElement>('.chip > button:not(.only)')];
          chips[Math.floor(r * chips.length)]?.click();
        }, rand());
        done.filter++;
      }
      if (rand() < 0.3) await new Promise((r) => setTimeout(r, rand() * 40));
    }
    expect(Math.min(done.click, done.drag, done.key, done.filter)).toBeGreaterThan(30);
    await settleExplorer(page, 60_000);
    const state = await page.evaluate(() => window.sweepscope.state);
    const shown = (await page.evaluate(() => window.sweepscope.lastResult)) as AggregateJson;
    const fresh = await page.evaluate((spec) => window.sweepscope.query(spec), specOf(state) as never);
    expect(shown).toEqual(fresh);
    // Every view draws that answer and that state: the views hold one Answer (the
    // same object in all six), and it reads as the API's JSON of the shown answer.
    const views = await page.evaluate(() => {
      const els = [...document.querySelectorAll('#explorer [data-panel] > *')] as (HTMLElement & { result?: Answer; state?: unknown })[];
      const json = window.sweepscope.lastResult!;
      const first = els[0]?.result;
      const same = (a: Answer | undefined): boolean =>
        a !== undefined &&
        a === first &&
        a.rows === json.rows &&
        a.missing === json.missing &&
        a.baseline === json.baseline &&
        a.selected === json.selected &&
        a.metric === json.metric &&
        a.normalize === json.normalize &&
        JSON.stringify(a.range) === JSON.stringify(json.range) &&
        a.params.every((p, i) => p.options.every((o, k) => a.optionSelected(i, k) === json.optionCounts[p.name][o])) &&
        a.groups.every((_, g) => json.histogram.selected[g].every((n, b) => a.histSelected(g, b) === n));
      return els.map((e) => ({ tag: e.tagName.toLowerCase(), result: same(e.result), state: JSON.stringify(e.state) === JSON.stringify(window.sweepscope.state) }));
    });
    expect(views.length).toBe(6);
    for (const v of views) expect(v, v.tag).toEqual({ tag: v.tag, result: true, state: true });
    expect(log.errors).toEqual([]);
  });
});
