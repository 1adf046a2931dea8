/**
 * Row-level helpers of the views (src/views/selection.ts) against a naive loop
 * and against the engine: the same selection, the same order, CSV that reads back.
 */

import { describe, expect, it } from 'vitest';
import { InlineCpuEngine } from '../src/engine/cpu-engine.js';
import { Session } from '../src/engine/session.js';
import type { QuerySpec } from '../src/engine/types.js';
import { parseCsv } from '../src/io/csv.js';
import { MISSING_LABEL } from '../src/model/binning.js';
import type { Sweep } from '../src/model/sweep.js';
import { generateNwsSweep } from '../src/synth/nws.js';
import {
  compileSelection,
  descendingKey,
  drive,
  groupStats,
  groupStatsSteps,
  isSelected,
  metricIndex,
  runSync,
  sampleRows,
  selectedRows,
  selectedRowsSteps,
  sortByMetricSteps,
  toCsv,
  topK,
  type RowQuery,
} from '../src/views/selection.js';
import { randomQuery, randomSweep, rng } from './random-sweep.js';

/** The selection written out plainly, from the definitions. */
function naiveSelected(sweep: Sweep, q: RowQuery): number[] {
  const m = q.metric === undefined ? 0 : sweep.metrics.findIndex((x) => x.name === q.metric);
  const values = sweep.metrics[m].values;
  const g = sweep.group;
  const G = g >= 0 ? Math.max(1, sweep.params[g].labels.length) : 1;
  const min = new Array<number>(G).fill(Infinity);
  const max = new Array<number>(G).fill(-Infinity);
  for (let i = 0; i < sweep.rows; i++) {
    const v = values[i];
    if (Number.isNaN(v)) continue;
    const gi = g >= 0 ? sweep.params[g].codes[i] : 0;
    min[gi] = Math.min(min[gi], v);
    max[gi] = Math.max(max[gi], v);
  }
  const out: number[] = [];
  for (let i = 0; i < sweep.rows; i++) {
    const v = values[i];
    if (Number.isNaN(v)) continue;
    let pass = true;
    for (const [name, opts] of Object.entries(q.where ?? {})) {
      const p = sweep.params.find((x) => x.name === name)!;
      if (!opts.includes(p.labels[p.codes[i]])) pass = false;
    }
    if (!pass) continue;
    if (q.range) {
      const gi = g >= 0 ? sweep.params[g].codes[i] : 0;
      const x = q.normalize ? (max[gi] > min[gi] ? (v - min[gi]) / (max[gi] - min[gi]) : 0) : v;
      if (!(x >= q.range[0] && x <= q.range[1])) continue;
    }
    out.push(i);
  }
  return out;
}

/** Rows ordered by metric, top first, ties by row index, missing left out: with Array.sort. */
function naiveOrder(sweep: Sweep, m: number, rows: ArrayLike<number>): number[] {
  const v = sweep.metrics[m].values;
  return Array.from(rows)
    .filter((r) => !Number.isNaN(v[r]))
    .sort((a, b) => v[b] - v[a] || a - b);
}

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

