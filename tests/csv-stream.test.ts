// The streamed CSV reader (src/io/csv-stream.ts) against the whole-buffer one
// (readCsvColumns): fed in chunks cut anywhere, the same columns, rows, notes
// and messages; the one documented difference (a numeric column that meets
// text part-way spells its earlier rows from their numbers) checked as such.

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rng } from './random-sweep.js';
import { MISSING_LABEL } from '../src/model/binning.js';
import { SweepError } from '../src/model/sweep.js';
import { NOT_A_NUMBER, leadingZero, parseNumber, readCsvColumns, type CsvColumns } from '../src/io/csv.js';
import { CsvStreamReader } from '../src/io/csv-stream.js';
import type { LoadOptions } from '../src/io/table.js';
import { CSV_CASES as DUCKDB_CASES } from './csv-cases.js';

const enc = new TextEncoder();


/** More shapes: repairs, notes, late text, UTF-16, invalid UTF-8. */
const EXTRA_CASES: [string, string | Uint8Array][] = [
  ['short rows', 'a,b,c\n1,2,3\n4\n5,6\n7,8,9\n'],
  ['unnamed empty last column', 'a,b,\n1,2,\n3,4,\n'],
  ['a column that turns to text', 'lr,acc\n0.1,0.5\n0.10,0.6\nNA,0.7\n1e-1,0.8\nbig,0.9\n'],
  ['many values, then text', `x,acc\n${Array.from({ length: 40 }, (_, i) => `${i / 7},1`).join('\n')}\nword,2\n`],
  ['invalid UTF-8', new Uint8Array([...enc.encode('a,acc\n'), 0x61, 0xff, 0x62, ...enc.encode(',1\nb'), 0xc3, ...enc.encode(',2\n')])],
  ['UTF-16 LE with a BOM', new Uint8Array([0xff, 0xfe, ...[...'a,acc\nx,1\ny,2\n'].flatMap((c) => [c.charCodeAt(0), 0])])],
  ['CR line ends', 'a,acc\rx,1\ry,2\r'],
  ['blank lines and spaces', 'a,acc\n\n  \nx,1\n\t\ny, 2 \n'],
  ['-0 and 0', 'a,acc\n-0,1\n0,2\n0.0,3\n'],
];

function chunked(bytes: Uint8Array, size: number, seed = 0): Uint8Array[] {
  const out: Uint8Array[] = [];
  const r = rng(seed + 1);
  for (let p = 0; p < bytes.length; ) {
    // A fixed size, or (seed > 0) sizes around it.
    const n = seed > 0 ? 1 + Math.floor(r() * size * 2) : size;
    out.push(bytes.slice(p, p + n));
    p += n;
  }
  return out;
}

function streamed(bytes: Uint8Array, size: number, name: string, options: LoadOptions = {}, seed = 0): CsvColumns {
  const reader = new CsvStreamReader(name, options);
  for (const c of chunked(bytes, size, seed)) reader.push(c);
  return reader.finish();
}

function sameF32(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== a[i] && b[i] !== b[i]) continue;
    if (!Object.is(a[i], b[i])) return false;
  }
  return true;
}

/** Whether cell s reads as a number (or missing) in a numeric column. */
function numberCell(s: string): boolean {
  const b = enc.encode(s);
  return s === '' || (!leadingZero(b, 0, b.length) && parseNumber(b, 0, b.length) !== NOT_A_NUMBER);
}

function f32Of(s: string): number {
  const b = enc.encode(s);
  const x = parseNumber(b, 0, b.length);
  const f = x === NOT_A_NUMBER ? NaN : Math.fround(x);
  return Number.isFinite(f) ? f : NaN;
}

