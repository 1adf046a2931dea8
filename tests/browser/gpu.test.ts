/**
 * The WebGPU engine equals the CPU engine, in headless Chromium. On machines
 * without a GPU, Chromium runs WebGPU on SwiftShader (CPU emulation): correct,
 * and slow. No adapter is a failure with a clear message, never a skip.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COUNT_CONSTANTS, countRecordsWgsl, recordsBlock, wgslOverrides } from '../../src/engine/gpu/count-layout.js';
import { openTestPage, REPO_ROOT } from './harness.js';
import { usePage } from './setup.js';

describe('the count shader layout', () => {
  const wgsl = readFileSync(join(REPO_ROOT, 'shaders/count.wgsl'), 'utf8');

  it('declares the structs and record loaders the host writes (generated from count-layout.ts)', () => {
    // on a change in count-layout.ts, paste the expected block between the markers of count.wgsl
    expect(recordsBlock(wgsl)).toBe(countRecordsWgsl());
  });

  it('declares exactly the override constants the host sets', () => {
    expect(wgslOverrides(wgsl).sort()).toEqual(Object.keys(COUNT_CONSTANTS).sort());
  });
});

describe('the WebGPU engine in Chromium', () => {
  // The dev server as vite.config.ts has it (server: {}, not PAGE_SERVER_CONFIG).
  const env = usePage(({ chromium, server }) => openTestPage(chromium.browser, server.origin, 'gpu-harness.html', 'gpuChecks'), { server: {} });

  it('has a WebGPU adapter (SwiftShader on GPU-less machines)', async () => {
    const { page } = env.setUp();
    const adapter = await page.evaluate(() => window.gpuChecks.adapter().catch((e: Error) => ({ name: `none: ${e.message}`, software: false })));
    expect(adapter.name, 'no WebGPU adapter: Chromium must run with --enable-unsafe-webgpu').not.toMatch(/^none/);
  });

  it('reads the records the host writes field for field, through the WGSL declarations', async () => {
    const { page } = env.setUp();
    const r = await page.evaluate(() => window.gpuChecks.recordLayout());
    expect(r.differences).toEqual([]);
    expect(r.checked).toBeGreaterThan(40);
  });

  it.each([1, 21])('equals the CPU engine on 20 random sweeps from seed %i', async (first) => {
    const { page } = env.setUp();
    const r = await page.evaluate((f) => window.gpuChecks.randomSweeps(f, 20, 3), first);
    expect(r.differences).toEqual([]);
    expect(r.compared).toBe(60);
  });

  it('equals the CPU engine on edge cases: 1 and 255 options, nothing selected, a one-value brush, brush moves', async () => {
    const { page } = env.setUp();
    const r = await page.evaluate(() => window.gpuChecks.edgeCases());
    expect(r.differences).toEqual([]);
    expect(r.incremental).toBeGreaterThan(0);
  });

  it('falls back to the CPU engine when the device is lost, and the next query is still right', async () => {
    const { page } = env.setUp();
    const r = await page.evaluate(() => window.gpuChecks.deviceLoss());
    expect(r.before).toBe('webgpu');
    expect(r.after).toBe('cpu');
    expect(r.reason).toMatch(/fell back to the CPU/);
    expect(r.differences).toEqual([]);
  });

  it('equals the CPU engine with the sweep split into many small buffers', async () => {
    const { page, log } = env.setUp();
    const r = await page.evaluate(() => window.gpuChecks.chunked(30_000, 4_096));
    expect(r.differences).toEqual([]);
    expect(r.compared).toBe(4);
    expect(log.errors).toEqual([]);
  });
});
