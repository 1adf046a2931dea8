/**
 * The setup the browser test files share, on top of harness.ts (which stays
 * free of vitest, as bench/gpu.ts uses it too): one dev server and one
 * Chromium per describe block, a page opened on it with everything it does
 * logged, and screenshots saved to test-artifacts/ and checked for ink.
 *
 * A setup that fails (Chromium missing included) makes every test that uses
 * the fixture fail with why: it never skips.
 */

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import type { ElementHandle, Page } from 'puppeteer-core';
import type { InlineConfig } from 'vite';
import {
  decodePng,
  imageStats,
  launchChromium,
  PAGE_SERVER_CONFIG,
  REPO_ROOT,
  requireChromium,
  startDevServer,
  type Chromium,
  type DevServer,
  type Image,
  type PageLog,
} from './harness.js';

export const ARTIFACTS = join(REPO_ROOT, 'test-artifacts');

/** What useBrowser sets up. */
export interface BrowserSession {
  server: DevServer;
  chromium: Chromium;
}

/** A page and what it logs. */
export interface OpenedPage {
  page: Page;
  log: PageLog;
}

export interface BrowserOptions {
  /** The dev server's settings; PAGE_SERVER_CONFIG unless given. */
  server?: InlineConfig;
  /** Runs first in beforeAll (after the Chromium check), before the server starts: e.g. answers computed in Node. */
  prepare?: () => Promise<void>;
  /** Runs last in beforeAll, once everything is up (the page too, for usePage): e.g. hands the page its first data. */
  ready?: () => Promise<void>;
  /** Runs last in afterAll, once Chromium and the server are closed. */
  cleanUp?: () => Promise<void>;
}

/** Its getters are set once beforeAll has run; each one (and setUp) throws why the setup failed. */
export interface BrowserFixture extends Readonly<BrowserSession> {
  /** Throws why the setup failed (every test then fails with it); call it first in a test. */
  setUp(): BrowserSession;
}

export interface PageFixture extends BrowserFixture, Readonly<OpenedPage> {
  setUp(): BrowserSession & OpenedPage;
}

/**
 * Registers beforeAll/afterAll in the describe block it is called in: the dev
 * server and Chromium start before its tests and close after them.
 */
export function useBrowser(options: BrowserOptions = {}): BrowserFixture {
  return setUpBrowser(options, undefined);
}

/** useBrowser, and `open` opens the page the tests use (harness.ts's openAppPage or openTestPage) before `ready` runs. */
export function usePage(open: (b: BrowserSession) => Promise<OpenedPage>, options: BrowserOptions = {}): PageFixture {
  return setUpBrowser(options, open);
}

function setUpBrowser(options: BrowserOptions, open: undefined): BrowserFixture;
function setUpBrowser(options: BrowserOptions, open: (b: BrowserSession) => Promise<OpenedPage>): PageFixture;
function setUpBrowser(options: BrowserOptions, open: ((b: BrowserSession) => Promise<OpenedPage>) | undefined): PageFixture {
  let server: DevServer | undefined;
  let chromium: Chromium | undefined;
  let opened: OpenedPage | undefined;
  let setupError: unknown = null;
  let done = false;

  beforeAll(async () => {
    try {
      requireChromium();
      await options.prepare?.();
      server = await startDevServer(options.server ?? PAGE_SERVER_CONFIG);
      chromium = await launchChromium();
      if (open) opened = await open({ server, chromium });
      done = true;
      await options.ready?.();
    } catch (e) {
      done = true;
      setupError = e;
    }
  });

  afterAll(async () => {
    await chromium?.close();
    await server?.close();
    await options.cleanUp?.();
  });

  function setUp(): BrowserSession & OpenedPage {
    if (setupError !== null) throw setupError;
    if (!done || !server || !chromium) throw new Error('the browser is not set up: use the fixture in a test or a hook after beforeAll');
    return {
      server,
      chromium,
      get page(): Page {
        if (!opened) throw new Error('no page was opened: use usePage');
        return opened.page;
      },
      get log(): PageLog {
        if (!opened) throw new Error('no page was opened: use usePage');
        return opened.log;
      },
    };
  }

  return {
    setUp,
    get server() {
      return setUp().server;
    },
    get chromium() {
      return setUp().chromium;
    },
    get page() {
      return setUp().page;
    },
    get log() {
      return setUp().log;
    },
  };
}

/** Writes `data` to test-artifacts/<name> (name with its extension). */
export async function saveArtifact(name: string, data: Uint8Array | string): Promise<void> {
  await mkdir(ARTIFACTS, { recursive: true });
  await writeFile(join(ARTIFACTS, name), data);
}

/** Not blank: more than `ink` of the image differs from its background, and it has more than `colours` colours. */
export interface NotBlank {
  ink: number;
  colours: number;
  /** Names the image in a failed assertion. */
  label?: string;
}

/** Asserts that a PNG is not blank; returns it decoded. */
export function expectNotBlank(png: Uint8Array, min: NotBlank): Image {
  const image = decodePng(png);
  const stats = imageStats(image);
  expect(stats.inkFraction, min.label).toBeGreaterThan(min.ink);
  expect(stats.colours, min.label).toBeGreaterThan(min.colours);
  return image;
}

/** Writes a PNG to test-artifacts/<name>.png, then, given `notBlank`, asserts it is not blank. Returns it decoded. */
export async function savePng(name: string, png: Uint8Array, notBlank?: NotBlank): Promise<Image> {
  await saveArtifact(`${name}.png`, png);
  return notBlank ? expectNotBlank(png, notBlank) : decodePng(png);
}

/**
 * A screenshot of an element, or of a page (all of it, or with `fullPage`
 * false what its viewport shows), to test-artifacts/<name>.png; given
 * `notBlank`, asserts it is not blank. Returns it decoded.
 */
export async function saveScreenshot(
  target: Page | ElementHandle,
  name: string,
  notBlank?: NotBlank,
  { fullPage = true }: { fullPage?: boolean } = {},
): Promise<Image> {
  const png = isPage(target) ? await target.screenshot({ type: 'png', fullPage }) : await target.screenshot({ type: 'png' });
  return savePng(name, png, notBlank);
}

function isPage(target: Page | ElementHandle): target is Page {
  return 'goto' in target;
}

/** Waits until the page's views show the answer to the current state (nothing pending, nothing running, every view updated). */
export async function settleExplorer(page: Page, timeout = 20_000): Promise<void> {
  const idle = (): Promise<unknown> =>
    page.waitForFunction(() => document.querySelector('#explorer')?.getAttribute('data-busy') === 'false', { timeout });
  await idle();
  // Two frames: a query scheduled for the next frame has started (busy) or there was none.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(null)))));
  await idle();
  await page.evaluate(async () => {
    const els = [...document.querySelectorAll('#explorer *')].filter((e): e is HTMLElement & { updateComplete: Promise<unknown> } => 'updateComplete' in e);
    await Promise.all(els.map((e) => e.updateComplete));
    await new Promise((r) => requestAnimationFrame(() => r(null)));
    await Promise.all(els.map((e) => e.updateComplete));
  });
}
