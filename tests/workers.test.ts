import { describe, it, expect, afterAll } from 'vitest';
import { InlineCpuEngine } from '../src/engine/cpu-engine.js';
import { createNodeWorkerEngine } from '../src/engine/node-workers.js';
import { Session } from '../src/engine/session.js';
import { generateNwsSweep } from '../src/synth/nws.js';
import { diffAggregates, referenceAggregate } from './reference.js';
import { randomQuery, randomSweep } from './random-sweep.js';

describe('worker CPU engine', () => {
  const engine = createNodeWorkerEngine(3);
  afterAll(() => engine.dispose());

  it('equals the main-thread engine on random sweeps, rows split over 3 workers', async () => {
    for (let s = 200; s < 240; s++) {
      const sweep = randomSweep(s, { maxParams: 5 });
      const inline = await Session.open(sweep, new InlineCpuEngine());
      const pooled = await Session.open(sweep, engine);
      for (let k = 0; k < 3; k++) {
        const spec = randomQuery(sweep, s * 31 + k);
        const a = (await inline.query(spec)).json;
        const b = (await pooled.query(spec)).json;
        expect(diffAggregates(b, a, 1e-12), `sweep ${s} ${JSON.stringify(spec)}`).toBeNull();
      }
    }
  });

  it('shares the sweep instead of copying it, and answers a synthetic sweep like the main thread', async () => {
    const sweep = generateNwsSweep(200_000, 5);
    expect(sweep.metrics[0].values.buffer).toBeInstanceOf(SharedArrayBuffer);
    const inline = await Session.open(sweep, new InlineCpuEngine());
    const pooled = await Session.open(sweep, engine);
    expect(pooled.packed.codes.buffer).toBeInstanceOf(SharedArrayBuffer);
    const spec = { normalize: true, range: [0.8, 1] as [number, number], secondary: 'optimizer' };
    const a = await inline.query(spec);
    const b = await pooled.query(spec);
    expect(b.json.selected).toBeGreaterThan(10_000);
    expect(diffAggregates(b.json, a.json, 1e-12)).toBeNull();
  });

  it('answers brush moves from sorted row ranges, split evenly over the workers, like the reference', async () => {
    const sweep = generateNwsSweep(60_000, 8);
    const pooled = await Session.open(sweep, engine);
    let checked = 0;
    for (const normalize of [true, false]) {
      for (const range of [[0.95, 1], [0.2, 0.9], [0, 1], [0.5, 0.5], [0.12, 0.3]] as [number, number][]) {
        const spec = { normalize, range, where: { optimizer: ['adam', 'sgd_momentum'] }, secondary: 'activation' };
        const got = (await pooled.query(spec)).json;
        expect(diffAggregates(got, referenceAggregate(sweep, spec)), JSON.stringify(spec)).toBeNull();
        checked++;
      }
    }
    expect(checked).toBe(10);
    expect(pooled.rangeQueries).toBeGreaterThanOrEqual(8);
  });
});
