/**
 * The brush benchmark's workload, shared by the in-page runner, its peers,
 * the bench page (DuckDB-WASM) and `npm run bench` / `npm run bench:peers`
 * in Node, so every figure is of the same queries: the generated sweep (seed
 * 1, all 12 parameters); a brush of width 0.15 on the normalized first
 * metric (test accuracy) sliding in 20 steps of 0.025 from [0, 0.15] (the
 * "low" set, bench:peers' workload), and 20 steps of 0.0125 down from
 * [0.85, 1] (the "top" set: users brush the best trainings); each answer the
 * selected rows' option counts, every pair matrix and the histogram (group x
 * 50 bins). A filter toggle: optimizer `sgd_momentum` off, then on again,
 * with the brush held at the low set's 11th step.
 *
 * Answers are compared in the explorer's own layout (RawAggregates): options
 * concatenated by parameter, pairs a < b row-major by a's option, histogram
 * [group][bin]. No DOM and no Node here: the page, the workers and Node all
 * import it.
 */

import type { AggregateJson } from '../engine/output.js';
import type { QuerySpec } from '../engine/types.js';

export const STEPS = 20;
export const WIDTH = 0.15;
export const BINS = 50;
export const SEED = 1;

export type StepSet = 'low' | 'top';
export const STEP_SETS: readonly StepSet[] = ['low', 'top'];

/** Where each set starts and how far a step moves the brush. */
const SET_START: Record<StepSet, number> = { low: 0, top: 1 - WIDTH };
const SET_STRIDE: Record<StepSet, number> = { low: 0.025, top: -0.0125 };

/** The brush of step `s` (0-based) of a set, as the explorer's QuerySpec gets it. */
export function stepRange(set: StepSet, s: number): [number, number] {
  const lo = SET_START[set] + s * SET_STRIDE[set];
  return [lo, lo + WIDTH];
}

/** The filter toggle: `param` restricted to `keep` (the other options off), then every option again. */
export const TOGGLE = { param: 'optimizer', keep: ['adam', 'rmsprop'] as readonly string[], set: 'low' as StepSet, step: 10 };

/** The toggle's held brush as f32 bounds (what the engines compare x with). */
export function toggleBrushF32(): [number, number] {
  const [lo, hi] = stepRange(TOGGLE.set, TOGGLE.step);
  return [Math.fround(lo), Math.fround(hi)];
}

/** A step's query. `where` restricts options (the toggle). */
export function stepSpec(set: StepSet, s: number, where?: Readonly<Record<string, readonly string[]>>): QuerySpec {
  return { normalize: true, range: stepRange(set, s), bins: BINS, ...(where ? { where } : {}) };
}

/** The toggle's two queries: off (only `keep`), then on (every option). */
export function toggleSpecs(): [QuerySpec, QuerySpec] {
  return [stepSpec(TOGGLE.set, TOGGLE.step, { [TOGGLE.param]: TOGGLE.keep }), stepSpec(TOGGLE.set, TOGGLE.step)];
}

/** A short description of the workload, for reports. */
export function describeWorkload(): WorkloadInfo {
  return {
    seed: SEED,
    steps: STEPS,
    width: WIDTH,
    bins: BINS,
    sets: Object.fromEntries(STEP_SETS.map((set) => [set, { first: stepRange(set, 0), last: stepRange(set, STEPS - 1), stride: SET_STRIDE[set] }])) as WorkloadInfo['sets'],
    toggle: { param: TOGGLE.param, keep: [...TOGGLE.keep], brush: stepRange(TOGGLE.set, TOGGLE.step) },
  };
}

export interface WorkloadInfo {
  seed: number;
  steps: number;
  width: number;
  bins: number;
  sets: Record<StepSet, { first: [number, number]; last: [number, number]; stride: number }>;
  toggle: { param: string; keep: string[]; brush: [number, number] };
}

// ---------------------------------------------------------------------------
// The answers' layout.

