/**
 * `npm run bench`: the brush benchmark in headless Chromium, with peers, on
 * the same rows, every peer's answers checked equal to sweepscope's before
 * its time counts. Writes bench/results.json (after every size) and prints a
 * table: scenario, sweepscope's p50/p95, each peer's p50 and peer/ours.
 *
 * Per size (`--rows 1e6,1e7`, the default; `--large` adds 5e7 where the
 * machine's free memory allows):
 * - sweepscope: the explorer page (`?rows=N&seed=1&engine=cpu&workers=W`),
 *   once with every core's worker and once with one (`--webgpu` adds
 *   `engine=webgpu`, labelled as SwiftShader when the adapter is software);
 *   the scenario runner (src/bench/runner.ts) injected into it, against
 *   `window.sweepscope`: load split, cold brush, both brush sets right after a
 *   filter change (brush cube building) and in steady state (cube ready), the
 *   filter toggle. Then, on the all-cores page, a real mouse brush dragged
 *   across the histogram (view updates a second; bench/drag.ts).
 * - the bench page (bench/page/index.html): the same sweep generated with the
 *   project's generator in workers; the JS scan and DuckDB-WASM in one page,
 *   each crossfilter2 form in a fresh page (a heap that runs out ends only
 *   that page, and says where).
 * - DuckDB in Node (bench/peers/duckdb.ts): the sweep generated in Node,
 *   loaded through a CSV, the same SQL.
 *
 * Options: --rows 1e6,1e7 | --large | --webgpu | --repeats N (sweepscope's
 * sets; default 5 up to 2M, else 3) | --peer-repeats N (the JS scan and
 * crossfilter; default 3 up to 2M, else 2; DuckDB's GROUPING SETS one less)
 * | --drag-seconds S (default 6) | --skip id,… (ours-1, drag, js-scan,
 * crossfilter-reduce, crossfilter-views, duckdb-wasm, duckdb-node) |
 * --crossfilter-max-s S (give up a crossfilter build after S s; default 600)
 * | --crossfilter-until-crash (build the dimension per view until the page's
 * heap runs out, instead of stopping once the heap measured per dimension
 * says the rest cannot fit) | --out file.
 */

import { mkdtemp, rm } from 'node:fs/promises';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, platform, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { CHROMIUM, CHROMIUM_ARGS, foreignRequests, PAGE_SERVER_CONFIG, requireChromium, startDevServer, watchPage, type PageLog } from '../tests/browser/harness.js';
import { generateNwsSweep } from '../src/synth/nws.js';
import { brushColumns } from '../src/bench/columns.js';
import { didNotFit, type PeerProgress, type PeerReport } from '../src/bench/peers/common.js';
import { CROSSFILTER_REDUCE_NOTES, CROSSFILTER_VERSION, CROSSFILTER_VIEWS_NOTES } from '../src/bench/peers/crossfilter.js';
import type { BenchProgress, OursReport } from '../src/bench/runner.js';
import { AnswerMismatch, countsDifference, describeWorkload, STEP_SETS, STEPS, stepRange, TOGGLE, toggleDifference, type ReferenceAnswers } from '../src/bench/workload.js';
import type { StepFigures } from '../src/bench/stats.js';
import { dragBrush, settle, type DragFigures } from './drag.js';
import { duckdbNodeVersion, loadDuck, runDuckNode } from './peers/duckdb.js';
import { inFilter, sqlOfRun } from './peers/sql.js';
import type { PagePeerOptions, PeerId, Prepared } from './page/protocol.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

// ---------------------------------------------------------------------------
// Options

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0) return process.argv[i + 1];
  const eq = process.argv.find((a) => a.startsWith(`--${name}=`));
  return eq?.slice(name.length + 3);
}
const has = (name: string): boolean => process.argv.includes(`--${name}`);

