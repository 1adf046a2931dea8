/**
 * The Columns dialog: a file's columns with their inferred roles and reasons;
 * changing a role reads the file again with it, combining replicates gives one
 * row per configuration, and both live in the address, so a copied link opens
 * the file the same way.
 */

import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ElementHandle, Page } from 'puppeteer-core';
import { describe, expect, it } from 'vitest';
import { openAppPage, REPO_ROOT } from './harness.js';
import { ARTIFACTS, usePage } from './setup.js';

const dirName = `columns-${process.pid}`;
const artifacts = join(REPO_ROOT, 'test-artifacts', dirName);

/** 2 datasets × 3 optimizers × 4 learning rates × 3 seeds, with a run id and a second metric. */
function runsCsv(): string {
  const lines = ['run_id,dataset,optimizer,lr,seed,test_accuracy,train_loss'];
  let id = 0;
  for (const dataset of ['cifar10', 'mnist'])
    for (const optimizer of ['adam', 'sgd', 'rmsprop'])
      for (const lr of ['1e-4', '3e-4', '1e-3', '3e-3'])
        for (const seed of [0, 1, 2]) {
          id++;
          const acc = 0.5 + ((id * 37) % 100) / 250;
          lines.push(`run-${id.toString(36)},${dataset},${optimizer},${lr},${seed},${acc.toFixed(4)},${(1 - acc).toFixed(4)}`);
        }
  return `${lines.join('\n')}\n`;
}

const roleOf = (page: Page, column: string): Promise<string> =>
  page.$eval(`#columns-table tr[data-column="${column}"] select`, (s) => (s as HTMLSelectElement).value);

describe('the Columns dialog', () => {
  const env = usePage(({ chromium, server }) => openAppPage(chromium.browser, server.origin, '?rows=2000&seed=1'), {
    prepare: async () => {
      await mkdir(artifacts, { recursive: true });
      await writeFile(join(artifacts, 'runs.csv'), runsCsv());
    },
    cleanUp: () => rm(artifacts, { recursive: true, force: true }),
  });

  it('shows the inferred roles, reads the file again with a changed one, and combines replicates', async () => {
    const { page } = env.setUp();
    // A generated sweep has no file columns.
    expect(await page.$eval('#columns-open', (b) => (b as HTMLButtonElement).disabled)).toBe(true);

    const input = (await page.$('#file-input')) as ElementHandle<HTMLInputElement>;
    await input.uploadFile(join(artifacts, 'runs.csv'));
    await page.waitForFunction(() => window.sweepscope.rows === 72, { timeout: 30_000 });
    expect(await page.$eval('#columns-open', (b) => (b as HTMLButtonElement).disabled)).toBe(false);
    await page.click('#columns-open');
    expect(await page.$eval('#columns-dialog', (d) => (d as HTMLDialogElement).open)).toBe(true);
    const rows = await page.$$eval('#columns-table tbody tr', (trs) =>
      trs.map((tr) => [tr.getAttribute('data-column'), (tr.querySelector('select') as HTMLSelectElement).value, tr.querySelector('.reason')?.textContent ?? '']),
    );
    expect(rows.map(([name, role]) => [name, role])).toEqual([
      ['run_id', 'ignored'],
      ['dataset', 'group'],
      ['optimizer', 'parameter'],
      ['lr', 'parameter'],
      ['seed', 'replicate'],
      ['test_accuracy', 'metric'],
      ['train_loss', 'metric'],
    ]);
    expect(rows[0][2]).toMatch(/\bid\b|unique/);
    await page.screenshot({ path: join(ARTIFACTS, 'columns-dialog.png') });

    // Replicates combined: 72 trainings of 24 configurations.
    await page.click('#combine-replicates');
    await page.waitForFunction(() => window.sweepscope.rows === 24, { timeout: 30_000 });
    expect(await page.evaluate(() => window.sweepscope.sweep?.metrics)).toEqual([
      'test_accuracy',
      'test_accuracy (n)',
      'test_accuracy (sd)',
      'train_loss',
    ]);
    await page.waitForFunction(() => new URLSearchParams(location.search).get('combine') === '1', { timeout: 10_000 });
    expect((await page.evaluate(() => window.sweepscope.query({}))).rows).toBe(24);

    // The optimizer left out: the file is read again, the dialog follows, the address keeps it;
    // without the optimizer, 8 configurations (dataset × lr) remain.
    await page.select('#columns-table tr[data-column="optimizer"] select', 'ignored');
    await page.waitForFunction(() => window.sweepscope.rows === 8, { timeout: 30_000 });
    expect(await page.evaluate(() => window.sweepscope.sweep?.params)).toEqual(['dataset', 'lr']);
    expect(await roleOf(page, 'optimizer')).toBe('ignored');
    // The reasons stay the inferred ones; the changed role says it is the user's.
    expect(await page.$eval('#columns-table tr[data-column="optimizer"] .reason', (e) => e.textContent)).toMatch(/^your choice \(inferred: parameter, /);
    expect(await page.$eval('#columns-table tr[data-column="lr"] .reason', (e) => e.textContent)).toBe(rows[3][2]);
    await page.waitForFunction(() => new URLSearchParams(location.search).get('roles') === 'optimizer:ignored', { timeout: 10_000 });
    await page.screenshot({ path: join(ARTIFACTS, 'columns-dialog-changed.png') });
  });

  it('opens a link with file, roles and combine as it was left', async () => {
    const { chromium, server } = env.setUp();
    const query = `?file=/test-artifacts/${dirName}/runs.csv&roles=optimizer:ignored&combine=1`;
    const { page, log } = await openAppPage(chromium.browser, server.origin, query);
    await page.evaluate(() => window.sweepscope.ready);
    expect(await page.evaluate(() => window.sweepscope.rows)).toBe(8);
    expect(await page.evaluate(() => window.sweepscope.sweep?.params)).toEqual(['dataset', 'lr']);
    expect(log.errors).toEqual([]);
    await page.close();
  });
});
