/**
 * Row queries (src/engine/rows.ts through Session.rows) on every CPU engine:
 * pages of the selected rows in an order and the parallel view's sample equal
 * the row-by-row reference (tests/reference.ts) on random sweeps, with ties,
 * missing metric values, filters that exclude everything, both directions,
 * pages past the end, deep pages found by radix select, and cursor paging;
 * and the CSV the table exports of the rows it gets.
 */

import { afterAll, describe, expect, it } from 'vitest';
import { InlineCpuEngine } from '../src/engine/cpu-engine.js';
import { FallbackEngine } from '../src/engine/fallback-engine.js';
import { createNodeWorkerEngine } from '../src/engine/node-workers.js';
import { FIRST_MAX, GATHER_MAX } from '../src/engine/rows.js';
import { inSample } from '../src/engine/sample.js';
import { packSweep, Session } from '../src/engine/session.js';
import type { Engine, QuerySpec, RowCursor, RowSortBy } from '../src/engine/types.js';
import type { Sweep } from '../src/model/sweep.js';
import { generateNwsSweep } from '../src/synth/nws.js';
import { parseCsv } from '../src/io/csv.js';
import { MISSING_LABEL } from '../src/model/binning.js';
import { toCsv } from '../src/views/csv-rows.js';
import { randomQuery, randomSweep, rng } from './random-sweep.js';
import { referencePage, referenceSample, referenceSampleRows, referenceSelected, type ReferenceSort } from './reference.js';

const workers = createNodeWorkerEngine(3);
afterAll(() => workers.dispose());

const ENGINES: [string, () => Engine][] = [
  ['inline CPU', () => new InlineCpuEngine()],
  ['3 worker threads', () => workers],
  ['fallback (CPU)', () => new FallbackEngine(null, () => new InlineCpuEngine(), 'test')],
];

/** Session.rows' sort by name and the reference's by index. */
function sortOf(sweep: Sweep, r: () => number, metric: number): { by: RowSortBy | undefined; ref: ReferenceSort } {
  const x = r();
  if (x < 0.4 || sweep.params.length === 0) return { by: undefined, ref: { metric } };
  if (x < 0.7) {
    const m = Math.floor(r() * sweep.metrics.length);
    return { by: { metric: sweep.metrics[m].name }, ref: { metric: m } };
  }
  const p = Math.floor(r() * sweep.params.length);
  return { by: { param: sweep.params[p].name }, ref: { param: p } };
}

const metricOf = (sweep: Sweep, spec: QuerySpec): number => (spec.metric === undefined ? 0 : sweep.metrics.findIndex((m) => m.name === spec.metric));

async function page(s: Session, spec: QuerySpec, by: RowSortBy | undefined, descending: boolean, offset: number, limit: number, after: RowCursor | null = null) {
  const a = await s.rows({ kind: 'page', spec, sortBy: by, descending, offset, limit, after });
  if (a.kind !== 'page') throw new Error('not a page');
  return a;
}