function positive(what: string, s: string): number {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${what}: ${s} is not a positive integer`);
  return n;
}

const SIZES = (flag('rows') ?? '1e6,1e7').split(',').map((s) => positive('--rows', s));
if (has('large')) SIZES.push(5e7);
const WEBGPU = has('webgpu');
const REPEATS = flag('repeats') === undefined ? null : positive('--repeats', flag('repeats')!);
const PEER_REPEATS = flag('peer-repeats') === undefined ? null : positive('--peer-repeats', flag('peer-repeats')!);
const DRAG_SECONDS = Number(flag('drag-seconds') ?? 6);
const SKIP = new Set((flag('skip') ?? '').split(',').filter(Boolean));
const CROSSFILTER_MAX_MS = 1000 * Number(flag('crossfilter-max-s') ?? 600);
/** Build crossfilter's dimension per view until the page's heap runs out, rather than stop once the measured growth says it cannot fit. */
const UNTIL_CRASH = has('crossfilter-until-crash');
const OUT = flag('out') ?? join(ROOT, 'bench/results.json');
const CORES = cpus().length;

const peerRepeats = (rows: number): number => PEER_REPEATS ?? (rows > 2e6 ? 2 : 3);
/** DuckDB's GROUPING SETS query takes about a second a step whatever the size: one repeat fewer. */
const duckRepeats = (rows: number): number => Math.max(1, peerRepeats(rows) - 1);

// ---------------------------------------------------------------------------
// Output

const started = performance.now();
const elapsed = (): string => {
  const s = (performance.now() - started) / 1000;
  return `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, '0')}`;
};
const say = (s: string): void => console.log(`[${elapsed()}] ${s}`);

function fmt(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);
}
const sizeName = (n: number): string => (n >= 1e6 && n % 1e6 === 0 ? `${n / 1e6}M` : n.toLocaleString('en'));

function abort(message: string): never {
  console.error(`\nABORTED: ${message}`);
  process.exit(1);
}

/** Progress from a page: printed when its phase changes (steps and repeats aside), or every 10 s. */
function progressPrinter(prefix: string): (p: BenchProgress | PeerProgress) => void {
  let last = '';
  let lastAt = 0;
  return (p) => {
    // numbers aside: "pair 12", "repeat 2 of 3" and "step 7" are one phase each
    const phase = p.phase.replace(/\d+/g, '#');
    const heap = 'heapUsed' in p && p.heapUsed !== undefined ? `, heap ${(p.heapUsed / 2 ** 30).toFixed(2)} GiB` : '';
    const now = performance.now();
    if (phase === last && now - lastAt < 10_000) return;
    last = phase;
    lastAt = now;
    say(`  ${prefix}${'peer' in p ? `${p.peer}: ` : ''}${p.phase} (${p.done}/${p.total}${heap})`);
  };
}

// ---------------------------------------------------------------------------
// Chromium

async function launch(): Promise<{ browser: Browser; close(): Promise<void> }> {
  requireChromium();
  const userDataDir = await mkdtemp(join(tmpdir(), 'sweepscope-bench-'));
  // precise-memory-info: performance.memory not rounded (crossfilter's heap); expose-gc: a GC before reading it
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_ARGS, '--enable-precise-memory-info', '--js-flags=--expose-gc'],
    userDataDir,
    protocolTimeout: 0,
  });
  return {
    browser,
    async close() {
      await browser.close().catch(() => undefined);
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

interface OpenPage {
  page: Page;
  log: PageLog;
  /** Rejects when the page's renderer crashes (a heap that ran out). */
  crashed: Promise<never>;
  lastProgress: () => BenchProgress | PeerProgress | null;
}

async function openPage(browser: Browser, url: string, global: string, onProgress: (p: BenchProgress | PeerProgress) => void): Promise<OpenPage> {
  const page = await browser.newPage();
  await page.setViewport({ width: 1400, height: 1000 });
  page.setDefaultTimeout(0);
  const log = watchPage(page);
  let last: BenchProgress | PeerProgress | null = null;
  const crashed = new Promise<never>((_, reject) => page.on('error', (e) => reject(e instanceof Error ? e : new Error(String(e)))));
  crashed.catch(() => undefined);
  await page.exposeFunction('__benchProgress', (p: BenchProgress | PeerProgress) => {
    last = p;
    onProgress(p);
  });
  // tsx keeps function names with a `__name` helper that page.evaluate's functions carry along.
  await page.evaluateOnNewDocument('globalThis.__name = (f) => f');
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForFunction((g: string) => g in window, { timeout: 120_000 }, global);
  return { page, log, crashed, lastProgress: () => last };
}

function checkOrigin(log: PageLog, origin: string, where: string): void {
  const foreign = foreignRequests(log.requests, origin);
  if (foreign.length) abort(`${where} fetched from outside its origin: ${foreign.slice(0, 3).join(', ')}`);
}

// ---------------------------------------------------------------------------
// sweepscope in the explorer page

interface OursRun {
  config: string;
  engine: 'cpu' | 'webgpu';
  workers: number | null;
  url: string;
  /** Navigation to `ready` and the first answer shown, as Node saw it, ms. */
  loadWallMs: number;
  report: Omit<OursReport, 'answers'> & { selectedShare: Record<string, number[]> };
  consoleErrors: string[];
}

async function runOurs(browser: Browser, origin: string, rows: number, engine: 'cpu' | 'webgpu', workers: number | null, withDrag: boolean): Promise<{ run: OursRun; answers: ReferenceAnswers; drag: DragFigures | null }> {
  const config = engine === 'webgpu' ? 'WebGPU' : `CPU, ${workers} worker${workers === 1 ? '' : 's'}`;
  const query = `?rows=${rows}&seed=1&engine=${engine}${workers ? `&workers=${workers}` : ''}`;
  say(`sweepscope, ${config}: loading ${sizeName(rows)} trainings (${query})`);
  const t0 = performance.now();
  const p = await openPage(browser, `${origin}/${query}`, 'sweepscope', progressPrinter(`${config}: `));
  const { page, log } = p;
  try {
    await Promise.race([page.evaluate(() => window.sweepscope.ready), p.crashed]);
    await settle(page);
    const loadWallMs = performance.now() - t0;
    const info = await page.evaluate(() => window.sweepscope.engine);
    if (engine === 'cpu' && info.kind !== 'cpu') abort(`asked for the CPU engine, the page runs ${info.kind}`);
    if (engine === 'webgpu' && info.kind !== 'webgpu') abort(`asked for WebGPU, the page runs ${info.kind}: ${info.reason ?? ''}`);
    await page.addScriptTag({ type: 'module', url: `${origin}/bench/page/app-entry.ts` });
    await page.waitForFunction(() => window.__sweepscopeBench !== undefined, { timeout: 120_000 });
    const report = await Promise.race([page.evaluate((repeats: number | null) => window.__sweepscopeBench!.run(repeats === null ? {} : { repeats }), REPEATS), p.crashed]);
    const { answers, ...rest } = report;
    const baseline = rows;
    const selectedShare = Object.fromEntries(STEP_SETS.map((s) => [s, answers.steps[s].map((c) => c.selected / baseline)]));
    say(
      `sweepscope, ${config}: ${info.adapter ?? info.kind}${report.software ? ' [software adapter]' : ''}; loaded in ${(loadWallMs / 1000).toFixed(1)} s; cube ${report.cube.available ? `ready ${fmt(report.cube.readyAfterMedianMs)} ms after a filter change (median)` : 'none'}`,
    );
    let drag: DragFigures | null = null;
    if (withDrag) {
      say(`sweepscope, ${config}: a real mouse brush dragged for ${DRAG_SECONDS} s`);
      drag = await dragBrush(page, DRAG_SECONDS);
      say(`  views updated ${drag.viewUpdates} times (${drag.viewUpdatesPerSecond.toFixed(1)} a second); frame gaps p50 ${fmt(drag.frameGapMs.p50)} ms, p95 ${fmt(drag.frameGapMs.p95)} ms; ${drag.longTasks.length} main-thread tasks over 50 ms`);
    }
    checkOrigin(log, origin, 'the explorer page');
    return { run: { config, engine, workers, url: query, loadWallMs, report: { ...rest, selectedShare }, consoleErrors: log.errors }, answers, drag };
  } finally {
    await page.close().catch(() => undefined);
  }
}

/** Aborts unless two sweepscope engines answered the workload alike. */
function checkSameAnswers(a: ReferenceAnswers, b: ReferenceAnswers, who: string): void {
  for (const set of STEP_SETS)
    for (let s = 0; s < STEPS; s++) {
      const problem = countsDifference(b.steps[set][s], a.steps[set][s]);
      if (problem) abort(`sweepscope's ${who} disagrees with its first engine at the ${set} set step ${s + 1} (${problem})`);
    }
  for (const k of [0, 1]) {
    const problem = toggleDifference(b.toggle[k], a.toggle[k]);
    if (problem) abort(`sweepscope's ${who} disagrees with its first engine at the filter toggle (${problem})`);
  }
}