describe('selection helpers', () => {
  it('select exactly the rows a naive loop selects, and as many as the engine counts', async () => {
    let compared = 0;
    let nonEmpty = 0;
    for (let s = 1; s <= 60; s++) {
      const sweep = randomSweep(s, { maxParams: 5 });
      const session = await Session.open(sweep, new InlineCpuEngine());
      for (let k = 0; k < 4; k++) {
        const spec = randomQuery(sweep, s * 1000 + k);
        const q: RowQuery = { metric: spec.metric, normalize: spec.normalize, range: spec.range, where: spec.where };
        const sel = compileSelection(sweep, q);
        const want = naiveSelected(sweep, q);
        const got = selectedRows(sel);
        expect(Array.from(got), `sweep ${s} ${JSON.stringify(spec)}`).toEqual(want);
        for (let i = 0; i < sweep.rows; i += 7) expect(isSelected(sel, i)).toBe(want.includes(i));
        const engine = (await session.query(spec)).json;
        expect(got.length, `engine count, sweep ${s} ${JSON.stringify(spec)}`).toBe(engine.selected);
        compared++;
        if (got.length) nonEmpty++;
      }
    }
    expect(compared).toBe(240);
    expect(nonEmpty).toBeGreaterThan(60);
  });

  it('agree with the engine on brush edges: single values, normalized bounds 0 and 1', async () => {
    const sweep = randomSweep(7, { rows: 3000, maxParams: 3 });
    const vals = sweep.metrics[0].values;
    for (let i = 0; i < vals.length; i++) vals[i] = i % 13 === 0 ? NaN : Math.fround(((i * 7) % 11) / 10 + 0.05);
    const session = await Session.open(sweep, new InlineCpuEngine());
    const specs: QuerySpec[] = [
      { range: [Math.fround(0.35), Math.fround(0.35)] },
      { range: [0, 0], normalize: true },
      { range: [1, 1], normalize: true },
      { range: [0.3, 0.7], normalize: true },
      { range: [0.1 + 0.2, 0.6], normalize: false },
    ];
    for (const spec of specs) {
      const sel = compileSelection(sweep, { normalize: spec.normalize, range: spec.range });
      const got = selectedRows(sel);
      expect(got.length, JSON.stringify(spec)).toBe((await session.query(spec)).json.selected);
      expect(Array.from(got)).toEqual(naiveSelected(sweep, { normalize: spec.normalize, range: spec.range }));
    }
  });

  it('agree with the engine on the synthetic sweep, in slices', async () => {
    const sweep = generateNwsSweep(60_000, 5);
    const session = await Session.open(sweep, new InlineCpuEngine());
    const spec: QuerySpec = { normalize: true, range: [0.8, 1], where: { optimizer: ['adam', 'sgd_momentum'], learning_rate: [sweep.params[6].labels[2]] } };
    const stats = await groupStats(sweep, 0, { yieldFn: () => Promise.resolve() });
    expect(await groupStats(sweep, 0)).toBe(stats); // computed once per metric
    const sel = compileSelection(sweep, { normalize: true, range: spec.range, where: spec.where }, stats);
    let steps = 0;
    const got = await drive(selectedRowsSteps(sel), { sliceMs: 0, yieldFn: async () => void steps++ });
    expect(steps).toBeGreaterThan(2);
    expect(got.length).toBe((await session.query(spec)).json.selected);
    expect(got.length).toBeGreaterThan(100);
    expect(Array.from(got)).toEqual(naiveSelected(sweep, { normalize: true, range: spec.range, where: spec.where }));
    // a selection restricted to a sample selects the sample's selected rows
    const sample = sampleRows(sweep.rows, 5000, 9);
    expect(Array.from(selectedRows(sel, sample))).toEqual(Array.from(sample).filter((i) => isSelected(sel, i)));
  });

  it('an aborted drive stops with AbortedError', async () => {
    const sweep = generateNwsSweep(100_000, 1);
    const signal = { aborted: false };
    const p = drive(groupStatsSteps(sweep, 0), { sliceMs: 0, signal, yieldFn: async () => void (signal.aborted = true) });
    await expect(p).rejects.toThrow('cancelled');
  });

  it('name the engine errors for unknown metrics, parameters and options', () => {
    const sweep = generateNwsSweep(100, 1);
    expect(() => compileSelection(sweep, { where: { nope: ['x'] } })).toThrow(/unknown parameter 'nope'/);
    expect(() => compileSelection(sweep, { where: { optimizer: ['lbfgs'] } })).toThrow(/unknown option 'lbfgs'/);
    expect(() => metricIndex(sweep, { metric: 'loss' })).toThrow(/unknown metric 'loss'/);
    expect(metricIndex(sweep, {})).toBe(0);
  });
});

