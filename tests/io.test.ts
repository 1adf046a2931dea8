/** Reading and writing sweeps: CSV and Arrow IPC round trips, inference, errors. */

import { NATS_CSV } from './shared-data.js';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Dictionary, Int32, Int64, Float64, Table, Utf8, tableFromArrays, tableToIPC, vectorFromArray } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { asyncError, error } from './sweep-error.js';
import { rng } from './random-sweep.js';
import { MISSING_LABEL } from '../src/model/binning.js';
import { validateSweep, type Metric, type Param, type Sweep } from '../src/model/sweep.js';
import { sweepFromArrow, sweepToArrow } from '../src/io/arrow.js';
import { formatFloat32, parseCsv, writeCsv, writeCsvChunks } from '../src/io/csv.js';
import { readSweepFile, writeCsvFile, writeSweepFile } from '../src/io/load.js';
import { binFloat32, type LoadOptions } from '../src/io/table.js';

const NATS = NATS_CSV;
const NATS_PARAMS = ['dataset', 'n1_from_n0', 'n2_from_n0', 'n2_from_n1', 'n3_from_n0', 'n3_from_n1', 'n3_from_n2'];

const tmp = mkdtempSync(join(tmpdir(), 'sweepscope-io-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// ---------------------------------------------------------------------------
// Random sweeps.


/** Pieces of labels: CSV specials, unicode, blanks. Every label also gets a letter, so it is never read as a number. */
const PIECES = ['a', 'b', 'Z', 'x_y', ',', '"', '""', '\n', '\r\n', ' ', 'é', '日本', '🎉', 'ß', '-', '1', '0.5', "'", ';', '\t'];

function randomLabels(r: () => number, card: number, p: number): string[] {
  const labels = new Set<string>();
  if (r() < 0.2) labels.add(MISSING_LABEL);
  while (labels.size < card) {
    let s = 'abcdefghijklmnopqrstuvwxyz'[Math.floor(r() * 26)];
    const n = Math.floor(r() * 5);
    for (let i = 0; i < n; i++) s = r() < 0.5 ? s + PIECES[Math.floor(r() * PIECES.length)] : PIECES[Math.floor(r() * PIECES.length)] + s;
    labels.add(r() < 0.5 ? `${s}${labels.size}` : s + (p % 3 === 0 ? '' : String(labels.size)));
  }
  // Shuffle: code order is not label order.
  const out = [...labels];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

function randomFloat(r: () => number): number {
  const kind = Math.floor(r() * 6);
  if (kind === 0) return Math.fround(Math.round(r() * 1000) / 100); // short decimals
  if (kind === 1) return Math.floor(r() * 2000) - 1000; // integers
  if (kind === 2) return Math.fround((r() - 0.5) * 10 ** (r() * 60 - 30)); // any magnitude
  if (kind === 3) {
    const f = new Float32Array(1);
    const u = new Uint32Array(f.buffer);
    do u[0] = (r() * 2 ** 32) >>> 0;
    while (!Number.isFinite(f[0]));
    return f[0]; // any bit pattern
  }
  if (kind === 4) return Math.fround(r()); // [0, 1)
  return Math.fround([0, -0, 1e-45, 3.4028234663852886e38, -1.1754943508222875e-38, 16777216, 0.1, 1 / 3][Math.floor(r() * 8)]);
}

function randomSweep(seed: number, rowsOverride?: number): Sweep {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const rows = rowsOverride ?? pick([0, 1, 2, 3, 10, 100, 1000, Math.floor(r() * 3000)]);
  const params: Param[] = [];
  const P = 1 + Math.floor(r() * 6);
  for (let p = 0; p < P; p++) {
    if (r() < 0.35) {
      // Numeric: a few distinct values (one option each) or many (binned), some missing.
      const distinct = pick([1, 2, 5, 16, 17, 100, 1000]);
      const pool = Array.from({ length: distinct }, () => randomFloat(r));
      const missing = pick([0, 0, 0.1, 1]);
      const values = new Float32Array(rows);
      for (let i = 0; i < rows; i++) values[i] = r() < missing ? NaN : pool[Math.floor(r() * distinct)];
      const { labels, codes } = binFloat32(values);
      params.push({ name: `num${p}`, labels, codes, kind: 'numeric', values });
    } else {
      const card = pick([1, 2, 3, 5, 16, 100, 254, 255, 1 + Math.floor(r() * 255)]);
      const labels = randomLabels(r, card, p);
      const codes = new Uint8Array(rows);
      for (let i = 0; i < rows; i++) codes[i] = Math.floor(r() * card);
      params.push({ name: p === 0 && r() < 0.3 ? 'dataset' : `cat "${p}", é`, labels, codes, kind: 'categorical' });
    }
  }
  const metrics: Metric[] = [];
  const M = 1 + Math.floor(r() * 3);
  for (let m = 0; m < M; m++) {
    const values = new Float32Array(rows);
    const nanShare = pick([0, 0.1, 0.5, 1]);
    for (let i = 0; i < rows; i++) values[i] = r() < nanShare ? NaN : randomFloat(r);
    metrics.push({ name: m === 0 ? 'test_accuracy' : `metric ${m}`, values });
  }
  const group = r() < 0.7 ? Math.floor(r() * P) : -1;
  return { rows, params, metrics, group };
}

function labelAt(p: Param, i: number): string {
  return p.labels[p.codes[i]];
}

/** Same float32 value, NaN equal to NaN, -0 distinct from 0. */
function sameFloats(a: Float32Array, b: Float32Array, what: string): void {
  expect(b.length, what).toBe(a.length);
  for (let i = 0; i < a.length; i++) {
    if (!Object.is(a[i], b[i])) expect.fail(`${what}: row ${i}: wrote ${a[i]}, read ${b[i]}`);
  }
}

/** Every row keeps its labels, raw numeric values and metric values. */
function expectSameValues(a: Sweep, b: Sweep): void {
  validateSweep(b);
  expect(b.rows).toBe(a.rows);
  expect(b.params.map((p) => p.name)).toEqual(a.params.map((p) => p.name));
  expect(b.metrics.map((m) => m.name)).toEqual(a.metrics.map((m) => m.name));
  a.params.forEach((pa, j) => {
    const pb = b.params[j];
    for (let i = 0; i < a.rows; i++) {
      if (labelAt(pa, i) !== labelAt(pb, i))
        expect.fail(`param '${pa.name}' row ${i}: wrote ${JSON.stringify(labelAt(pa, i))}, read ${JSON.stringify(labelAt(pb, i))}`);
    }
    if (pa.kind === 'numeric') {
      expect(pb.kind).toBe('numeric');
      sameFloats(pa.values as Float32Array, pb.values as Float32Array, `param '${pa.name}'`);
    }
  });
  a.metrics.forEach((ma, j) => sameFloats(ma.values, b.metrics[j].values, `metric '${ma.name}'`));
}

function csvOptions(s: Sweep): LoadOptions {
  return {
    params: s.params.map((p) => p.name),
    metric: s.metrics[0].name,
    group: s.group >= 0 ? s.params[s.group].name : undefined,
    // The in-memory sweeps bin with equal-width bins, as sweepscope's own files do; other files get quantile bins.
    binning: 'width',
  };
}

const SEEDS = Array.from({ length: 40 }, (_, i) => i + 1);

describe('CSV round trip', () => {
  it.each(SEEDS)('random sweep %i keeps every value', (seed) => {
    const s = randomSweep(seed);
    const text = writeCsv(s);
    if (s.rows === 0) {
      // A header without rows is refused: nothing to show.
      expect(error(() => parseCsv(text, 'random.csv', csvOptions(s))).message).toBe('random.csv has a header but no rows: no trainings to show');
      return;
    }
    const back = parseCsv(text, 'random.csv', csvOptions(s));
    expectSameValues(s, back);
    if (s.group >= 0) expect(back.group).toBe(s.group);
    // Bytes and string input read alike.
    const fromBytes = parseCsv(new TextEncoder().encode(text), 'random.csv', csvOptions(s));
    expectSameValues(s, fromBytes);
  });

  it('keeps a 1-row sweep, and refuses a 0-row one', () => {
    for (let seed = 100; seed < 110; seed++) {
      const s = randomSweep(seed, 1);
      expectSameValues(s, parseCsv(writeCsv(s), 'small.csv', csvOptions(s)));
      const none = randomSweep(seed, 0);
      expect(error(() => parseCsv(writeCsv(none), 'small.csv', csvOptions(none))).message).toBe(
        'small.csv has a header but no rows: no trainings to show',
      );
    }
  });

  it('labels read back in natural order, (missing) last', () => {
    const s = randomSweep(7, 500);
    const back = parseCsv(writeCsv(s), 'r.csv', csvOptions(s));
    for (const p of back.params) {
      if (p.kind !== 'categorical') continue;
      const sorted = [...p.labels].sort((a, b) =>
        a === MISSING_LABEL ? 1 : b === MISSING_LABEL ? -1 : a.localeCompare(b, undefined, { numeric: true }) || (a < b ? -1 : 1),
      );
      expect(p.labels).toEqual(sorted);
    }
  });

  it('writes shortest float32 decimals and empty cells for NaN', () => {
    const s: Sweep = {
      rows: 3,
      params: [],
      metrics: [{ name: 'm', values: Float32Array.from([0.1, NaN, 1 / 3]) }],
      group: -1,
    };
    expect(writeCsv(s)).toBe('m\n0.1\n\n0.33333334\n');
  });

  it('streams chunks that join to the whole file', () => {
    const s = randomSweep(3, 2500);
    const chunks = [...writeCsvChunks(s, 100)];
    expect(chunks.length).toBeGreaterThan(20);
    expect(chunks.join('')).toBe(writeCsv(s));
  });

  it('writes and reads files on disk', async () => {
    const s = randomSweep(11, 3000);
    const path = join(tmp, 'r.csv');
    const progress: number[] = [];
    await writeCsvFile(s, path, (f) => progress.push(f));
    expect(progress.at(-1)).toBe(1);
    const readProgress: number[] = [];
    const back = await readSweepFile(path, csvOptions(s), (f) => readProgress.push(f));
    expect(readProgress.at(-1)).toBe(1);
    expectSameValues(s, back);
  });
});

describe('formatFloat32', () => {
  it('is the shortest decimal that reads back to the same float32', () => {
    const reference = (x: number): string => {
      for (let p = 1; p <= 9; p++) {
        const d = x.toPrecision(p);
        if (Math.fround(Number(d)) === x) return String(Number(d));
      }
      return String(x);
    };
    const r = rng(5);
    for (let i = 0; i < 50000; i++) {
      const x = randomFloat(r);
      if (x === 0) continue;
      const s = formatFloat32(x);
      expect(Math.fround(Number(s))).toBe(x);
      if (s !== reference(x)) expect.fail(`${x}: wrote ${s}, shortest is ${reference(x)}`);
    }
    expect(formatFloat32(Math.fround(0.1))).toBe('0.1');
    expect(formatFloat32(Math.fround(1e-7))).toBe('1e-7');
    expect(formatFloat32(Math.fround(2.5e-4))).toBe('0.00025');
    expect(formatFloat32(16777216)).toBe('16777216');
    expect(formatFloat32(Math.fround(1e20))).toBe('100000000000000000000');
    expect(formatFloat32(Math.fround(1e21))).toBe('1e+21');
    expect(formatFloat32(-0)).toBe('-0');
    expect(formatFloat32(NaN)).toBe('');
    expect(formatFloat32(Infinity)).toBe('');
  });
});

describe('Arrow round trip', () => {
  it.each(SEEDS)('random sweep %i keeps values, codes and label order', (seed) => {
    const s = randomSweep(seed);
    const back = sweepFromArrow(sweepToArrow(s), 'random.arrow');
    expectSameValues(s, back);
    expect(back.group).toBe(s.group);
    s.params.forEach((p, j) => {
      expect(back.params[j].kind).toBe(p.kind);
      expect(back.params[j].labels).toEqual(p.labels);
      expect(back.params[j].codes).toEqual(p.codes);
    });
  });

  it.each([0, 1])('keeps a %i-row sweep', (rows) => {
    for (let seed = 200; seed < 210; seed++) {
      const s = randomSweep(seed, rows);
      const back = sweepFromArrow(sweepToArrow(s), 'small.arrow');
      expectSameValues(s, back);
      s.params.forEach((p, j) => {
        if (p.kind === 'categorical') expect(back.params[j].labels).toEqual(p.labels);
      });
    }
  });

  it('writes and reads files on disk, under every Arrow extension', async () => {
    const s = randomSweep(12, 2000);
    const path = join(tmp, 'r.arrow');
    await writeSweepFile(s, path);
    for (const ext of ['.arrow', '.feather', '.ipc']) {
      const p = join(tmp, `copy${ext}`);
      writeFileSync(p, sweepToArrow(s));
      expectSameValues(s, await readSweepFile(p));
    }
    expectSameValues(s, await readSweepFile(path));
  });

  it('columns are allocated as shared memory', () => {
    const s = randomSweep(13, 50);
    const back = sweepFromArrow(sweepToArrow(s), 'r.arrow');
    const csv = parseCsv(writeCsv(s), 'r.csv', csvOptions(s));
    for (const sw of [back, csv]) {
      for (const p of sw.params) expect(p.codes.buffer).toBeInstanceOf(SharedArrayBuffer);
      for (const m of sw.metrics) expect(m.values.buffer).toBeInstanceOf(SharedArrayBuffer);
    }
  });

  it('options override the stored structure', () => {
    const r = randomSweep(14, 100);
    const s: Sweep = { ...r, metrics: [...r.metrics, { name: 'other', values: Float32Array.from({ length: 100 }, (_, i) => i) }] };
    const back = sweepFromArrow(sweepToArrow(s), 'r.arrow', { metric: 'other' });
    expect(back.metrics[0].name).toBe('other');
    expect(back.metrics.map((m) => m.name).sort()).toEqual(s.metrics.map((m) => m.name).sort());
  });

  it('reads a foreign file: dictionary, utf8, int and float columns', () => {
    const ds = vectorFromArray(['zeta', 'alpha', 'zeta', 'mid', 'alpha', 'zeta'], new Dictionary(new Utf8(), new Int32()));
    const table = new Table({
      opt: vectorFromArray(['sgd', 'adam10', null, 'adam2', 'sgd', 'adam10'], new Utf8()),
      ds,
      run: vectorFromArray([1, 2, 3, 4, 5, 6], new Int32()),
      width: vectorFromArray([64n, 128n, 64n, 64n, 128n, 256n], new Int64()),
      loss: vectorFromArray([0.5, null, 0.25, 1e300, 0.125, 2], new Float64()),
      test_accuracy: vectorFromArray([0.1, 0.2, 0.3, 0.4, 0.5, 0.6], new Float64()),
    });
    const s = sweepFromArrow(tableToIPC(table, 'file'), 'foreign.arrow');
    validateSweep(s);
    // `run` is unique per row: an id, left out; `loss` is a result: an alternative metric.
    expect(s.params.map((p) => p.name)).toEqual(['opt', 'ds', 'width']);
    const [opt, dsp, width] = s.params;
    const loss = s.metrics[1];
    expect(opt.labels).toEqual(['adam2', 'adam10', 'sgd', MISSING_LABEL]);
    expect([0, 1, 2, 3, 4, 5].map((i) => labelAt(opt, i))).toEqual(['sgd', 'adam10', MISSING_LABEL, 'adam2', 'sgd', 'adam10']);
    expect(dsp.labels).toEqual(['zeta', 'alpha', 'mid']); // dictionary order kept
    expect(Array.from(dsp.codes)).toEqual([0, 1, 0, 2, 1, 0]);
    expect(width.kind).toBe('numeric');
    expect(width.labels).toEqual(['64', '128', '256']);
    expect(Array.from(loss.values)).toEqual([0.5, NaN, 0.25, NaN, 0.125, 2]); // null and overflow are missing
    expect(s.metrics.map((m) => m.name)).toEqual(['test_accuracy', 'loss']);
    expect(loss.lowerIsBetter).toBe(true);
    expect(s.group).toBe(-1);
  });

  it('reads a stream with several batches and differing dictionaries', () => {
    const a = tableFromArrays({ x: ['b', 'a', 'b'], test_accuracy: Float64Array.from([1, 2, 3]) });
    const b = tableFromArrays({ x: ['c', 'b', 'c'], test_accuracy: Float64Array.from([4, 5, 6]) });
    const t = a.concat(b);
    expect(t.getChild('x')?.data.length).toBe(2);
    const s = sweepFromArrow(tableToIPC(t, 'stream'), 'chunks.arrows', { params: ['x'] });
    expect(Array.from({ length: 6 }, (_, i) => labelAt(s.params[0], i))).toEqual(['b', 'a', 'b', 'c', 'b', 'c']);
    expect(Array.from(s.metrics[0].values)).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

// ---------------------------------------------------------------------------
// Real data.

describe('nats-bench-201.csv', () => {
  it('exists (real data, read at run time)', () => {
    expect(existsSync(NATS), NATS).toBe(true);
  });

  it('reads with the seven parameters named', async () => {
    const s = await readSweepFile(NATS, { params: NATS_PARAMS });
    validateSweep(s);
    expect(s.rows).toBe(46875);
    expect(s.params.map((p) => p.name)).toEqual(NATS_PARAMS);
    expect(s.params.map((p) => p.labels.length)).toEqual([3, 5, 5, 5, 5, 5, 5]);
    expect(s.params[0].labels).toEqual(['cifar10', 'cifar100', 'imagenet16-120']);
    expect(s.params[1].labels).toEqual(['avg_pool_3x3', 'none', 'nor_conv_1x1', 'nor_conv_3x3', 'skip_connect']);
    expect(s.params.every((p) => p.kind === 'categorical')).toBe(true);
    // The metric first; the other numeric column kept as an extra metric.
    expect(s.metrics.map((m) => m.name)).toEqual(['test_accuracy', 'arch_index']);
    expect(s.group).toBe(0);
    // First row: 0,cifar10,avg_pool_3x3,nor_conv_1x1,skip_connect,nor_conv_1x1,skip_connect,skip_connect,0.858633
    expect(s.params.map((p) => labelAt(p, 0))).toEqual([
      'cifar10',
      'avg_pool_3x3',
      'nor_conv_1x1',
      'skip_connect',
      'nor_conv_1x1',
      'skip_connect',
      'skip_connect',
    ]);
    expect(s.metrics[0].values[0]).toBe(Math.fround(0.858633));
    expect(s.metrics[1].values[46874]).toBe(15624);
    let missing = 0;
    for (const v of s.metrics[0].values) if (Number.isNaN(v)) missing++;
    expect(missing).toBe(0);
    // Each dataset a third of the rows.
    const counts = [0, 0, 0];
    for (const c of s.params[0].codes) counts[c]++;
    expect(counts).toEqual([15625, 15625, 15625]);
  });

  it('infers: arch_index is a configuration id (one value per combination of the six edges), left out', async () => {
    const s = await readSweepFile(NATS);
    validateSweep(s);
    expect(s.rows).toBe(46875);
    expect(s.params.map((p) => p.name)).toEqual(NATS_PARAMS);
    const arch = s.columns?.find((c) => c.name === 'arch_index');
    expect(arch?.role).toBe('ignored');
    expect(arch?.reason).toMatch(/^configuration id/);
    expect(arch?.distinct).toBe(15625);
    expect(s.params.map((p) => p.labels.length)).toEqual([3, 5, 5, 5, 5, 5, 5]);
    expect(s.metrics.map((m) => m.name)).toEqual(['test_accuracy']);
    expect(s.group).toBe(0); // dataset
  });

  it('round-trips through CSV and Arrow files', async () => {
    const s = await readSweepFile(NATS, { params: NATS_PARAMS });
    await writeSweepFile(s, join(tmp, 'nats.csv'));
    await writeSweepFile(s, join(tmp, 'nats.arrow'));
    expectSameValues(s, await readSweepFile(join(tmp, 'nats.csv'), { params: NATS_PARAMS }));
    const a = await readSweepFile(join(tmp, 'nats.arrow'));
    expectSameValues(s, a);
    expect(a.group).toBe(0);
  });
});

// ---------------------------------------------------------------------------
// Inference and CSV syntax.

const csv = (text: string, options?: LoadOptions): Sweep => {
  const s = parseCsv(text, 'data.csv', options);
  validateSweep(s);
  return s;
};
const column = (s: Sweep, name: string): string[] => {
  const p = s.params.find((q) => q.name === name);
  if (!p) throw new Error(`no param ${name}`);
  return Array.from({ length: s.rows }, (_, i) => labelAt(p, i));
};

describe('inference', () => {
  it('takes test_accuracy as the metric, else the last numeric column', () => {
    expect(csv('a,test_accuracy,b\nx,1,2\ny,3,4\n').metrics[0].name).toBe('test_accuracy');
    const s = csv('a,m1,m2,c\nx,1,2,u\ny,3,4,u\nx,1,5,v\n');
    expect(s.metrics.map((m) => m.name)).toEqual(['m2']);
    expect(s.params.map((p) => p.name)).toEqual(['a', 'm1', 'c']);
  });

  it('leaves out columns unique per row (ids), text or numeric', () => {
    const s = csv('run,seed,opt,loss\nr1,10,a,0.5\nr2,11,a,0.25\nr3,12,b,0.125\n');
    expect(s.params.map((p) => p.name)).toEqual(['opt']);
    // One row: nothing is an id; seed is the replicate (before run), by name.
    const one = csv('run,seed,opt,loss\nr1,10,a,0.5\n');
    expect(one.params.map((p) => p.name)).toEqual(['opt']);
    expect(one.replicate?.name).toBe('seed');
    // A repeated value, or two missing cells, is not unique.
    expect(csv('name,loss\nr1,1\nr1,2\nr2,3\n').params.map((p) => p.name)).toEqual(['name']);
    expect(csv('name,loss\n,1\n,2\nr2,3\n').params.map((p) => p.name)).toEqual(['name']);
    // A constant column is left out too.
    const c = csv('name,opt,loss\nr1,a,1\nr1,b,2\nr1,a,3\n');
    expect(c.params.map((p) => p.name)).toEqual(['opt']);
    expect(c.columns?.[0]).toMatchObject({ role: 'ignored', reason: 'constant' });
  });

  it('sorts text labels naturally, (missing) last', () => {
    const s = csv('lr,acc\nlr10,1\nlr2,2\n,3\nlr1,4\nLR3,5\n', { params: ['lr'] });
    expect(s.params[0].labels).toEqual(['lr1', 'lr2', 'LR3', 'lr10', MISSING_LABEL]);
    expect(column(s, 'lr')).toEqual(['lr10', 'lr2', MISSING_LABEL, 'lr1', 'LR3']);
  });

  it('bins numeric columns: one option per value up to 16, else 16 bins', () => {
    const few = Array.from({ length: 40 }, (_, i) => `${[0.1, 0.01, 1, 10][i % 4]},${i}`).join('\n');
    const s = csv(`lr,acc\n${few}\n`, { params: ['lr'] });
    expect(s.params[0].kind).toBe('numeric');
    expect(s.params[0].labels).toEqual(['0.01', '0.1', '1', '10']);
    const many = Array.from({ length: 40 }, (_, i) => `${i % 20},${i}`).join('\n');
    const t = csv(`w,acc\n${many}\n`, { params: ['w'] });
    expect(t.params[0].labels.length).toBe(16);
    expect(Array.from(t.params[0].values as Float32Array).slice(0, 3)).toEqual([0, 1, 2]);
  });

  it('treats empty cells and missing-value tokens in numeric columns as missing', () => {
    const s = csv('x,acc\n1,0.5\n,nan\nNA,inf\n2,-Infinity\n None ,0.25\n');
    expect(s.params[0].kind).toBe('numeric');
    expect(s.params[0].labels).toEqual(['1', '2', MISSING_LABEL]);
    expect(Array.from(s.metrics[0].values)).toEqual([0.5, NaN, NaN, NaN, 0.25]);
  });

  it('reads a metric with text cells as missing values', () => {
    const s = csv('opt,test_accuracy\na,0.5\nb,n/a\nc,failed\nd,1e-2\n');
    expect(Array.from(s.metrics[0].values)).toEqual([0.5, NaN, NaN, Math.fround(0.01)]);
    const t = csv('opt,score\na,oops\nb,2\n', { metric: 'score' });
    expect(Array.from(t.metrics[0].values)).toEqual([NaN, 2]);
  });

  it('a numeric column that meets text later becomes text, rows before included', () => {
    const rows = Array.from({ length: 300 }, (_, i) => `${i < 250 ? i % 7 : 'auto'},a${i % 2},${i}`);
    const s = csv(`bs,opt,acc\n${rows.join('\n')}\n`);
    const bs = s.params.find((p) => p.name === 'bs') as Param;
    expect(bs.kind).toBe('categorical');
    expect(bs.labels).toEqual(['0', '1', '2', '3', '4', '5', '6', 'auto']);
    expect(column(s, 'bs')).toEqual(rows.map((r) => r.split(',')[0]));
  });

  it('keeps other numeric columns as extra metrics when params are given', () => {
    const s = csv('a,b,loss,acc,note\nx,1,0.5,0.9,hi\ny,2,0.25,0.8,yo\n', { params: ['b', 'a'], metric: 'loss' });
    expect(s.params.map((p) => p.name)).toEqual(['b', 'a']);
    expect(s.metrics.map((m) => m.name)).toEqual(['loss', 'acc']);
  });

  it('chooses the group: dataset by default, or as asked', () => {
    expect(csv('x,dataset,acc\na,c10,1\nb,c100,2\na,c10,3\n').group).toBe(1);
    expect(csv('x,ds,acc\na,c10,1\nb,c100,2\na,c10,3\n').group).toBe(-1);
    expect(csv('x,ds,acc\na,c10,1\nb,c100,2\na,c10,3\n', { group: 'ds' }).group).toBe(1);
  });

  it('an unique text column with many values is an id, not an error', () => {
    const rows = Array.from({ length: 300 }, (_, i) => `run${i},${i % 3},${i / 300}`);
    const s = csv(`run,k,acc\n${rows.join('\n')}\n`);
    expect(s.params.map((p) => p.name)).toEqual(['k']);
  });
});

describe('CSV syntax', () => {
  it('reads quotes, escapes, CRLF, embedded newlines, a BOM and no final newline', () => {
    const s = csv('\ufeff"na,me",acc\r\n"a ""b"", c",1\r\n"x\r\ny",2\r\nplain,3', { params: ['na,me'] });
    expect(s.params[0].name).toBe('na,me');
    expect(column(s, 'na,me')).toEqual(['a "b", c', 'x\r\ny', 'plain']);
    expect(Array.from(s.metrics[0].values)).toEqual([1, 2, 3]);
  });

  it('skips blank lines and refuses a header-only file', () => {
    expect(csv('a,acc\n\nx,1\n\ny,2\n\n').rows).toBe(2);
    expect(error(() => csv('a,b,acc\n')).message).toBe('data.csv has a header but no rows: no trainings to show');
  });

  it('reads a one-column file with empty cells', () => {
    const s = csv('acc\n1\n\n3\n');
    expect(Array.from(s.metrics[0].values)).toEqual([1, NaN, 3]);
  });

  it('reads unicode text', () => {
    const s = csv('model,acc\nrésnet,1\n日本語,2\n🎉,3\n', { params: ['model'] });
    expect(column(s, 'model')).toEqual(['résnet', '日本語', '🎉']);
  });
});

// ---------------------------------------------------------------------------
// Errors.

describe('errors', () => {
  it('wrong field count names the line', () => {
    const lines = ['a,b,c,d,e,f,g,h,acc'];
    for (let i = 2; i <= 20; i++) lines.push(i === 17 ? 'x,x,x,x,x,x,x,1' : 'x,x,x,x,x,x,x,x,1');
    // A short row is padded with missing values (a note says where); a long one is an error.
    expect(parseCsv(lines.join('\n'), 'data.csv').notes).toEqual([
      '1 row had fewer fields than the header (line 17) and was padded with missing values',
      '1 row without a value of acc (empty or not a finite number): kept, counted as missing',
    ]);
    expect(error(() => csv('a,acc\nx,1,2\n')).message).toBe('data.csv line 2: expected 2 fields, found 3 (a field with a comma must be quoted)');
    // Lines count inside quoted fields.
    expect(csv('a,acc\n"x\ny",1\nz\n').notes?.[0]).toBe('1 row had fewer fields than the header (line 4) and was padded with missing values');
    expect(error(() => csv('a,acc\n"x\ny",1\nz,1,2\n')).message).toContain('data.csv line 4: expected 2 fields, found 3');
  });

  it('empty file', () => {
    expect(error(() => csv('')).message).toContain('data.csv is empty');
    expect(error(() => csv('\n\r\n')).message).toContain('is empty');
  });

  it('duplicate column names are renamed', () => {
    const s = csv('a,b,a\n1,2,3\n');
    expect(s.notes?.[0]).toBe("duplicate column name 'a' renamed a_1");
    expect([...s.params.map((p) => p.name), ...s.metrics.map((m) => m.name)]).toEqual(['a', 'b', 'a_1']);
  });

  it('unterminated quote', () => {
    expect(error(() => csv('a,acc\nx,1\n"oops,2\ny,3\n')).message).toBe(
      `data.csv line 3: a quoted field in column 'a' is never closed: add the closing quote (a quote inside a field is written "")`,
    );
  });

  it('text after a closing quote', () => {
    expect(error(() => csv('a,acc\n"x"y,1\n')).message).toContain('data.csv line 2: text after a closing quote');
  });

  it('unknown parameter, metric or group', () => {
    expect(error(() => csv('a,b,acc\nx,1,2\n', { params: ['a', 'zz'] })).message).toBe(
      "data.csv: unknown parameter 'zz' (columns: a, b, acc)",
    );
    expect(error(() => csv('a,b,acc\nx,1,2\n', { metric: 'zz' })).message).toContain("unknown metric 'zz' (columns: a, b, acc)");
    expect(error(() => csv('a,b,acc\nx,1,2\n', { group: 'b', params: ['a'] })).message).toContain(
      "group 'b' is not a parameter (parameters: a)",
    );
  });

  it('non-numeric metric, and a metric that is also a parameter', () => {
    expect(error(() => csv('a,b,acc\nx,y,2\n', { metric: 'b' })).message).toContain("metric 'b' is not numeric");
    expect(error(() => csv('a,b,acc\nx,1,2\n', { params: ['a', 'b'], metric: 'b' })).message).toContain(
      "'b' cannot be both a parameter and the metric",
    );
    expect(error(() => csv('a,b\nx,y\nz,w\n')).message).toContain('no numeric column to use as the metric');
  });

  it('too many distinct values in a parameter: left out; named in --params, the most frequent kept and the rest (other)', () => {
    const rows = Array.from({ length: 600 }, (_, i) => `v${i % 300},${i}`);
    const s = csv(`x,acc\n${rows.join('\n')}\n`);
    expect(s.params).toEqual([]);
    expect(s.columns?.[0]).toEqual({ name: 'x', role: 'ignored', reason: 'text with 300 distinct values', distinct: 300 });
    // Named in --params: 254 options and (other).
    const ids = Array.from({ length: 300 }, (_, i) => `v${i},${i}`);
    const t = csv(`x,acc\n${ids.join('\n')}\n`, { params: ['x'] });
    expect(t.params[0].labels).toHaveLength(255);
    expect(t.params[0].labels.at(-1)).toBe('(other)');
    expect(t.notes).toContain("data.csv: parameter 'x' has 300 distinct values: the 254 most frequent are options, the other 46 are '(other)'");
  });

  it('files: missing, read by content whatever the extension', async () => {
    expect((await asyncError(() => readSweepFile(join(tmp, 'nope.csv')))).message).toBe(`cannot read '${join(tmp, 'nope.csv')}': no such file`);
    expect((await asyncError(() => writeSweepFile(randomSweep(1, 3), join(tmp, 'x.json')))).message).toContain(
      'supported: .csv, .arrow',
    );
    // CSV text named .arrow is read as the CSV it is.
    const csvNamedArrow = join(tmp, 'bad.arrow');
    writeFileSync(csvNamedArrow, 'a,acc\nx,1\ny,2\nz,3\n');
    expect((await readSweepFile(csvNamedArrow)).rows).toBe(3);
    writeFileSync(join(tmp, 'empty.arrow'), '');
    expect((await asyncError(() => readSweepFile(join(tmp, 'empty.arrow')))).message).toContain('is empty');
  });
});