/** Where a parameter's options and a pair's cells start in the flat arrays. */
export interface Shape {
  /** Parameters. */
  P: number;
  card: number[];
  optOff: number[];
  /** Per pair index k (a < b in order), its first cell. */
  pairOff: number[];
  pairA: number[];
  pairB: number[];
  options: number;
  cells: number;
  /** The group parameter's index (stacks of the histogram), or -1. */
  group: number;
  /** Histogram stacks: the group's options (1 without a group). */
  groups: number;
}

/** The layout for parameters of these option counts. */
export function shapeOf(card: readonly number[], group: number): Shape {
  const P = card.length;
  const optOff: number[] = [];
  let off = 0;
  for (let p = 0; p < P; p++) {
    optOff.push(off);
    off += card[p];
  }
  const options = off;
  const pairOff: number[] = [];
  const pairA: number[] = [];
  const pairB: number[] = [];
  off = 0;
  for (let a = 0; a < P; a++)
    for (let b = a + 1; b < P; b++) {
      pairOff.push(off);
      pairA.push(a);
      pairB.push(b);
      off += card[a] * card[b];
    }
  return { P, card: [...card], optOff, pairOff, pairA, pairB, options, cells: off, group, groups: group >= 0 ? Math.max(1, card[group]) : 1 };
}

/** Flat counts: typed arrays while counting, plain arrays once sent between page and Node (structured as JSON). */
export type Cells = Uint32Array | number[];

/** A brush step's answer: the selected rows' counts. */
export interface Counts {
  selected: number;
  option: Cells;
  pair: Cells;
  hist: Cells;
}

/**
 * A filter toggle's answer: the selected rows' counts, and the baseline (the
 * rows the filters pass, brush aside): its count, pair matrices and
 * histogram. Null where a peer cannot express it (said in its notes).
 */
export interface ToggleCounts {
  sel: Counts;
  baseline: number;
  basePair: Cells | null;
  baseHist: Cells | null;
}

export const emptyCounts = (sh: Shape): Counts & { option: Uint32Array; pair: Uint32Array; hist: Uint32Array } => ({
  selected: 0,
  option: new Uint32Array(sh.options),
  pair: new Uint32Array(sh.cells),
  hist: new Uint32Array(sh.groups * BINS),
});

/** As plain arrays (what survives page.evaluate and JSON). */
export function plainCounts(c: Counts): Counts {
  return { selected: c.selected, option: Array.from(c.option), pair: Array.from(c.pair), hist: Array.from(c.hist) };
}

export function plainToggle(t: ToggleCounts): ToggleCounts {
  return { sel: plainCounts(t.sel), baseline: t.baseline, basePair: t.basePair && Array.from(t.basePair), baseHist: t.baseHist && Array.from(t.baseHist) };
}

// ---------------------------------------------------------------------------
// sweepscope's answers (the automation API's JSON) in that layout.

/** The layout of an answer's parameters (names, options and group as the JSON gives them). */
export function shapeOfJson(json: AggregateJson): Shape {
  const group = json.group === null ? -1 : json.params.findIndex((p) => p.name === json.group);
  return shapeOf(
    json.params.map((p) => p.options.length),
    group,
  );
}

function pairsOf(sh: Shape, json: AggregateJson, table: AggregateJson['pairCounts']): Uint32Array {
  const out = new Uint32Array(sh.cells);
  const ps = json.params;
  for (let k = 0; k < sh.pairA.length; k++) {
    const a = ps[sh.pairA[k]];
    const b = ps[sh.pairB[k]];
    const ab = table[a.name][b.name];
    const nb = b.options.length;
    a.options.forEach((la, i) => b.options.forEach((lb, j) => (out[sh.pairOff[k] + i * nb + j] = ab[la][lb])));
  }
  return out;
}

