/**
 * What every peer reports, and the loop that times a peer on the workload's
 * steps and toggle with its answers checked against sweepscope's before any
 * time counts (AnswerMismatch otherwise). Shared by the in-page peers (JS
 * scan, crossfilter2), DuckDB-WASM in the bench page and DuckDB in Node.
 */

import { checkAborted, sampleFigures, stepFigures, yieldToPage, type StepFigures } from '../stats.js';
import { checkCounts, checkToggle, stepRange, STEP_SETS, STEPS, type Counts, type ReferenceAnswers, type StepSet, type ToggleCounts } from '../workload.js';

export interface PeerReport {
  /** e.g. 'js-scan', 'crossfilter-reduce', 'duckdb-wasm-gs' */
  id: string;
  /** For tables: "JS scan, 1 thread". */
  label: string;
  /** The peer's version (package, and the engine's own where it says). */
  version: string;
  rows: number;
  /** How it answers the workload, and what of it it cannot express. */
  notes: string[];
  /** Building its index or table from the columns (after generation), ms; null when it has none. */
  buildMs: number | null;
  /** What it holds per training, and how that was measured. */
  bytesPerTraining: number | null;
  bytesHow: string;
  /** The first step (the low set's first) after the build, ms. */
  cold: number | null;
  sets: Partial<Record<StepSet, StepFigures>>;
  toggle: { off: StepFigures; on: StepFigures } | null;
  /** What was checked equal to sweepscope's answers (everything timed was). */
  checked: string;
  /** Whether the peer ran at this size; a reason when it did not fit or gave up. */
  fit: { ok: true } | { ok: false; reason: string };
}

export interface PeerProgress {
  peer: string;
  phase: string;
  done: number;
  total: number;
  /** The JS heap in use, bytes, where the page tells (crossfilter's build). */
  heapUsed?: number;
}

export interface PeerOptions {
  /** Repeats of each step set (each step's time is the median). */
  repeats: number;
  /** Off/on toggle pairs; 0 skips the toggle. */
  toggleRepeats: number;
  /** Step sets to time (default both). */
  sets?: readonly StepSet[];
  onProgress?: (p: PeerProgress) => void;
  signal?: AbortSignal;
}

/** A peer's answer to one brush [lo, hi] (f32 bounds, inclusive). */
export type StepFn = (lo: number, hi: number) => Counts | Promise<Counts>;
/** A peer's answer to the toggle: `off` restricts the toggle's parameter, else every option, brush held. */
export type ToggleFn = (off: boolean) => ToggleCounts | Promise<ToggleCounts>;

/** A peer's answers: brush steps, and optionally the toggle (prepared untimed: e.g. the held brush set first). */
export interface PeerImpl {
  step: StepFn;
  toggle?: ToggleFn;
  prepareToggle?: () => void | Promise<void>;
}

export interface TimedPeer {
  cold: number;
  sets: Partial<Record<StepSet, StepFigures>>;
  toggle: { off: StepFigures; on: StepFigures } | null;
}

/**
 * Times a peer: the first step once (cold), then each set `repeats` times,
 * then the toggle; each answer of the first repeat (and the cold one) checked
 * against `ref` before its time is kept. Yields to the page between steps
 * (outside the timings) so a page stays responsive.
 */
export async function timePeer(who: string, rows: number, ref: ReferenceAnswers, impl: PeerImpl, o: PeerOptions): Promise<TimedPeer> {
  const { step, toggle } = impl;
  const sets = o.sets ?? STEP_SETS;
  const total = 1 + sets.length * o.repeats * STEPS + (toggle ? 2 * o.toggleRepeats : 0);
  let done = 0;
  const progress = (phase: string): void => o.onProgress?.({ peer: who, phase, done: ++done, total });
  const f32 = (set: StepSet, s: number): [number, number] => {
    const [lo, hi] = stepRange(set, s);
    return [Math.fround(lo), Math.fround(hi)];
  };

  checkAborted(o.signal);
  let t0 = performance.now();
  const first = await step(...f32('low', 0));
  const cold = performance.now() - t0;
  checkCounts(who, 'the low set step 1 (cold)', first, ref.steps.low[0]);
  progress('cold');

  const figures: Partial<Record<StepSet, StepFigures>> = {};
  for (const set of sets) {
    const times: number[][] = [];
    for (let r = 0; r < o.repeats; r++) {
      const row: number[] = [];
      for (let s = 0; s < STEPS; s++) {
        checkAborted(o.signal);
        await yieldToPage();
        t0 = performance.now();
        const c = await step(...f32(set, s));
        row.push(performance.now() - t0);
        if (r === 0) checkCounts(who, `the ${set} set step ${s + 1}`, c, ref.steps[set][s]);
        progress(`${set} brush, repeat ${r + 1} of ${o.repeats}`);
      }
      times.push(row);
    }
    figures[set] = stepFigures(times, rows);
  }

  let toggled: TimedPeer['toggle'] = null;
  if (toggle && o.toggleRepeats > 0) {
    await impl.prepareToggle?.();
    const off: number[] = [];
    const on: number[] = [];
    for (let r = 0; r < o.toggleRepeats; r++)
      for (const [k, isOff] of [true, false].entries()) {
        checkAborted(o.signal);
        await yieldToPage();
        t0 = performance.now();
        const a = await toggle(isOff);
        (isOff ? off : on).push(performance.now() - t0);
        if (r === 0) checkToggle(who, `the filter toggle (${isOff ? 'off' : 'on'})`, a, ref.toggle[k]);
        progress(`filter toggle ${r + 1} of ${o.toggleRepeats}`);
      }
    toggled = { off: sampleFigures(off, rows), on: sampleFigures(on, rows) };
  }
  return { cold, sets: figures, toggle: toggled };
}

/** A peer that could not run at this size (did not fit, or gave up): no figures, the reason. */
export function didNotFit(base: Pick<PeerReport, 'id' | 'label' | 'version' | 'rows' | 'notes'>, reason: string, buildMs: number | null = null): PeerReport {
  return { ...base, buildMs, bytesPerTraining: null, bytesHow: '', cold: null, sets: {}, toggle: null, checked: 'nothing: it did not run', fit: { ok: false, reason } };
}
