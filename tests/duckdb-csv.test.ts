// The standard for CSV: a file that DuckDB's auto-detecting read_csv reads into
// a table with a numeric column, sweepscope reads too, with the same column
// names, the same rows and the same numbers (to f32). Each file below is laid
// out the way real exports and hand-edited tables are; DuckDB (dev
// dependency) reads the same bytes in the same run.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCsvColumns } from '../src/io/csv.js';
import { CSV_CASES as CASES } from './csv-cases.js';


let dir = '';
let db: DuckDBInstance;
let con: DuckDBConnection;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sweepscope-duckdb-'));
  db = await DuckDBInstance.create(':memory:');
  con = await db.connect();
});

afterAll(() => {
  con?.closeSync();
  rmSync(dir, { recursive: true, force: true });
});

interface DuckTable {
  names: string[];
  types: string[];
  rows: unknown[][];
}

async function duck(path: string): Promise<DuckTable> {
  const q = `SELECT * FROM read_csv('${path.replaceAll("'", "''")}')`;
  const r = await con.runAndReadAll(q);
  const d = await con.runAndReadAll(`DESCRIBE ${q}`);
  return { names: r.columnNames(), types: d.getRowsJS().map((row) => String(row[1])), rows: r.getRowsJS() };
}

const NUMERIC = /^(DOUBLE|FLOAT|BIGINT|INTEGER|SMALLINT|TINYINT|HUGEINT|UBIGINT|UINTEGER|USMALLINT|UTINYINT|DECIMAL.*)$/;

describe('CSV files DuckDB reads, sweepscope reads the same', () => {
  it.each(CASES)('%s', async (label, text) => {
    const path = join(dir, `${label.replace(/\W+/g, '-')}.csv`);
    writeFileSync(path, text);
    const expected = await duck(path);
    expect(expected.types.some((t) => NUMERIC.test(t)), `DuckDB reads a numeric column in '${label}'`).toBe(true);

    const ours = readCsvColumns(new TextEncoder().encode(text), label);
    expect(ours.columns.map((c) => c.name)).toEqual(expected.names);
    expect(ours.rows).toBe(expected.rows.length);
    ours.columns.forEach((c, j) => {
      const theirs = expected.rows.map((r) => r[j]);
      if (NUMERIC.test(expected.types[j])) {
        // A column DuckDB reads as numbers: the same numbers, to f32; missing where DuckDB has NULL.
        expect(c.kind, `column ${c.name}`).toBe('numeric');
        if (c.kind !== 'numeric') return;
        expect(Array.from(c.values)).toEqual(theirs.map((v) => (v === null ? NaN : Math.fround(Number(v)))));
      } else if (c.kind === 'text' && c.cells) {
        // Text: the cells as written ('' where DuckDB has NULL).
        expect(c.cells()).toEqual(theirs.map((v) => (v === null ? '' : String(v))));
      }
    });
  });
});

describe('Parquet files DuckDB writes, sweepscope reads the same', () => {
  it.each([
    ['snappy', 'SNAPPY'],
    ['zstd', 'ZSTD'],
    ['gzip', 'GZIP'],
    ['uncompressed', 'UNCOMPRESSED'],
  ])('%s, with nulls and dictionary pages', async (_, codec) => {
    const path = join(dir, `duck-${codec}.parquet`);
    // 1,000 rows: text with a dictionary, integers and doubles with nulls (bit-packed levels DuckDB pads).
    await con.run(`COPY (
      SELECT CASE i % 3 WHEN 0 THEN 'adam' WHEN 1 THEN 'sgd' ELSE NULL END AS opt,
             (i % 4) * 16 AS width,
             CASE WHEN i % 7 = 0 THEN NULL ELSE (i % 97) / 100.0 END AS acc
      FROM range(1000) t(i)
    ) TO '${path}' (FORMAT PARQUET, COMPRESSION ${codec})`);
    const expected = await con.runAndReadAll(`SELECT opt, width, acc FROM read_parquet('${path}')`);
    const rows = expected.getRowsJS();
    const { readFileSync } = await import('node:fs');
    const { readSweepBytes } = await import('../src/io/read.js');
    const s = await readSweepBytes(new Uint8Array(readFileSync(path)), 'duck.parquet', { params: ['opt', 'width'], metric: 'acc' });
    expect(s.rows).toBe(1000);
    const opt = s.params[0];
    expect(Array.from(opt.codes, (c) => opt.labels[c])).toEqual(rows.map((r) => (r[0] === null ? '(missing)' : String(r[0]))));
    expect(Array.from(s.metrics[0].values)).toEqual(rows.map((r) => (r[2] === null ? NaN : Math.fround(Number(r[2])))));
  });
});
