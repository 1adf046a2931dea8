/**
 * DuckDB in Node (@duckdb/node-api) on the brush workload: the rows loaded
 * into an in-memory table in the file's order through a temporary CSV and
 * `read_csv` (timed apart), `SET threads` as asked, then the SQL of
 * bench/peers/sql.ts, one query a step. Used by `npm run bench:peers` and
 * `npm run bench`.
 */

import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { timePeer, type PeerOptions, type PeerReport } from '../../src/bench/peers/common.js';
import { TOGGLE, toggleBrushF32, type ReferenceAnswers, type Shape } from '../../src/bench/workload.js';
import { code, countsOfRows, countsOfUnion, inFilter, stepSql, toggleOfRows, toggleSql, unionSql } from './sql.js';

const require = createRequire(import.meta.url);

/** What the CSV holds per row: codes, the group, the metric, x and its bin. */
export interface DuckColumns {
  codes: Uint8Array[];
  group: Uint8Array;
  accuracy: Float32Array;
  x: Float32Array;
  bin: Uint8Array;
}

export interface DuckLoad {
  db: DuckDBInstance;
  conn: DuckDBConnection;
  writeCsvMs: number;
  readCsvMs: number;
  close(): void;
}

/** DuckDB's own version and the binding's. */
export async function duckdbNodeVersion(): Promise<string> {
  const pkg = JSON.parse(readFileSync(require.resolve('@duckdb/node-api/package.json'), 'utf8')) as { version: string };
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    const v = await conn.runAndReadAll('SELECT version()');
    return `DuckDB ${String(v.getRows()[0][0])} (@duckdb/node-api ${pkg.version})`;
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

/** Writes the rows to a temporary CSV and reads it into table `t` with read_csv. */
export async function loadDuck(cols: DuckColumns, P: number, threads: number): Promise<DuckLoad> {
  const dir = mkdtempSync(join(tmpdir(), 'sweepscope-peers-'));
  const file = join(dir, 'sweep.csv');
  try {
    let t0 = performance.now();
    const fd = openSync(file, 'w');
    const n = cols.x.length;
    const CHUNK = 65536;
    // codes are < 100: written digit by digit; the two floats by their shortest decimal
    const buf = Buffer.allocUnsafe(CHUNK * (3 * (P + 2) + 64));
    for (let start = 0; start < n; start += CHUNK) {
      const end = Math.min(n, start + CHUNK);
      let o = 0;
      const int = (v: number): void => {
        if (v >= 10) buf[o++] = 48 + Math.floor(v / 10);
        buf[o++] = 48 + (v % 10);
        buf[o++] = 44; // ,
      };
      for (let i = start; i < end; i++) {
        for (let p = 0; p < P; p++) int(cols.codes[p][i]);
        int(cols.group[i]);
        const x = cols.x[i];
        if (x === x) {
          o += buf.write(`${cols.accuracy[i]},${x},`, o, 'latin1');
          int(cols.bin[i]);
          buf[o - 1] = 10; // the last comma becomes the line's end
        } else {
          o += buf.write(',,\n', o, 'latin1');
        }
      }
      writeSync(fd, buf, 0, o);
    }
    closeSync(fd);
    const writeCsvMs = performance.now() - t0;
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    await conn.run(`SET threads=${threads}`);
    const columns = [
      ...Array.from({ length: P }, (_, p) => `'p${p}': 'UTINYINT'`),
      `'g': 'UTINYINT'`,
      `'accuracy': 'REAL'`,
      `'x': 'REAL'`,
      `'bin': 'UTINYINT'`,
    ].join(', ');
    t0 = performance.now();
    await conn.run(`CREATE TABLE t AS SELECT * FROM read_csv('${file.replace(/'/g, "''")}', header = false, delim = ',', columns = {${columns}})`);
    const readCsvMs = performance.now() - t0;
    const count = await conn.runAndReadAll('SELECT count(*) FROM t');
    const loaded = code(count.getRows()[0][0]);
    if (loaded !== n) throw new Error(`DuckDB loaded ${loaded} rows of ${n}`);
    return {
      db,
      conn,
      writeCsvMs,
      readCsvMs,
      close() {
        conn.closeSync();
        db.closeSync();
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Bytes DuckDB holds (duckdb_memory(): its buffer manager's tags), or null where it cannot say. */
export async function duckMemory(conn: DuckDBConnection): Promise<number | null> {
  try {
    const r = await conn.runAndReadAll('SELECT sum(memory_usage_bytes)::BIGINT FROM duckdb_memory()');
    return code(r.getRows()[0][0]);
  } catch {
    return null;
  }
}

export interface DuckNodeRun {
  version: string;
  threads: number;
  /** Options for the GROUPING SETS form (each step about a second here) and the UNION ALL form. */
  gs: PeerOptions;
  union: PeerOptions;
}

/**
 * Times both SQL forms on a loaded table, answers checked against `ref`:
 * GROUPING SETS (steps and toggle) and UNION ALL (steps).
 */
export async function runDuckNode(load: DuckLoad, sh: Shape, rows: number, ref: ReferenceAnswers, run: DuckNodeRun): Promise<PeerReport[]> {
  const { conn } = load;
  const P = sh.P;
  const g = Math.max(0, sh.group);
  const tp = ref.params.findIndex((p) => p.name === TOGGLE.param);
  const keep = TOGGLE.keep.map((l) => ref.params[tp].options.indexOf(l));
  const [hlo, hhi] = toggleBrushF32();
  const bytes = await duckMemory(conn);
  const common = {
    version: run.version,
    rows,
    buildMs: load.readCsvMs,
    bytesPerTraining: bytes === null ? null : bytes / rows,
    bytesHow: 'duckdb_memory() after loading (its buffer manager), over the trainings',
    fit: { ok: true } as const,
  };
  const query = async (sql: string) => (await conn.runAndReadAll(sql)).getRows();
  const gs = await timePeer(
    `DuckDB in Node (GROUPING SETS)`,
    rows,
    ref,
    {
      step: async (lo, hi) => countsOfRows(sh, await query(stepSql(P, lo, hi, g)), 0),
      toggle: async (off) => toggleOfRows(sh, await query(toggleSql(P, hlo, hhi, off ? inFilter(tp, keep) : null, g))),
    },
    run.gs,
  );
  const union = await timePeer('DuckDB in Node (UNION ALL)', rows, ref, { step: async (lo, hi) => countsOfUnion(sh, await query(unionSql(P, lo, hi, g))) }, run.union);
  const notes = [
    `in-memory table in the file's order (codes UTINYINT; x REAL and its bin computed per row at load), SET threads=${run.threads}; loaded through a temporary CSV and read_csv (build = read_csv's time; writing the CSV ${(load.writeCsvMs / 1000).toFixed(1)} s not counted)`,
  ];
  return [
    {
      ...common,
      id: 'duckdb-node-gs',
      label: `DuckDB Node GROUPING SETS, ${run.threads} thr.`,
      notes: [...notes, 'one GROUP BY GROUPING SETS query a step: 12 single sets, 66 pairs and (group, bin); the toggle in one query with count(*) FILTER for the selection'],
      cold: gs.cold,
      sets: gs.sets,
      toggle: gs.toggle,
      checked: 'every step: selected count, option counts, pair cells, histogram cells; toggles: those and the baseline count, pair cells and histogram',
    },
    {
      ...common,
      id: 'duckdb-node-union',
      label: `DuckDB Node UNION ALL, ${run.threads} thr.`,
      notes: [...notes, 'the brushed rows materialized once, then 79 GROUP BYs joined by UNION ALL; no toggle form'],
      cold: union.cold,
      sets: union.sets,
      toggle: null,
      checked: 'every step: selected count, option counts, pair cells, histogram cells',
    },
  ];
}
