// Every bad input the import issue names, each with the one line it gets (or
// the repair it gets and the note that says so). Through readSweepBytes: the
// same door the CLI and the page's worker use. The CLI's exit code and the
// page's keeping of the previous sweep are tested in cli.test.ts, roles.test.ts
// and browser/api.test.ts; huge inputs in fuzz.test.ts.

import { gzipSync } from 'node:zlib';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { readSweepBytes } from '../src/io/read.js';
import { SweepError, type Sweep } from '../src/model/sweep.js';

const enc = new TextEncoder();
const t = (s: string): Uint8Array => enc.encode(s);

async function refused(bytes: Uint8Array, options: object = {}): Promise<string> {
  try {
    await readSweepBytes(bytes, 'f.csv', options);
  } catch (e) {
    expect(e).toBeInstanceOf(SweepError);
    const m = (e as Error).message;
    expect(m).not.toMatch(/\n/);
    return m;
  }
  throw new Error('read, not refused');
}

const read = (bytes: Uint8Array, options: object = {}): Promise<Sweep> => readSweepBytes(bytes, 'f.csv', options);

describe('bad input: one clear line each', () => {
  it('an empty file, and one of blank lines', async () => {
    expect(await refused(new Uint8Array(0))).toBe('f.csv is empty: expected a table (CSV, JSON, Arrow or Parquet)');
    expect(await refused(t('\n\n  \r\n'))).toBe('f.csv is empty: expected a table (CSV, JSON, Arrow or Parquet)');
  });

  it('a header and no rows', async () => {
    expect(await refused(t('opt,lr,acc\n'))).toBe('f.csv has a header but no rows: no trainings to show');
  });

  it('a row longer than the header, with its line', async () => {
    expect(await refused(t('opt,acc\na,1\nb,2,3\nc,3\n'))).toBe('f.csv line 3: expected 2 fields, found 3 (a field with a comma must be quoted)');
  });

  it('an unclosed quote, with its line and column', async () => {
    expect(await refused(t('opt,acc\na,1\n"b,2\nc,3\n'))).toBe(
      `f.csv line 3: a quoted field in column 'opt' is never closed: add the closing quote (a quote inside a field is written "")`,
    );
  });

  it('a NUL byte in text, with its line', async () => {
    expect(await refused(t('opt,acc\na,1\nb\u0000,2\n'))).toBe('f.csv line 3: a NUL byte: this looks like a binary file, not text');
  });

  it('a header wider than the views hold, before the rest is read', async () => {
    const wide = Array.from({ length: 5000 }, (_, i) => `c${i}`).join(',');
    expect(await refused(t(`${wide}\n${'1,'.repeat(4999)}1\n`))).toBe('f.csv: the header has 5000 columns; sweepscope reads at most 4096');
    expect(await refused(t(','.repeat(100_000)))).toBe('f.csv: the header has 100001 columns; sweepscope reads at most 4096');
  });

  it('a field of megabytes on one line', async () => {
    expect(await refused(t(`a,acc\nx,1\n${'x'.repeat(2 << 20)},2\n`))).toBe(
      "f.csv line 3: a field of 2.0 MiB in column 'a'; sweepscope reads fields of at most 1 MiB (is this a CSV file, with its quotes closed?)",
    );
  });

  it('no usable metric, and a metric column with no numbers', async () => {
    expect(await refused(t('opt,ds\na,x\nb,y\n'))).toBe(
      'f.csv: no numeric column to use as the metric (columns: opt, ds): add one, or name it with --metric',
    );
    expect(await refused(t('opt,acc,note\na,1,x\nb,2,y\n'), { metric: 'note' })).toMatch(/^f\.csv: metric 'note' is not numeric/);
  });

  it('a JSON scalar is not rows', async () => {
    expect(await refused(t('42'))).toBe(
      'f.csv: the JSON is a number, not an array of rows: expected [{"column": value, ...}, ...] or JSON Lines (one object per line)',
    );
  });

  it('binaries and archives under a table name say what they are', async () => {
    expect(await refused(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 20, 0, 0, 0]))).toBe(
      'f.csv is a ZIP archive (or an Excel .xlsx workbook), not a table: unzip it or export it as CSV',
    );
    expect(await refused(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]))).toMatch(/^f\.csv is a PNG image, not a table/);
    expect(await refused(gzipSync(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3])))).toMatch(
      /^f\.csv is a PNG image \(inside gzip\), not a table/,
    );
  });

  it('truncated or corrupt Arrow and Parquet files, in our words', async () => {
    const arrow = tableToIPC(tableFromArrays({ opt: ['a', 'b', 'a'], acc: Float32Array.from([0.5, 0.6, 0.7]) }), 'file');
    expect(await refused(arrow.subarray(0, arrow.length - 40))).toMatch(/^f\.csv: .*(truncated|corrupt)/);
    const pq = new Uint8Array(
      parquetWriteBuffer({
        columnData: [
          { name: 'opt', data: ['a', 'b', 'a'], type: 'STRING' },
          { name: 'acc', data: [0.5, 0.6, 0.7], type: 'DOUBLE' },
        ],
      }),
    );
    expect(await refused(pq.subarray(0, pq.length - 30))).toMatch(/^f\.csv: .*(truncated|corrupt)/);
    const flipped = pq.slice();
    for (let i = 8; i < flipped.length - 60; i += 7) flipped[i] ^= 0xa5;
    expect(await refused(flipped)).not.toMatch(/Cannot read|undefined|RangeError|TypeError/);
  });

  it('a compressed file that outgrows the memory budget stops', async () => {
    const bomb = gzipSync(new Uint8Array(8 << 20).fill(0x31));
    const m = await readSweepBytes(bomb, 'f.csv.gz', {}, undefined, { maxDecodedBytes: 1 << 20 }).then(
      () => 'read',
      (e: unknown) => (e as Error).message,
    );
    expect(m).toMatch(/^f\.csv\.gz: the gzip data decompresses .*MiB/);
  });
});

