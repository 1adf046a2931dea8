/**
 * The brush benchmark's scenarios, run in the page against
 * `window.sweepscope` (or anything with its query API: `BenchTarget`), so the
 * figures are what the page's automation and views get: the engine's turn,
 * the engine, and the answer the views draw. Free of Node and of puppeteer:
 * `npm run bench` injects it into the explorer page, and a Benchmark panel can
 * call it directly (progress callback, AbortSignal).
 *
 * Scenarios (workload.ts), each brush set of 20 steps timed `repeats` times:
 * - cold: the first brush right after the sweep is loaded (once per page);
 * - <set>, after a filter change: a filter is switched off and on again just
 *   before the set, so its cube (cube.ts) is being rebuilt while the brush
 *   moves; step 1 is the filter switched back on, steps 2-20 brush moves,
 *   answered incrementally (or from the cube once it is ready);
 * - <set>, cube ready: the same steps once `cubeReady()` resolved: what a
 *   user gets after a moment's pause (without a cube: incremental again);
 * - filter toggle: optimizer `sgd_momentum` off, then on, brush held.
 *
 * A step's time is the answer the views would draw (`lastQueryTiming`, without
 * the JSON the automation API formats, which the views never build); the time
 * with the JSON is kept beside it. Every set's answers are kept from its first
 * repeat (the reference for the peers), and the two ways of answering the same
 * steps must agree.
 */

import type { LoadTimings, QueryPaths, QueryTiming, SweepSummary } from '../app/api.js';
import type { AggregateJson } from '../engine/output.js';
import type { EngineInfo, QuerySpec } from '../engine/types.js';
import { checkAborted, median, sampleFigures, stepFigures, type StepFigures } from './stats.js';
import {
  countsDifference,
  countsOfJson,
  plainCounts,
  plainToggle,
  shapeOfJson,
  stepSpec,
  STEP_SETS,
  STEPS,
  TOGGLE,
  toggleOfJson,
  toggleSpecs,
  type Counts,
  type ReferenceAnswers,
  type StepSet,
} from './workload.js';

/** What the runner needs of the page: `window.sweepscope` satisfies it; the optional parts sharpen the report. */
export interface BenchTarget {
  readonly engine: EngineInfo;
  readonly sweep: SweepSummary | null;
  query(spec: QuerySpec): Promise<AggregateJson>;
  readonly loadTimings?: LoadTimings | null;
  readonly lastQueryTiming?: QueryTiming | null;
  readonly queryPaths?: QueryPaths;
  cubeReady?(): Promise<boolean>;
}

export interface BenchProgress {
  /** What runs now, in words ("low brush, after a filter change, repeat 2 of 3"). */
  phase: string;
  /** Queries done and planned. */
  done: number;
  total: number;
}

export interface RunOptions {
  /** Repeats of each brush set (default 5 up to 2M trainings, else 3). */
  repeats?: number;
  /** Off/on toggle pairs (default: `repeats`). */
  toggleRepeats?: number;
  /** Time the first brush (true, the default, right after a load: later it would not be cold). */
  cold?: boolean;
  onProgress?: (p: BenchProgress) => void;
  signal?: AbortSignal;
}

/** How a query was answered (from the target's counters; 'unknown' without them). */
export type AnswerPath = 'full' | 'brush' | 'cube' | 'delta' | 'unknown';

export interface ScenarioReport {
  /** e.g. 'low-after-filter-change', 'low-cube-ready', 'toggle' */
  id: string;
  label: string;
  set: StepSet | null;
  /** Submit to the answer the views draw (without the JSON), ms. */
  answer: StepFigures;
  /** Submit to the automation API's JSON, ms. */
  withJson: StepFigures;
  /** How many of the scenario's queries went each way, over all repeats. */
  paths: Record<AnswerPath, number>;
}

export interface OursReport {
  rows: number;
  engine: EngineInfo;
  /** A software WebGPU adapter (SwiftShader and the like: a CPU emulation, its figures say nothing about a GPU). */
  software: boolean;
  bytesPerTraining: number | null;
  load: LoadTimings | null;
  cold: { answerMs: number; jsonMs: number; path: AnswerPath } | null;
  scenarios: ScenarioReport[];
  /** Whether a brush cube was built, and after how long from the filter change (per set, per repeat), ms. */
  cube: { available: boolean; readyAfterMs: Record<StepSet, number[]>; readyAfterMedianMs: number | null };
  repeats: number;
  toggleRepeats: number;
  /** The answers (first repeat), the reference the peers are checked against. */
  answers: ReferenceAnswers;
}

export function isSoftwareAdapter(info: EngineInfo): boolean {
  return info.kind === 'webgpu' && /swiftshader|llvmpipe|lavapipe|software|basic render/i.test(`${info.adapter ?? ''} ${info.reason ?? ''}`);
}

