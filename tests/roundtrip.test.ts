// A property of sweepscope's own Arrow files: any table the importer accepts
// (CSV, JSON, Parquet), exported with sweepToArrow and read back, is the same
// sweep: parameter names, labels (as the file wrote them: `0.0`, `1e-4`),
// codes and binning, metrics bit for bit (NaN included), the group, and the
// engine's aggregates. Seeded random tables: text with awkward labels
// (`__proto__`, HTML, commas and quotes, unicode, 300 characters, missing),
// numbers with few values in varied spellings, numbers with many values
// (quantile and log bins), a metric with missing values.
//
// Replay one case: RT_SEED=123 npx vitest run tests/roundtrip.test.ts

import {
  Dictionary,
  Field,
  Float32,
  RecordBatch,
  Schema,
  Struct,
  Table,
  Uint8,
  Utf8,
  makeData,
  makeVector,
  tableFromArrays,
  tableFromIPC,
  tableToIPC,
  vectorFromArray,
} from 'apache-arrow';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { rng as mulberry32 } from './random-sweep.js';
import { InlineCpuEngine } from '../src/engine/cpu-engine.js';
import { Session } from '../src/engine/session.js';
import type { QuerySpec } from '../src/engine/types.js';
import { METADATA_KEY, WRITTEN_KEY, sweepFromArrow, sweepToArrow } from '../src/io/arrow.js';
import { readSweepBytes } from '../src/io/read.js';
import { formatFloat32 } from '../src/io/table.js';
import { MISSING_LABEL } from '../src/model/binning.js';
import { SweepError, type Sweep } from '../src/model/sweep.js';

// ---------------------------------------------------------------------------
// Seeded randomness.


type Rng = () => number;
const int = (rng: Rng, n: number): number => Math.floor(rng() * n);
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[int(rng, xs.length)];

/** `k` distinct items of xs, in random order. */
function sample<T>(rng: Rng, xs: readonly T[], k: number): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = int(rng, i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a.slice(0, k);
}

// ---------------------------------------------------------------------------
// Random tables.

/** Text labels that trip up naive code: object keys, markup, separators, quotes, unicode, length. */
const TEXT = [
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  '<b>x</b>',
  '<script>alert(1)</script>',
  '&amp;',
  'adam',
  'sgd, momentum',
  'say "hi"',
  "it's",
  'a;b',
  'tab\there',
  'naïve',
  '日本語',
  'emoji 😀',
  'Ωmega',
  'x'.repeat(300),
  `long ${'ab, "c" '.repeat(37)}end`,
  'two words',
  'NaNa',
  'null-ish',
  'v1.2',
];

/** Values and the JSON-valid spellings a file may give them. */
const SPELLED: readonly (readonly [number, readonly string[]])[] = [
  [0, ['0', '0.0', '0.00', '0e0']],
  [1e-4, ['1e-4', '0.0001', '1E-04', '1e-04', '1.0e-4']],
  [3e-4, ['3e-4', '0.0003', '3E-4', '3.0e-04']],
  [1e-3, ['1e-3', '0.001', '1E-3', '0.0010']],
  [0.01, ['0.01', '1e-2', '0.010']],
  [0.1, ['0.1', '0.10', '1e-1']],
  [0.5, ['0.5', '0.50', '5e-1', '5E-1']],
  [1, ['1', '1.0', '1.00', '1e0']],
  [2, ['2', '2.0']],
  [32, ['32', '32.0', '3.2e1']],
  [128, ['128', '128.0', '1.28e2']],
  [1000, ['1000', '1e3', '1E+3', '1000.0']],
  [-1.5, ['-1.5', '-1.50', '-15e-1']],
  [0.3, ['0.3', '0.30', '3e-1']],
  [7, ['7', '7.0', '7e0']],
  [1e-6, ['1e-6', '0.000001', '1E-6']],
  [2.5, ['2.5', '2.50']],
];

interface TextCol {
  kind: 'text';
  name: string;
  /** One cell per row; null where missing. */
  cells: (string | null)[];
}

interface NumCol {
  kind: 'num';
  name: string;
  /** One cell per row as the file writes it; null where missing. */
  cells: (string | null)[];
  /** The value of each cell (NaN where missing). */
  values: number[];
  /** Few values: each value's one spelling. */
  spelling: Map<number, string> | null;
}

type Col = TextCol | NumCol;

interface RandomTable {
  rows: number;
  cols: Col[];
}