/** Compares a streamed read with the whole one; returns how many columns showed the documented difference. */
function expectSame(whole: CsvColumns, stream: CsvColumns, label: string): number {
  expect(stream.rows, label).toBe(whole.rows);
  expect(stream.notes, label).toEqual(whole.notes);
  expect(stream.columns.map((c) => `${c.kind}:${c.name}`), label).toEqual(whole.columns.map((c) => `${c.kind}:${c.name}`));
  let differences = 0;
  whole.columns.forEach((w, j) => {
    const s = stream.columns[j];
    const where = `${label}: column ${w.name}`;
    if (w.kind === 'numeric' && s.kind === 'numeric') {
      expect(sameF32(w.values, s.values), where).toBe(true);
      expect(s.written ?? null, where).toEqual(w.written ?? null);
    } else if (w.kind === 'text' && s.kind === 'text') {
      const wc = (w.cells as () => readonly string[])();
      const sc = (s.cells as () => readonly string[])();
      expect(sameF32(s.numbers(), w.numbers()), where).toBe(true);
      let firstText = wc.findIndex((x) => !numberCell(x));
      if (firstText < 0) firstText = wc.length;
      let differs = false;
      for (let i = 0; i < wc.length; i++) {
        if (wc[i] === sc[i]) continue;
        // The documented difference: a row before the column's first text cell, spelled from its number.
        differs = true;
        expect(i < firstText, `${where} row ${i}: ${JSON.stringify(wc[i])} vs ${JSON.stringify(sc[i])}`).toBe(true);
        expect(numberCell(sc[i]), where).toBe(true);
        expect(Object.is(f32Of(sc[i]), f32Of(wc[i])) || (sc[i] === '' && Number.isNaN(f32Of(wc[i]))), `${where} row ${i}`).toBe(true);
      }
      if (!differs) {
        expect(s.distinct, where).toBe(w.distinct);
        expect(s.labels, where).toEqual(w.labels);
        expect(s.codes, where).toEqual(w.codes);
      } else {
        differences++;
        if (s.labels && s.codes) for (let i = 0; i < sc.length; i++) expect(s.labels[s.codes[i]], where).toBe(sc[i] === '' ? MISSING_LABEL : sc[i]);
      }
    }
  });
  return differences;
}

const SIZES = [1, 2, 7, 64, 4096, Infinity];

function expectStreamedSame(bytes: Uint8Array, label: string, options: LoadOptions = {}): number {
  let whole: CsvColumns | null = null;
  let wholeError = '';
  try {
    whole = readCsvColumns(bytes, label, options);
  } catch (e) {
    if (!(e instanceof SweepError)) throw e;
    wholeError = e.message;
  }
  let differences = 0;
  for (const size of SIZES) {
    const n = size === Infinity ? Math.max(1, bytes.length) : size;
    for (const seed of size === 1 || size === Infinity ? [0] : [0, 7]) {
      const what = `${label} (chunks of ${size}${seed ? ', varied' : ''})`;
      if (whole === null) {
        expect(() => streamed(bytes, n, label, options, seed), what).toThrow(wholeError);
        continue;
      }
      differences = Math.max(differences, expectSame(whole, streamed(bytes, n, label, options, seed), what));
    }
  }
  return differences;
}

function fixtures(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.csv'))
    .map((f) => join(dir, f));
}

