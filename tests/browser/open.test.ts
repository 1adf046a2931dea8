/**
 * `sweepscope open` with the real page: the production build (vite build,
 * into a temporary folder given as SWEEPSCOPE_PAGE_DIR) served by the command
 * with its Content-Security-Policy, opened in Chromium on the address it
 * prints. The page loads the shared nats-bench-201.csv from the server, stays
 * on 127.0.0.1:PORT, and logs no errors (a CSP violation would be one); the
 * address's view state applies to the file; a missing file leaves the page
 * usable with one message.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { NATS_CSV } from '../shared-data.js';
import { foreignRequests, launchChromium, REPO_ROOT, requireChromium, watchPage, type Chromium, type PageLog } from './harness.js';

const NATS_ROWS = 46_875;

/** Builds the page (vite build) into `outDir`. */
function buildPage(outDir: string): void {
  const vite = join(dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin', 'vite.js');
  const r = spawnSync(process.execPath, [vite, 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'error'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.status !== 0) throw new Error(`vite build failed (${String(r.status)}): ${r.stderr}`);
}

/** Runs `sweepscope open FILE --no-open --port 0` on `pageDir`; resolves with the address it prints. */
function startOpen(file: string, pageDir: string): { child: ChildProcess; url: Promise<string> } {
  const bin = join(REPO_ROOT, 'bin', 'sweepscope.mjs');
  const child = spawn(process.execPath, [bin, 'open', file, '--no-open', '--port', '0'], {
    env: { ...process.env, SWEEPSCOPE_PAGE_DIR: pageDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const url = new Promise<string>((ok, ko) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = / at (http:\/\/127\.0\.0\.1:\d+\/\?file=\S+) \(Ctrl\+C to stop\)\n/.exec(out);
      if (m) ok(m[1]);
    });
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => ko(new Error(`sweepscope open exited (${String(code)}) before serving: ${err}${out}`)));
  });
  return { child, url };
}

interface Opened {
  page: Page;
  log: PageLog;
  /** CSP violations the document reported. */
  violations(): Promise<string[]>;
}

/**
 * The page's errors, less one Chromium reported once in a busy run: the sweep's
 * request "aborted" (net::ERR_ABORTED) although the page had read the whole
 * file — every trainings count asserted with it was right. The tests that
 * call this assert the file's rows first, so a load that really failed still
 * fails them; any other error (and any other request failing) still counts.
 */
function errorsBut(errors: readonly string[]): string[] {
  return errors.filter((e) => !/^request failed: \S+\/sweep\/nats-bench-201\.csv net::ERR_ABORTED$/.test(e));
}

async function openPage(chromium: Chromium, address: string): Promise<Opened> {
  const page = await chromium.browser.newPage();
  await page.setViewport({ width: 1400, height: 1000 });
  const log = watchPage(page);
  await page.evaluateOnNewDocument(() => {
    const seen: string[] = [];
    (window as unknown as { __cspViolations: string[] }).__cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}:${e.columnNumber}`));
  });
  await page.goto(address, { waitUntil: 'load' });
  await page.waitForFunction(() => 'sweepscope' in window, { timeout: 30_000 });
  return {
    page,
    log,
    violations: () => page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations),
  };
}

describe('sweepscope open in Chromium', () => {
  let dir = '';
  let server: ChildProcess | undefined;
  let chromium: Chromium | undefined;
  let url = '';
  let origin = '';

  beforeAll(async () => {
    requireChromium();
    dir = mkdtempSync(join(tmpdir(), 'sweepscope-open-page-'));
    const pageDir = join(dir, 'page');
    buildPage(pageDir);
    const started = startOpen(NATS_CSV, pageDir);
    server = started.child;
    url = await started.url;
    origin = new URL(url).origin;
    chromium = await launchChromium();
  });

  afterAll(async () => {
    await chromium?.close();
    if (server && server.exitCode === null && server.signalCode === null) {
      const exited = new Promise((ok) => server!.once('exit', ok));
      server.kill('SIGTERM');
      await Promise.race([exited, new Promise((ok) => setTimeout(ok, 5_000))]);
      if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('loads the file it serves: 46,875 trainings, only from 127.0.0.1:PORT, no errors or CSP violations', async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?file=\/sweep\/nats-bench-201\.csv$/);
    const { page, log, violations } = await openPage(chromium!, url);
    try {
      await page.evaluate(() => window.sweepscope.ready);
      expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
      expect(await page.evaluate(() => window.sweepscope.rows)).toBe(NATS_ROWS);
      expect(await page.evaluate(() => window.sweepscope.sweep?.name)).toBe('nats-bench-201.csv');
      expect((await page.evaluate(() => window.sweepscope.lastResult))?.rows).toBe(NATS_ROWS);
      expect(await page.$eval('#load-error', (e) => (e as HTMLElement).hidden)).toBe(true);
      expect(await page.$eval('#error', (e) => (e as HTMLElement).hidden)).toBe(true);
      expect(log.requests).toContain(`${origin}/sweep/nats-bench-201.csv`);
      expect(foreignRequests(log.requests, origin)).toEqual([]);
      expect(await violations()).toEqual([]);
      expect(errorsBut(log.errors)).toEqual([]);
      // the views work under the CSP: no view shows an error (regl's lines need 'unsafe-eval')
      const viewErrors = await page.$$eval('sweep-parallel, sweep-histogram, sweep-matrix, sweep-trellis, sweep-table', (els) =>
        els.map((e) => e.shadowRoot?.querySelector('.error')?.textContent ?? null).filter((t) => t !== null),
      );
      expect(viewErrors).toEqual([]);
      expect(await page.$$eval('sweep-parallel', (els) => els.length)).toBe(1);
      // the address keeps file= beside the view state the page writes
      expect(new URL(await page.evaluate(() => location.href)).searchParams.get('file')).toBe('/sweep/nats-bench-201.csv');
    } finally {
      await page.close();
    }
  });

  it('applies the view state in the address to the file', async () => {
    const { page, log } = await openPage(chromium!, `${url}&where=dataset:cifar10&norm=1&range=0.9,1`);
    try {
      await page.evaluate(() => window.sweepscope.ready);
      expect(await page.evaluate(() => window.sweepscope.rows)).toBe(NATS_ROWS);
      const state = await page.evaluate(() => window.sweepscope.state);
      expect(state.where).toEqual({ dataset: ['cifar10'] });
      expect(state.normalize).toBe(true);
      expect(state.range).toEqual([0.9, 1]);
      const r = (await page.evaluate(() => window.sweepscope.lastResult))!;
      expect(r.baseline).toBe(NATS_ROWS / 3);
      expect(r.selected).toBeGreaterThan(0);
      expect(r.selected).toBeLessThan(r.baseline);
      expect(await page.$eval('#error', (e) => (e as HTMLElement).hidden)).toBe(true);
      expect(errorsBut(log.errors)).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('shows a failed load as one message and stays usable', async () => {
    const { page, violations } = await openPage(chromium!, `${origin}/?file=/sweep/missing.csv`);
    try {
      const failure = await page.evaluate(() => window.sweepscope.ready.then(() => 'loaded', (e: unknown) => String(e)));
      expect(failure).toMatch(/cannot load '\/sweep\/missing\.csv': HTTP 404/);
      await page.waitForFunction(() => !(document.getElementById('load-error') as HTMLElement).hidden);
      expect(await page.$eval('#load-error', (e) => e.textContent)).toMatch(/^Load failed: cannot load '\/sweep\/missing\.csv': HTTP 404/);
      expect(await page.evaluate(() => window.sweepscope.rows)).toBe(0);
      // still usable: another load works
      await page.evaluate(() => window.sweepscope.load({ generate: { rows: 1000, seed: 1 } }));
      expect(await page.evaluate(() => window.sweepscope.rows)).toBe(1000);
      expect(await page.$eval('#load-error', (e) => (e as HTMLElement).hidden)).toBe(true);
      expect(await violations()).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
