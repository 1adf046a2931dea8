/**
 * DuckDB-WASM in the bench page: the same table and SQL as DuckDB in Node
 * (bench/peers/sql.ts). Its wasm and worker files come from
 * node_modules/@duckdb/duckdb-wasm/dist through Vite `?url` imports, so
 * nothing is fetched from another origin. The page is cross-origin isolated
 * (the dev server's COOP/COEP headers), so selectBundle picks the COI bundle
 * (wasm threads) where the browser has them, else EH.
 *
 * The rows go in as Arrow IPC streams of a million rows each (apache-arrow,
 * the page's own copy: the IPC bytes do not depend on DuckDB's), columns
 * p0..p(P-1) UTINYINT, x REAL, bin UTINYINT. Rows without a metric are left
 * out: they are in no baseline and no selection (Node's table has them with
 * x NULL; every query filters on x).
 */

import * as duckdb from '@duckdb/duckdb-wasm';
import mvpWasm from '@duckdb/duckdb-wasm/dist/duckdb-mvp.wasm?url';
import mvpWorker from '@duckdb/duckdb-wasm/dist/duckdb-browser-mvp.worker.js?url';
import ehWasm from '@duckdb/duckdb-wasm/dist/duckdb-eh.wasm?url';
import ehWorker from '@duckdb/duckdb-wasm/dist/duckdb-browser-eh.worker.js?url';
import coiWasm from '@duckdb/duckdb-wasm/dist/duckdb-coi.wasm?url';
import coiWorker from '@duckdb/duckdb-wasm/dist/duckdb-browser-coi.worker.js?url';
import coiPthread from '@duckdb/duckdb-wasm/dist/duckdb-browser-coi.pthread.worker.js?url';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import type { BrushColumns } from '../../src/bench/columns.js';
import { timePeer, type PeerOptions, type PeerReport } from '../../src/bench/peers/common.js';
import { TOGGLE, toggleBrushF32, type ReferenceAnswers } from '../../src/bench/workload.js';
import { code, countsOfRows, countsOfUnion, inFilter, stepSql, toggleOfRows, toggleSql, unionSql, type ResultRows } from '../peers/sql.js';

const BUNDLES: duckdb.DuckDBBundles = {
  mvp: { mainModule: mvpWasm, mainWorker: mvpWorker },
  eh: { mainModule: ehWasm, mainWorker: ehWorker },
  coi: { mainModule: coiWasm, mainWorker: coiWorker, pthreadWorker: coiPthread },
};

export interface DuckWasm {
  db: duckdb.AsyncDuckDB;
  conn: duckdb.AsyncDuckDBConnection;
  /** "DuckDB v1.x (@duckdb/duckdb-wasm 1.32.0, COI bundle)" */
  version: string;
  bundle: 'mvp' | 'eh' | 'coi';
  /** The threads DuckDB reports (current_setting('threads')). */
  threads: number;
  /** Why the asked thread count was not taken, if it was not. */
  threadsNote: string | null;
  close(): Promise<void>;
}

/** Starts DuckDB-WASM with the best bundle for this browser and asks for `threads` threads. */
export async function startDuckWasm(threads: number): Promise<DuckWasm> {
  const bundle = await duckdb.selectBundle(BUNDLES);
  const kind = bundle.mainModule === coiWasm ? 'coi' : bundle.mainModule === ehWasm ? 'eh' : 'mvp';
  if (!bundle.mainWorker) throw new Error('DuckDB-WASM: the selected bundle has no worker');
  const worker = new Worker(bundle.mainWorker);
  const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
  await db.instantiate(bundle.mainModule, bundle.pthreadWorker);
  const conn = await db.connect();
  let threadsNote: string | null = null;
  try {
    await conn.query(`SET threads=${threads}`);
  } catch (e) {
    threadsNote = `SET threads=${threads} refused: ${e instanceof Error ? e.message : String(e)}`;
  }
  const got = Number(code((await rowsOf(conn, "SELECT current_setting('threads')"))[0][0]) ?? 1);
  const v = await db.getVersion();
  return {
    db,
    conn,
    version: `DuckDB ${v} (@duckdb/duckdb-wasm ${duckdb.PACKAGE_VERSION}, ${kind.toUpperCase()} bundle)`,
    bundle: kind,
    threads: got,
    threadsNote: threadsNote ?? (got !== threads ? `asked for ${threads} threads, DuckDB runs ${got}` : null),
    async close() {
      await conn.close();
      await db.terminate();
    },
  };
}

/** A query's result as rows of values (nulls as null, BIGINT counts as bigint). */
async function rowsOf(conn: duckdb.AsyncDuckDBConnection, sql: string): Promise<ResultRows> {
  const table = await conn.query(sql);
  const columns = Array.from({ length: table.numCols }, (_, c) => table.getChildAt(c));
  const out: unknown[][] = [];
  for (let r = 0; r < table.numRows; r++) out.push(columns.map((col) => (col ? col.get(r) : null)));
  return out;
}

const LOAD_CHUNK = 1 << 20;

