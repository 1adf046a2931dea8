/**
 * The page's automation API, `window.sweepscope`, in headless Chromium: the
 * engine choice (`?engine=`), queries that equal the real CLI's
 * `aggregate --json`, and loading sweeps (generated, File, URL, picker,
 * drag and drop) with bad files rejected while the previous sweep keeps
 * working. WebGPU runs on SwiftShader here, so GPU sweeps stay small.
 */

import { spawnSync } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ElementHandle, Page } from 'puppeteer-core';
import { InlineCpuEngine } from '../../src/engine/cpu-engine.js';
import { Session } from '../../src/engine/session.js';
import type { QuerySpec } from '../../src/engine/types.js';
import { parseCsv } from '../../src/io/csv.js';
import type { Sweep } from '../../src/model/sweep.js';
import { generateNwsSweep } from '../../src/synth/nws.js';
import { diffAggregates } from '../reference.js';
import { foreignRequests, openAppPage, REPO_ROOT, type PageLog } from './harness.js';
import { useBrowser } from './setup.js';

const ROWS = 20_000;
const SEED = 4;
/** Means within 1e-6 relative (the GPU sums in fixed point), counts exact. */
const REL = 1e-6;

/** Queries as `window.sweepscope.query` takes them, with the same query as CLI flags. */
const CASES: { spec: QuerySpec; flags: string[] }[] = [
  { spec: { normalize: true, range: [0.8, 1] }, flags: ['--normalize', '--range', '0.8,1'] },
  {
    spec: {
      metric: 'test_accuracy',
      normalize: true,
      range: [0.9, 1],
      where: { optimizer: ['adam', 'rmsprop'] },
      primary: 'dataset',
      secondary: 'activation',
      bins: 20,
    },
    flags: [
      '--metric',
      'test_accuracy',
      '--normalize',
      '--range',
      '0.9,1',
      '--where',
      'optimizer=adam,rmsprop',
      '--primary',
      'dataset',
      '--secondary',
      'activation',
      '--bins',
      '20',
    ],
  },
  {
    spec: { range: [0.5, 0.95], where: { batch_size: ['32', '256'], augmentation: ['on'] }, primary: 'optimizer', bins: 64 },
    flags: ['--range', '0.5,0.95', '--where', 'batch_size=32,256', '--where', 'augmentation=on', '--primary', 'optimizer', '--bins', '64'],
  },
];

function cli(args: string[]): string {
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'bin/sweepscope.mjs'), ...args], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sweepscope ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

async function nodeAnswer(sweep: Sweep, spec: QuerySpec): Promise<unknown> {
  const session = await Session.open(sweep, new InlineCpuEngine());
  return (await session.query(spec)).json;
}

