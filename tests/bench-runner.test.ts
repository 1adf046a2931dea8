/**
 * The benchmark's peers answer sweepscope's question: on a small generated
 * sweep, in Node (no browser), every in-page peer (the JS scan, crossfilter2
 * with one reduce, crossfilter2 with a dimension per view) gives, for every
 * step of both brush sets and for the filter toggle, the counts that
 * `Session.query(spec).json` gives; and the scenario runner, run against a
 * Session (with and without a brush cube), reports those same answers.
 */

import { describe, expect, it } from 'vitest';
import { generateNwsSweep } from '../src/synth/nws.js';
import { Session } from '../src/engine/session.js';
import { InlineCpuEngine } from '../src/engine/cpu-engine.js';
import { brushColumns, nextUpF32 } from '../src/bench/columns.js';
import { runJsScan, jsScanStep } from '../src/bench/peers/js-scan.js';
import { runCrossfilterReduce, runCrossfilterViews } from '../src/bench/peers/crossfilter.js';
import { runScenarios, type BenchTarget } from '../src/bench/runner.js';
import { timePeer } from '../src/bench/peers/common.js';
import {
  AnswerMismatch,
  countsOfJson,
  plainCounts,
  plainToggle,
  shapeOfJson,
  stepRange,
  stepSpec,
  STEP_SETS,
  STEPS,
  toggleOfJson,
  toggleSpecs,
  type ReferenceAnswers,
} from '../src/bench/workload.js';
import type { Sweep } from '../src/model/sweep.js';

const ROWS = 20_000;

/** sweepscope's answers to the workload, straight from Session.query(spec).json. */
async function referenceOf(sweep: Sweep): Promise<ReferenceAnswers> {
  const session = await Session.open(sweep, new InlineCpuEngine());
  const first = (await session.query(stepSpec('low', 0))).json;
  const shape = shapeOfJson(first);
  const steps = { low: [], top: [] } as unknown as ReferenceAnswers['steps'];
  for (const set of STEP_SETS)
    for (let s = 0; s < STEPS; s++) steps[set].push(plainCounts(countsOfJson((await session.query(stepSpec(set, s))).json, shape)));
  const [off, on] = toggleSpecs();
  const toggle: ReferenceAnswers['toggle'] = [
    plainToggle(toggleOfJson((await session.query(off)).json, shape)),
    plainToggle(toggleOfJson((await session.query(on)).json, shape)),
  ];
  return { card: shape.card, group: shape.group, params: first.params.map((p) => ({ name: p.name, options: [...p.options] })), steps, toggle };
}

/** A Session as the runner's target (what window.sweepscope is in the page). */
function targetOf(session: Session): BenchTarget {
  const sw = session.sweep;
  return {
    engine: session.engine.info,
    sweep: {
      name: 'generated (seed 1)',
      rows: sw.rows,
      params: sw.params.map((p) => p.name),
      metrics: sw.metrics.map((m) => m.name),
      group: sw.group >= 0 ? sw.params[sw.group].name : null,
      bytesPerTraining: session.bytesPerTraining,
    },
    query: async (spec) => (await session.query(spec)).json,
    cubeReady: () => session.cubeReady(),
    get queryPaths() {
      return { brush: session.brushQueries, cube: session.cubeQueries, delta: session.deltaQueries };
    },
  };
}