/** Loads the columns into table `t`; returns the time it took (Arrow IPC built and inserted), ms. */
export async function loadDuckWasm(d: DuckWasm, cols: BrushColumns): Promise<number> {
  const t0 = performance.now();
  const P = cols.codes.length;
  let codes = cols.codes;
  let x = cols.x;
  let bin = cols.bin;
  if (cols.missing > 0) {
    const keep: number[] = [];
    for (let i = 0; i < x.length; i++) if (x[i] === x[i]) keep.push(i);
    codes = codes.map((c) => Uint8Array.from(keep, (i) => c[i]));
    x = Float32Array.from(keep, (i) => cols.x[i]);
    bin = Uint8Array.from(keep, (i) => cols.bin[i]);
  }
  const n = x.length;
  for (let start = 0; start < n; start += LOAD_CHUNK) {
    const end = Math.min(n, start + LOAD_CHUNK);
    const arrays: Record<string, Uint8Array | Float32Array> = {};
    // copies: a subarray of shared memory must not reach Arrow's writer as a view of a SharedArrayBuffer
    for (let p = 0; p < P; p++) arrays[`p${p}`] = codes[p].slice(start, end);
    arrays.x = x.slice(start, end);
    arrays.bin = bin.slice(start, end);
    const ipc = tableToIPC(tableFromArrays(arrays), 'stream');
    await d.conn.insertArrowFromIPCStream(ipc, { name: 't', create: start === 0 });
  }
  const count = code((await rowsOf(d.conn, 'SELECT count(*) FROM t'))[0][0]);
  if (count !== n) throw new Error(`DuckDB-WASM loaded ${count} rows of ${n}`);
  return performance.now() - t0;
}

/** Bytes DuckDB-WASM holds (duckdb_memory()), or null where it cannot say. */
async function duckWasmMemory(d: DuckWasm): Promise<number | null> {
  try {
    return code((await rowsOf(d.conn, 'SELECT sum(memory_usage_bytes)::BIGINT FROM duckdb_memory()'))[0][0]);
  } catch {
    return null;
  }
}

/** Both SQL forms timed on the loaded table, answers checked against `ref`. */
export async function runDuckWasm(d: DuckWasm, cols: BrushColumns, ref: ReferenceAnswers, loadMs: number, gsOptions: PeerOptions, unionOptions: PeerOptions): Promise<PeerReport[]> {
  const sh = cols.shape;
  const P = sh.P;
  const g = Math.max(0, sh.group);
  const tp = ref.params.findIndex((p) => p.name === TOGGLE.param);
  const keep = TOGGLE.keep.map((l) => ref.params[tp].options.indexOf(l));
  const [hlo, hhi] = toggleBrushF32();
  const bytes = await duckWasmMemory(d);
  const gs = await timePeer(
    'DuckDB-WASM (GROUPING SETS)',
    cols.rows,
    ref,
    {
      step: async (lo, hi) => countsOfRows(sh, await rowsOf(d.conn, stepSql(P, lo, hi, g)), 0),
      toggle: async (off) => toggleOfRows(sh, await rowsOf(d.conn, toggleSql(P, hlo, hhi, off ? inFilter(tp, keep) : null, g))),
    },
    gsOptions,
  );
  const union = await timePeer('DuckDB-WASM (UNION ALL)', cols.rows, ref, { step: async (lo, hi) => countsOfUnion(sh, await rowsOf(d.conn, unionSql(P, lo, hi, g))) }, unionOptions);
  const notes = [
    `${d.bundle.toUpperCase()} bundle, ${d.threads} thread(s)${d.threadsNote ? ` (${d.threadsNote})` : ''}; table t from Arrow IPC streams of ${LOAD_CHUNK} rows (codes UTINYINT, x REAL and its bin computed per row in the page); build = generating the IPC and inserting it`,
    'the SQL is bench:peers\' (bench/peers/sql.ts), run through AsyncDuckDBConnection.query; results read from the Arrow table it returns',
  ];
  const common = {
    version: d.version,
    rows: cols.rows,
    buildMs: loadMs,
    bytesPerTraining: bytes === null ? null : bytes / cols.rows,
    bytesHow: 'duckdb_memory() after loading (its buffer manager), over the trainings',
    fit: { ok: true } as const,
  };
  return [
    {
      ...common,
      id: 'duckdb-wasm-gs',
      label: `DuckDB-WASM GROUPING SETS, ${d.threads} thr.`,
      notes: [...notes, 'one GROUP BY GROUPING SETS query a step; the toggle in one query with count(*) FILTER for the selection'],
      cold: gs.cold,
      sets: gs.sets,
      toggle: gs.toggle,
      checked: 'every step: selected count, option counts, pair cells, histogram cells; toggles: those and the baseline count, pair cells and histogram',
    },
    {
      ...common,
      id: 'duckdb-wasm-union',
      label: `DuckDB-WASM UNION ALL, ${d.threads} thr.`,
      notes: [...notes, 'the brushed rows materialized once, then 79 GROUP BYs joined by UNION ALL; no toggle form'],
      cold: union.cold,
      sets: union.sets,
      toggle: null,
      checked: 'every step: selected count, option counts, pair cells, histogram cells',
    },
  ];
}
