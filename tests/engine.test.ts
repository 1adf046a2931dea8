import { describe, it, expect } from 'vitest';
import { InlineCpuEngine } from '../src/engine/cpu-engine.js';
import { packSweep, Session } from '../src/engine/session.js';
import { referenceAggregate, diffAggregates } from './reference.js';
import { randomSweep, randomQuery, rng } from './random-sweep.js';

describe('CPU engine against the row-by-row reference', () => {
  // 100 sweeps in all: every combination of unit and table widths (s % 12) many times over.
  it.each([1, 31, 61, 91, 121])('agrees on 20 random sweeps from seed %i with 4 random queries each', async (first) => {
    let checked = 0;
    for (let s = first; s < first + 20; s++) {
      const sweep = randomSweep(s);
      const unitBits = [3, 6, 8, 12][s % 4];
      // tables cut finer than the layout's units, as the WebGPU engine does, on every other sweep
      const tableBits = s % 3 === 0 ? undefined : [1, 2, 5][s % 3];
      const session = await Session.open(sweep, new InlineCpuEngine(tableBits), unitBits);
      for (let k = 0; k < 4; k++) {
        const spec = randomQuery(sweep, s * 100 + k);
        const got = (await session.query(spec)).json;
        const want = referenceAggregate(sweep, spec);
        const d = diffAggregates(got, want);
        expect(d, `sweep ${s}, query ${JSON.stringify(spec)}`).toBeNull();
        checked++;
      }
    }
    expect(checked).toBe(80);
  });

  it('counts a brush of a single value and a row at the exact bin edges', async () => {
    const sweep = randomSweep(7, { rows: 500, maxParams: 3 });
    const vals = sweep.metrics[0].values;
    for (let i = 0; i < vals.length; i++) vals[i] = (i % 11) / 10;
    const session = await Session.open(sweep, new InlineCpuEngine());
    for (const spec of [
      { range: [0.3, 0.3] as [number, number], bins: 10 },
      { range: [0.7, 1] as [number, number], bins: 10, normalize: true },
      { range: [2, 3] as [number, number] },
    ]) {
      const got = (await session.query(spec)).json;
      expect(diffAggregates(got, referenceAggregate(sweep, spec))).toBeNull();
    }
    const single = (await session.query({ range: [Math.fround(0.3), Math.fround(0.3)] })).json;
    expect(single.selected).toBeGreaterThan(0);
  });

  it('answers brush moves incrementally, counting the selected or the unselected side, exactly', async () => {
    let incremental = 0;
    let ranged = 0;
    for (let s = 300; s < 340; s++) {
      const sweep = randomSweep(s, { maxParams: 5 });
      const session = await Session.open(sweep, new InlineCpuEngine());
      const base = randomQuery(sweep, s);
      // a sweep of brushes: wide ones (complement side) and narrow ones (selected side), on one baseline
      const ranges: ([number, number] | null)[] = [[0, 1], [0.1, 0.9], [0.5, 0.55], null, [-5, 5], [0.2, 0.2], [0.3, 0.9]];
      for (const range of ranges) {
        const spec = { ...base, range };
        const r = await session.query(spec);
        const d = diffAggregates(r.json, referenceAggregate(sweep, spec));
        expect(d, `sweep ${s} ${JSON.stringify(spec)}`).toBeNull();
      }
      incremental += session.brushQueries;
      ranged += session.rangeQueries;
    }
    // and many of them visited only the rows of one side of the brush
    expect(ranged).toBeGreaterThan(40);
    // most of those queries took the incremental path
    expect(incremental).toBeGreaterThan(40 * 5);
  });
});

describe('filter toggles answered from the last answer', () => {
  it('adds or removes only the toggled options\' rows, exactly, with the brush held or moving', async () => {
    let deltas = 0;
    for (let s = 700; s < 730; s++) {
      const sweep = randomSweep(s, { maxParams: 5 });
      if (!sweep.params.length || !sweep.metrics.length) continue;
      const session = await Session.open(sweep, new InlineCpuEngine(s % 2 ? 2 : undefined));
      const spec = { ...randomQuery(sweep, s), where: { ...(randomQuery(sweep, s).where ?? {}) } };
      const r = rng(s);
      for (let step = 0; step < 8; step++) {
        const p = sweep.params[Math.floor(r() * sweep.params.length)];
        const allowed = new Set(spec.where[p.name] ?? p.labels);
        const o = p.labels[Math.floor(r() * p.labels.length)];
        // one option off or on; sometimes the brush moves too, or the filter goes
        if (allowed.has(o)) allowed.delete(o);
        else allowed.add(o);
        spec.where[p.name] = p.labels.filter((l) => allowed.has(l));
        if (r() < 0.15) delete spec.where[p.name];
        if (r() < 0.2) spec.range = [r() * 0.5, 0.5 + r() * 0.5];
        const got = (await session.query(spec)).json;
        expect(diffAggregates(got, referenceAggregate(sweep, spec)), `sweep ${s} step ${step} ${JSON.stringify(spec)}`).toBeNull();
      }
      deltas += session.deltaQueries;
    }
    expect(deltas).toBeGreaterThan(60);
  });
});

describe('a sweep packed elsewhere (as the page packs in a worker)', () => {
  it('answers as Session.open does, and refuses a packing of another sweep', async () => {
    const sweep = randomSweep(12, { rows: 3000 });
    // what the pack worker sends back: a structured clone of packSweep's result
    const prepared = structuredClone(packSweep(sweep, 6));
    const session = await Session.fromPacked(sweep, prepared, new InlineCpuEngine());
    for (let k = 0; k < 3; k++) {
      const spec = randomQuery(sweep, 1200 + k);
      expect(diffAggregates((await session.query(spec)).json, referenceAggregate(sweep, spec)), JSON.stringify(spec)).toBeNull();
    }
    const other = randomSweep(13, { rows: 2000 });
    await expect(Session.fromPacked(other, prepared, new InlineCpuEngine())).rejects.toThrow(/a packed sweep of 3000 rows/);
  });
});

describe('memory', () => {
  it('says clearly when a sweep is too big for memory', async () => {
    const { allocF32 } = await import('../src/model/sweep.js');
    expect(() => allocF32(2 ** 40)).toThrow(/too big for this machine's memory/);
  });
});