describe('the benchmark runner and its peers', () => {
  const sweep = generateNwsSweep(ROWS, 1);
  const cols = brushColumns(sweep);
  const reference = referenceOf(sweep);
  const options = { repeats: 1, toggleRepeats: 1 };

  it('has a workload whose brushes select something and not everything', async () => {
    const ref = await reference;
    for (const set of STEP_SETS)
      for (const c of ref.steps[set]) {
        expect(c.selected).toBeGreaterThan(0);
        expect(c.selected).toBeLessThan(ROWS);
      }
    expect(stepRange('top', 0)).toEqual([0.85, 1]);
    expect(stepRange('top', STEPS - 1)[0]).toBeCloseTo(0.6125, 12);
    expect(stepRange('low', STEPS - 1)[0]).toBeCloseTo(0.475, 12);
    expect(stepRange('low', STEPS - 1)[1]).toBeCloseTo(0.625, 12);
    // the toggle changes the answer, and switching back restores the held step's
    expect(ref.toggle[0].sel.selected).toBeLessThan(ref.toggle[1].sel.selected);
    expect(ref.toggle[1].sel).toEqual(ref.steps.low[10]);
  });

  it('the JS scan answers every step and the toggle as Session does', async () => {
    const ref = await reference;
    const r = await runJsScan(cols, ref, options);
    expect(r.fit.ok).toBe(true);
    expect(r.sets.low?.steps).toHaveLength(STEPS);
    expect(r.sets.top?.steps).toHaveLength(STEPS);
    expect(r.toggle?.off.steps).toHaveLength(1);
  });

  it('crossfilter2 with one reduce answers every step and the toggle as Session does', async () => {
    const r = await runCrossfilterReduce(cols, await reference, options);
    expect(r.fit.ok).toBe(true);
    expect(r.sets.top?.steps).toHaveLength(STEPS);
    expect(r.toggle).not.toBeNull();
  });

  it('crossfilter2 with a dimension per view answers every step and the toggle (its expressible part) as Session does', async () => {
    const r = await runCrossfilterViews(cols, await reference, options);
    expect(r.fit.ok).toBe(true);
    expect(r.sets.low?.steps).toHaveLength(STEPS);
    expect(r.toggle).not.toBeNull();
  });

  it('a wrong answer stops the timing with the place it differs', async () => {
    const ref = await reference;
    const wrong = (lo: number, hi: number) => {
      const c = jsScanStep(cols, lo, hi);
      c.pair[7]++;
      return c;
    };
    await expect(timePeer('a broken peer', ROWS, ref, { step: wrong }, options)).rejects.toThrow(AnswerMismatch);
    await expect(timePeer('a broken peer', ROWS, ref, { step: wrong }, options)).rejects.toThrow(/pair cell\[7\]/);
  });

  it('the next f32 above a bound makes a half-open range inclusive', () => {
    for (const v of [0.15, 0.625, 1, 0.85, 1e-30]) {
      const f = Math.fround(v);
      const up = nextUpF32(f);
      expect(up).toBeGreaterThan(f);
      expect(Math.fround(up)).toBe(up);
      expect(Math.fround((f + up) / 2) === f || Math.fround((f + up) / 2) === up).toBe(true);
    }
  });

  it('the scenario runner reports Session\'s answers, incremental and from the brush cube alike', async () => {
    const ref = await reference;
    const plain = await Session.open(sweep, new InlineCpuEngine());
    const a = await runScenarios(targetOf(plain), options);
    expect(a.answers.steps).toEqual(ref.steps);
    expect(a.answers.toggle).toEqual(ref.toggle);
    expect(a.cube.available).toBe(false);
    expect(a.scenarios.map((s) => s.id)).toEqual(['low-after-filter-change', 'low-steady', 'top-after-filter-change', 'top-steady', 'toggle-off', 'toggle-on']);

    // a cube at this size: blocks of 64 rows (the session builds one only from 2^18 rows by default)
    const cubed = await Session.open(sweep, new InlineCpuEngine());
    cubed.cubeMinRows = 0;
    cubed.cubeMinBlockRows = 64;
    const progress: { done: number; total: number }[] = [];
    const b = await runScenarios(targetOf(cubed), { ...options, onProgress: (p) => progress.push(p) });
    expect(b.cube.available).toBe(true);
    expect(b.scenarios.find((s) => s.id === 'low-steady')?.paths.cube).toBeGreaterThan(0);
    expect(b.answers.steps).toEqual(ref.steps);
    expect(b.answers.toggle).toEqual(ref.toggle);
    expect(progress.at(-1)?.done).toBe(progress.at(-1)?.total);

    // cancelled: rejects with the signal's reason
    const abort = new AbortController();
    abort.abort(new Error('stop'));
    await expect(runScenarios(targetOf(plain), { ...options, signal: abort.signal })).rejects.toThrow('stop');
  });
});
