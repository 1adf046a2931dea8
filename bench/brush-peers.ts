/**
 * `npm run bench:peers`: the explorer's brush workload in Node, sweepscope
 * against peers on the same data in one run. CPU figures on this machine.
 *
 * The workload: the generated sweep (seed 1, all 12 parameters) of N
 * trainings (`--rows 1e6,1e7`, the default); a brush of width 0.15 on the
 * normalized accuracy (per dataset, (v − min)/(max − min)) sliding in 20 steps
 * of 0.025 ([0, 0.15], [0.025, 0.175], … [0.475, 0.625]); each answer holds the
 * selected rows' option counts (12 parameters), all 66 pair matrices and the
 * histogram (dataset × 50 bins, the explorer's default). Then a filter toggle
 * (optimizer `sgd_momentum` off, then on again) with the brush held.
 *
 * - sweepscope: `Session.query` on the worker CPU engine with 2 workers, with
 *   1 worker, and on the main thread (`InlineCpuEngine`). Each step set starts
 *   from a full query (the first step after the brush appears); the other 19
 *   steps go through the incremental brush path (`Session.incremental`).
 *   A filter toggle is a full query (the filters change the baseline).
 * - DuckDB (@duckdb/node-api, `SET threads=2`): the same rows in an in-memory
 *   table in the file's order, one GROUPING SETS query per step (12 single, 66
 *   pair sets and (p0, bin) for the histogram, in the same query). The
 *   normalized accuracy `x` (REAL: f32 of the f64 formula, as the explorer
 *   brushes) and its histogram bin are computed per row when the table is
 *   loaded, not in SQL. Loading goes through a temporary CSV and `read_csv`,
 *   timed separately.
 * - a tight single-threaded JS loop over the codes unpacked into Uint8Arrays
 *   (the same `x` and bin columns): per row in the brush, 12 option counts,
 *   66 pair cells and the histogram cell.
 *
 * Every step's selected count, every option count, pair cell and histogram
 * cell from DuckDB and the JS loop must equal sweepscope's answer (and the
 * three sweepscope engines each other); the run aborts otherwise.
 *
 * A second DuckDB form gives the same answer faster there: the brushed rows
 * materialized once, then 79 GROUP BYs joined by UNION ALL (DuckDB spends
 * about a second on 79 grouping sets whatever the row count).
 *
 * Each step set runs `--repeats` times (default 5 at 1M, 3 at 10M;
 * `--duck-repeats` for DuckDB's GROUPING SETS query and toggle); a step's time
 * is the median of its repeats, and p50/p95 are over the 20 steps. A
 * "trainings/s" figure is N over the p50 step: sweepscope's incremental steps
 * visit only the rows of one side of the brush, so it is a rate of answers,
 * not of rows scanned. Writes bench/results-peers.json (after every size).
 */

import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import { generateNwsSweep } from '../src/synth/nws.js';
import { Session, packSweep } from '../src/engine/session.js';
import { createNodeWorkerEngine } from '../src/engine/node-workers.js';
import { InlineCpuEngine } from '../src/engine/cpu-engine.js';
import { binOf, shownValue } from '../src/engine/formulas.js';
import { DEFAULT_BINS } from '../src/engine/resolve.js';
import type { Engine, QuerySpec } from '../src/engine/types.js';
import type { Sweep } from '../src/model/sweep.js';
import { percentile } from './timing.js';
import { countsDifference, emptyCounts, shapeOf, type Counts, type Shape } from '../src/bench/workload.js';
import { countsOfRows, countsOfUnion, stepSql, toggleSql, unionSql } from './peers/sql.js';
import { loadDuck } from './peers/duckdb.js';

const require = createRequire(import.meta.url);
const RESULTS = fileURLToPath(new URL('./results-peers.json', import.meta.url));

// ---------------------------------------------------------------------------
// Options

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0) return process.argv[i + 1];
  const eq = process.argv.find((a) => a.startsWith(`--${name}=`));
  return eq?.slice(name.length + 3);
}

