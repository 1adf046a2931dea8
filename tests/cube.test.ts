import { describe, expect, it } from 'vitest';
import { InlineCpuEngine } from '../src/engine/cpu-engine.js';
import { FallbackEngine } from '../src/engine/fallback-engine.js';
import { Session } from '../src/engine/session.js';
import { createNodeWorkerEngine } from '../src/engine/node-workers.js';
import { generateNwsSweep } from '../src/synth/nws.js';
import type { Engine, KernelPlan, QuerySpec, TableCounts } from '../src/engine/types.js';
import type { Sweep } from '../src/model/sweep.js';
import { diffAggregates, referenceAggregate } from './reference.js';
import { randomQuery, randomSweep, rng } from './random-sweep.js';

/** The query's answer equals the row-by-row reference's. */
async function expectExact(session: Session, sweep: Sweep, spec: QuerySpec, what: string): Promise<void> {
  const got = (await session.query(spec)).json;
  expect(diffAggregates(got, referenceAggregate(sweep, spec)), `${what}: ${JSON.stringify(spec)}`).toBeNull();
}

/** Shown values of some rows, to put brush edges exactly on rows (and so on block boundaries). */
function rowValues(sweep: Sweep, metric: number, normalize: boolean, count: number, seed: number): number[] {
  const r = rng(seed);
  const values = sweep.metrics[metric].values;
  const finite = Array.from(values).filter((v) => v === v);
  if (!finite.length) return [];
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  return Array.from({ length: count }, () => {
    const v = finite[Math.floor(r() * finite.length)];
    return normalize ? (hi > lo ? (v - lo) / (hi - lo) : 0) : v;
  });
}

/** Shown values of rows where cube blocks begin (rows sorted by the first metric), so brush edges fall on block boundaries. */
function boundaryValues(session: Session, normalize: boolean, seed: number): number[] {
  const R = session.cubeBlockRows;
  const values = session.packed.metrics[0];
  const order = session.packed.order;
  if (!R || !order) return [0, 1, 0.5];
  const r = rng(seed);
  const out: number[] = [];
  for (let tries = 0; out.length < 3 && tries < 50; tries++) {
    const p = R * Math.floor((r() * values.length) / R);
    const v = values[p];
    if (v !== v) continue;
    let g = 0;
    while (order.groupStart[g + 1] <= p) g++;
    const lo = values[order.groupStart[g]];
    const hi = values[order.finiteEnd[g] - 1];
    const all = Array.from(values).filter((x) => x === x);
    const [min, max] = normalize ? [lo, hi] : [Math.min(...all), Math.max(...all)];
    out.push(normalize ? (max > min ? (v - min) / (max - min) : 0) : v);
  }
  while (out.length < 3) out.push(0.5);
  return out;
}

const ordered = (a: number, b: number): [number, number] => [Math.min(a, b), Math.max(a, b)];

/** A range whose edges fall between rows' values (when they differ by more than the nudge). */
function betweenRows(a: number, b: number): [number, number] {
  const lo = Math.min(a, b) + 1e-7;
  return [lo, Math.max(lo, Math.max(a, b) - 1e-7)];
}