describe('bad input: repaired, and said so', () => {
  it('short rows padded with missing values', async () => {
    const s = await read(t('opt,lr,acc\na,1,0.5\nb,2\nc,3,0.7\n'));
    expect(s.rows).toBe(3);
    expect(s.notes).toContain('1 row had fewer fields than the header (line 3) and was padded with missing values');
  });

  it('duplicate and empty column names renamed as DuckDB does', async () => {
    const s = await read(t('a,a,,acc\n1,2,3,0.5\n3,4,5,0.6\n'));
    expect(s.columns?.map((c) => c.name)).toEqual(['a', 'a_1', 'column2', 'acc']);
    expect(s.notes).toEqual(expect.arrayContaining(["duplicate column name 'a' renamed a_1", 'column 3 has no name: called it column2']));
  });

  it('invalid UTF-8 replaced and counted', async () => {
    const s = await read(new Uint8Array([...t('opt,acc\na'), 0xff, 0xfe, ...t(',1\nb,2\nb,3\n')]));
    expect(s.params[0].labels).toContain('a\ufffd\ufffd');
    expect(s.notes).toContain(
      "2 invalid UTF-8 sequences replaced with \ufffd (in 1 distinct text value; first on line 2, column 'opt'): save the file as UTF-8",
    );
  });

  it('non-numeric, NaN and infinite metric values: rows kept as missing and counted', async () => {
    const s = await read(t('opt,acc\na,0.5\nb,nan\nc,inf\nd,0.7\ne,x\n'));
    expect(s.rows).toBe(5);
    expect(Array.from(s.metrics[0].values).map(Number.isNaN)).toEqual([false, true, true, false, true]);
    expect(s.notes).toContain('3 rows without a value of acc (empty or not a finite number): kept, counted as missing');
  });

  it('names and labels such as __proto__, constructor and HTML are plain text', async () => {
    const s = await read(t('__proto__,constructor,acc\ntoString,<b>x</b>,0.5\nhasOwnProperty,__proto__,0.6\ntoString,<b>x</b>,0.7\n'));
    expect(s.params.map((p) => p.name)).toEqual(['__proto__', 'constructor']);
    expect(s.params[0].labels).toEqual(['hasOwnProperty', 'toString']);
    expect([...s.params[1].labels].sort()).toEqual(['<b>x</b>', '__proto__']);
  });
});
