/**
 * Smoke test of the page in headless Chromium (`?engine=cpu`): it generates a
 * sweep in web workers, queries it on the browser worker engine, and its
 * answer equals the same query run in Node on a sweep generated in Node.
 * api.test.ts covers the engine choice, WebGPU and loading files;
 * explorer.test.ts the linked views, the address and real mouse input.
 */

import { describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { InlineCpuEngine } from '../../src/engine/cpu-engine.js';
import { Session } from '../../src/engine/session.js';
import type { QuerySpec } from '../../src/engine/types.js';
import { generateNwsSweep } from '../../src/synth/nws.js';
import { diffAggregates } from '../reference.js';
import { foreignRequests, openAppPage, PAGE_SERVER_CONFIG, startDevServer, type Chromium, type DevServer, type PageLog } from './harness.js';
import { saveScreenshot, usePage } from './setup.js';

const ROWS = 200_000;
const SEED = 3;

async function nodeAnswer(rows: number, seed: number, spec: QuerySpec): Promise<unknown> {
  const session = await Session.open(generateNwsSweep(rows, seed), new InlineCpuEngine());
  return (await session.query(spec)).json;
}

/** Opens the page on the CPU engine and waits until it has generated, loaded and shown the first query. */
function openPage(chromium: Chromium, server: DevServer, query: string): Promise<{ page: Page; log: PageLog }> {
  return openAppPage(chromium.browser, server.origin, `${query}&engine=cpu`);
}

describe('the page in Chromium', () => {
  const env = usePage(({ chromium, server }) => openPage(chromium, server, `?rows=${ROWS}&seed=${SEED}`));

  it('is cross-origin isolated, error-free, and stays on its own origin', async () => {
    const { page, log, server } = env.setUp();
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    expect(await page.evaluate(() => window.sweepscope.engine.kind)).toBe('cpu');
    expect(await page.$eval('sweep-status >>> #engine-info', (e) => e.textContent)).toMatch(/^CPU \(\d+ workers?\) — the CPU engine was chosen/);
    expect(await page.$eval('sweep-status >>> #memory-info', (e) => e.textContent?.trim())).toMatch(/^shared/);
    expect(log.errors).toEqual([]);
    expect(log.requests.length).toBeGreaterThan(0);
    expect(foreignRequests(log.requests, server.origin)).toEqual([]);
  });

  it('shows the aggregates in the linked views', async () => {
    const { page } = env.setUp();
    expect(await page.evaluate(() => window.sweepscope.rows)).toBe(ROWS);
    const r = (await page.evaluate(() => window.sweepscope.lastResult))!;
    expect(r.rows).toBe(ROWS);
    expect(r.selected).toBeGreaterThan(0);
    expect(r.histogram.edges.length).toBe(51);
    const status = await page.$eval('sweep-status', (e) => e.shadowRoot!.textContent!.replace(/\s+/g, ' '));
    expect(status.replace(/,/g, '')).toContain(`${ROWS} trainings`);
    expect(await page.$eval('sweep-histogram', (e) => e.shadowRoot!.querySelectorAll('svg.plot').length)).toBe(1);
    expect(await page.$eval('sweep-filters', (e) => e.shadowRoot!.querySelectorAll('[data-param]').length)).toBe(12);
    expect(await page.$eval('sweep-matrix', (e) => e.shadowRoot!.querySelectorAll('rect.cell').length)).toBeGreaterThan(100);
    expect(await page.$eval('sweep-trellis', (e) => e.shadowRoot!.querySelectorAll('g.panel').length)).toBe(5);
    expect(await page.$eval('#error', (e) => (e as HTMLElement).hidden)).toBe(true);
  });

  it('answers a query exactly like Node on a sweep generated in Node', async () => {
    const { page } = env.setUp();
    const spec: QuerySpec = { normalize: true, range: [0.9, 1] };
    const browser = await page.evaluate((s) => window.sweepscope.query(s), spec);
    const node = await nodeAnswer(ROWS, SEED, spec);
    expect(diffAggregates(browser, node, 1e-9)).toBeNull();
  });

  /** Dispatches a view-change from a view, as a view would. */
  function change(detail: Record<string, unknown>): Promise<void> {
    return env.page.evaluate((d) => {
      document.querySelector('sweep-histogram')!.dispatchEvent(new CustomEvent('view-change', { detail: d, bubbles: true, composed: true }));
    }, detail);
  }

  it('shows a bad view change as one message and keeps the data; only the latest state is shown', async () => {
    const { page, log } = env.setUp();
    await change({ range: [0.9, 0.2] });
    await page.waitForFunction(() => !(document.getElementById('error') as HTMLElement).hidden);
    expect(await page.$eval('#error', (e) => e.textContent)).toMatch(/range 0\.9,0\.2 is empty/);
    expect(await page.evaluate(() => window.sweepscope.lastResult!.histogram.edges.length)).toBe(51);

    // Changes back to back: the views end on the last one's answer.
    await change({ range: null, bins: 7 });
    await change({ bins: 8 });
    await new Promise((r) => setTimeout(r, 30));
    await change({ bins: 9 });
    await page.waitForFunction(() => window.sweepscope.lastResult!.histogram.edges.length === 10 && document.querySelector('#explorer')!.getAttribute('data-busy') === 'false', {
      timeout: 20_000,
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(await page.evaluate(() => window.sweepscope.lastResult!.histogram.edges.length)).toBe(10);
    expect(new URL(page.url()).searchParams.get('bins')).toBe('9');
    expect(await page.$eval('#error', (e) => (e as HTMLElement).hidden)).toBe(true);
    expect(log.errors).toEqual([]);
  });

  it('renders something worth looking at (screenshot in test-artifacts/page.png)', async () => {
    const { page } = env.setUp();
    await change({ bins: 50, range: [0.8, 1] });
    await page.waitForFunction(() => window.sweepscope.lastResult!.histogram.edges.length === 51 && document.querySelector('#explorer')!.getAttribute('data-busy') === 'false', {
      timeout: 20_000,
    });
    await saveScreenshot(page, 'page', { ink: 0.02, colours: 16 });
  });

  it('Generate… opens a dialog that generates another sweep; a bad row count is one message and the sweep stays', async () => {
    const { page, log } = env.setUp();
    const generate = async (rows: string, seed: string): Promise<void> => {
      await page.click('#generate-open');
      expect(await page.$eval('#generate-dialog', (d) => (d as HTMLDialogElement).open)).toBe(true);
      await page.$eval('#generate-form input[name=rows]', (e) => ((e as HTMLInputElement).value = ''));
      await page.type('#generate-form input[name=rows]', rows);
      await page.$eval('#generate-form input[name=seed]', (e) => ((e as HTMLInputElement).value = ''));
      await page.type('#generate-form input[name=seed]', seed);
      await page.click('#generate-form button[type=submit]');
      expect(await page.$eval('#generate-dialog', (d) => (d as HTMLDialogElement).open)).toBe(false);
    };
    await generate('-5', '1');
    await page.waitForFunction(() => !(document.getElementById('load-error') as HTMLElement).hidden);
    expect(await page.$eval('#load-error', (e) => e.textContent)).toMatch(/^Load failed: rows must be an integer from 1 to/);
    expect(await page.evaluate(() => window.sweepscope.rows)).toBe(ROWS);

    await generate('30000', '9');
    await page.waitForFunction(() => window.sweepscope.rows === 30_000 && document.querySelector('#explorer')?.getAttribute('data-busy') === 'false', {
      timeout: 60_000,
    });
    expect(await page.$eval('#sweep-name', (e) => e.textContent)).toContain('seed 9');
    expect(await page.$eval('#load-error', (e) => (e as HTMLElement).hidden)).toBe(true);
    const spec: QuerySpec = { normalize: true, range: [0.5, 1] };
    expect(diffAggregates(await page.evaluate((q) => window.sweepscope.query(q), spec), await nodeAnswer(30_000, 9, spec), 1e-9)).toBeNull();
    // Cancel closes the dialog and changes nothing.
    await page.click('#generate-open');
    await page.click('#generate-form button[type=button]');
    expect(await page.$eval('#generate-dialog', (d) => (d as HTMLDialogElement).open)).toBe(false);
    expect(await page.evaluate(() => window.sweepscope.rows)).toBe(30_000);
    expect(log.errors).toEqual([]);
  });

  it('falls back to one generate worker and copied memory when not cross-origin isolated', async () => {
    const { chromium } = env.setUp();
    const plain = await startDevServer({
      ...PAGE_SERVER_CONFIG,
      server: {
        ...PAGE_SERVER_CONFIG.server,
        headers: { 'Cross-Origin-Opener-Policy': 'unsafe-none', 'Cross-Origin-Embedder-Policy': 'unsafe-none' },
      },
    });
    try {
      const { page: p, log: l } = await openPage(chromium, plain, '?rows=30000&seed=8');
      expect(await p.evaluate(() => crossOriginIsolated)).toBe(false);
      expect(await p.$eval('sweep-status >>> #memory-info', (e) => e.textContent)).toContain('not shared');
      const spec: QuerySpec = { normalize: false, range: [0.5, 0.9], secondary: 'optimizer' };
      const browser = await p.evaluate((s) => window.sweepscope.query(s), spec);
      expect(diffAggregates(browser, await nodeAnswer(30_000, 8, spec), 1e-9)).toBeNull();
      expect(l.errors).toEqual([]);
      expect(foreignRequests(l.requests, plain.origin)).toEqual([]);
      await p.close();
    } finally {
      await plain.close();
    }
  });
});
