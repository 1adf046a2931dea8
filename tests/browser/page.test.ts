/**
 * Smoke test of the page in headless Chromium (`?engine=cpu`): it generates a
 * sweep in web workers, queries it on the browser worker engine, and its
 * answer equals the same query run in Node on a sweep generated in Node.
 * api.test.ts covers the engine choice, WebGPU and loading files.
 */

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { InlineCpuEngine } from '../../src/engine/cpu-engine.js';
import { Session } from '../../src/engine/session.js';
import type { QuerySpec } from '../../src/engine/types.js';
import { generateNwsSweep } from '../../src/synth/nws.js';
import { diffAggregates } from '../reference.js';
import {
  decodePng,
  foreignRequests,
  imageStats,
  launchChromium,
  openAppPage,
  PAGE_SERVER_CONFIG,
  REPO_ROOT,
  requireChromium,
  startDevServer,
  type Chromium,
  type DevServer,
  type PageLog,
} from './harness.js';

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
  let chromium: Chromium | undefined;
  let server: DevServer | undefined;
  let page: Page;
  let log: PageLog;

  /** Why the setup failed: every test then fails with it (a missing Chromium fails, never skips). */
  let setupError: unknown = null;

  beforeAll(async () => {
    try {
      requireChromium();
      server = await startDevServer(PAGE_SERVER_CONFIG);
      chromium = await launchChromium();
      ({ page, log } = await openPage(chromium, server, `?rows=${ROWS}&seed=${SEED}`));
    } catch (e) {
      setupError = e;
    }
  });

  function setUp(): void {
    if (setupError !== null) throw setupError;
  }

  afterAll(async () => {
    await chromium?.close();
    await server?.close();
  });

  it('is cross-origin isolated, error-free, and stays on its own origin', async () => {
    setUp();
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    expect(await page.evaluate(() => window.sweepscope.engine.kind)).toBe('cpu');
    expect(await page.$eval('#engine-info', (e) => e.textContent)).toMatch(/^CPU \(\d+ workers?\) — the CPU engine was chosen/);
    expect(await page.$eval('#memory-info', (e) => e.textContent?.trim())).toMatch(/^shared/);
    expect(log.errors).toEqual([]);
    expect(log.requests.length).toBeGreaterThan(0);
    expect(foreignRequests(log.requests, server!.origin)).toEqual([]);
  });

  it('shows the aggregates as tables', async () => {
    setUp();
    expect(await page.evaluate(() => window.sweepscope.rows)).toBe(ROWS);
    const rowsCell = await page.$eval('#counts td[data-key="rows"]', (e) => e.textContent?.trim());
    expect(rowsCell?.replace(/,/g, '')).toBe(String(ROWS));
    const selected = Number((await page.$eval('#counts td[data-key="selected"]', (e) => e.textContent ?? '')).replace(/,/g, ''));
    expect(selected).toBeGreaterThan(0);
    expect(await page.$$eval('#histogram tbody tr', (r) => r.length)).toBe(50);
    expect(await page.$$eval('#options table', (t) => t.length)).toBe(12);
    expect(await page.$$eval('#pairs tbody tr', (r) => r.length)).toBeGreaterThan(1);
    expect(await page.$$eval('#trellis table', (t) => t.length)).toBe(12);
    expect(await page.$eval('#error', (e) => (e as HTMLElement).hidden)).toBe(true);
  });

  it('answers a query exactly like Node on a sweep generated in Node', async () => {
    setUp();
    const spec: QuerySpec = { normalize: true, range: [0.9, 1] };
    const browser = await page.evaluate((s) => window.sweepscope.query(s), spec);
    const node = await nodeAnswer(ROWS, SEED, spec);
    expect(diffAggregates(browser, node, 1e-9)).toBeNull();
  });

  it('shows a bad query as one message and keeps the data; only the latest query is shown', async () => {
    setUp();
    await page.$eval('#query-form input[name="lo"]', (e) => ((e as HTMLInputElement).value = '0.9'));
    await page.$eval('#query-form input[name="hi"]', (e) => ((e as HTMLInputElement).value = '0.2'));
    await page.click('#query-form button[type="submit"]');
    await page.waitForFunction(() => !(document.getElementById('error') as HTMLElement).hidden);
    expect(await page.$eval('#error', (e) => e.textContent)).toMatch(/range 0\.9,0\.2 is empty/);
    expect(await page.$$eval('#histogram tbody tr', (r) => r.length)).toBe(50);

    // Two queries back to back: the page ends on the second one's answer.
    await page.$eval('#query-form input[name="hi"]', (e) => ((e as HTMLInputElement).value = '1'));
    await page.$eval('#query-form input[name="bins"]', (e) => ((e as HTMLInputElement).value = '7'));
    await page.click('#query-form button[type="submit"]');
    await page.$eval('#query-form input[name="bins"]', (e) => ((e as HTMLInputElement).value = '9'));
    await page.click('#query-form button[type="submit"]');
    await page.waitForFunction(() => document.querySelectorAll('#histogram tbody tr').length === 9, { timeout: 20_000 });
    await new Promise((r) => setTimeout(r, 300));
    expect(await page.$$eval('#histogram tbody tr', (r) => r.length)).toBe(9);
    expect(await page.$eval('#error', (e) => (e as HTMLElement).hidden)).toBe(true);
    expect(log.errors).toEqual([]);
  });

  it('renders something worth looking at (screenshot in test-artifacts/page.png)', async () => {
    setUp();
    await page.$eval('#query-form input[name="bins"]', (e) => ((e as HTMLInputElement).value = '50'));
    await page.click('#query-form button[type="submit"]');
    await page.waitForFunction(() => document.querySelectorAll('#histogram tbody tr').length === 50, { timeout: 20_000 });
    const png = await page.screenshot({ type: 'png', fullPage: true });
    const dir = join(REPO_ROOT, 'test-artifacts');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'page.png'), png);
    const stats = imageStats(decodePng(png));
    expect(stats.inkFraction).toBeGreaterThan(0.02);
    expect(stats.colours).toBeGreaterThan(16);
  });

  it('falls back to one generate worker and copied memory when not cross-origin isolated', async () => {
    setUp();
    const plain = await startDevServer({
      ...PAGE_SERVER_CONFIG,
      server: {
        ...PAGE_SERVER_CONFIG.server,
        headers: { 'Cross-Origin-Opener-Policy': 'unsafe-none', 'Cross-Origin-Embedder-Policy': 'unsafe-none' },
      },
    });
    try {
      const { page: p, log: l } = await openPage(chromium!, plain, '?rows=30000&seed=8');
      expect(await p.evaluate(() => crossOriginIsolated)).toBe(false);
      expect(await p.$eval('#memory-info', (e) => e.textContent)).toContain('not shared');
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