function textCol(rng: Rng, name: string, rows: number): TextCol {
  const pool = sample(rng, TEXT, 1 + int(rng, 6));
  const missing = rng() < 0.4 ? 0.15 : 0;
  return { kind: 'text', name, cells: Array.from({ length: rows }, () => (rng() < missing ? null : pick(rng, pool))) };
}

/** `rows` numeric cells: missing (null, NaN) with probability `missing`, else a value and its spelling from `cell`. */
function numCells(rng: Rng, rows: number, missing: number, cell: () => [number, string]): { values: number[]; cells: (string | null)[] } {
  const values: number[] = [];
  const cells: (string | null)[] = [];
  for (let i = 0; i < rows; i++) {
    if (rng() < missing) {
      values.push(NaN);
      cells.push(null);
    } else {
      const [x, text] = cell();
      values.push(x);
      cells.push(text);
    }
  }
  return { values, cells };
}

function fewCol(rng: Rng, name: string, rows: number): NumCol {
  const chosen = sample(rng, SPELLED, 1 + int(rng, 8));
  const spelling = new Map(chosen.map(([x, s]) => [Math.fround(x), pick(rng, s)]));
  const missing = rng() < 0.3 ? 0.1 : 0;
  const { values, cells } = numCells(rng, rows, missing, () => {
    const [x] = pick(rng, chosen);
    return [x, spelling.get(Math.fround(x)) as string];
  });
  return { kind: 'num', name, cells, values, spelling };
}

function manyCol(rng: Rng, name: string, rows: number): NumCol {
  const log = rng() < 0.4;
  const missing = rng() < 0.3 ? 0.05 : 0;
  const { values, cells } = numCells(rng, rows, missing, () => {
    // Log: positive over 5 decades (log bins); else around zero, with ties (quantile bins merge them).
    const x = log ? 10 ** (-6 + 5 * rng()) : rng() < 0.2 ? 1 : Math.round((rng() * 2 - 1) * 1e4) / 100;
    const s = log ? x.toPrecision(1 + int(rng, 6)) : String(x);
    return [Number(s), s];
  });
  return { kind: 'num', name, cells, values, spelling: null };
}

function metricCol(rng: Rng, rows: number): NumCol {
  const missing = rng() < 0.5 ? 0.1 : 0;
  const { values, cells } = numCells(rng, rows, missing, () => {
    const x = Number((0.2 + 0.8 * rng()).toFixed(1 + int(rng, 5)));
    return [x, String(x)];
  });
  return { kind: 'num', name: 'accuracy', cells, values, spelling: null };
}

function randomTable(rng: Rng): RandomTable {
  const rows = 2 + int(rng, rng() < 0.7 ? 40 : 150);
  const cols: Col[] = [];
  const nText = int(rng, 3);
  for (let k = 0; k < nText; k++) cols.push(textCol(rng, k === 0 && rng() < 0.4 ? 'dataset' : `t${k}`, rows));
  const nFew = (nText === 0 ? 1 : 0) + int(rng, 3);
  for (let k = 0; k < nFew; k++) cols.push(fewCol(rng, `h${k}`, rows));
  const nMany = int(rng, 3);
  for (let k = 0; k < nMany; k++) cols.push(manyCol(rng, `m${k}`, rows));
  // The metric somewhere among the columns.
  cols.splice(int(rng, cols.length + 1), 0, metricCol(rng, rows));
  return { rows, cols };
}

// ---------------------------------------------------------------------------
// The table as files.

const enc = new TextEncoder();