describe.each(ENGINES)('row pages and samples on the %s engine', (_, make) => {
  it('equal the reference on random sweeps: orders, directions, offsets, pages past the end', async () => {
    let checked = 0;
    let nonEmpty = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const sweep = randomSweep(seed, { maxParams: 5 });
      if (sweep.metrics.length === 0) continue;
      const session = await Session.open(sweep, make(), [3, 6, 8][seed % 3]);
      const r = rng(seed * 7);
      for (let k = 0; k < 3; k++) {
        const spec = randomQuery(sweep, seed * 100 + k);
        const { by, ref } = sortOf(sweep, r, metricOf(sweep, spec));
        const total = referenceSelected(sweep, spec).length;
        for (const descending of [true, false]) {
          const all = referencePage(sweep, spec, ref, descending, 0, Infinity);
          for (const [offset, limit] of [
            [0, 10],
            [0, total + 5],
            [Math.floor(total / 2), 7],
            [Math.max(0, total - 3), 10],
            [total, 5],
            [total + 10, 3],
          ]) {
            const got = await page(session, spec, by, descending, offset, limit);
            const want = all.slice(offset, offset + limit);
            expect(Array.from(got.ids), `sweep ${seed} ${JSON.stringify({ spec, by, descending, offset, limit })}`).toEqual(want);
            expect(got.offset).toBe(offset);
            checked++;
            if (want.length) nonEmpty++;
          }
        }
        const size = [1, 5, 50, 10_000][k % 4];
        const sample = await session.rows({ kind: 'sample', spec, size, seed: seed + k });
        if (sample.kind !== 'sample') throw new Error('not a sample');
        const want = referenceSample(sweep, spec, size, seed + k);
        expect(Array.from(sample.ids), `sample, sweep ${seed}`).toEqual(want.ids);
        expect(Array.from(sample.selected), `sample flags, sweep ${seed}`).toEqual(want.selected);
      }
    }
    expect(checked).toBeGreaterThan(300);
    expect(nonEmpty).toBeGreaterThan(100);
  });

  it('order ties by row id, missing values last in both directions, and filters that exclude everything give empty pages', async () => {
    const sweep = randomSweep(11, { rows: 5000, maxParams: 3 });
    const v = sweep.metrics[0].values;
    const w = sweep.metrics[1].values;
    for (let i = 0; i < v.length; i++) {
      v[i] = i % 17 === 0 ? NaN : [0.5, -0, 0, 1, -2][i % 5];
      w[i] = i % 3 === 0 ? NaN : [2, 1, 1][i % 7 % 3];
    }
    const session = await Session.open(sweep, make());
    const p0 = sweep.params[0]?.name;
    const specs: QuerySpec[] = [
      {},
      { range: [0, 0.5] },
      { normalize: true, range: [0.2, 0.9] },
      { metric: 'metric1' },
      ...(p0 ? [{ where: { [p0]: [] } } as QuerySpec] : []),
    ];
    for (const spec of specs)
      for (const [by, ref] of [
        [undefined, { metric: metricOf(sweep, spec) }],
        [{ metric: 'metric1' }, { metric: 1 }],
        [{ metric: 'metric0' }, { metric: 0 }],
      ] as [RowSortBy | undefined, ReferenceSort][])
        for (const descending of [true, false]) {
          const total = referenceSelected(sweep, spec).length;
          for (const [offset, limit] of [
            [0, 30],
            [1000, 50],
            [0, total],
          ]) {
            const got = await page(session, spec, by, descending, offset, limit);
            expect(Array.from(got.ids), JSON.stringify({ spec, by, descending, offset })).toEqual(referencePage(sweep, spec, ref, descending, offset, limit));
          }
        }
    if (p0) expect((await page(session, { where: { [p0]: [] } }, undefined, true, 0, 10)).ids.length).toBe(0);
  });

  it('walks the whole order by cursor, a page after the last', async () => {
    const sweep = randomSweep(5, { rows: 3000, maxParams: 4 });
    const session = await Session.open(sweep, make());
    const spec: QuerySpec = { normalize: true, range: [0.1, 0.8] };
    for (const [by, ref] of [
      [undefined, { metric: 0 }],
      [{ metric: 'metric1' }, { metric: 1 }],
      ...(sweep.params.length ? [[{ param: sweep.params[0].name }, { param: 0 }]] : []),
    ] as [RowSortBy | undefined, ReferenceSort][]) {
      for (const descending of [true, false]) {
        const ids: number[] = [];
        let after: RowCursor | null = null;
        for (let guard = 0; guard < 1000; guard++) {
          const p = await page(session, spec, by, descending, 0, 97, after);
          ids.push(...p.ids);
          if (p.last === null) break;
          after = p.last;
        }
        expect(ids, JSON.stringify({ by, descending })).toEqual(referencePage(sweep, spec, ref, descending, 0, Infinity));
      }
    }
  });
});

