/**
 * Opening users' files in the page: formats known by their content (Parquet,
 * gzip-compressed TSV, JSON Lines) through the file picker, and a 200 MB CSV
 * read with the progress bar moving, the page answering clicks meanwhile, and
 * a Cancel that keeps the sweep before it.
 */

import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { ElementHandle, Page } from 'puppeteer-core';
import { describe, expect, it } from 'vitest';
import { foreignRequests, openAppPage, REPO_ROOT } from './harness.js';
import { usePage } from './setup.js';

const artifacts = join(REPO_ROOT, 'test-artifacts', `load-${process.pid}`);

/** Lines of a CSV sweep: a group, a text and a numeric parameter, the metric. */
function lines(rows: number, seed = 7): string[] {
  let x = seed;
  const next = (): number => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return x / 2 ** 32;
  };
  const out: string[] = [];
  for (let i = 0; i < rows; i++) {
    const dataset = i % 3 === 0 ? 'cifar10' : 'mnist';
    const optimizer = ['adam', 'sgd', 'rmsprop'][Math.floor(next() * 3)];
    const width = [16, 32, 64, 128][Math.floor(next() * 4)];
    out.push(`${dataset},${optimizer},${width},${(0.5 + 0.5 * next()).toFixed(6)}`);
  }
  return out;
}
const HEADER = 'dataset,optimizer,width,test_accuracy';

/** A CSV of about `mb` MB: one block of rows repeated; returns its path and row count. */
async function bigCsv(name: string, mb: number): Promise<{ path: string; rows: number }> {
  const block = `${lines(20_000).join('\n')}\n`;
  const times = Math.ceil((mb * 1e6) / block.length);
  const path = join(artifacts, name);
  await writeFile(path, HEADER + '\n' + block.repeat(times));
  return { path, rows: 20_000 * times };
}

async function pick(page: Page, path: string): Promise<void> {
  const input = (await page.$('#file-input')) as ElementHandle<HTMLInputElement> | null;
  expect(input).not.toBeNull();
  await input!.uploadFile(path);
}

const shownRows = (page: Page): Promise<number> =>
  page.$eval('#row-count', (e) => Number((e.textContent ?? '').replace(/,/g, '')));