// ---------------------------------------------------------------------------
// Peers in the bench page

async function openBenchPage(browser: Browser, origin: string, rows: number, prefix: string): Promise<OpenPage & { prepared: Prepared }> {
  const p = await openPage(browser, `${origin}/bench/page/index.html`, '__benchPage', progressPrinter(prefix));
  const prepared = await Promise.race([p.page.evaluate((n: number) => window.__benchPage!.prepare(n, 1), rows), p.crashed]);
  say(`  bench page: ${sizeName(rows)} trainings generated in ${(prepared.generateMs / 1000).toFixed(1)} s (${prepared.workers} workers), columns in ${(prepared.columnsMs / 1000).toFixed(1)} s`);
  return { ...p, prepared };
}

async function runPagePeer(p: OpenPage, peer: PeerId, ref: ReferenceAnswers, options: PagePeerOptions): Promise<PeerReport[]> {
  const outcome = await Promise.race([p.page.evaluate((id: PeerId, r: ReferenceAnswers, o: PagePeerOptions) => window.__benchPage!.run(id, r, o), peer, ref, options), p.crashed]);
  if (!outcome.ok) abort(outcome.mismatch);
  for (const r of outcome.reports) say(`  ${r.label}: ${r.fit.ok ? `low p50 ${fmt(r.sets.low?.p50)} ms, top p50 ${fmt(r.sets.top?.p50)} ms, toggle ${fmt(r.toggle?.off.p50)} / ${fmt(r.toggle?.on.p50)} ms; build ${fmt(r.buildMs)} ms` : `did not run: ${r.fit.reason}`}`);
  return outcome.reports;
}