describe('streamed CSV: the same as the whole-buffer reader', () => {
  it('every CSV fixture', () => {
    const files = fixtures(join(import.meta.dirname, 'fixtures'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expectStreamedSame(new Uint8Array(readFileSync(f)), f);
  });

  it.each(DUCKDB_CASES)('DuckDB case: %s', (label, text) => {
    expect(expectStreamedSame(enc.encode(text), label)).toBe(0);
  });

  it.each(EXTRA_CASES)('%s', (label, text) => {
    expectStreamedSame(typeof text === 'string' ? enc.encode(text) : text, label);
  });

  it('the documented difference: rows before a column meets text, from their numbers', () => {
    const text = 'lr,acc\n0.10,0.5\nNA,0.6\n1e-1,0.7\nbig,0.9\n';
    const whole = readCsvColumns(enc.encode(text), 'd.csv');
    const stream = streamed(enc.encode(text), 3, 'd.csv');
    const cells = (c: CsvColumns): readonly string[] => {
      const col = c.columns[0];
      return col.kind === 'text' && col.cells ? col.cells() : [];
    };
    expect(cells(whole)).toEqual(['0.10', 'NA', '1e-1', 'big']);
    expect(cells(stream)).toEqual(['0.10', '', '0.10', 'big']);
    expect(expectSame(whole, stream, 'd.csv')).toBe(1);
  });

  it('--params and --metric: unknown names refused, unused text left out', () => {
    const text = 'a,b,note,acc\n1,x,hello,0.5\n2,y,world,0.6\n';
    expectStreamedSame(enc.encode(text), 'p.csv', { params: ['a', 'b'], metric: 'acc' });
    expectStreamedSame(enc.encode(text), 'p.csv', { params: ['a', 'nope'] });
    expectStreamedSame(enc.encode(text), 'p.csv', { metric: 'nope' });
  });

  it('200 random tables', () => {
    let differences = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const { bytes, options } = randomCsv(seed);
      differences += expectStreamedSame(bytes, `random${seed}.csv`, options) > 0 ? 1 : 0;
    }
    // Some tables have columns that meet text late (the documented difference), not all.
    expect(differences).toBeGreaterThan(0);
    expect(differences).toBeLessThan(200);
  });
});

// ---------------------------------------------------------------------------
// Errors.

const BAD: [string, () => Uint8Array][] = [
  ['empty', () => new Uint8Array(0)],
  ['blank lines only', () => enc.encode('\n\n  \r\n')],
  ['comment lines only', () => enc.encode('# a\n# b\n')],
  ['header only', () => enc.encode('opt,lr,acc\n')],
  ['a long row', () => enc.encode('opt,acc\na,1\nb,2,3\nc,3\n')],
  ['an unclosed quote', () => enc.encode('opt,acc\na,1\n"b,2\nc,3\n')],
  ['an unclosed quote on a later line', () => enc.encode('opt,acc\na,1\nb,2\r\nc,"3\r\nd,4\n')],
  ['text after a closing quote', () => enc.encode('opt,acc\na,1\n"b"x,2\n')],
  ['a NUL byte', () => enc.encode('opt,acc\na,1\nb\u0000,2\n')],
  ['a NUL byte in the header', () => enc.encode('op\u0000t,acc\na,1\n')],
  ['a NUL byte late', () => enc.encode(`opt,acc\n${'a,1\n'.repeat(5000)}b\u0000,2\n`)],
  ['a header of 5000 columns', () => enc.encode(`${Array.from({ length: 5000 }, (_, i) => `c${i}`).join(',')}\n${'1,'.repeat(4999)}1\n`)],
  ['a line of 100,000 commas', () => enc.encode(','.repeat(100_000))],
  ['a 2 MB field', () => enc.encode(`a,acc\nx,1\n${'x'.repeat(2 << 20)},2\n`)],
  ['a 2 MB field in the last column', () => enc.encode(`a,acc\nx,1\ny,${'x'.repeat(2 << 20)}\nz,3\n`)],
  ['a 2 MB quoted field with newlines', () => enc.encode(`a,acc\nx,1\n"${'x\n"",'.repeat(1 << 19)}",2\n`)],
  ['a 3 MB quoted field never closed', () => enc.encode(`a,b\n1,2\n3,"${'x'.repeat(3 << 20)}`)],
  ['a 2 MB field past the header', () => enc.encode(`a,b\n1,2\n3,4,${'x'.repeat(2 << 20)},5\n6,7\n`)],
  ['a 2 MB field, then text after its quote', () => enc.encode(`a,b\n1,2\n3,"${'x'.repeat(2 << 20)}"y,5\n`)],
  ['a gzip signature', () => new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0])],
  ['unknown metric', () => enc.encode('a,acc\n1,2\n')],
];

describe('streamed CSV: the same messages for bad input', () => {
  it.each(BAD)('%s', (label, make) => {
    const bytes = make();
    const options: LoadOptions = label === 'unknown metric' ? { metric: 'nope' } : {};
    let message = '';
    try {
      readCsvColumns(bytes, 'f.csv', options);
    } catch (e) {
      expect(e).toBeInstanceOf(SweepError);
      message = (e as Error).message;
    }
    expect(message).not.toBe('');
    const sizes = bytes.length > 100_000 ? [1 << 16, 1 << 20, Math.max(1, bytes.length)] : [1, 7, 64, Math.max(1, bytes.length)];
    for (const size of sizes) {
      let got = '';
      try {
        streamed(bytes, size, 'f.csv', options);
      } catch (e) {
        expect(e, `chunks of ${size}`).toBeInstanceOf(SweepError);
        got = (e as Error).message;
      }
      expect(got, `chunks of ${size}`).toBe(message);
    }
  });

  it('a field that outgrows the limit is not held', () => {
    const reader = new CsvStreamReader('f.csv');
    reader.push(enc.encode(`a,b\n${'1,2\n'.repeat(30)}1,"`));
    const piece = enc.encode('x'.repeat(1 << 16));
    for (let i = 0; i < 200; i++) reader.push(piece); // 12.5 MiB
    expect(reader.maxPendingBytes).toBeLessThan((1 << 20) + 2 * (1 << 16) + 200);
    expect(reader.pendingBytes).toBe(0);
    expect(() => reader.finish()).toThrow(`f.csv line 32: a quoted field in column 'b' is never closed`);
  });

  it('the prelude is held until the delimiter sample is decided: at most SAMPLE_BYTES past the header, and a chunk', () => {
    const reader = new CsvStreamReader('f.csv');
    reader.push(enc.encode('a,b\n1,"'));
    const piece = enc.encode('x'.repeat(1 << 16));
    for (let i = 0; i < 200; i++) reader.push(piece);
    expect(reader.maxPendingBytes).toBeLessThan((4 << 20) + (1 << 20) + 2 * (1 << 16));
    expect(reader.pendingBytes).toBe(0);
    expect(() => reader.finish()).toThrow(`f.csv line 2: a quoted field in column 'b' is never closed`);
  });
});

