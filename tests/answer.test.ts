import { describe, it, expect } from 'vitest';
import { InlineCpuEngine } from '../src/engine/cpu-engine.js';
import { Session } from '../src/engine/session.js';
import { toAggregateJson, ALL_LABEL, type AggregateJson, type TrellisCell } from '../src/engine/output.js';
import type { Answer } from '../src/engine/answer.js';
import type { QuerySpec } from '../src/engine/types.js';
import { referenceAggregate } from './reference.js';
import { randomSweep, randomQuery } from './random-sweep.js';

/** Mismatches between an answer's accessors and a JSON answer (first few), empty when they agree. */
function mismatches(a: Answer, j: AggregateJson, exactMeans: boolean): string[] {
  const out: string[] = [];
  const check = (what: string, got: unknown, want: unknown): void => {
    if (out.length < 5 && got !== want) out.push(`${what}: ${String(got)} ≠ ${String(want)}`);
  };
  const close = (what: string, got: number | null, want: number | null): void => {
    if (exactMeans || got === null || want === null) return check(what, got, want);
    if (out.length < 5 && !(Math.abs(got - want) <= 1e-9 * Math.max(1, Math.abs(want)))) out.push(`${what}: ${got} ≠ ${want}`);
  };
  for (const k of ['rows', 'missing', 'baseline', 'selected', 'metric', 'normalize'] as const) check(k, a[k], j[k]);
  check('bins', a.bins, j.histogram.edges.length - 1);
  check('lowerIsBetter', a.lowerIsBetter, j.lowerIsBetter === true);
  check('range', JSON.stringify(a.range), JSON.stringify(j.range));
  check('group', a.group >= 0 ? a.params[a.group].name : null, j.group);
  check('primary', a.primary >= 0 ? a.params[a.primary].name : null, j.primary);
  check('secondary', a.secondary >= 0 ? a.params[a.secondary].name : null, j.secondary);
  check('params', JSON.stringify(a.params), JSON.stringify(j.params));
  check('groups', JSON.stringify(a.groups), JSON.stringify(j.histogram.groups));
  check('edges', JSON.stringify(a.edges), JSON.stringify(j.histogram.edges));
  a.groups.forEach((_, g) => {
    for (let b = 0; b < a.bins; b++) {
      check(`histSelected ${g} ${b}`, a.histSelected(g, b), j.histogram.selected[g][b]);
      check(`histBaseline ${g} ${b}`, a.histBaseline(g, b), j.histogram.baseline[g][b]);
    }
  });
  const P = a.params.length;
  for (let p = 0; p < P; p++) {
    const { name, options } = a.params[p];
    options.forEach((o, i) => {
      check(`optionSelected ${name}=${o}`, a.optionSelected(p, i), j.optionCounts[name][o]);
      // the JSON has baseline option counts only inside the pair tables: sum one row of any pair
      if (P > 1) {
        const other = p === 0 ? 1 : 0;
        const row = j.baselinePairCounts[name][a.params[other].name][o];
        check(`optionBaseline ${name}=${o}`, a.optionBaseline(p, i), Object.values(row).reduce((s, v) => s + v, 0));
      }
    });
  }
  for (let x = 0; x < P; x++)
    for (let y = 0; y < P; y++) {
      if (x === y) continue;
      const A = a.params[x];
      const B = a.params[y];
      A.options.forEach((oa, i) =>
        B.options.forEach((ob, k) => {
          check(`pairSelected ${A.name}=${oa} ${B.name}=${ob}`, a.pairSelected(x, y, i, k), j.pairCounts[A.name][B.name][oa][ob]);
          check(`pairBaseline ${A.name}=${oa} ${B.name}=${ob}`, a.pairBaseline(x, y, i, k), j.baselinePairCounts[A.name][B.name][oa][ob]);
        }),
      );
    }
  const panels = a.primary >= 0 ? a.params[a.primary].options : [ALL_LABEL];
  for (let p = 0; p < P; p++) {
    const { name, options } = a.params[p];
    options.forEach((o, i) =>
      panels.forEach((lp, k) => {
        const byPanel = j.trellis[name][o][lp];
        const cells: [number, TrellisCell][] =
          a.secondary >= 0 ? a.params[a.secondary].options.map((ls, s) => [s, (byPanel as Record<string, TrellisCell>)[ls]]) : [[0, byPanel as TrellisCell]];
        for (const [s, want] of cells) {
          const got = a.trellis(p, i, k, s);
          check(`trellis count ${name}=${o} ${lp} ${s}`, got.count, want.count);
          close(`trellis mean ${name}=${o} ${lp} ${s}`, got.mean, want.mean);
        }
      }),
    );
  }
  return out;
}

describe('Answer', () => {
  it('reads, through every accessor, what the JSON and the row-by-row reference say', async () => {
    const seen = { groupless: 0, secondary: 0, plainTrellis: 0, pairs: 0 };
    for (let s = 500; s < 530; s++) {
      const sweep = randomSweep(s, { maxParams: 5 });
      const session = await Session.open(sweep, new InlineCpuEngine());
      for (let k = 0; k < 3; k++) {
        const spec: QuerySpec = randomQuery(sweep, s * 10 + k);
        const r = await session.query(spec);
        const a = r.answer;
        const label = `sweep ${s}, query ${JSON.stringify(spec)}`;
        expect(mismatches(a, toAggregateJson(a), true), label).toEqual([]);
        expect(mismatches(a, referenceAggregate(sweep, spec), false), label).toEqual([]);
        // the lazy JSON is the formatter's output, built once
        expect(r.json).toBe(r.json);
        expect(r.json).toEqual(toAggregateJson(a));
        // the labels are the sweep's own arrays, not copies
        a.params.forEach((p, i) => expect(p.options).toBe(sweep.params[i].labels));
        if (sweep.group >= 0) expect(a.groups).toBe(sweep.params[sweep.group].labels);
        else expect(a.groups).toEqual([ALL_LABEL]);
        if (sweep.group < 0) seen.groupless++;
        if (a.secondary >= 0) seen.secondary++;
        else seen.plainTrellis++;
        if (sweep.params.length > 1) seen.pairs++;
      }
    }
    // the random cases cover what the accessors distinguish
    expect(seen.groupless).toBeGreaterThan(0);
    expect(seen.secondary).toBeGreaterThan(0);
    expect(seen.plainTrellis).toBeGreaterThan(0);
    expect(seen.pairs).toBeGreaterThan(0);
  });

  it('shares one parameter list across the answers to a sweep', async () => {
    const sweep = randomSweep(3, { rows: 200, maxParams: 4 });
    const session = await Session.open(sweep, new InlineCpuEngine());
    const a = (await session.query({})).answer;
    const b = (await session.query({ normalize: true, range: [0.2, 0.6] })).answer;
    expect(b.params).toBe(a.params);
  });
});
