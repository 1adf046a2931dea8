/**
 * `npm run bench:io`: how fast files are read. Generates the synthetic sweep
 * at 1M and 2.5M rows as CSV (~80 and ~200 MB) and as Parquet into a temporary
 * folder, then times, each in a fresh process (so one tool's heap does not slow
 * the next, and each peak RSS is its own):
 *
 * - sweepscope: parse (readSweepBytes: bytes to Sweep), and pack (packSweep,
 *   what a Session does when a sweep is loaded onto the CPU engine);
 * - DuckDB's read_csv (`CREATE TABLE t AS SELECT * FROM read_csv(...)`) with
 *   1 and 2 threads;
 * - papaparse (`Papa.parse(text, { dynamicTyping: true })` on the decoded text);
 * - the page (headless Chromium, the production build served as `sweepscope
 *   open` serves it): the CSV opened through the file picker, read in the parse worker as it streams in; the time until its
 *   trainings are read (the status line's own figure) and until the page shows
 *   the first answer (read, pack in a worker, load onto the engine, query);
 * - two hostile files: a 200 MB quoted field that is never closed, and a 50 MB
 *   line with no line break.
 *
 * Figures only, from one run; nothing is asserted. Sizes: BENCH_ROWS=1000000,2500000.
 */

import { spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, platform, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { writeCsvBytes } from '../src/io/csv.js';
import { readSweepBytes } from '../src/io/read.js';
import { packSweep } from '../src/engine/session.js';
import { SweepError, type Sweep } from '../src/model/sweep.js';
import { generateNwsSweep } from '../src/synth/nws.js';
import { build } from 'vite';
import { startOpenServer, type OpenServer } from '../src/cli/open.js';
import { launchChromium, openAppPage, REPO_ROOT, type Chromium } from '../tests/browser/harness.js';

const SELF = fileURLToPath(import.meta.url);
const require = createRequire(import.meta.url);

/** What one measurement prints (as JSON, on its last line). */
interface Measured {
  seconds: number;
  /** A second figure measured in the same process (sweepscope: pack after parse). */
  packSeconds?: number;
  rows: number;
  /** Peak resident memory of the process, MiB. */
  peakRssMiB: number;
  note?: string;
}

function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024; // KiB on Linux
}

// ---------------------------------------------------------------------------
// One measurement, in a child process: `io.ts --one TOOL FILE`.

async function measureOne(tool: string, file: string): Promise<Measured> {
  const bytes = new Uint8Array(readFileSync(file));
  switch (tool) {
    case 'sweepscope': {
      const t0 = performance.now();
      const sweep: Sweep = await readSweepBytes(bytes, file);
      const t1 = performance.now();
      packSweep(sweep);
      const t2 = performance.now();
      return { seconds: (t1 - t0) / 1000, packSeconds: (t2 - t1) / 1000, rows: sweep.rows, peakRssMiB: peakRssMiB() };
    }
    case 'hostile': {
      const t0 = performance.now();
      let note: string;
      let rows = 0;
      try {
        const sweep = await readSweepBytes(bytes, file.split('/').pop() ?? file);
        rows = sweep.rows;
        note = `opened: ${rows} rows`;
      } catch (e) {
        note = e instanceof SweepError ? `refused: ${e.message}` : `FAILED: ${String(e)}`;
      }
      return { seconds: (performance.now() - t0) / 1000, rows, peakRssMiB: peakRssMiB(), note };
    }
    case 'papaparse': {
      const Papa = (await import('papaparse')).default;
      const text = new TextDecoder().decode(bytes);
      const t0 = performance.now();
      const r = Papa.parse<unknown[]>(text, { dynamicTyping: true, skipEmptyLines: true });
      const seconds = (performance.now() - t0) / 1000;
      return { seconds, rows: r.data.length - 1, peakRssMiB: peakRssMiB(), note: r.errors.length ? `${r.errors.length} errors` : undefined };
    }
    case 'duckdb-1':
    case 'duckdb-2': {
      const { DuckDBInstance } = await import('@duckdb/node-api');
      const db = await DuckDBInstance.create(':memory:');
      const conn = await db.connect();
      await conn.run(`SET threads=${tool === 'duckdb-1' ? 1 : 2}`);
      const t0 = performance.now();
      await conn.run(`CREATE TABLE t AS SELECT * FROM read_csv('${file.replace(/'/g, "''")}')`);
      const seconds = (performance.now() - t0) / 1000;
      const count = await conn.runAndReadAll('SELECT count(*) FROM t');
      const rows = Number(count.getRows()[0][0]);
      conn.closeSync();
      return { seconds, rows, peakRssMiB: peakRssMiB() };
    }
    default:
      throw new Error(`unknown tool ${tool}`);
  }
}