function histOf(sh: Shape, rows: number[][]): Uint32Array {
  const out = new Uint32Array(sh.groups * BINS);
  if (rows.length !== sh.groups || rows.some((r) => r.length !== BINS)) throw new Error(`a histogram of ${rows.length} stacks, ${rows[0]?.length ?? 0} bins; the workload expects ${sh.groups} x ${BINS}`);
  rows.forEach((r, g) => out.set(r, g * BINS));
  return out;
}

/** The selected rows' counts of an answer. */
export function countsOfJson(json: AggregateJson, sh: Shape = shapeOfJson(json)): Counts {
  const option = new Uint32Array(sh.options);
  json.params.forEach((p, i) => p.options.forEach((l, o) => (option[sh.optOff[i] + o] = json.optionCounts[p.name][l])));
  return { selected: json.selected, option, pair: pairsOf(sh, json, json.pairCounts), hist: histOf(sh, json.histogram.selected) };
}

/** An answer as a toggle's: selected counts and the baseline's count, pair matrices and histogram. */
export function toggleOfJson(json: AggregateJson, sh: Shape = shapeOfJson(json)): ToggleCounts {
  return { sel: countsOfJson(json, sh), baseline: json.baseline, basePair: pairsOf(sh, json, json.baselinePairCounts), baseHist: histOf(sh, json.histogram.baseline) };
}

// ---------------------------------------------------------------------------
// Equality.

function firstDifference(what: string, a: Cells, b: Cells): string | null {
  if (a.length !== b.length) return `${what}: ${a.length} cells against ${b.length}`;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return `${what}[${i}]: ${a[i]} against ${b[i]}`;
  return null;
}

/** Where `got` differs from `want` (sweepscope's), or null when equal cell for cell. */
export function countsDifference(got: Counts, want: Counts): string | null {
  return (
    (got.selected !== want.selected ? `selected: ${got.selected} against ${want.selected}` : null) ??
    firstDifference('option count', got.option, want.option) ??
    firstDifference('pair cell', got.pair, want.pair) ??
    firstDifference('histogram cell', got.hist, want.hist)
  );
}

/** As countsDifference for a toggle; the baseline parts a peer cannot express (null) are not compared. */
export function toggleDifference(got: ToggleCounts, want: ToggleCounts): string | null {
  return (
    countsDifference(got.sel, want.sel) ??
    (got.baseline !== want.baseline ? `baseline: ${got.baseline} against ${want.baseline}` : null) ??
    (got.basePair && want.basePair ? firstDifference('baseline pair cell', got.basePair, want.basePair) : null) ??
    (got.baseHist && want.baseHist ? firstDifference('baseline histogram cell', got.baseHist, want.baseHist) : null)
  );
}

/** A peer's answer is not sweepscope's: its time must not count. */
export class AnswerMismatch extends Error {
  constructor(
    readonly who: string,
    readonly where: string,
    readonly problem: string,
  ) {
    super(`${who} disagrees with sweepscope at ${where} (${problem}); the comparison would not be of the same answer`);
    this.name = 'AnswerMismatch';
  }
}

/** Throws AnswerMismatch unless equal. */
export function checkCounts(who: string, where: string, got: Counts, want: Counts): void {
  const problem = countsDifference(got, want);
  if (problem) throw new AnswerMismatch(who, where, problem);
}

export function checkToggle(who: string, where: string, got: ToggleCounts, want: ToggleCounts): void {
  const problem = toggleDifference(got, want);
  if (problem) throw new AnswerMismatch(who, where, problem);
}

/** sweepscope's answers: the reference every peer is checked against. */
export interface ReferenceAnswers {
  /** Option counts per parameter, and the group's index: the layout of every answer. */
  card: number[];
  group: number;
  /** Names and options, so a peer can find the toggle's parameter and options by label. */
  params: { name: string; options: string[] }[];
  steps: Record<StepSet, Counts[]>;
  /** Toggle off, then on. */
  toggle: [ToggleCounts, ToggleCounts];
}