/** A crossfilter form in a page of its own: its report, or why it did not fit (the page's renderer crashed, with the last progress it sent). */
async function runCrossfilter(browser: Browser, origin: string, rows: number, peer: 'crossfilter-reduce' | 'crossfilter-views', ref: ReferenceAnswers): Promise<PeerReport> {
  const label = peer === 'crossfilter-reduce' ? 'crossfilter2 (one reduce)' : 'crossfilter2 (dimension per view)';
  say(`${label}: a fresh bench page`);
  const p = await openBenchPage(browser, origin, rows, '');
  const t0 = performance.now();
  try {
    const [r] = await runPagePeer(p, peer, ref, { repeats: peerRepeats(rows), toggleRepeats: peerRepeats(rows), maxBuildMs: CROSSFILTER_MAX_MS, projectFit: !UNTIL_CRASH });
    return r;
  } catch (e) {
    const last = p.lastProgress();
    const heap = last && 'heapUsed' in last && last.heapUsed !== undefined ? `, the JS heap at ${(last.heapUsed / 2 ** 30).toFixed(2)} GiB of ${p.prepared.heapLimit ? (p.prepared.heapLimit / 2 ** 30).toFixed(2) : '?'} GiB` : '';
    const where = last ? ` after "${last.phase}" (${last.done} of ${last.total}${heap})` : '';
    const reason = `the page's renderer crashed${where}, ${((performance.now() - t0) / 1000).toFixed(0)} s in: ${e instanceof Error ? e.message : String(e)}`;
    say(`  ${label}: did not fit: ${reason}`);
    const notes = peer === 'crossfilter-reduce' ? CROSSFILTER_REDUCE_NOTES : CROSSFILTER_VIEWS_NOTES;
    return didNotFit({ id: peer, label, version: `crossfilter2 ${crossfilterVersion}`, rows, notes }, reason, performance.now() - t0);
  } finally {
    await p.page.close().catch(() => undefined);
  }
}

const crossfilterVersion = CROSSFILTER_VERSION;

// ---------------------------------------------------------------------------
// DuckDB in Node