describe('opening files in the page', () => {
  const env = usePage(({ chromium, server }) => openAppPage(chromium.browser, server.origin, '?rows=2000&seed=1'), {
    prepare: async () => void (await mkdir(artifacts, { recursive: true })),
    cleanUp: () => rm(artifacts, { recursive: true, force: true }),
  });

  it('opens Parquet, gzip-compressed TSV and JSON Lines by their content', async () => {
    const { page } = env.setUp();
    const rows = lines(900).map((l) => l.split(','));
    const parquet = parquetWriteBuffer({
      columnData: [
        { name: 'dataset', data: rows.map((r) => r[0]), type: 'STRING' },
        { name: 'optimizer', data: rows.map((r) => r[1]), type: 'STRING' },
        { name: 'width', data: rows.map((r) => Number(r[2])), type: 'INT32' },
        { name: 'test_accuracy', data: rows.map((r) => Number(r[3])), type: 'DOUBLE' },
      ],
    });
    const files: [string, Uint8Array | string, RegExp][] = [
      ['runs.parquet', new Uint8Array(parquet), /\(Parquet, /],
      ['runs.tsv.gz', gzipSync([HEADER, ...rows.map((r) => r.join(','))].join('\n').replaceAll(',', '\t')), /\(CSV, gzip, /],
      // A JSON Lines file with no extension: the content decides.
      ['runs', rows.map((r) => JSON.stringify({ dataset: r[0], optimizer: r[1], width: Number(r[2]), test_accuracy: Number(r[3]) })).join('\n'), /\(JSON, /],
    ];
    for (const [name, bytes, format] of files) {
      const path = join(artifacts, name);
      await writeFile(path, bytes);
      await pick(page, path);
      await page.waitForFunction((n) => document.getElementById('sweep-name')?.textContent === n, { timeout: 30_000 }, name);
      expect(await shownRows(page)).toBe(900);
      expect(await page.evaluate(() => window.sweepscope.sweep)).toMatchObject({
        name,
        rows: 900,
        params: expect.arrayContaining(['dataset', 'optimizer', 'width']) as unknown,
        metrics: ['test_accuracy'],
        group: 'dataset',
      });
      expect(await page.$eval('sweep-status', (e) => e.shadowRoot?.textContent ?? '')).toMatch(format);
    }
  });

  it('cuts a label of hundreds of characters to the filters panel, whole in its title', async () => {
    const { page } = env.setUp();
    const long = `config_${'very_long_label_'.repeat(20)}`;
    const path = join(artifacts, 'long.csv');
    await writeFile(path, [HEADER, ...lines(60).map((l, i) => (i % 2 ? l.replace(/,(adam|sgd|rmsprop),/, `,${long},`) : l))].join('\n'));
    await pick(page, path);
    await page.waitForFunction(() => document.getElementById('sweep-name')?.textContent === 'long.csv', { timeout: 30_000 });
    await page.waitForFunction(
      (label) => document.querySelector('sweep-filters')?.shadowRoot?.querySelector(`button.opt[data-option="${label}"]`),
      { timeout: 30_000 },
      long,
    );
    const sizes = await page.$eval('sweep-filters', (el, label) => {
      const b = el.shadowRoot!.querySelector(`button.opt[data-option="${label}"]`) as HTMLElement;
      return { chip: b.getBoundingClientRect().width, panel: el.getBoundingClientRect().width, title: b.title };
    }, long);
    expect(sizes.chip).toBeGreaterThan(0);
    expect(sizes.chip).toBeLessThanOrEqual(sizes.panel);
    expect(sizes.title.startsWith(`${long}:`)).toBe(true);
  });

  it('reads a 200 MB CSV with the bar moving and the page answering clicks, then cancels the next one', async () => {
    const { page, server, log } = env.setUp();
    const big = await bigCsv('big.csv', 200);
    await pick(page, big.path);
    await page.waitForSelector('#progress', { timeout: 20_000 });
    // While it loads: the bar's values, and a click that opens the Generate dialog and closes it.
    const seen = new Set<number>();
    let clicked = false;
    // The label counts bytes and the rows read so far (CSV is parsed as it is read).
    let rowsShown = false;
    while (await page.$('#progress')) {
      const v = await page.$eval('#progress progress', (e) => (e as HTMLProgressElement).value / ((e as HTMLProgressElement).max || 1)).catch(() => -1);
      if (v >= 0) seen.add(Math.round(v * 100));
      const label = await page.$eval('#progress-label', (e) => e.textContent ?? '').catch(() => '');
      if (/ of [\d.]+ MB, [\d,]+ rows$/.test(label)) rowsShown = true;
      if (!clicked && seen.size >= 2) {
        await page.click('#generate-open');
        expect(await page.$eval('#generate-dialog', (d) => (d as HTMLDialogElement).open)).toBe(true);
        await page.$eval('#generate-dialog', (d) => (d as HTMLDialogElement).close());
        clicked = true;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(clicked).toBe(true);
    expect(rowsShown).toBe(true);
    expect(seen.size).toBeGreaterThanOrEqual(3);
    await page.waitForFunction((n) => window.sweepscope.rows === n, { timeout: 90_000 }, big.rows);
    expect(await shownRows(page)).toBe(big.rows);

    // The same file again, cancelled while it reads: the 200 MB sweep stays.
    await pick(page, big.path);
    await page.waitForSelector('#load-cancel', { timeout: 20_000 });
    await page.click('#load-cancel');
    await page.waitForFunction(() => !(document.getElementById('load-error') as HTMLElement).hidden, { timeout: 20_000 });
    expect(await page.$eval('#load-error', (e) => e.textContent)).toBe('Cancelled: loading big.csv was cancelled (the previous sweep is kept)');
    expect(await page.$('#progress')).toBeNull();
    expect(await page.evaluate(() => window.sweepscope.rows)).toBe(big.rows);
    const all = await page.evaluate(() => window.sweepscope.query({}));
    expect(all.rows).toBe(big.rows);
    expect(log.errors).toEqual([]);
    expect(foreignRequests(log.requests, server.origin)).toEqual([]);
  });
});