function runChild(tool: string, file: string): Measured {
  const r = spawnSync(process.execPath, [...process.execArgv, '--max-old-space-size=8192', SELF, '--one', tool, file], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  const lines = (r.stdout ?? '').trim().split('\n');
  try {
    return JSON.parse(lines[lines.length - 1]) as Measured;
  } catch {
    return { seconds: NaN, rows: 0, peakRssMiB: NaN, note: `failed: ${(r.stderr ?? '').trim().split('\n').slice(-3).join(' ')}` };
  }
}

// ---------------------------------------------------------------------------
// The files.

function writeCsv(sweep: Sweep, path: string): void {
  const fd = openSync(path, 'w');
  try {
    for (const chunk of writeCsvBytes(sweep)) writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
}

function writeParquet(sweep: Sweep, path: string): void {
  const columnData = [
    ...sweep.params.map((p) =>
      p.kind === 'numeric' && p.values
        ? { name: p.name, data: p.values, type: 'FLOAT' as const }
        : { name: p.name, data: Array.from(p.codes, (c) => p.labels[c]), type: 'STRING' as const },
    ),
    ...sweep.metrics.map((m) => ({ name: m.name, data: m.values, type: 'FLOAT' as const })),
  ];
  writeFileSync(path, new Uint8Array(parquetWriteBuffer({ columnData, rowGroupSize: 1 << 20 })));
}

/** A file of `size` bytes: `head`, then `fill` repeated. */
function writeFilled(path: string, head: string, fill: number, size: number): void {
  const h = new TextEncoder().encode(head);
  const b = new Uint8Array(size);
  b.set(h, 0);
  b.fill(fill, h.length);
  writeFileSync(path, b);
}

// ---------------------------------------------------------------------------
// The report.

function version(pkg: string): string {
  try {
    const dir = require.resolve(`${pkg}/package.json`);
    return (JSON.parse(readFileSync(dir, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/**
 * Opens `file` in the page through the file picker; seconds until the status
 * line says the trainings were read (its own figure: read + parse in the
 * worker) and until the views show the first answer.
 */
async function measurePage(chromium: Chromium, origin: string, file: string, rows: number): Promise<{ read: number; open: number }> {
  const { page } = await openAppPage(chromium.browser, origin, '?rows=1000&seed=1');
  try {
    const input = await page.$('#file-input');
    if (!input) throw new Error('the page has no file input');
    const t0 = Date.now();
    await (input as unknown as { uploadFile(path: string): Promise<void> }).uploadFile(file);
    await page.waitForFunction(
      (n) => window.sweepscope.rows === n && !document.getElementById('progress') && window.sweepscope.lastResult?.rows === n,
      { timeout: 600_000, polling: 50 },
      rows,
    );
    const open = (Date.now() - t0) / 1000;
    const detail = await page.$eval('sweep-status', (e) => e.shadowRoot?.textContent ?? '');
    const ms = /trainings read in ([\d,.]+) ms/.exec(detail);
    return { read: ms ? Number(ms[1].replace(/,/g, '')) / 1000 : NaN, open };
  } finally {
    await page.close();
  }
}

const fmt = (x: number, digits = 2): string => (Number.isFinite(x) ? x.toFixed(digits) : '—');
const millions = (x: number): string => (Number.isFinite(x) ? `${(x / 1e6).toFixed(2)} M` : '—');

async function main(): Promise<void> {
  const sizes = (process.env.BENCH_ROWS ?? '1000000,2500000').split(',').map(Number);
  const dir = mkdtempSync(join(tmpdir(), 'sweepscope-io-'));
  const cpu = cpus();
  const date = new Date().toISOString().slice(0, 10);
  console.log(`# sweepscope reading speed, ${date}`);
  console.log('');
  console.log(`Machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ${platform()} ${release()}.`);
  console.log(`Versions: Node ${process.version}, DuckDB (@duckdb/node-api) ${version('@duckdb/node-api')}, papaparse ${version('papaparse')}.`);
  console.log('Figures from one run on a shared machine (other work may be running): read them as rough.');
  // How busy the machine was: over the number of cores, other work slows every figure.
  const load = (): string => loadavg().map((x) => x.toFixed(1)).join(', ');
  console.log(`Load average (1, 5, 15 min) at the start: ${load()} (on ${cpu.length} cores).`);
  console.log('Each figure is measured in a fresh process, from the file\'s bytes in memory (sweepscope, papaparse) or its path (DuckDB).');
  console.log('');
  const table: string[] = ['| rows | MB | tool | seconds | rows/s | MB/s | peak RSS (MiB) |', '| ---: | ---: | --- | ---: | ---: | ---: | ---: |'];
  const row = (rows: number, mb: number, tool: string, seconds: number, rss: number): void => {
    table.push(
      `| ${rows.toLocaleString('en')} | ${fmt(mb, 1)} | ${tool} | ${fmt(seconds, 3)} | ${millions(rows / seconds)} | ${fmt(mb / seconds, 1)} | ${fmt(rss, 0)} |`,
    );
    console.error(table[table.length - 1]);
  };
  let chromium: Chromium | null = null;
  const pageDir = join(dir, 'page');
  try {
    try {
      await build({ root: REPO_ROOT, configFile: join(REPO_ROOT, 'vite.config.ts'), logLevel: 'warn', build: { outDir: pageDir, emptyOutDir: true } });
      chromium = await launchChromium();
    } catch (e) {
      console.log(`(no page figures: ${e instanceof Error ? e.message : String(e)})`);
    }
    for (const rows of sizes) {
      const csv = join(dir, `sweep-${rows}.csv`);
      const pq = join(dir, `sweep-${rows}.parquet`);
      {
        const sweep = generateNwsSweep(rows, 1);
        writeCsv(sweep, csv);
        writeParquet(sweep, pq);
      }
      const mb = statSync(csv).size / 1e6;
      const pqMb = statSync(pq).size / 1e6;
      const s = runChild('sweepscope', csv);
      row(rows, mb, 'sweepscope CSV parse', s.seconds, s.peakRssMiB);
      row(rows, mb, 'sweepscope pack (CPU engine)', s.packSeconds ?? NaN, s.peakRssMiB);
      row(rows, mb, 'sweepscope CSV parse + pack', s.seconds + (s.packSeconds ?? NaN), s.peakRssMiB);
      for (const [tool, label] of [
        ['duckdb-1', 'DuckDB read_csv, 1 thread'],
        ['duckdb-2', 'DuckDB read_csv, 2 threads'],
        ['papaparse', 'papaparse (dynamicTyping)'],
      ] as const) {
        const m = runChild(tool, csv);
        row(rows, mb, label + (m.note ? ` (${m.note})` : ''), m.seconds, m.peakRssMiB);
      }
      if (chromium) {
        // The production page as `sweepscope open` serves it (the file it serves is not used: the picker reads the CSV).
        const server: OpenServer = await startOpenServer({ file: csv, pageDir, port: 0 });
        const pg = await measurePage(chromium, server.origin, csv, rows).finally(() => server.close());
        row(rows, mb, "sweepscope CSV in the page's worker, streamed (read + parse)", pg.read, NaN);
        row(rows, mb, 'sweepscope CSV in the page, to the first answer (+ pack, load, query)', pg.open, NaN);
      }
      const p = runChild('sweepscope', pq);
      row(rows, pqMb, 'sweepscope Parquet parse', p.seconds, p.peakRssMiB);
      row(rows, pqMb, 'sweepscope Parquet parse + pack', p.seconds + (p.packSeconds ?? NaN), p.peakRssMiB);
      rmSync(csv);
      rmSync(pq);
    }
    console.log(table.join('\n'));
    console.log('');
    console.log(`Load average (1, 5, 15 min) after the table: ${load()}.`);
    console.log('');
    console.log('Hostile files (each must be refused, quickly, in one line):');
    console.log('');
    console.log('| file | MB | seconds | peak RSS (MiB) | answer |');
    console.log('| --- | ---: | ---: | ---: | --- |');
    const hostile: [string, string, string, number, number][] = [
      ['a quoted field never closed', 'unclosed.csv', 'a,b\n1,"', 0x78, 200 << 20],
      ['one line of 50 MB, no line break', 'oneline.csv', '', 0x78, 50 << 20],
    ];
    for (const [label, name, head, fill, size] of hostile) {
      const path = join(dir, name);
      writeFilled(path, head, fill, size);
      const m = runChild('hostile', path);
      console.log(`| ${label} | ${fmt(size / 1e6, 0)} | ${fmt(m.seconds, 3)} | ${fmt(m.peakRssMiB, 0)} | ${m.note ?? ''} |`);
      rmSync(path);
    }
  } finally {
    await chromium?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--one') {
  const m = await measureOne(process.argv[3], process.argv[4]);
  console.log(JSON.stringify(m));
} else {
  await main();
}