describe('deep pages (radix select) and large pages', () => {
  /** 250k rows: a coarse metric (three values: buckets bigger than GATHER_MAX, so the select goes down to the row ids) and a fine one. */
  function bigSweep(): Sweep {
    const sweep = randomSweep(3, { rows: 250_000, maxParams: 3 });
    const r = rng(9);
    const v = sweep.metrics[0].values;
    const w = sweep.metrics[1].values;
    for (let i = 0; i < v.length; i++) {
      v[i] = r() < 0.05 ? NaN : Math.floor(r() * 3) / 2;
      w[i] = r() < 0.1 ? NaN : r();
    }
    return sweep;
  }

  it.each(ENGINES)('equal the reference on the %s engine', async (_, make) => {
    const sweep = bigSweep();
    expect(sweep.rows * 0.95 / 3).toBeGreaterThan(GATHER_MAX);
    const session = await Session.open(sweep, make());
    const p0 = sweep.params.length ? sweep.params[0].name : null;
    const cases: [QuerySpec, RowSortBy | undefined, ReferenceSort][] = [
      [{}, undefined, { metric: 0 }],
      [{ range: [0.25, 0.75] }, undefined, { metric: 0 }],
      [{ metric: 'metric1', range: [0.2, 0.9] }, { metric: 'metric0' }, { metric: 0 }],
      [{}, { metric: 'metric1' }, { metric: 1 }],
      ...(p0 ? ([[{ range: [0.5, 1] }, { param: p0 }, { param: 0 }]] as [QuerySpec, RowSortBy, ReferenceSort][]) : []),
    ];
    for (const [spec, by, ref] of cases) {
      const all = referencePage(sweep, spec, ref, true, 0, Infinity);
      const allAsc = referencePage(sweep, spec, ref, false, 0, Infinity);
      for (const [offset, limit] of [
        [FIRST_MAX + 5, 40],
        [Math.floor(all.length / 2), 100],
        [all.length - 20, 100],
        [1000, FIRST_MAX + 1000],
        [0, all.length + 1],
      ]) {
        const got = await page(session, spec, by, true, offset, limit);
        const want = all.slice(offset, offset + limit);
        expect(got.ids.length, JSON.stringify({ spec, by, offset, limit })).toBe(want.length);
        expect(Array.from(got.ids)).toEqual(want);
      }
      const asc = await page(session, spec, by, false, Math.floor(allAsc.length / 3), 50);
      expect(Array.from(asc.ids)).toEqual(allAsc.slice(Math.floor(allAsc.length / 3), Math.floor(allAsc.length / 3) + 50));
    }
  });
});

describe('the sample', () => {
  it('is the stratified sample of the file rows (inSample, each row in O(1)); stable as the brush moves; flags are the selection', async () => {
    for (const [n, max, seed] of [
      [1000, 999, 1],
      [12345, 100, 7],
      [10_000, 3, 2],
      [5, 10, 1],
    ]) {
      const s = new Set(referenceSampleRows(n, max, seed));
      for (let i = 0; i < n; i++) expect(inSample(i, n, max, seed), `${n} ${max} ${i}`).toBe(s.has(i));
    }
    const sweep = generateNwsSweep(40_000, 2);
    const session = await Session.open(sweep, workers);
    const ids: number[][] = [];
    for (const range of [[0.9, 1], [0.1, 0.5], null] as ([number, number] | null)[]) {
      const spec: QuerySpec = { normalize: true, range, where: { optimizer: ['adam'] } };
      const a = await session.rows({ kind: 'sample', spec, size: 5000, seed: 3 });
      if (a.kind !== 'sample') throw new Error('not a sample');
      const want = referenceSample(sweep, spec, 5000, 3);
      expect(Array.from(a.ids)).toEqual(want.ids);
      expect(Array.from(a.selected)).toEqual(want.selected);
      ids.push(Array.from(a.ids));
    }
    expect(ids[1]).toEqual(ids[0]);
    expect(ids[2]).toEqual(ids[0]);
    expect(ids[0].length).toBe(5000); // the synthetic sweep has no missing metric values
  });
});

describe('the session keeps the permutation', () => {
  it('maps packed rows to file rows, through the pack worker clone too, and counts the bytes a training', async () => {
    const sweep = generateNwsSweep(20_000, 4);
    const prepared = structuredClone(packSweep(sweep));
    const perm = prepared.packed.perm;
    expect(perm.length).toBe(sweep.rows);
    const seen = new Uint8Array(sweep.rows);
    for (let j = 0; j < perm.length; j++) seen[perm[j]]++;
    expect(seen.every((x) => x === 1)).toBe(true);
    // packed row j holds file row perm[j]'s metric
    for (let j = 0; j < perm.length; j += 97) expect(prepared.packed.metrics[0][j]).toBe(sweep.metrics[0].values[perm[j]]);
    const session = await Session.fromPacked(sweep, prepared, new InlineCpuEngine());
    // 12 parameters in one word, the metrics, the permutation
    expect(session.bytesPerTraining).toBe(4 * prepared.packed.words + 4 * sweep.metrics.length + 4);
    const spec: QuerySpec = { normalize: true, range: [0.7, 1], where: { dataset: ['cifar10'] } };
    const got = await page(session, spec, { param: 'learning_rate' }, false, 0, 25);
    expect(Array.from(got.ids)).toEqual(referencePage(sweep, spec, { param: 6 }, false, 0, 25));
  });

  it('names an unknown sort column as the engine names unknown columns', async () => {
    const session = await Session.open(generateNwsSweep(100, 1), new InlineCpuEngine());
    await expect(page(session, {}, { metric: 'loss' }, true, 0, 5)).rejects.toThrow(/unknown metric 'loss'/);
    await expect(page(session, {}, { param: 'nope' }, true, 0, 5)).rejects.toThrow(/unknown parameter 'nope'/);
  });
});