const SIZES = (flag('rows') ?? '1e6,1e7').split(',').map((s) => {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--rows: ${s} is not a positive integer`);
  return n;
});
const REPEATS_FLAG = flag('repeats');
const repeatsFor = (rows: number): number => (REPEATS_FLAG ? Number(REPEATS_FLAG) : rows > 2e6 ? 3 : 5);
const DUCK_REPEATS_FLAG = flag('duck-repeats');
/** Repeats of DuckDB's GROUPING SETS query (about a second a step here at 1M and 10M alike): `--duck-repeats`, else `--repeats`. */
const duckRepeatsFor = (rows: number): number => (DUCK_REPEATS_FLAG ? Number(DUCK_REPEATS_FLAG) : repeatsFor(rows));

const STEPS = 20;
const WIDTH = 0.15;
const STRIDE = 0.025;
const BINS = DEFAULT_BINS;
/** The brush of step s, as the explorer's QuerySpec gets it. */
const stepRange = (s: number): [number, number] => [s * STRIDE, s * STRIDE + WIDTH];
/** The brush held during the filter toggle. */
const TOGGLE_STEP = 10;
const TOGGLE_PARAM = 'optimizer';
const TOGGLE_KEEP = ['adam', 'rmsprop'];

// ---------------------------------------------------------------------------
// What every engine answers, in the explorer's own layout (RawAggregates):
// options concatenated by parameter, pairs a < b row-major by a's option,
// histogram [group][bin].

const shapeOfSweep = (sweep: Sweep): Shape =>
  shapeOf(
    sweep.params.map((p) => p.labels.length),
    sweep.group,
  );

/** Aborts unless `got` equals sweepscope's `want` cell for cell. */
function checkEqual(who: string, where: string, got: Counts, want: Counts): void {
  const problem = countsDifference(got, want);
  if (problem) {
    console.error(`\nABORTED: ${who} disagrees with sweepscope at ${where} (${problem}); the comparison would not be of the same answer.`);
    process.exit(1);
  }
}

// ---------------------------------------------------------------------------
// The shared columns: codes per parameter, and per row the shown value x (f32
// of the normalized accuracy, which is what the explorer's brush compares)
// and its histogram bin, both from the reference formulas (formulas.ts).

interface Columns {
  codes: Uint8Array[];
  group: Uint8Array;
  accuracy: Float32Array;
  x: Float32Array;
  bin: Uint8Array;
  missing: number;
}

function columnsOf(sweep: Sweep): Columns {
  const n = sweep.rows;
  const group = sweep.params[sweep.group].codes;
  const acc = sweep.metrics[0].values;
  const G = sweep.params[sweep.group].labels.length;
  const min = new Float64Array(G).fill(Infinity);
  const max = new Float64Array(G).fill(-Infinity);
  let missing = 0;
  for (let i = 0; i < n; i++) {
    const v = acc[i];
    if (!Number.isFinite(v)) {
      missing++;
      continue;
    }
    const g = group[i];
    if (v < min[g]) min[g] = v;
    if (v > max[g]) max[g] = v;
  }
  const x = new Float32Array(n);
  const bin = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const v = acc[i];
    const g = group[i];
    if (!Number.isFinite(v)) {
      x[i] = NaN;
      continue;
    }
    x[i] = shownValue(v, min[g], max[g], true);
    bin[i] = binOf(v, min[g], max[g], BINS);
  }
  return { codes: sweep.params.map((p) => p.codes), group, accuracy: acc, x, bin, missing };
}

// ---------------------------------------------------------------------------
// Timing helpers

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** times[repeat][step] → per-step medians. */
const stepMedians = (times: number[][]): number[] => Array.from({ length: STEPS }, (_, s) => median(times.map((r) => r[s])));

interface Row {
  engine: string;
  rows: number;
  /** Per step, the median over repeats, ms. */
  steps: number[];
  p50: number;
  p95: number;
  /** The first step (a full query for sweepscope), median over repeats, ms. */
  first: number;
  /** p50 over steps 2..20 (the incremental steps for sweepscope), ms. */
  p50Rest: number;
  trainingsPerSecond: number;
  /** A filter toggle (off, then on; a full answer: baseline and selected), median, ms. */
  toggle: number | null;
  note: string;
}

function summarize(engine: string, rows: number, times: number[][], toggles: number[] | null, note: string): Row {
  const steps = stepMedians(times);
  const p50 = percentile(steps, 0.5);
  return {
    engine,
    rows,
    steps,
    p50,
    p95: percentile(steps, 0.95),
    first: steps[0],
    p50Rest: percentile(steps.slice(1), 0.5),
    trainingsPerSecond: rows / (p50 / 1000),
    toggle: toggles ? median(toggles) : null,
    note,
  };
}

// ---------------------------------------------------------------------------
// sweepscope

const stepSpec = (s: number, where?: QuerySpec['where']): QuerySpec => ({ normalize: true, range: stepRange(s), bins: BINS, ...(where ? { where } : {}) });
/** A query whose baseline differs (another bin count): the next step-0 query is then a full one. */
const INVALIDATE: QuerySpec = { normalize: true, range: null, bins: BINS + 1 };

function countsOfAnswer(raw: { selected: number; optionSelected: Uint32Array; pairSelected: Uint32Array; histSelected: Uint32Array }): Counts {
  return { selected: raw.selected, option: raw.optionSelected.slice(), pair: raw.pairSelected.slice(), hist: raw.histSelected.slice() };
}

interface ToggleAnswer {
  selected: number;
  baseline: number;
}

interface SweepscopeRun {
  times: number[][];
  toggles: number[];
  answers: Counts[];
  toggleAnswers: ToggleAnswer[];
  fullSteps: number;
  incrementalSteps: number;
}

async function runSweepscope(session: Session, repeats: number): Promise<SweepscopeRun> {
  session.incremental = true;
  const times: number[][] = [];
  const toggles: number[] = [];
  let answers: Counts[] = [];
  let toggleAnswers: ToggleAnswer[] = [];
  let fullSteps = 0;
  let incrementalSteps = 0;
  // warm-up (workers, JIT, the metric's statistics)
  await session.query(stepSpec(0));
  await session.query(stepSpec(1));
  for (let r = 0; r < repeats; r++) {
    await session.query(INVALIDATE);
    const row: number[] = [];
    const ans: Counts[] = [];
    for (let s = 0; s < STEPS; s++) {
      const before = session.brushQueries;
      const t0 = performance.now();
      const res = await session.query(stepSpec(s));
      row.push(performance.now() - t0);
      if (session.brushQueries > before) incrementalSteps++;
      else fullSteps++;
      ans.push(countsOfAnswer(res.raw));
    }
    times.push(row);
    if (r === 0) answers = ans;
    const tog: ToggleAnswer[] = [];
    for (const where of [{ [TOGGLE_PARAM]: TOGGLE_KEEP }, undefined]) {
      const t0 = performance.now();
      const res = await session.query(stepSpec(TOGGLE_STEP, where));
      toggles.push(performance.now() - t0);
      tog.push({ selected: res.raw.selected, baseline: res.raw.baseline });
    }
    if (r === 0) toggleAnswers = tog;
  }
  return { times, toggles, answers, toggleAnswers, fullSteps, incrementalSteps };
}

// ---------------------------------------------------------------------------
// The tight JS loop

function jsStep(sh: Shape, cols: Columns, lo: number, hi: number): Counts {
  const out = emptyCounts(sh);
  const { option, pair, hist } = out;
  const { x, bin, group, codes } = cols;
  const P = sh.P;
  const optOff = Int32Array.from(sh.optOff);
  const pairOff = Int32Array.from(sh.pairOff);
  const card = Int32Array.from(sh.card);
  const c = new Int32Array(P);
  const n = x.length;
  let selected = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i];
    if (!(v >= lo && v <= hi)) continue;
    selected++;
    hist[group[i] * BINS + bin[i]]++;
    for (let a = 0; a < P; a++) {
      const ca = codes[a][i];
      c[a] = ca;
      option[optOff[a] + ca]++;
    }
    let k = 0;
    for (let a = 0; a < P; a++) {
      const base = c[a];
      for (let b = a + 1; b < P; b++, k++) pair[pairOff[k] + base * card[b] + c[b]]++;
    }
  }
  out.selected = selected;
  return out;
}

/** A filter toggle's answer for the JS loop: baseline and selected pair counts over the rows the filter passes. */
function jsToggle(sh: Shape, cols: Columns, lo: number, hi: number, filterParam: number, allow: Uint8Array): ToggleAnswer {
  const { x, codes } = cols;
  const P = sh.P;
  const pairOff = Int32Array.from(sh.pairOff);
  const card = Int32Array.from(sh.card);
  const optOff = Int32Array.from(sh.optOff);
  const base = new Uint32Array(sh.cells);
  const sel = new Uint32Array(sh.cells);
  const optBase = new Uint32Array(sh.options);
  const optSel = new Uint32Array(sh.options);
  const histBase = new Uint32Array(sh.groups * BINS);
  const histSel = new Uint32Array(sh.groups * BINS);
  const c = new Int32Array(P);
  const fcodes = codes[filterParam];
  let baseline = 0;
  let selected = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (!allow[fcodes[i]] || v !== v) continue;
    baseline++;
    const isSel = v >= lo && v <= hi;
    const h = cols.group[i] * BINS + cols.bin[i];
    histBase[h]++;
    if (isSel) histSel[h]++;
    for (let a = 0; a < P; a++) {
      c[a] = codes[a][i];
      optBase[optOff[a] + c[a]]++;
      if (isSel) optSel[optOff[a] + c[a]]++;
    }
    let k = 0;
    if (isSel) {
      selected++;
      for (let a = 0; a < P; a++)
        for (let b = a + 1; b < P; b++, k++) {
          const cell = pairOff[k] + c[a] * card[b] + c[b];
          base[cell]++;
          sel[cell]++;
        }
    } else {
      for (let a = 0; a < P; a++) for (let b = a + 1; b < P; b++, k++) base[pairOff[k] + c[a] * card[b] + c[b]]++;
    }
  }
  return { selected, baseline };
}

// ---------------------------------------------------------------------------

interface SizeResult {
  rows: number;
  repeats: number;
  /** Repeats of DuckDB's GROUPING SETS steps and toggles. */
  duckRepeats: number;
  /** The machine's load average (1, 5, 15 min) when this size finished: the cores are shared. */
  loadavgAfter: number[];
  selectedShare: number[];
  missing: number;
  generateSeconds: number;
  packSeconds: number;
  bytesPerTraining: number;
  duckdbLoad: { writeCsvSeconds: number; readCsvSeconds: number };
  sweepscopeSteps: { full: number; incremental: number };
  engines: Row[];
}

function fmt(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);
}

async function runSize(rows: number, duckVersion: string): Promise<SizeResult> {
  const repeats = repeatsFor(rows);
  console.log(`\n=== ${rows.toLocaleString('en')} trainings (seed 1, 12 parameters), ${repeats} repeats of the ${STEPS}-step brush ===`);
  let t0 = performance.now();
  const sweep = generateNwsSweep(rows, 1);
  const generateSeconds = (performance.now() - t0) / 1000;
  t0 = performance.now();
  const prepared = packSweep(sweep);
  const packSeconds = (performance.now() - t0) / 1000;
  const cols = columnsOf(sweep);
  const sh = shapeOfSweep(sweep);
  console.log(`generated in ${generateSeconds.toFixed(1)} s, packed in ${packSeconds.toFixed(1)} s; ${cols.missing} trainings without an accuracy`);

  const engines: Row[] = [];
  let reference: Counts[] | null = null;
  let referenceToggle: ToggleAnswer[] | null = null;
  let bytes = 0;
  let fullSteps = 0;
  let incrementalSteps = 0;
  const makers: [string, () => Engine, string][] = [
    ['sweepscope, 2 workers', () => createNodeWorkerEngine(2), 'worker CPU engine, all cores'],
    ['sweepscope, 1 worker', () => createNodeWorkerEngine(1), 'worker CPU engine, one thread'],
    ['sweepscope, main thread', () => new InlineCpuEngine(), 'InlineCpuEngine'],
  ];
  for (const [label, make, note] of makers) {
    const engine = make();
    try {
      const session = await Session.fromPacked(sweep, prepared, engine);
      bytes = session.bytesPerTraining;
      const run = await runSweepscope(session, repeats);
      fullSteps = run.fullSteps / repeats;
      incrementalSteps = run.incrementalSteps / repeats;
      if (!reference || !referenceToggle) {
        reference = run.answers;
        referenceToggle = run.toggleAnswers;
      } else {
        for (let s = 0; s < STEPS; s++) checkEqual(label, `step ${s + 1}`, run.answers[s], reference[s]);
      }
      const row = summarize(label, rows, run.times, run.toggles, `${note}; step 1 full, steps 2–20 incremental`);
      engines.push(row);
      console.log(`${label}: p50 ${fmt(row.p50)} ms, p95 ${fmt(row.p95)} ms, full step ${fmt(row.first)} ms, filter toggle ${fmt(row.toggle ?? NaN)} ms`);
    } finally {
      await engine.dispose();
    }
  }
  if (!reference || !referenceToggle) throw new Error('no sweepscope answers');
  const ref = reference;
  const refToggle = referenceToggle;
  const selectedShare = ref.map((c) => c.selected / (rows - cols.missing));

  // the JS loop
  {
    const times: number[][] = [];
    jsStep(sh, cols, Math.fround(stepRange(0)[0]), Math.fround(stepRange(0)[1])); // JIT warm-up
    for (let r = 0; r < repeats; r++) {
      const row: number[] = [];
      for (let s = 0; s < STEPS; s++) {
        const [lo, hi] = stepRange(s);
        const t = performance.now();
        const c = jsStep(sh, cols, Math.fround(lo), Math.fround(hi));
        row.push(performance.now() - t);
        if (r === 0) checkEqual('the JS loop', `step ${s + 1}`, c, ref[s]);
      }
      times.push(row);
    }
    const toggles: number[] = [];
    const tp = sweep.params.findIndex((p) => p.name === TOGGLE_PARAM);
    const off = new Uint8Array(256);
    const on = new Uint8Array(256).fill(1);
    sweep.params[tp].labels.forEach((l, o) => (off[o] = TOGGLE_KEEP.includes(l) ? 1 : 0));
    const [lo, hi] = stepRange(TOGGLE_STEP);
    for (let r = 0; r < repeats; r++)
      for (const [k, allow] of [off, on].entries()) {
        const t = performance.now();
        const a = jsToggle(sh, cols, Math.fround(lo), Math.fround(hi), tp, allow);
        toggles.push(performance.now() - t);
        if (a.selected !== refToggle[k].selected || a.baseline !== refToggle[k].baseline) {
          console.error(`\nABORTED: the JS loop's filter toggle (${k ? 'on' : 'off'}) selects ${a.selected} of ${a.baseline}, sweepscope ${refToggle[k].selected} of ${refToggle[k].baseline}.`);
          process.exit(1);
        }
      }
    const row = summarize('JS loop, 1 thread', rows, times, toggles, 'Uint8Array per parameter, scans every row');
    engines.push(row);
    console.log(`JS loop: p50 ${fmt(row.p50)} ms, p95 ${fmt(row.p95)} ms, filter toggle ${fmt(row.toggle ?? NaN)} ms`);
  }

  // DuckDB
  const P = sh.P;
  const load = await loadDuck(cols, P, 2);
  console.log(`DuckDB ${duckVersion}: CSV written in ${(load.writeCsvMs / 1000).toFixed(1)} s, read_csv into the table in ${(load.readCsvMs / 1000).toFixed(1)} s (not counted in the steps)`);
  try {
    const { conn } = load;
    const duckRepeats = duckRepeatsFor(rows);
    const timeSteps = async (who: string, sql: (lo: number, hi: number) => string, read: (rows: DuckDBValue[][]) => Counts, times: number[][], reps: number): Promise<void> => {
      await conn.runAndReadAll(sql(...stepRange(0))); // warm-up
      for (let r = 0; r < reps; r++) {
        const row: number[] = [];
        for (let s = 0; s < STEPS; s++) {
          const [lo, hi] = stepRange(s);
          const t = performance.now();
          const res = await conn.runAndReadAll(sql(lo, hi));
          const c = read(res.getRows());
          row.push(performance.now() - t);
          if (r === 0) checkEqual(who, `step ${s + 1}`, c, ref[s]);
        }
        times.push(row);
      }
    };
    const gsTimes: number[][] = [];
    await timeSteps('DuckDB (GROUPING SETS)', (lo, hi) => stepSql(P, lo, hi), (r) => countsOfRows(sh, r, 0), gsTimes, duckRepeats);
    const toggles: number[] = [];
    const [lo, hi] = stepRange(TOGGLE_STEP);
    const tp = sweep.params.findIndex((p) => p.name === TOGGLE_PARAM);
    const keep = TOGGLE_KEEP.map((l) => sweep.params[tp].labels.indexOf(l));
    for (let r = 0; r < duckRepeats; r++)
      for (const [k, filter] of [`p${tp} IN (${keep.join(', ')})`, null].entries()) {
        const t = performance.now();
        const res = await conn.runAndReadAll(toggleSql(P, lo, hi, filter));
        const rowsOut = res.getRows();
        const base = countsOfRows(sh, rowsOut, 0);
        const sel = countsOfRows(sh, rowsOut, 1);
        toggles.push(performance.now() - t);
        if (sel.selected !== refToggle[k].selected || base.selected !== refToggle[k].baseline) {
          console.error(`\nABORTED: DuckDB's filter toggle (${k ? 'on' : 'off'}) selects ${sel.selected} of ${base.selected}, sweepscope ${refToggle[k].selected} of ${refToggle[k].baseline}.`);
          process.exit(1);
        }
      }
    const gsRow = summarize('DuckDB GROUPING SETS, 2 thr.', rows, gsTimes, toggles, `the issue's query, one a step, ${duckRepeats} repeat(s); table in file order`);
    engines.push(gsRow);
    console.log(`DuckDB GROUPING SETS: p50 ${fmt(gsRow.p50)} ms, p95 ${fmt(gsRow.p95)} ms, filter toggle ${fmt(gsRow.toggle ?? NaN)} ms (${duckRepeats} repeat(s))`);
    const unionTimes: number[][] = [];
    await timeSteps('DuckDB (UNION ALL)', (lo, hi) => unionSql(P, lo, hi), (r) => countsOfUnion(sh, r), unionTimes, repeats);
    const unionRow = summarize('DuckDB UNION ALL, 2 thr.', rows, unionTimes, null, 'the brushed rows materialized once, then 79 GROUP BYs; one query a step');
    engines.push(unionRow);
    console.log(`DuckDB UNION ALL: p50 ${fmt(unionRow.p50)} ms, p95 ${fmt(unionRow.p95)} ms`);
  } finally {
    load.conn.closeSync();
    load.db.closeSync();
  }
  console.log(`load average now ${loadavg().map((x) => x.toFixed(2)).join(' ')} (${cpus().length} cores)`);
  console.log(`equality: every step's selected count, option counts, pair cells and histogram cells agree (sweepscope × 3, JS loop, DuckDB × 2); filter toggles' selected and baseline agree`);
  return {
    rows,
    repeats,
    duckRepeats: duckRepeatsFor(rows),
    loadavgAfter: loadavg().map((x) => +x.toFixed(2)),
    selectedShare,
    missing: cols.missing,
    generateSeconds,
    packSeconds,
    bytesPerTraining: bytes,
    duckdbLoad: { writeCsvSeconds: load.writeCsvMs / 1000, readCsvSeconds: load.readCsvMs / 1000 },
    sweepscopeSteps: { full: fullSteps, incremental: incrementalSteps },
    engines,
  };
}

