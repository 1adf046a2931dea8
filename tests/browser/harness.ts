/**
 * Helpers for the browser tests: a Vite dev server started in-process, Debian's
 * Chromium driven by puppeteer-core, a log of everything the page did, and a
 * small PNG decoder to look at screenshots.
 */

import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { createServer, type InlineConfig, type ViteDevServer } from 'vite';

export const CHROMIUM = '/usr/bin/chromium';
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Throws (never skips) when Chromium is not installed. */
export function requireChromium(): void {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium`);
}

export interface DevServer {
  server: ViteDevServer;
  /** e.g. http://127.0.0.1:41234 (no trailing slash) */
  origin: string;
  close(): Promise<void>;
}

/** Starts the project's Vite dev server (vite.config.ts, plus `overrides`) on a free port of 127.0.0.1. */
export async function startDevServer(overrides: InlineConfig = {}): Promise<DevServer> {
  const server = await createServer({
    root: REPO_ROOT,
    configFile: join(REPO_ROOT, 'vite.config.ts'),
    logLevel: 'warn',
    clearScreen: false,
    ...overrides,
    server: { host: '127.0.0.1', port: 0, strictPort: true, ...overrides.server },
  });
  await server.listen();
  const addr = server.httpServer?.address() as AddressInfo | null;
  if (!addr || typeof addr !== 'object') {
    await server.close();
    throw new Error('the Vite dev server did not report its address');
  }
  return { server, origin: `http://127.0.0.1:${addr.port}`, close: () => server.close() };
}

export interface Chromium {
  browser: Browser;
  close(): Promise<void>;
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-gpu-sandbox',
];

/** Launches headless Chromium with a fresh profile, removed again on close. */
export async function launchChromium(): Promise<Chromium> {
  requireChromium();
  const userDataDir = await mkdtemp(join(tmpdir(), 'sweepscope-chromium-'));
  let browser: Browser;
  try {
    browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, userDataDir });
  } catch (e) {
    await rm(userDataDir, { recursive: true, force: true });
    throw e;
  }
  return {
    browser,
    async close() {
      await browser.close().catch(() => undefined);
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

/** What a page did: console errors (page and workers), uncaught errors, requests. */
export interface PageLog {
  errors: string[];
  requests: string[];
}

export function watchPage(page: Page): PageLog {
  const log: PageLog = { errors: [], requests: [] };
  page.on('console', (m) => {
    if (m.type() === 'error') log.errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => log.errors.push(`page error: ${e instanceof Error ? e.message : String(e)}`));
  page.on('requestfailed', (r) => log.errors.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  page.on('request', (r) => log.requests.push(r.url()));
  page.on('workercreated', (w) => {
    w.on('console', (m) => {
      if (m.type() === 'error') log.errors.push(`worker console (${w.url()}): ${m.text()}`);
    });
    w.on('error', (e) => log.errors.push(`worker error (${w.url()}): ${e.message}`));
  });
  return log;
}

/** Request URLs not on `origin` (data: and blob: URLs never leave the page and pass). */
export function foreignRequests(requests: readonly string[], origin: string): string[] {
  return requests.filter((u) => {
    const url = new URL(u);
    if (url.protocol === 'data:' || url.protocol === 'blob:') return false;
    return url.origin !== origin;
  });
}

export interface Image {
  width: number;
  height: number;
  /** RGBA, 8 bits per channel. */
  rgba: Uint8Array;
}

/** Decodes an 8-bit, non-interlaced PNG (what Chromium's screenshots are). */
export function decodePng(png: Uint8Array): Image {
  const buf = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  if (buf.readUInt32BE(0) !== 0x89504e47) throw new Error('not a PNG');
  let pos = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos);
    const type = buf.toString('latin1', pos + 4, pos + 8);
    const data = buf.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      const depth = data[8];
      const colour = data[9];
      const interlace = data[12];
      channels = ({ 0: 1, 2: 3, 4: 2, 6: 4 } as Record<number, number>)[colour] ?? 0;
      if (depth !== 8 || channels === 0 || interlace !== 0)
        throw new Error(`unsupported PNG: depth ${depth}, colour type ${colour}, interlace ${interlace}`);
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    pos += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const px = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const out = y * stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? px[out + x - channels] : 0;
      const b = y > 0 ? px[out - stride + x] : 0;
      const c = x >= channels && y > 0 ? px[out - stride + x - channels] : 0;
      let v = line[x];
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      } else if (filter !== 0) throw new Error(`bad PNG filter ${filter}`);
      px[out + x] = v & 255;
    }
  }
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const s = i * channels;
    const gray = channels <= 2;
    rgba[i * 4] = px[s];
    rgba[i * 4 + 1] = gray ? px[s] : px[s + 1];
    rgba[i * 4 + 2] = gray ? px[s] : px[s + 2];
    rgba[i * 4 + 3] = channels === 4 ? px[s + 3] : channels === 2 ? px[s + 1] : 255;
  }
  return { width, height, rgba };
}