describe('ordering by a metric', () => {
  it('descendingKey orders like the values, best first, -0 as 0', () => {
    const r = rng(3);
    const xs = Array.from({ length: 2000 }, () => Math.fround((r() - 0.5) * 10 ** Math.floor(r() * 8 - 4)));
    xs.push(0, -0, Infinity, -Infinity, Math.fround(1e-40), -Math.fround(1e-40));
    for (let k = 0; k < xs.length - 1; k++) {
      const a = xs[k];
      const b = xs[k + 1];
      const ka = descendingKey(a);
      const kb = descendingKey(b);
      expect(Math.sign(ka - kb), `${a} ${b}`).toBe(a === b ? 0 : a > b ? -1 : 1);
    }
  });

  it('topK is the naive order at every offset: sorted, stable by row index, missing left out', () => {
    for (let s = 1; s <= 40; s++) {
      const sweep = randomSweep(s, { maxParams: 3 });
      if (sweep.rows === 0) continue;
      const r = rng(s);
      const m = s % 2;
      // rows in a shuffled order: ties still go by row index
      const rows = Array.from({ length: sweep.rows }, (_, i) => i).filter(() => r() < 0.7);
      for (let i = rows.length - 1; i > 0; i--) {
        const j = Math.floor(r() * (i + 1));
        [rows[i], rows[j]] = [rows[j], rows[i]];
      }
      const want = naiveOrder(sweep, m, rows);
      for (const [k, offset] of [
        [10, 0],
        [50, Math.floor(want.length / 2)],
        [want.length + 5, 0],
        [3, Math.max(0, want.length - 2)],
        [5, want.length + 3],
      ]) {
        expect(Array.from(topK(sweep, m, rows, k, offset)), `sweep ${s} k ${k} offset ${offset}`).toEqual(want.slice(offset, offset + k));
      }
    }
  });

  it('the sliced radix sort of selected rows equals topK over all of them', () => {
    for (let s = 100; s < 130; s++) {
      const sweep = randomSweep(s, { maxParams: 3 });
      const q = randomQuery(sweep, s);
      const sel = compileSelection(sweep, { metric: q.metric, normalize: q.normalize, range: q.range, where: q.where });
      const rows = selectedRows(sel);
      const sorted = runSync(sortByMetricSteps(sweep, sel.metric, rows));
      expect(Array.from(sorted), `sweep ${s}`).toEqual(naiveOrder(sweep, sel.metric, rows));
      expect(Array.from(sorted)).toEqual(Array.from(topK(sweep, sel.metric, rows, rows.length)));
    }
    // many ties and a coarse metric: ascending row index among equals
    const sweep = randomSweep(5, { rows: 5000, maxParams: 2 });
    const v = sweep.metrics[0].values;
    for (let i = 0; i < v.length; i++) v[i] = i % 17 === 0 ? NaN : [0.5, -0, 0, 1, -2][i % 5];
    const all = Uint32Array.from({ length: v.length }, (_, i) => i);
    expect(Array.from(runSync(sortByMetricSteps(sweep, 0, all)))).toEqual(naiveOrder(sweep, 0, all));
  });
});

describe('sampling', () => {
  it('is deterministic, ascending, unique, in range, and all rows when few', () => {
    expect(Array.from(sampleRows(5, 10, 1))).toEqual([0, 1, 2, 3, 4]);
    for (const [n, max] of [
      [1000, 999],
      [10_000_000, 200_000],
      [12345, 100],
    ]) {
      const a = sampleRows(n, max, 7);
      expect(a.length).toBe(max);
      expect(Array.from(sampleRows(n, max, 7))).toEqual(Array.from(a));
      let ascending = true;
      for (let k = 1; k < a.length; k++) if (!(a[k] > a[k - 1])) ascending = false;
      expect(ascending).toBe(true);
      expect(a[a.length - 1]).toBeLessThan(n);
      expect(Array.from(sampleRows(n, max, 8))).not.toEqual(Array.from(a));
    }
  });
});

describe('CSV of chosen rows', () => {
  it('reads back cell by cell, in the given order, across chunks', () => {
    const sweep = generateNwsSweep(3000, 11);
    const sel = compileSelection(sweep, { normalize: true, range: [0.9, 1] });
    const rows = runSync(sortByMetricSteps(sweep, 0, selectedRows(sel)));
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