function csvField(s: string): string {
  return /[",\r\n\t;|]|^\s|\s$/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

function toCsv(t: RandomTable, rng: Rng): Uint8Array {
  const missingNumber = (): string => pick(rng, ['', '', 'nan', 'NaN']);
  const lines = [t.cols.map((c) => c.name).join(',')];
  for (let i = 0; i < t.rows; i++)
    lines.push(
      t.cols
        .map((c) => {
          const v = c.cells[i];
          if (v === null) return c.kind === 'num' && c.name === 'accuracy' ? missingNumber() : '';
          return c.kind === 'text' ? csvField(v) : v;
        })
        .join(','),
    );
  return enc.encode(`${lines.join(rng() < 0.5 ? '\n' : '\r\n')}\n`);
}

function toJson(t: RandomTable, rng: Rng): Uint8Array {
  const lines = rng() < 0.5;
  const objects: string[] = [];
  for (let i = 0; i < t.rows; i++) {
    const fields: string[] = [];
    for (const c of t.cols) {
      const v = c.cells[i];
      let value: string;
      if (v === null) {
        const r = rng();
        if (r < 0.3) continue; // the key left out
        value = c.kind === 'num' ? (r < 0.6 ? 'null' : 'NaN') : r < 0.6 ? 'null' : '""';
      } else value = c.kind === 'text' ? JSON.stringify(v) : v;
      fields.push(`${JSON.stringify(c.name)}: ${value}`);
    }
    objects.push(`{${fields.join(', ')}}`);
  }
  return enc.encode(lines ? `${objects.join('\n')}\n` : `[\n${objects.join(',\n')}\n]`);
}

function toParquet(t: RandomTable): Uint8Array {
  return new Uint8Array(
    parquetWriteBuffer({
      columnData: t.cols.map((c) =>
        c.kind === 'text'
          ? { name: c.name, data: c.cells, type: 'STRING' as const }
          : { name: c.name, data: c.values.map((x) => (x === x ? x : null)), type: 'DOUBLE' as const },
      ),
    }),
  );
}

// ---------------------------------------------------------------------------
// Comparing sweeps.

function bits(v: Float32Array): number[] {
  return Array.from(new Uint32Array(v.buffer, v.byteOffset, v.length));
}

function shape(s: Sweep): object {
  return {
    rows: s.rows,
    params: s.params.map((p) => ({ name: p.name, kind: p.kind, labels: [...p.labels], codes: Array.from(p.codes) })),
    metrics: s.metrics.map((m) => ({ name: m.name, lowerIsBetter: m.lowerIsBetter ?? false, bits: bits(m.values) })),
    group: s.group,
  };
}

/**
 * a deep-equals b: compared as JSON text first (fast: the answers are keyed by
 * labels, some 300 characters long), with vitest's diff when they differ.
 * Metrics are compared by their bits (shape), so JSON writing NaN as null loses nothing.
 */
function same(a: unknown, b: unknown, where: string): void {
  if (JSON.stringify(a) !== JSON.stringify(b)) expect(a, where).toEqual(b);
}

/** The shape with parameters by name (JSON has its columns in order of first appearance), the group by name. */
function byName(s: Sweep): object {
  const { params, metrics } = shape(s) as { params: { name: string }[]; metrics: object[] };
  return {
    rows: s.rows,
    params: [...params].sort((a, b) => (a.name < b.name ? -1 : 1)),
    metrics,
    group: s.group < 0 ? null : s.params[s.group].name,
  };
}

/** A few queries: the default, normalized, a brush over the middle of the values, a filter on a random option. */
function specsFor(s: Sweep, rng: Rng): QuerySpec[] {
  const specs: QuerySpec[] = [{}, { normalize: true, bins: 7 }];
  const v = Array.from(s.metrics[0].values)
    .filter((x) => x === x)
    .sort((a, b) => a - b);
  if (v.length > 0) specs.push({ range: [v[Math.floor(v.length / 4)], v[Math.floor((3 * v.length) / 4)]] });
  if (s.params.length > 0) {
    const p = pick(rng, s.params);
    const where = { [p.name]: sample(rng, p.labels, 1 + int(rng, p.labels.length)) };
    // A small secondary (the trellis grows with primary × secondary options, the answer's text with it).
    const small = s.params.filter((q) => q !== p && q.labels.length <= 4);
    const secondary = small.length > 0 ? pick(rng, small).name : null;
    specs.push({ where, primary: p.name, secondary });
  }
  return specs;
}

async function answers(s: Sweep, specs: readonly QuerySpec[]): Promise<unknown[]> {
  const session = await Session.open(s, new InlineCpuEngine());
  const out: unknown[] = [];
  for (const spec of specs) out.push((await session.query(spec)).json);
  return out;
}

/** Reads a file, or null where the importer refuses it (a SweepError). */
async function accepted(bytes: Uint8Array, name: string): Promise<Sweep | null> {
  try {
    return await readSweepBytes(bytes, name);
  } catch (e) {
    if (e instanceof SweepError) return null;
    throw e;
  }
}

/** The labels a parameter read from `c` should have: its values as written (or formatted), `(missing)` last. */
function expectedNumericLabels(c: NumCol, format: (x: number) => string): string[] {
  const present = [...new Set(c.values.filter((x) => x === x).map((x) => Math.fround(x)))].sort((a, b) => a - b);
  const labels = present.map(format);
  if (c.values.some((x) => x !== x)) labels.push(MISSING_LABEL);
  return labels;
}

// ---------------------------------------------------------------------------

const CASES = Number(process.env.RT_CASES ?? 200);
const ONLY = process.env.RT_SEED === undefined ? null : Number(process.env.RT_SEED);

describe('sweepscope Arrow round trip (property)', () => {
  it(`${ONLY === null ? CASES : 1} random tables from CSV, JSON and Parquet read back the same from sweepscope's Arrow`, async () => {
    const seeds = ONLY === null ? Array.from({ length: CASES }, (_, i) => 1000 + i) : [ONLY];
    let read = 0;
    let slowest = 0;
    let slowSeed = 0;
    const seen = { spelled: 0, binned: 0, linear: 0, text: 0 };
    for (const seed of seeds) {
      const started = performance.now();
      const rng = mulberry32(seed);
      const t = randomTable(rng);
      const files: [string, Uint8Array][] = [
        ['case.csv', toCsv(t, rng)],
        ['case.json', toJson(t, rng)],
        ['case.parquet', toParquet(t)],
      ];
      const sweeps: (Sweep | null)[] = [];
      // The engine's aggregates (the costly part) for one of the formats, in turn.
      const queried = seed % files.length;
      for (const [k, [name, bytes]] of files.entries()) {
        const where = `seed ${seed}, ${name}`;
        const s = await accepted(bytes, name);
        sweeps.push(s);
        if (s === null) continue;
        read++;
        const arrow = sweepToArrow(s);
        const back = await readSweepBytes(arrow, 'case.arrow');
        same(shape(back), shape(s), where);
        if (k === queried) {
          // Written again, the file is the same (nothing is lost or added on a second trip).
          const again = sweepToArrow(back);
          if (Buffer.compare(again, arrow) !== 0) expect(Array.from(again), where).toEqual(Array.from(arrow));
          const specs = specsFor(s, mulberry32(seed ^ 0x5eed));
          same(await answers(back, specs), await answers(s, specs), where);
        }

        // Labels as written: text and numbers with few values from CSV and JSON; numbers from their values in Parquet.
        for (const c of t.cols) {
          const p = s.params.find((q) => q.name === c.name);
          if (!p) continue;
          if (c.kind === 'text') {
            seen.text++;
            const want = [...new Set(c.cells.map((x) => (x === null ? MISSING_LABEL : x)))];
            expect(new Set(p.labels), `${where}: ${c.name}`).toEqual(new Set(want));
          } else if (c.spelling) {
            const format = name.endsWith('.parquet') ? formatFloat32 : (x: number) => (c.spelling as Map<number, string>).get(x) as string;
            if (!name.endsWith('.parquet')) seen.spelled++;
            expect(p.labels, `${where}: ${c.name}`).toEqual(expectedNumericLabels(c, format));
          } else if (p.labels.some((l) => l.includes('–'))) {
            seen.binned++;
            // Not log bins: quantile bins (the default for a file that is not sweepscope's own).
            if (!p.labels.some((l) => l.includes('e-'))) seen.linear++;
          }
        }
      }
      // The text formats agree with each other: the same labels, as written.
      const [csv, json] = sweeps;
      if (csv && json) same(byName(json), byName(csv), `seed ${seed}: JSON and CSV`);
      const ms = performance.now() - started;
      if (ms > slowest) [slowest, slowSeed] = [ms, seed];
    }
    // Most tables are accepted, and every kind of parameter came up.
    expect(read).toBeGreaterThan(seeds.length * 2);
    if (ONLY === null) {
      expect(seen.spelled).toBeGreaterThan(50);
      expect(seen.binned).toBeGreaterThan(20);
      expect(seen.linear).toBeGreaterThan(5);
      expect(seen.text).toBeGreaterThan(50);
    }
    console.log(`roundtrip: ${seeds.length} tables, ${read} files read, slowest table ${slowest.toFixed(1)} ms (seed ${slowSeed})`, seen);
  }, 120_000);
});

describe('sweepscope Arrow files', () => {
  const csv = (text: string): Promise<Sweep> => readSweepBytes(enc.encode(text), 'lr.csv');

  it('keep the labels as written: 1e-4 is not 0.0001 after a trip through Arrow', async () => {
    const s = await csv('lr,wd,acc\n1e-4,0.0,0.5\n3e-4,0.0,0.6\n1e-3,1E-02,0.7\n1e-4,1E-02,0.8\n');
    expect(s.params.map((p) => p.labels)).toEqual([
      ['1e-4', '3e-4', '1e-3'],
      ['0.0', '1E-02'],
    ]);
    const back = sweepFromArrow(sweepToArrow(s), 'lr.arrow');
    expect(shape(back)).toEqual(shape(s));
  });

  it('keep quantile bins as quantile bins (the mode is in the metadata)', async () => {
    const lines = ['x,acc'];
    for (let i = 0; i < 200; i++) lines.push(`${i < 150 ? i % 10 : 100 + i},${(i % 7) / 10}`);
    const s = await csv(`${lines.join('\n')}\n`);
    expect(s.params[0].labels.length).toBeGreaterThan(1);
    const meta = JSON.parse(tableFromIpcMetadata(sweepToArrow(s))) as { binning?: string };
    expect(meta.binning).toBe('quantile');
    expect(shape(sweepFromArrow(sweepToArrow(s), 'x.arrow'))).toEqual(shape(s));
    // LoadOptions still override the file's own mode.
    const width = sweepFromArrow(sweepToArrow(s), 'x.arrow', { binning: 'width' });
    expect(width.params[0].labels).not.toEqual(s.params[0].labels);
  });

  it('write no spellings when the labels are the values', async () => {
    const s = await csv('lr,acc\n0.1,0.5\n0.01,0.6\n');
    const bytes = sweepToArrow(s);
    expect(fieldMetadata(bytes, 'lr').has(WRITTEN_KEY)).toBe(false);
    expect(sweepFromArrow(bytes, 'lr.arrow').params[0].labels).toEqual(['0.01', '0.1']);
  });

  /** A format-1 file as sweepscope wrote it before spellings: numeric parameters labelled by their values. */
  function versionOne(values: Float32Array, written?: string): Uint8Array {
    const rows = values.length;
    const fields = [
      new Field('lr', new Float32(), false, written === undefined ? undefined : new Map([[WRITTEN_KEY, written]])),
      new Field('opt', new Dictionary(new Utf8(), new Uint8(), 1, false), false),
      new Field('acc', new Float32(), false),
    ];
    const children = [
      makeData({ type: new Float32(), length: rows, nullCount: 0, data: values }),
      makeData({
        type: new Dictionary(new Utf8(), new Uint8(), 1, false),
        length: rows,
        nullCount: 0,
        data: Uint8Array.from({ length: rows }, (_, i) => i % 2),
        dictionary: vectorFromArray(['a', 'b'], new Utf8()),
      }),
      makeData({ type: new Float32(), length: rows, nullCount: 0, data: Float32Array.from({ length: rows }, (_, i) => i / rows) }),
    ];
    const meta = JSON.stringify({ version: 1, params: ['lr', 'opt'], metrics: ['acc'], group: null });
    const schema = new Schema(fields, new Map([[METADATA_KEY, meta]]));
    const struct = makeData({ type: new Struct(fields), length: rows, nullCount: 0, children });
    return tableToIPC(new Table(schema, [new RecordBatch(schema, struct)]), 'file');
  }

  it('read format 1 files written before spellings, and ignore spellings that do not fit', () => {
    const values = Float32Array.from([1e-4, 3e-4, 1e-4, NaN]);
    expect(sweepFromArrow(versionOne(values), 'old.arrow').params[0].labels).toEqual(['0.0001', '0.0003', MISSING_LABEL]);
    const good = JSON.stringify([
      [Math.fround(1e-4), '1e-4'],
      [Math.fround(3e-4), '3e-4'],
    ]);
    expect(sweepFromArrow(versionOne(values, good), 'new.arrow').params[0].labels).toEqual(['1e-4', '3e-4', MISSING_LABEL]);
    // A value without its spelling, malformed JSON, wrong types: labels from the values.
    for (const bad of [JSON.stringify([[Math.fround(1e-4), '1e-4']]), '[[1,', '{"a":1}', '[["x","y"]]', JSON.stringify([[Math.fround(1e-4), 5]])])
      expect(sweepFromArrow(versionOne(values, bad), 'odd.arrow').params[0].labels, bad).toEqual(['0.0001', '0.0003', MISSING_LABEL]);
    // Spellings of values the column no longer has are dropped.
    const extra = JSON.stringify([
      [Math.fround(1e-4), '1e-4'],
      [Math.fround(3e-4), '3e-4'],
      [7, '7.0'],
    ]);
    expect(sweepFromArrow(versionOne(values, extra), 'extra.arrow').params[0].labels).toEqual(['1e-4', '3e-4', MISSING_LABEL]);
  });

  it('give the cells of Arrow text columns on demand (a text parameter with 300 values: 254 kept, the rest (other))', async () => {
    const names = Array.from({ length: 600 }, (_, i) => (i % 7 === 3 ? null : `run ${i % 300}, "${i % 300 < 40 ? 'often' : 'once'}"`));
    // The first 40 values are more frequent.
    for (let i = 0; i < 200; i++) names.push(`run ${i % 40}, "often"`);
    const acc = Float32Array.from(names, (_, i) => (i % 13) / 13);
    const text = ['name,acc', ...names.map((n, i) => `${n === null ? '' : csvField(n)},${acc[i]}`)].join('\n');
    const options = { params: ['name'], metric: 'acc' };
    const fromCsv = await readSweepBytes(enc.encode(`${text}\n`), 'runs', options);
    expect(fromCsv.params[0].labels.length).toBe(255);
    expect(fromCsv.params[0].labels).toContain('(other)');
    const utf8 = tableToIPC(
      new Table({ name: vectorFromArray(names, new Utf8()), acc: makeVector(acc) }),
      'file',
    );
    const dict = tableToIPC(tableFromArrays({ name: names, acc }), 'stream');
    for (const bytes of [utf8, dict]) {
      const s = await readSweepBytes(bytes, 'runs', options);
      expect(shape(s)).toEqual(shape(fromCsv));
      expect(s.notes).toEqual(fromCsv.notes);
    }
  });

  /** A W&B API export (Python dicts in `summary` and `config`) of `rows` runs, as columns of text. */
  function wandbColumns(rows: number): Record<string, string[]> {
    const rng = mulberry32(77);
    const cols: Record<string, string[]> = { summary: [], config: [], name: [] };
    for (let i = 0; i < rows; i++) {
      const acc = (0.5 + 0.5 * rng()).toFixed(4);
      cols.summary.push(`{'_runtime': ${(100 + 400 * rng()).toFixed(3)}, '_step': 99, 'val/acc': ${acc}, 'train/loss': ${(1 - Number(acc)).toFixed(4)}}`);
      const lr = pick(rng, ['1e-05', '0.0001', '0.001']);
      cols.config.push(`{'lr': ${lr}, 'dropout': ${pick(rng, ['0.0', '0.1'])}, 'optimizer': '${pick(rng, ['adam', 'sgd'])}', 'seed': ${i % 3}}`);
      cols.name.push(`run-${i}`);
    }
    return cols;
  }

  it('give the cells of W&B dict columns stored in Arrow (300 distinct dicts): read into columns as from CSV', async () => {
    const cols = wandbColumns(300);
    const names = Object.keys(cols);
    const lines = [names.join(','), ...cols.name.map((_, i) => names.map((n) => csvField(cols[n][i])).join(','))];
    const fromCsv = await readSweepBytes(enc.encode(`${lines.join('\n')}\n`), 'wandb');
    expect(fromCsv.params.find((p) => p.name === 'lr')?.labels).toEqual(['1e-05', '0.0001', '0.001']);
    expect(fromCsv.metrics[0].name).toBe('val/acc');
    const utf8 = new Table(Object.fromEntries(names.map((n) => [n, vectorFromArray(cols[n], new Utf8())])));
    const dict = tableFromArrays(cols);
    for (const table of [utf8, dict]) {
      const s = await readSweepBytes(tableToIPC(table, 'file'), 'wandb');
      expect(byName(s)).toEqual(byName(fromCsv));
      expect(s.replicate?.labels).toEqual(fromCsv.replicate?.labels);
      expect(s.columns).toEqual(fromCsv.columns);
    }
  });
});

// ---------------------------------------------------------------------------
// Reading an Arrow file's metadata back (for the assertions above).

function schemaOf(bytes: Uint8Array): Schema {
  return tableFromIPC(bytes).schema;
}

function tableFromIpcMetadata(bytes: Uint8Array): string {
  return schemaOf(bytes).metadata.get(METADATA_KEY) as string;
}

function fieldMetadata(bytes: Uint8Array, name: string): Map<string, string> {
  const f = schemaOf(bytes).fields.find((x) => x.name === name);
  if (!f) throw new Error(`no field ${name}`);
  return f.metadata;
}