describe('the brush cube', () => {
  it('answers brush steps exactly: edges on rows and block boundaries, between, outside; filters before and after the brush; raw and normalized; empty', async () => {
    let fromCube = 0;
    for (let s = 500; s < 516; s++) {
      const sweep = randomSweep(s, { rows: 900 + (s % 7) * 200, maxParams: 6 });
      if (!sweep.metrics.length) continue;
      const session = await Session.open(sweep, new InlineCpuEngine());
      session.cubeMinRows = 0;
      session.cubeMinBlockRows = 8 + (s % 5) * 16;
      const base = randomQuery(sweep, s);
      // the cube follows the rows' order: the first metric
      const spec: QuerySpec = { ...base, metric: sweep.metrics[0].name, range: null };
      const normalize = spec.normalize ?? false;
      const r = rng(s);
      for (const phase of ['filters before the brush', 'filters changed with the brush held']) {
        if (phase !== 'filters before the brush' && sweep.params.length) {
          // a filter change with the brush held: a full query, then a new cube
          const p = sweep.params[Math.floor(r() * sweep.params.length)];
          spec.where = { ...(spec.where ?? {}), [p.name]: p.labels.filter(() => r() < 0.7) };
        }
        await expectExact(session, sweep, spec, phase);
        await session.cubeReady();
        const edges = rowValues(sweep, 0, normalize, 8, s * 7);
        const onBlocks = boundaryValues(session, normalize, s);
        const ranges: [number, number][] = [
          ordered(edges[0] ?? 0, edges[1] ?? 1),
          ordered(edges[2] ?? 0, edges[3] ?? 0),
          [edges[4] ?? 0, edges[4] ?? 0], // one value
          [-1e9, 1e9], // everything
          [1e9, 2e9], // outside: nothing
          [0.1, 0.6],
          [r() * 0.5, 0.5 + r() * 0.5],
          betweenRows(edges[5] ?? 0, edges[6] ?? 0),
          ordered(onBlocks[0], onBlocks[1]), // both edges on rows at block boundaries
          ordered(onBlocks[2], edges[7] ?? 0),
        ];
        for (const range of ranges) {
          spec.range = range;
          await expectExact(session, sweep, spec, `sweep ${s}, ${phase}`);
        }
        // bins of the histogram change nothing in the cube
        await expectExact(session, sweep, { ...spec, bins: 7 }, `sweep ${s}, other bins`);
      }
      fromCube += session.cubeQueries;
    }
    expect(fromCube).toBeGreaterThan(80);
  });

  it('answers a sliding brush on the generated sweep from the cube, in the workers, exactly', async () => {
    const sweep = generateNwsSweep(120_000, 3);
    const engine = createNodeWorkerEngine(2);
    try {
      const session = await Session.open(sweep, engine);
      session.cubeMinRows = 100_000;
      const spec: QuerySpec = { normalize: true, where: { batch_size: ['32', '64', '128'] } };
      await session.query(spec);
      expect(await session.cubeReady()).toBe(true);
      expect(session.cubeBytes).toBeGreaterThan(0);
      for (let k = 0; k < 6; k++) await expectExact(session, sweep, { ...spec, range: [0.2 + 0.1 * k, 0.35 + 0.1 * k] }, 'slide');
      expect(session.cubeQueries).toBe(6);
      // a filter toggle: answered in full, and a new cube follows
      const off = { ...spec, where: { batch_size: ['32', '64'] }, range: [0.5, 0.7] as [number, number] };
      await expectExact(session, sweep, off, 'toggle');
      expect(session.cubeQueries).toBe(6);
      expect(await session.cubeReady()).toBe(true);
      await expectExact(session, sweep, { ...off, range: [0.52, 0.72] }, 'after toggle');
      expect(session.cubeQueries).toBe(7);
    } finally {
      await engine.dispose();
    }
  });

  it('stays exact when the GPU is lost while the cube is built', async () => {
    const sweep = generateNwsSweep(60_000, 5);
    let lost = false;
    const inner = new InlineCpuEngine();
    // a "GPU" that works until the device is lost, then fails every call
    const gpu: Engine = {
      info: { kind: 'webgpu', adapter: 'test device' },
      load: (d) => inner.load(d),
      stats: (m, g, n) => (lost ? Promise.reject(new Error('device lost')) : inner.stats(m, g, n)),
      run: (p: KernelPlan): Promise<TableCounts> => (lost ? Promise.reject(new Error('device lost')) : inner.run(p)),
      rowPage: (r) => inner.rowPage(r),
      rowSample: (r) => inner.rowSample(r),
      dispose: async () => undefined,
    };
    const engine = new FallbackEngine(gpu, () => new InlineCpuEngine());
    const session = await Session.open(sweep, engine);
    session.cubeMinRows = 0;
    const spec: QuerySpec = { normalize: false, where: { optimizer: ['adam', 'sgd_momentum'] } };
    await expectExact(session, sweep, spec, 'first');
    lost = true; // while the cube's blocks are being counted
    await expectExact(session, sweep, { ...spec, range: [0.3, 0.6] }, 'during the build');
    expect(engine.fellBack).toBe(true);
    await session.cubeReady();
    for (const range of [[0.35, 0.65], [0.4, 0.41], [0, 1]] as [number, number][]) await expectExact(session, sweep, { ...spec, range }, 'after');
    expect(session.cubeQueries).toBeGreaterThan(0);
  });
});