// ---------------------------------------------------------------------------
// Memory shape.

describe('streamed CSV: memory', () => {
  it('50 MB in 1 MB chunks holds at most about two chunks', () => {
    const line = (i: number): string => `${(i % 13) / 8},opt${i % 5},"q, ${i % 3}",${((i * 7919) % 10007) / 10007}\n`;
    let block = '';
    let blockRows = 0;
    while (block.length < 1_000_003) block += line(blockRows++);
    const header = enc.encode('lr,opt,note,acc\n');
    const body = enc.encode(block);
    const copies = 50;
    const all = new Uint8Array(header.length + copies * body.length);
    all.set(header);
    for (let k = 0; k < copies; k++) all.set(body, header.length + k * body.length);
    const chunkSize = 1 << 20;
    const reader = new CsvStreamReader('big.csv');
    let maxPending = 0;
    for (let p = 0; p < all.length; p += chunkSize) {
      reader.push(all.subarray(p, p + chunkSize));
      maxPending = Math.max(maxPending, reader.pendingBytes);
    }
    const out = reader.finish();
    expect(all.length).toBeGreaterThan(50e6);
    expect(out.rows).toBe(copies * blockRows);
    expect(reader.maxPendingBytes).toBeLessThanOrEqual(2 * chunkSize);
    expect(maxPending).toBeLessThan(1024); // between chunks: at most one record
    const note = out.columns[2];
    expect(note.kind === 'text' && note.labels).toEqual(['q, 0', 'q, 1', 'q, 2']);
    const lr = out.columns[0];
    expect(lr.kind === 'numeric' && lr.written?.get(0.125)).toBe('0.125');
  });
});

// ---------------------------------------------------------------------------
// Random tables.

const DELIMS = [',', ';', '\t', '|'];

function randomCsv(seed: number): { bytes: Uint8Array; options: LoadOptions } {
  const r = rng(seed * 7919 + 13);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const d = pick(DELIMS);
  const nl = r() < 0.3 ? '\r\n' : '\n';
  const ncols = 1 + Math.floor(r() * 6);
  const nrows = pick([1, 2, 5, 20, 60]);
  const quote = (s: string): string => `"${s.replaceAll('"', '""')}"`;
  const kinds = Array.from({ length: ncols }, () => pick(['num', 'num', 'many', 'text', 'late', 'zeros'] as const));
  const names = kinds.map((k, i) => (r() < 0.08 ? '' : r() < 0.1 ? 'dup' : `${k}${i}`));
  const texts = ['a', 'b c', `x${d}y`, 'say "hi"', 'two\nlines', 'é', '日本', ' pad ', 'NA', 'cr\r\nlf'];
  const spell = (v: number): string =>
    pick([String(v), v.toFixed(3), v.toExponential(), ` ${v} `, quote(String(v)), `+${v}`, v === 0 ? '-0' : String(v)]);
  const cell = (k: (typeof kinds)[number], row: number, flipAt: number): string => {
    if (r() < 0.08) return pick(['', 'NA', 'nan', 'null', '']);
    switch (k) {
      case 'num':
        return spell(pick([0, 0.5, 1, 2.5, 1e-4, 3, 100]));
      case 'many':
        return spell(Math.round(r() * 1e6) / 1e3);
      case 'text': {
        const t = pick(texts);
        return /["\r\n]/.test(t) || t.includes(d) ? quote(t) : r() < 0.2 ? quote(t) : t;
      }
      case 'late':
        return row >= flipAt ? pick(['late', 'text', quote(`q${d}`)]) : spell(pick([0.25, 0.5, 7, 1e-3]));
      case 'zeros':
        return pick(['007', '01', '1', '2']);
    }
  };
  const flips = kinds.map(() => Math.floor(r() * nrows * 1.5));
  const lines: string[] = [];
  if (r() < 0.2) lines.push('# a comment', '');
  lines.push(names.map((n) => (r() < 0.2 ? quote(n) : n)).join(d) + (r() < 0.1 ? d : ''));
  for (let i = 0; i < nrows; i++) {
    if (r() < 0.05) lines.push(r() < 0.5 ? '' : '   ');
    let cells = kinds.map((k, j) => cell(k, i, flips[j]));
    if (r() < 0.05 && ncols > 1) cells = cells.slice(0, 1 + Math.floor(r() * (ncols - 1)));
    lines.push(cells.join(d));
  }
  let text = lines.join(nl) + (r() < 0.8 ? nl : '');
  if (r() < 0.1) text = '\ufeff' + text;
  const options: LoadOptions = r() < 0.1 ? { params: [names[0] || 'column0'] } : {};
  return { bytes: enc.encode(text), options };
}