/** RFC 4180 reader for the test: rows of unquoted cells. */
function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 2;
        continue;
      }
      if (c === '"') quoted = false;
      else cell += c;
      i++;
      continue;
    }
    if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
    i++;
  }
  if (cell !== '' || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

/** Checks that CSV text holds exactly `rows` of `sweep`, in that order, cell by cell. */
function expectCsvRows(sweep: Sweep, text: string, rows: ArrayLike<number>): void {
  const table = readCsv(text);
  const names = [...sweep.params.map((p) => p.name), ...sweep.metrics.map((m) => m.name)];
  expect(table[0]).toEqual(names);
  expect(table.length - 1).toBe(rows.length);
  for (let k = 0; k < rows.length; k++) {
    const i = rows[k];
    const cells = table[k + 1];
    sweep.params.forEach((p, c) => {
      if (p.kind === 'numeric' && p.values) {
        const v = p.values[i];
        if (Number.isNaN(v)) expect(cells[c]).toBe('');
        else expect(Math.fround(Number(cells[c]))).toBe(v);
      } else {
        const label = p.labels[p.codes[i]];
        expect(cells[c]).toBe(label === MISSING_LABEL ? '' : label);
      }
    });
    sweep.metrics.forEach((m, j) => {
      const cell = cells[sweep.params.length + j];
      const v = m.values[i];
      if (Number.isNaN(v)) expect(cell).toBe('');
      else expect(Math.fround(Number(cell))).toBe(v);
    });
  }
}

describe('CSV of chosen rows', () => {
  it('reads back cell by cell, in the given order, across chunks', () => {
    const sweep = generateNwsSweep(3000, 11);
    const rows = referencePage(sweep, { normalize: true, range: [0.9, 1] }, { metric: 0 }, true, 0, Infinity);
    const chunks = [...toCsv(sweep, rows, 37)];
    expect(chunks.length).toBe(1 + Math.ceil(rows.length / 37));
    const text = chunks.join('');
    expectCsvRows(sweep, text, rows);
    // and the project's own reader gets the same columns back
    const back = parseCsv(text, 'selection.csv', { params: sweep.params.map((p) => p.name) });
    expect(back.rows).toBe(rows.length);
    expect(Array.from(back.metrics[0].values)).toEqual(Array.from(rows, (i) => sweep.metrics[0].values[i]));
    const lr = back.params.find((p) => p.name === 'learning_rate')!;
    expect(Array.from(lr.values!)).toEqual(Array.from(rows, (i) => sweep.params[6].values![i]));
  });

  it('quotes labels with commas, quotes, newlines and edge blanks; missing cells are empty', () => {
    const labels = ['plain', 'a,b', 'say "hi"', 'two\nlines', ' padded', MISSING_LABEL];
    const rows = 12;
    const sweep: Sweep = {
      rows,
      group: -1,
      params: [
        { name: 'odd, name', labels, codes: Uint8Array.from({ length: rows }, (_, i) => i % labels.length), kind: 'categorical' },
        {
          name: 'lr',
          labels: ['x'],
          codes: new Uint8Array(rows),
          kind: 'numeric',
          values: Float32Array.from({ length: rows }, (_, i) => (i === 3 ? NaN : 1e-3 * (i + 1))),
        },
      ],
      metrics: [{ name: 'acc', values: Float32Array.from({ length: rows }, (_, i) => (i === 5 ? NaN : i / 7)) }],
    };
    const all = Uint32Array.from({ length: rows }, (_, i) => rows - 1 - i);
    const text = [...toCsv(sweep, all, 5)].join('');
    expect(text.split('\n')[0]).toBe('"odd, name",lr,acc');
    expectCsvRows(sweep, text, all);
  });
});