function printTable(results: SizeResult[]): void {
  console.log('\nCPU figures on this machine (no GPU engine here); per step: the median of the repeats; p50/p95 over the 20 steps.');
  console.log('"× DuckDB" = the faster DuckDB query\'s p50 / this engine\'s p50 (above 1: faster than DuckDB).\n');
  const head = ['engine', 'rows', 'p50 ms', 'p95 ms', 'trainings/s', '× DuckDB', 'full step ms', 'toggle ms'];
  const lines: string[][] = [head];
  for (const r of results) {
    const duck = Math.min(...r.engines.filter((e) => e.engine.startsWith('DuckDB')).map((e) => e.p50));
    for (const e of r.engines)
      lines.push([
        e.engine,
        r.rows.toExponential(0).replace('e+', 'e'),
        fmt(e.p50),
        fmt(e.p95),
        `${(e.trainingsPerSecond / 1e6).toFixed(0)} M`,
        Number.isFinite(duck) ? (duck / e.p50).toFixed(1) : '–',
        e.engine.startsWith('sweepscope') ? fmt(e.first) : '–',
        e.toggle === null ? '–' : fmt(e.toggle),
      ]);
  }
  const widths = head.map((_, c) => Math.max(...lines.map((l) => l[c].length)));
  for (const l of lines) console.log(l.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '));
}

async function main(): Promise<void> {
  const duckPkg = JSON.parse(readFileSync(require.resolve('@duckdb/node-api/package.json'), 'utf8')) as { version: string };
  const probe = await DuckDBInstance.create(':memory:');
  const probeConn = await probe.connect();
  const v = await probeConn.runAndReadAll('SELECT version()');
  const duckdbVersion = `${String(v.getRows()[0][0])} (@duckdb/node-api ${duckPkg.version})`;
  probeConn.closeSync();
  probe.closeSync();
  const machine = {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    totalMemGiB: +(totalmem() / 2 ** 30).toFixed(1),
    os: `${platform()} ${release()}`,
    node: process.version,
    duckdb: duckdbVersion,
    loadavgAtStart: loadavg().map((x) => +x.toFixed(2)),
  };
  console.log('bench:peers: the explorer\'s brush workload, sweepscope against DuckDB and a tight JS loop, on the same rows.');
  console.log('These are CPU figures on this machine:');
  console.log(`  ${machine.cores} × ${machine.cpu}, ${machine.totalMemGiB} GiB, ${machine.os}, Node ${machine.node}, DuckDB ${duckdbVersion}, load average ${machine.loadavgAtStart.join(' ')}`);
  console.log(`brush: width ${WIDTH} on the normalized accuracy, ${STEPS} steps of ${STRIDE}; ${BINS} histogram bins; filter toggle: ${TOGGLE_PARAM} = ${TOGGLE_KEEP.join('|')}, then all, brush at step ${TOGGLE_STEP + 1}`);
  console.log(`DuckDB step SQL (step 1; x and bin precomputed per row at load, the histogram inside the same grouping sets):\n  ${stepSql(12, ...stepRange(0))}`);
  console.log(`DuckDB step SQL, second form (the same answer; faster in DuckDB than 79 grouping sets):\n  ${unionSql(12, ...stepRange(0))}`);
  console.log(`DuckDB filter toggle SQL (off):\n  ${toggleSql(12, ...stepRange(TOGGLE_STEP), 'p3 IN (0, 1)')}`);

  const results: SizeResult[] = [];
  // written after every size, so a run stopped at 10M keeps the 1M figures
  const save = (): void => {
    writeFileSync(
      RESULTS,
      JSON.stringify(
        {
          date: new Date().toISOString(),
          note: 'CPU figures on this machine; per step the median over repeats, p50/p95 over the 20 steps, ms',
          command: ['npm run bench:peers', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' '),
          machine,
          workload: { seed: 1, parameters: 12, steps: STEPS, width: WIDTH, stride: STRIDE, bins: BINS, toggle: { param: TOGGLE_PARAM, keep: TOGGLE_KEEP, step: TOGGLE_STEP + 1 } },
          sql: { step: stepSql(12, ...stepRange(0)), stepUnion: unionSql(12, ...stepRange(0)), toggleOff: toggleSql(12, ...stepRange(TOGGLE_STEP), 'p3 IN (0, 1)') },
          results,
        },
        null,
        2,
      ) + '\n',
    );
  };
  for (const rows of SIZES) {
    results.push(await runSize(rows, duckdbVersion));
    save();
  }
  printTable(results);
  for (const r of results)
    console.log(
      `${r.rows.toExponential(0)}: sweepscope holds ${r.bytesPerTraining} bytes a training (Session.bytesPerTraining); per step set ${r.sweepscopeSteps.full} full + ${r.sweepscopeSteps.incremental} incremental queries; selected share ${(100 * Math.min(...r.selectedShare)).toFixed(1)}–${(100 * Math.max(...r.selectedShare)).toFixed(1)}%; DuckDB load ${r.duckdbLoad.writeCsvSeconds.toFixed(1)} s CSV + ${r.duckdbLoad.readCsvSeconds.toFixed(1)} s read_csv`,
    );
  console.log(`\nwrote ${RESULTS}`);
}

await main();