/** A small CSV sweep: two datasets, a text and a numeric parameter, a few missing accuracies. */
function smallCsv(rows: number): string {
  const lines = ['dataset,optimizer,width,test_accuracy'];
  let x = 12345;
  const next = (): number => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return x / 2 ** 32;
  };
  for (let i = 0; i < rows; i++) {
    const dataset = i % 3 === 0 ? 'cifar' : 'mnist';
    const optimizer = ['adam', 'sgd', 'rmsprop'][Math.floor(next() * 3)];
    const width = [16, 32, 64][Math.floor(next() * 3)];
    const acc = i % 97 === 5 ? 'nan' : (0.5 + 0.5 * next()).toFixed(5);
    lines.push(`${dataset},${optimizer},${width},${acc}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Loads a File made from `text` in the page; resolves to null or the rejection's message. */
function loadText(page: Page, text: string, name: string): Promise<string | null> {
  return page.evaluate(
    (t, n) =>
      window.sweepscope.load(new File([t], n, { type: 'text/csv' })).then(
        () => null,
        (e: Error) => e.message,
      ),
    text,
    name,
  );
}

function loadSource(page: Page, source: { url: string } | { generate: { rows: number; seed?: number } }): Promise<string | null> {
  return page.evaluate(
    (s) =>
      window.sweepscope.load(s).then(
        () => null,
        (e: Error) => e.message,
      ),
    source,
  );
}

const rowsShown = (page: Page): Promise<string> => page.$eval('#row-count', (e) => (e.textContent ?? '').replace(/,/g, ''));

describe('window.sweepscope in Chromium', () => {
  /** The CLI's answers for CASES on the generated sweep (ROWS, SEED). */
  let expected: unknown[] = [];
  const artifacts = join(REPO_ROOT, 'test-artifacts', `api-${process.pid}`);
  const arrowUrl = `/test-artifacts/api-${process.pid}/sweep.arrow`;
  const logs: { name: string; log: PageLog }[] = [];

  const env = useBrowser({
    async prepare() {
      await mkdir(artifacts, { recursive: true });
      const arrow = join(artifacts, 'sweep.arrow');
      cli(['generate', '--rows', String(ROWS), '--seed', String(SEED), '--out', arrow]);
      expected = CASES.map((c) => JSON.parse(cli(['aggregate', arrow, ...c.flags, '--json'])) as unknown);
    },
    cleanUp: () => rm(artifacts, { recursive: true, force: true }),
  });

  async function open(name: string, query: string): Promise<Page> {
    const { chromium, server } = env.setUp();
    const { page, log } = await openAppPage(chromium.browser, server.origin, query);
    logs.push({ name, log });
    return page;
  }

  describe('?engine=webgpu (SwiftShader here)', () => {
    let page: Page;

    it('runs the WebGPU engine, says so, and answers three concurrent queries exactly like the CLI', async () => {
      page = await open('webgpu', `?engine=webgpu&rows=${ROWS}&seed=${SEED}`);
      const engine = await page.evaluate(() => window.sweepscope.engine);
      expect(engine.kind).toBe('webgpu');
      expect(engine.adapter ?? '').not.toBe('');
      const shown = await page.$eval('sweep-status >>> #engine-info', (e) => e.textContent ?? '');
      expect(shown).toContain('WebGPU');
      expect(shown).toContain(engine.adapter);
      if (/swiftshader/i.test(engine.adapter ?? '')) {
        expect(engine.reason).toMatch(/software adapter \(CPU emulation\)/);
        expect(shown).toMatch(/software adapter \(CPU emulation\)/);
      }
      expect(await page.evaluate(() => window.sweepscope.rows)).toBe(ROWS);
      // All at once: the scheduler runs one at a time, yet each call gets the answer to its own spec.
      const answers = await page.evaluate((specs) => Promise.all(specs.map((s) => window.sweepscope.query(s))), CASES.map((c) => c.spec));
      answers.forEach((a, i) => expect(diffAggregates(a, expected[i], REL), JSON.stringify(CASES[i].spec)).toBeNull());
    });

    it('loads a generated sweep ({generate}) and answers like Node on the same sweep', async () => {
      env.setUp();
      expect(await loadSource(page, { generate: { rows: 5000, seed: 9 } })).toBeNull();
      expect(await page.evaluate(() => window.sweepscope.rows)).toBe(5000);
      expect(await rowsShown(page)).toBe('5000');
      expect(await page.$eval('#sweep-name', (e) => e.textContent)).toContain('seed 9');
      const spec = CASES[1].spec;
      const browser = await page.evaluate((s) => window.sweepscope.query(s), spec);
      expect(diffAggregates(browser, await nodeAnswer(generateNwsSweep(5000, 9), spec), REL)).toBeNull();
      expect(await page.evaluate(() => window.sweepscope.engine.kind)).toBe('webgpu');
    });
  });

  describe('?engine=cpu', () => {
    let page: Page;
    const csv = smallCsv(600);

    it('runs the CPU engine, says why, and answers exactly like the CLI', async () => {
      page = await open('cpu', `?engine=cpu&rows=${ROWS}&seed=${SEED}`);
      const engine = await page.evaluate(() => window.sweepscope.engine);
      expect(engine.kind).toBe('cpu');
      expect(engine.reason).toMatch(/engine=cpu/);
      expect(await page.$eval('sweep-status >>> #engine-info', (e) => e.textContent)).toMatch(/^CPU .*engine=cpu/);
      for (let i = 0; i < CASES.length; i++) {
        const a = await page.evaluate((s) => window.sweepscope.query(s), CASES[i].spec);
        expect(diffAggregates(a, expected[i], REL), JSON.stringify(CASES[i].spec)).toBeNull();
      }
    });

    it('shares one scheduler between the views and the API: every API call gets its own answer, the views show the latest state', async () => {
      env.setUp();
      const answers = await page.evaluate(async (specs) => {
        const view = document.querySelector('sweep-histogram')!;
        const change = (bins: number): void => {
          view.dispatchEvent(new CustomEvent('view-change', { detail: { bins }, bubbles: true, composed: true }));
        };
        const frame = (): Promise<void> => new Promise((r) => requestAnimationFrame(() => r()));
        const calls: Promise<unknown>[] = [];
        // Interleaved: view, API, view, API, API, view — the view changes a frame apart, so each one queries.
        change(7);
        calls.push(window.sweepscope.query(specs[0]));
        await frame();
        change(8);
        calls.push(window.sweepscope.query(specs[1]));
        calls.push(window.sweepscope.query(specs[2]));
        await frame();
        change(9);
        return Promise.all(calls);
      }, CASES.map((c) => c.spec));
      answers.forEach((a, i) => expect(diffAggregates(a, expected[i], REL), JSON.stringify(CASES[i].spec)).toBeNull());
      await page.waitForFunction(
        () => window.sweepscope.lastResult?.histogram.edges.length === 10 && document.querySelector('#explorer')?.getAttribute('data-busy') === 'false',
        { timeout: 20_000 },
      );
      await new Promise((r) => setTimeout(r, 200));
      expect(await page.evaluate(() => window.sweepscope.lastResult!.histogram.edges.length)).toBe(10);
      expect(await page.$eval('#error', (e) => (e as HTMLElement).hidden)).toBe(true);
    });

    it('rejects a bad query as one line', async () => {
      env.setUp();
      const bad = (q: unknown): Promise<string> =>
        page.evaluate((x) => window.sweepscope.query(x as QuerySpec).then(() => 'resolved', (e: Error) => e.message), q);
      expect(await bad({ bogus: 1 })).toMatch(/^unknown query option 'bogus'/);
      expect(await bad({ range: [0.9, 0.1] })).toMatch(/^range 0\.9,0\.1 is empty/);
      expect(await bad({ where: { optimizer: ['adamw'] } })).toMatch(/^unknown option 'adamw' for parameter 'optimizer'/);
      expect(await bad({ group: 'dataset' })).toMatch(/load\(source/);
    });

    it('loads a CSV File, then rejects a broken one with its line and keeps the previous sweep', async () => {
      env.setUp();
      expect(await loadText(page, csv, 'small.csv')).toBeNull();
      expect(await page.evaluate(() => window.sweepscope.rows)).toBe(600);
      expect(await page.evaluate(() => window.sweepscope.sweep)).toEqual({
        name: 'small.csv',
        rows: 600,
        params: ['dataset', 'optimizer', 'width'],
        metrics: ['test_accuracy'],
        group: 'dataset',
        // one word of codes, one metric, the permutation back to the file's rows
        bytesPerTraining: 12,
      });
      const spec: QuerySpec = { normalize: true, range: [0.5, 1], secondary: 'optimizer', bins: 10 };
      const reference = await nodeAnswer(parseCsv(csv, 'small.csv'), spec);
      const before = await page.evaluate((s) => window.sweepscope.query(s), spec);
      expect(diffAggregates(before, reference, REL)).toBeNull();
      expect(await page.$eval('#load-error', (e) => (e as HTMLElement).hidden)).toBe(true);

      // A ragged row on line 4.
      const broken = 'dataset,optimizer,width,test_accuracy\ncifar,adam,16,0.5\nmnist,sgd,32,0.6\nmnist,sgd,32,0.7,9\n';
      const message = await loadText(page, broken, 'broken.csv');
      expect(message).toMatch(/^broken\.csv line 4: expected 4 fields, found 5/);
      expect(message).not.toContain('\n');
      expect(await page.$eval('#load-error', (e) => (e as HTMLElement).hidden)).toBe(false);
      expect(await page.$eval('#load-error', (e) => e.textContent)).toContain(message!);
      // The previous sweep still answers, on the page and through the API.
      expect(await page.evaluate(() => window.sweepscope.rows)).toBe(600);
      expect(await rowsShown(page)).toBe('600');
      const after = await page.evaluate((s) => window.sweepscope.query(s), spec);
      expect(diffAggregates(after, reference, REL)).toBeNull();
      const all = await page.evaluate(() => window.sweepscope.query({}));
      expect(all.rows).toBe(600);

      // Other bad files, same behaviour.
      expect(await loadText(page, 'PK\u0003\u0004\u0014\u0000\u0006\u0000', 'sweep.xlsx')).toBe(
        'sweep.xlsx is a ZIP archive (or an Excel .xlsx workbook), not a table: unzip it or export it as CSV',
      );
      expect(await loadText(page, '', 'empty.csv')).toMatch(/^empty\.csv is empty/);
      expect(await loadSource(page, { generate: { rows: -3, seed: 1 } })).toMatch(/^rows must be an integer/);
      expect(await page.evaluate(() => window.sweepscope.rows)).toBe(600);
    });

    it('loads an Arrow file by URL from its own origin (and refuses other origins)', async () => {
      env.setUp();
      expect(await loadSource(page, { url: arrowUrl })).toBeNull();
      expect(await page.evaluate(() => window.sweepscope.rows)).toBe(ROWS);
      const a = await page.evaluate((s) => window.sweepscope.query(s), CASES[2].spec);
      expect(diffAggregates(a, expected[2], REL)).toBeNull();
      expect(await loadSource(page, { url: 'https://example.com/sweep.csv' })).toMatch(/only files of this page's origin/);
      expect(await loadSource(page, { url: '/test-artifacts/no-such-file.csv' })).toMatch(/HTTP 404|no such file/);
      expect(await page.evaluate(() => window.sweepscope.rows)).toBe(ROWS);
    });

    it('opens a file from the file picker and from a drop onto the page', async () => {
      env.setUp();
      const path = join(artifacts, 'picked.csv');
      await writeFile(path, smallCsv(321));
      const input = (await page.$('#file-input')) as ElementHandle<HTMLInputElement> | null;
      expect(input).not.toBeNull();
      await input!.uploadFile(path);
      await page.waitForFunction(() => window.sweepscope.rows === 321, { timeout: 20_000 });
      await page.waitForFunction(() => document.getElementById('row-count')?.textContent === '321', { timeout: 20_000 });

      await page.evaluate((text) => {
        const dt = new DataTransfer();
        dt.items.add(new File([text], 'dropped.csv', { type: 'text/csv' }));
        document.body.dispatchEvent(new DragEvent('dragenter', { dataTransfer: dt, bubbles: true, cancelable: true }));
        document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      }, smallCsv(77));
      await page.waitForFunction(() => window.sweepscope.rows === 77, { timeout: 20_000 });
      await page.waitForFunction(() => document.getElementById('sweep-name')?.textContent === 'dropped.csv', { timeout: 20_000 });
      expect(await page.$eval('#drop-overlay', (e) => (e as HTMLElement).hidden)).toBe(true);
    });
  });

  it('shows a bad ?engine= value on the page and runs auto (the CPU workers rather than a software adapter)', async () => {
    const page = await open('bad engine', '?engine=quantum&rows=3000&seed=2');
    expect(await page.$eval('sweep-status >>> #engine-notice', (e) => e.textContent)).toMatch(/engine must be webgpu, cpu or auto, not 'quantum'.*using auto/);
    const engine = await page.evaluate(() => window.sweepscope.engine);
    const software = await page.evaluate(async () => {
      const adapter = await navigator.gpu?.requestAdapter();
      return !adapter || adapter.info.architecture === 'swiftshader' || /swiftshader|llvmpipe|software/i.test(adapter.info.description);
    });
    if (software) {
      expect(engine.kind).toBe('cpu');
      expect(engine.reason).toMatch(/software|not available/);
    } else expect(engine.kind).toBe('webgpu');
    expect(await page.$eval('sweep-status >>> #engine-info', (e) => e.textContent)).toContain(engine.reason ?? engine.adapter ?? '');
    const a = await page.evaluate(() => window.sweepscope.query({ normalize: true, range: [0.9, 1] }));
    expect(diffAggregates(a, await nodeAnswer(generateNwsSweep(3000, 2), { normalize: true, range: [0.9, 1] }), REL)).toBeNull();
  });

  it('logged no console errors and made no request outside its origin', () => {
    const { server: s } = env.setUp();
    expect(logs.length).toBe(3);
    for (const { name, log } of logs) {
      expect(log.errors, name).toEqual([]);
      expect(log.requests.length, name).toBeGreaterThan(0);
      expect(foreignRequests(log.requests, s.origin), name).toEqual([]);
    }
  });
});