async function runDuckInNode(rows: number, ref: ReferenceAnswers, version: string): Promise<{ reports: PeerReport[]; load: { writeCsvMs: number; readCsvMs: number } }> {
  say(`DuckDB in Node: generating ${sizeName(rows)} trainings in Node, loading them through a CSV`);
  const sweep = generateNwsSweep(rows, 1);
  const cols = brushColumns(sweep);
  const load = await loadDuck({ ...cols, accuracy: sweep.metrics[0].values }, cols.shape.P, CORES);
  say(`  CSV written in ${(load.writeCsvMs / 1000).toFixed(1)} s, read_csv in ${(load.readCsvMs / 1000).toFixed(1)} s`);
  try {
    const print = progressPrinter('');
    const reports = await runDuckNode(load, cols.shape, rows, ref, {
      version,
      threads: CORES,
      gs: { repeats: duckRepeats(rows), toggleRepeats: duckRepeats(rows), onProgress: print },
      union: { repeats: peerRepeats(rows), toggleRepeats: 0, onProgress: print },
    });
    for (const r of reports) say(`  ${r.label}: low p50 ${fmt(r.sets.low?.p50)} ms, top p50 ${fmt(r.sets.top?.p50)} ms${r.toggle ? `, toggle ${fmt(r.toggle.off.p50)} / ${fmt(r.toggle.on.p50)} ms` : ''}`);
    return { reports, load: { writeCsvMs: load.writeCsvMs, readCsvMs: load.readCsvMs } };
  } catch (e) {
    if (e instanceof AnswerMismatch) abort(e.message);
    throw e;
  } finally {
    load.close();
  }
}

// ---------------------------------------------------------------------------
// The table

interface SizeResult {
  rows: number;
  /** The machine's load average (1, 5, 15 min) when this size finished: the cores are shared. */
  loadavgAfter: number[];
  ours: OursRun[];
  drag: DragFigures | null;
  benchPage: Prepared | null;
  peers: PeerReport[];
  duckdbNodeLoad: { writeCsvMs: number; readCsvMs: number } | null;
  skipped: string[];
}

const PEER_COLUMNS: [string, string][] = [
  ['js-scan', 'JS scan'],
  ['crossfilter-reduce', 'xf reduce'],
  ['crossfilter-views', 'xf views'],
  ['duckdb-wasm-gs', 'WASM GS'],
  ['duckdb-wasm-union', 'WASM UNION'],
  ['duckdb-node-gs', 'Node GS'],
  ['duckdb-node-union', 'Node UNION'],
];

/** A peer's p50 for one of our scenario rows. */
function peerFigure(p: PeerReport, row: string): number | null {
  if (!p.fit.ok) return null;
  const pick = (f: StepFigures | undefined): number | null => f?.p50 ?? null;
  if (row === 'cold') return p.cold;
  if (row === 'load') return p.buildMs;
  if (row.startsWith('low-')) return pick(p.sets.low);
  if (row.startsWith('top-')) return pick(p.sets.top);
  if (row === 'toggle-off') return pick(p.toggle?.off);
  if (row === 'toggle-on') return pick(p.toggle?.on);
  return null;
}