const defaultRepeats = (rows: number): number => (rows > 2e6 ? 3 : 5);

interface Timed {
  json: AggregateJson;
  answerMs: number;
  jsonMs: number;
  path: AnswerPath;
}

async function timed(target: BenchTarget, spec: QuerySpec): Promise<Timed> {
  const before = target.queryPaths;
  const t0 = performance.now();
  const json = await target.query(spec);
  const jsonMs = performance.now() - t0;
  // Without the target's own timing, the wall time (JSON included) is all there is.
  const answerMs = target.lastQueryTiming?.answerMs ?? jsonMs;
  const after = target.queryPaths;
  let path: AnswerPath = 'unknown';
  if (before && after) path = after.cube > before.cube ? 'cube' : after.brush > before.brush ? 'brush' : after.delta > before.delta ? 'delta' : 'full';
  return { json, answerMs, jsonMs, path };
}

const noPaths = (): Record<AnswerPath, number> => ({ full: 0, brush: 0, cube: 0, delta: 0, unknown: 0 });

/**
 * Runs the scenarios on the target's current sweep (the generated one: the
 * workload's metric, group and toggle parameter must exist) and reports.
 * Rejects with the signal's reason when cancelled.
 */
export async function runScenarios(target: BenchTarget, options: RunOptions = {}): Promise<OursReport> {
  const sweep = target.sweep;
  if (!sweep) throw new Error('no sweep is loaded');
  if (!sweep.params.includes(TOGGLE.param)) throw new Error(`the sweep has no parameter ${TOGGLE.param}: the workload is the generated sweep's (load {generate: {rows, seed: 1}})`);
  const rows = sweep.rows;
  const repeats = Math.max(1, Math.floor(options.repeats ?? defaultRepeats(rows)));
  const toggleRepeats = Math.max(1, Math.floor(options.toggleRepeats ?? repeats));
  const { signal, onProgress } = options;
  const cold = options.cold ?? true;
  const total = (cold ? 1 : 0) + 2 + STEP_SETS.length * repeats * (1 + 2 * STEPS) + 1 + 2 * toggleRepeats;
  let done = 0;
  const step = async (phase: string, spec: QuerySpec): Promise<Timed> => {
    checkAborted(signal);
    const t = await timed(target, spec);
    onProgress?.({ phase, done: ++done, total });
    return t;
  };

  let coldReport: OursReport['cold'] = null;
  if (cold) {
    const t = await step('cold: the first brush after the load', stepSpec('low', 0));
    coldReport = { answerMs: t.answerMs, jsonMs: t.jsonMs, path: t.path };
  }
  // warm-up: the JIT, the workers' code paths, the answer's formatting
  await step('warm-up', stepSpec('low', 1));
  await step('warm-up', stepSpec('top', 0));

  const scenarios: ScenarioReport[] = [];
  const firstJson: Record<StepSet, { incremental: AggregateJson[]; steady: AggregateJson[] }> = { low: { incremental: [], steady: [] }, top: { incremental: [], steady: [] } };
  const readyAfterMs: Record<StepSet, number[]> = { low: [], top: [] };
  let cubeAvailable = false;
  const [offSpec] = toggleSpecs();
  for (const set of STEP_SETS) {
    const runs = { incremental: { answer: [] as number[][], json: [] as number[][], paths: noPaths() }, steady: { answer: [] as number[][], json: [] as number[][], paths: noPaths() } };
    for (let r = 0; r < repeats; r++) {
      // The filter change: the toggle's parameter restricted at the set's first brush (not timed); step 1 switches it back.
      await step(`${set} brush: filter change`, { ...offSpec, range: stepSpec(set, 0).range });
      // Step 1 switches the filter back on: the cube for these filters starts then, and is waited for from then.
      let changed = 0;
      let cubeWait: Promise<boolean> = Promise.resolve(false);
      let readyAt: number | null = null;
      for (const mode of ['incremental', 'steady'] as const) {
        if (mode === 'steady') {
          checkAborted(signal);
          onProgress?.({ phase: `${set} brush: waiting for the brush cube`, done, total });
          const ok = await cubeWait;
          cubeAvailable ||= ok;
          if (ok) readyAfterMs[set].push((readyAt ?? performance.now()) - changed);
        }
        const answer: number[] = [];
        const json: number[] = [];
        const label = mode === 'incremental' ? 'after a filter change' : 'steady state';
        for (let s = 0; s < STEPS; s++) {
          if (mode === 'incremental' && s === 0) changed = performance.now();
          const t = await step(`${set} brush, ${label}, repeat ${r + 1} of ${repeats}, step ${s + 1}`, stepSpec(set, s));
          if (mode === 'incremental' && s === 0 && target.cubeReady) {
            cubeWait = target.cubeReady();
            void cubeWait.then((ok) => {
              if (ok) readyAt = performance.now();
            });
          }
          answer.push(t.answerMs);
          json.push(t.jsonMs);
          runs[mode].paths[t.path]++;
          if (r === 0) firstJson[set][mode].push(t.json);
        }
        runs[mode].answer.push(answer);
        runs[mode].json.push(json);
      }
    }
    for (const mode of ['incremental', 'steady'] as const) {
      const id = `${set}-${mode === 'incremental' ? 'after-filter-change' : 'steady'}`;
      const what = set === 'low' ? 'low brush [0, .15] → [.475, .625]' : 'top brush [.85, 1] → [.6125, .7625]';
      const label =
        mode === 'incremental'
          ? `${what}, right after a filter change (cube building)`
          : `${what}, steady state (${runs.steady.paths.cube > 0 ? 'cube ready' : 'no cube: incremental'})`;
      scenarios.push({ id, label, set, answer: stepFigures(runs[mode].answer, rows), withJson: stepFigures(runs[mode].json, rows), paths: runs[mode].paths });
    }
  }

  // The toggle, brush held.
  const [off, on] = toggleSpecs();
  await step('filter toggle: the brush', stepSpec(TOGGLE.set, TOGGLE.step));
  const toggleTimes = { off: [] as number[], on: [] as number[], offJson: [] as number[], onJson: [] as number[] };
  const togglePaths = noPaths();
  let toggleJson: [AggregateJson, AggregateJson] | null = null;
  for (let r = 0; r < toggleRepeats; r++) {
    const a = await step(`filter toggle ${r + 1} of ${toggleRepeats}: ${TOGGLE.param} restricted`, off);
    const b = await step(`filter toggle ${r + 1} of ${toggleRepeats}: every option`, on);
    toggleTimes.off.push(a.answerMs);
    toggleTimes.on.push(b.answerMs);
    toggleTimes.offJson.push(a.jsonMs);
    toggleTimes.onJson.push(b.jsonMs);
    togglePaths[a.path]++;
    togglePaths[b.path]++;
    if (r === 0) toggleJson = [a.json, b.json];
  }
  scenarios.push(
    {
      id: 'toggle-off',
      label: `filter toggle: ${TOGGLE.param} only ${TOGGLE.keep.join(', ')} (brush held)`,
      set: null,
      answer: sampleFigures(toggleTimes.off, rows),
      withJson: sampleFigures(toggleTimes.offJson, rows),
      paths: togglePaths,
    },
    {
      id: 'toggle-on',
      label: `filter toggle: every ${TOGGLE.param} again (brush held)`,
      set: null,
      answer: sampleFigures(toggleTimes.on, rows),
      withJson: sampleFigures(toggleTimes.onJson, rows),
      paths: togglePaths,
    },
  );

  // The answers: the reference, and the two ways of answering each set must agree.
  if (!toggleJson) throw new Error('internal error: no toggle answers');
  const sample = toggleJson[1];
  const shape = shapeOfJson(sample);
  const steps = {} as Record<StepSet, Counts[]>;
  for (const set of STEP_SETS) {
    const inc = firstJson[set].incremental.map((j) => countsOfJson(j, shape));
    const steady = firstJson[set].steady.map((j) => countsOfJson(j, shape));
    for (let s = 0; s < STEPS; s++) {
      const problem = countsDifference(steady[s], inc[s]);
      if (problem) throw new Error(`sweepscope answers ${set} step ${s + 1} differently after a filter change and in steady state (${problem})`);
    }
    steps[set] = inc.map(plainCounts);
  }
  const toggle = toggleJson.map((j) => plainToggle(toggleOfJson(j, shape))) as [ReturnType<typeof plainToggle>, ReturnType<typeof plainToggle>];
  // the toggle's "on" answer is the held step's: the same counts as that step of the set
  const held = countsDifference(toggle[1].sel, steps[TOGGLE.set][TOGGLE.step]);
  if (held) throw new Error(`sweepscope's answer with every option again differs from the same brush step's (${held})`);
  const flat = (xs: number[][]): number[] => xs.flat();
  const allReady = flat(STEP_SETS.map((s) => readyAfterMs[s]));
  const engine = target.engine;
  return {
    rows,
    engine,
    software: isSoftwareAdapter(engine),
    bytesPerTraining: sweep.bytesPerTraining ?? null,
    load: target.loadTimings ?? null,
    cold: coldReport,
    scenarios,
    cube: { available: cubeAvailable, readyAfterMs, readyAfterMedianMs: allReady.length ? median(allReady) : null },
    repeats,
    toggleRepeats,
    answers: { card: shape.card, group: shape.group, params: sample.params.map((p) => ({ name: p.name, options: [...p.options] })), steps, toggle },
  };
}