/** How much of an image differs from its top-left (background) pixel, and how many colours it has (4 bits a channel). */
export function imageStats(img: Image): { inkFraction: number; colours: number } {
  const { rgba } = img;
  const bg = [rgba[0], rgba[1], rgba[2]];
  let ink = 0;
  const colours = new Set<number>();
  const n = img.width * img.height;
  for (let i = 0; i < n; i++) {
    const r = rgba[i * 4];
    const g = rgba[i * 4 + 1];
    const b = rgba[i * 4 + 2];
    if (Math.abs(r - bg[0]) + Math.abs(g - bg[1]) + Math.abs(b - bg[2]) > 24) ink++;
    colours.add(((r >> 4) << 8) | ((g >> 4) << 4) | (b >> 4));
  }
  return { inkFraction: n ? ink / n : 0, colours: colours.size };
}

/**
 * Dev server settings for tests that drive the page: no file watching and no
 * HMR, so an edit elsewhere in the checkout never reloads a page mid-test.
 * (Dependency pre-bundling is left as vite.config.ts has it: the optimizer's
 * cache is shared by every server, and a different config would rebuild it.)
 */
export const PAGE_SERVER_CONFIG: InlineConfig = {
  server: { hmr: false, watch: null },
};

/** Opens the page (`query` is the address's `?…`; `beforeGoto` may set the page up first) and waits until `window.sweepscope.ready` resolves. */
export async function openAppPage(
  browser: Browser,
  origin: string,
  query: string,
  viewport = { width: 1400, height: 1000 },
  beforeGoto?: (page: Page) => Promise<void>,
): Promise<{ page: Page; log: PageLog }> {
  const page = await browser.newPage();
  await page.setViewport(viewport);
  const log = watchPage(page);
  await beforeGoto?.(page);
  await page.goto(`${origin}/${query}`, { waitUntil: 'load' });
  await page.waitForFunction(() => 'sweepscope' in window, { timeout: 30_000 });
  await page.evaluate(() => (window as unknown as { sweepscope: { ready: Promise<void> } }).sweepscope.ready);
  return { page, log };
}

/**
 * Opens tests/browser/<file> (a page that mounts what a test drives, e.g.
 * views-matrix.html) with its log watched, and waits until it has set
 * `window[global]`. Chromium's default viewport unless `viewport` is given.
 */
export async function openTestPage(
  browser: Browser,
  origin: string,
  file: string,
  global: string,
  viewport?: { width: number; height: number },
): Promise<{ page: Page; log: PageLog }> {
  const page = await browser.newPage();
  if (viewport) await page.setViewport(viewport);
  const log = watchPage(page);
  await page.goto(`${origin}/tests/browser/${file}`, { waitUntil: 'load' });
  await page.waitForFunction((g) => g in window, { timeout: 30_000 }, global);
  return { page, log };
}