function printTable(results: SizeResult[]): void {
  for (const r of results) {
    const peers = PEER_COLUMNS.map(([id, name]) => [name, r.peers.find((p) => p.id === id) ?? null] as const).filter(([, p]) => p !== null);
    const head = ['scenario', 'ours p50', 'ours p95', ...peers.map(([name]) => `${name} p50 (×)`)];
    const lines: string[][] = [head];
    for (const o of r.ours) {
      const rep = o.report;
      const tag = o.engine === 'webgpu' ? `WebGPU${rep.software ? ' [SwiftShader (CPU emulation): says nothing about a GPU]' : ''}` : `CPU ×${o.workers}`;
      const rows: [string, string, number | null, number | null][] = [];
      if (rep.load) rows.push(['load', `${tag}: load after generation (pack + upload)`, rep.load.packMs + rep.load.uploadMs, null]);
      if (rep.cold) rows.push(['cold', `${tag}: cold: first brush after load`, rep.cold.answerMs, null]);
      for (const s of rep.scenarios) {
        const short =
          s.id === 'toggle-off'
            ? `filter toggle off (${TOGGLE.param})`
            : s.id === 'toggle-on'
              ? 'filter toggle on'
              : `${s.set} brush, ${s.id.endsWith('steady') ? (s.paths.cube > 0 ? 'cube ready' : 'steady (no cube)') : 'after filter change'}`;
        rows.push([s.id, `${tag}: ${short}`, s.answer.p50, s.answer.p95]);
      }
      for (const [id, label, p50, p95] of rows)
        lines.push([
          label,
          fmt(p50),
          fmt(p95),
          ...peers.map(([, p]) => {
            const v = p ? peerFigure(p, id) : null;
            if (v === null) return p && !p.fit.ok ? 'did not fit' : '–';
            return `${fmt(v)} (${p50 ? (v / p50).toFixed(v / p50 >= 10 ? 0 : 1) : '–'}×)`;
          }),
        ]);
    }
    console.log(`\n${r.rows.toLocaleString('en')} trainings (generated, seed 1, 12 parameters); ms; (×) = peer p50 / ours p50 on that row (above 1: sweepscope faster)`);
    const widths = head.map((_, c) => Math.max(...lines.map((l) => l[c].length)));
    for (const l of lines) console.log(l.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '));
    if (r.drag) console.log(`real mouse drag (${r.ours[0]?.config}): ${r.drag.viewUpdatesPerSecond.toFixed(1)} view updates a second; frame gaps p50 ${fmt(r.drag.frameGapMs.p50)} ms, p95 ${fmt(r.drag.frameGapMs.p95)} ms; ${r.drag.longTasks.length} tasks over 50 ms`);
    for (const p of r.peers) if (!p.fit.ok) console.log(`${p.label}: did not fit at ${sizeName(r.rows)}: ${p.fit.reason}`);
    if (r.skipped.length) console.log(`skipped: ${r.skipped.join('; ')}`);
  }
  console.log(
    '\nPeers: JS scan = a tight loop, 1 thread; xf = crossfilter2 (reduce: two dimensions and a custom reduce; views: a dimension per view, 80 of them); WASM = DuckDB-WASM in the bench page; Node = DuckDB in Node; GS = one GROUPING SETS query a step; UNION = the brushed rows materialized, then 79 GROUP BYs. A peer has one figure per brush set: its column repeats it on both of our rows (after a filter change, and steady). Load: ours pack + upload after generation; peers their index or table build.',
  );
}

// ---------------------------------------------------------------------------

async function main(): Promise<void> {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  const duckNode = SKIP.has('duckdb-node') ? null : await duckdbNodeVersion();
  say('npm run bench: the brush workload in headless Chromium, sweepscope against peers on the same rows (answers checked equal).');
  say(`workload: ${JSON.stringify(describeWorkload())}`);

  const server = await startDevServer({
    ...PAGE_SERVER_CONFIG,
    // DuckDB-WASM's worker files carry source maps into sources it does not ship: Vite warns of each one
    logLevel: 'error',
    // Its own optimizer cache: the bench page's dependencies (DuckDB-WASM, crossfilter2) are not the app's,
    // and another include list on the shared cache would re-bundle it under other servers' pages.
    cacheDir: join(ROOT, 'node_modules/.vite-bench'),
    optimizeDeps: { include: ['crossfilter2', '@duckdb/duckdb-wasm'] },
  });
  const chromium = await launch();
  const results: SizeResult[] = [];
  try {
    const { browser } = chromium;
    const chromiumVersion = await browser.version();
    // the WebGPU adapter this browser offers (SwiftShader on a machine without a GPU)
    const probe = await browser.newPage();
    await probe.goto(`${server.origin}/bench/page/index.html`);
    const adapter = await probe.evaluate(async () => {
      const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
      const a = gpu ? await gpu.requestAdapter().catch(() => null) : null;
      if (!a) return null;
      const i = a.info;
      const name = [i.vendor, i.architecture, i.device, i.description].filter(Boolean).join(' ') || 'unknown adapter';
      return { name, software: i.architecture === 'swiftshader' || /swiftshader|llvmpipe|software/i.test(name) };
    });
    await probe.close();
    const machine = {
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: CORES,
      memoryGiB: +(totalmem() / 2 ** 30).toFixed(1),
      os: `${platform()} ${release()}`,
      node: process.version,
      chromium: chromiumVersion,
      webgpuAdapter: adapter ? { ...adapter, note: adapter.software ? 'SwiftShader (CPU emulation): says nothing about a GPU' : 'hardware' } : null,
      loadavgAtStart: loadavg().map((x) => +x.toFixed(2)),
    };
    say(`machine: ${machine.cores} × ${machine.cpu}, ${machine.memoryGiB} GiB, ${machine.os}; ${chromiumVersion}; WebGPU adapter: ${adapter ? `${adapter.name}${adapter.software ? ' (software: SwiftShader, a CPU emulation)' : ''}` : 'none'}`);
    const versions: Record<string, string | null> = { sweepscope: pkg.version, chromium: chromiumVersion, node: process.version, crossfilter2: crossfilterVersion, duckdbNode: duckNode, duckdbWasm: null };
    let sql: ReturnType<typeof sqlOfRun> | null = null;

    const save = (): void => {
      writeFileSync(
        OUT,
        JSON.stringify(
          {
            date: new Date().toISOString(),
            command: ['npm run bench', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' '),
            note: 'ms unless named otherwise. Per brush set: each step the median over repeats, p50/p95 over the 20 steps. sweepscope: submit to the answer the views draw (lastQueryTiming.answerMs; withJson adds the automation API JSON). CPU figures on this machine; a WebGPU figure on a software adapter (SwiftShader) is a CPU emulation and says nothing about a GPU.',
            machine,
            versions,
            workload: describeWorkload(),
            sql,
            results,
          },
          null,
          2,
        ) + '\n',
      );
    };

    for (const rows of SIZES) {
      const need = rows * 120;
      if (rows > 2e7 && freemem() < need) {
        say(`${sizeName(rows)}: skipped, ${(freemem() / 2 ** 30).toFixed(1)} GiB free, about ${(need / 2 ** 30).toFixed(1)} GiB needed`);
        continue;
      }
      say(`=== ${rows.toLocaleString('en')} trainings ===`);
      const size: SizeResult = { rows, loadavgAfter: [], ours: [], drag: null, benchPage: null, peers: [], duckdbNodeLoad: null, skipped: [] };
      results.push(size);
      const configs: ['cpu' | 'webgpu', number | null][] = [['cpu', CORES]];
      if (CORES > 1 && !SKIP.has('ours-1')) configs.push(['cpu', 1]);
      if (WEBGPU) configs.push(['webgpu', null]);
      let ref: ReferenceAnswers | null = null;
      for (const [engine, workers] of configs) {
        const { run, answers, drag } = await runOurs(chromium.browser, server.origin, rows, engine, workers, ref === null && !SKIP.has('drag'));
        size.ours.push(run);
        if (drag) size.drag = drag;
        if (ref === null) ref = answers;
        else checkSameAnswers(ref, answers, run.config);
        save();
      }
      if (!ref) throw new Error('no sweepscope answers');
      if (!sql) {
        const tp = ref.params.findIndex((p) => p.name === TOGGLE.param);
        sql = sqlOfRun(ref.card.length, Math.max(0, ref.group), stepRange('low', 0), stepRange(TOGGLE.set, TOGGLE.step), inFilter(tp, TOGGLE.keep.map((l) => ref!.params[tp].options.indexOf(l))));
      }

      if (!SKIP.has('js-scan') || !SKIP.has('duckdb-wasm')) {
        say('bench page: the JS scan and DuckDB-WASM');
        const p = await openBenchPage(chromium.browser, server.origin, rows, '');
        size.benchPage = p.prepared;
        try {
          if (!SKIP.has('js-scan')) size.peers.push(...(await runPagePeer(p, 'js-scan', ref, { repeats: peerRepeats(rows), toggleRepeats: peerRepeats(rows) })));
          if (!SKIP.has('duckdb-wasm')) {
            const reports = await runPagePeer(p, 'duckdb-wasm', ref, { repeats: duckRepeats(rows), toggleRepeats: duckRepeats(rows), unionRepeats: duckRepeats(rows), threads: CORES });
            size.peers.push(...reports);
            versions.duckdbWasm = reports[0]?.version ?? null;
          }
          checkOrigin(p.log, server.origin, 'the bench page');
        } finally {
          await p.page.close().catch(() => undefined);
        }
        save();
      }
      for (const peer of ['crossfilter-reduce', 'crossfilter-views'] as const) {
        if (SKIP.has(peer)) continue;
        size.peers.push(await runCrossfilter(chromium.browser, server.origin, rows, peer, ref));
        save();
      }
      if (duckNode) {
        const d = await runDuckInNode(rows, ref, duckNode);
        size.peers.push(...d.reports);
        size.duckdbNodeLoad = d.load;
      }
      for (const s of ['ours-1', 'drag', 'js-scan', 'crossfilter-reduce', 'crossfilter-views', 'duckdb-wasm', 'duckdb-node']) if (SKIP.has(s)) size.skipped.push(`${s} (--skip)`);
      size.loadavgAfter = loadavg().map((x) => +x.toFixed(2));
      save();
      say(`${sizeName(rows)} done; load average ${size.loadavgAfter.join(' ')} on ${CORES} cores`);
    }
    printTable(results);
    say(`wrote ${OUT}`);
  } finally {
    await chromium.close();
    await server.close();
  }
}

await main();
