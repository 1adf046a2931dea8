/**
 * The WebGPU engine equals the CPU engine, in headless Chromium. On machines
 * without a GPU, Chromium runs WebGPU on SwiftShader (CPU emulation): correct,
 * and slow. No adapter is a failure with a clear message, never a skip.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { TASK_FIELDS, wgslStructFields } from '../../src/engine/gpu/task-writer.js';
import { launchChromium, REPO_ROOT, requireChromium, startDevServer, watchPage, type Chromium, type DevServer, type PageLog } from './harness.js';

describe('the count shader layout', () => {
  it('matches the host writer field for field', () => {
    const wgsl = readFileSync(join(REPO_ROOT, 'shaders/count.wgsl'), 'utf8');
    expect(wgslStructFields(wgsl, 'Task')).toEqual([...TASK_FIELDS]);
  });
});

describe('the WebGPU engine in Chromium', () => {
  let chromium: Chromium | undefined;
  let server: DevServer | undefined;
  let page: Page;
  let log: PageLog;
  let setupError: unknown = null;

  beforeAll(async () => {
    try {
      requireChromium();
      server = await startDevServer();
      chromium = await launchChromium();
      page = await chromium.browser.newPage();
      log = watchPage(page);
      await page.goto(`${server.origin}/tests/browser/gpu-harness.html`, { waitUntil: 'load' });
      await page.waitForFunction(() => 'gpuChecks' in window, { timeout: 30_000 });
    } catch (e) {
      setupError = e;
    }
  });

  afterAll(async () => {
    await chromium?.close();
    await server?.close();
  });

  function setUp(): void {
    if (setupError !== null) throw setupError;
  }

  it('has a WebGPU adapter (SwiftShader on GPU-less machines)', async () => {
    setUp();
    const adapter = await page.evaluate(() => window.gpuChecks.adapter().catch((e: Error) => ({ name: `none: ${e.message}`, software: false })));
    expect(adapter.name, 'no WebGPU adapter: Chromium must run with --enable-unsafe-webgpu').not.toMatch(/^none/);
  });

  it.each([1, 21])('equals the CPU engine on 20 random sweeps from seed %i', async (first) => {
    setUp();
    const r = await page.evaluate((f) => window.gpuChecks.randomSweeps(f, 20, 3), first);
    expect(r.differences).toEqual([]);
    expect(r.compared).toBe(60);
  });

  it('equals the CPU engine on edge cases: 1 and 255 options, nothing selected, a one-value brush, brush moves', async () => {
    setUp();
    const r = await page.evaluate(() => window.gpuChecks.edgeCases());
    expect(r.differences).toEqual([]);
    expect(r.incremental).toBeGreaterThan(0);
  });

  it('falls back to the CPU engine when the device is lost, and the next query is still right', async () => {
    setUp();
    const r = await page.evaluate(() => window.gpuChecks.deviceLoss());
    expect(r.before).toBe('webgpu');
    expect(r.after).toBe('cpu');
    expect(r.reason).toMatch(/fell back to the CPU/);
    expect(r.differences).toEqual([]);
  });

  it('equals the CPU engine with the sweep split into many small buffers', async () => {
    setUp();
    const r = await page.evaluate(() => window.gpuChecks.chunked(30_000, 4_096));
    expect(r.differences).toEqual([]);
    expect(r.compared).toBe(4);
    expect(log.errors).toEqual([]);
  });
});
