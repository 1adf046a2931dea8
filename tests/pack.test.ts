import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packSweep } from '../src/engine/session.js';
import { f32ToOrdered } from '../src/engine/f32.js';
import { inlinePackPool, orderKey, packSweepParallel, type FineBuckets, type PackJob, type PackPool, type PackResult, type PackStep } from '../src/engine/pack-parallel.js';
import { startNodePackPool } from '../src/engine/pack-parallel-node.js';
import { generateNwsSweep } from '../src/synth/nws.js';
import type { Sweep } from '../src/model/sweep.js';
import { randomSweep, rng } from './random-sweep.js';

/** A typed array's bytes, to compare megabytes at once. */
function bytes(a: ArrayBufferView): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

function sameBytes(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return a.constructor === b.constructor && bytes(a).equals(bytes(b));
}

/** Where a parallel packing differs from packSweep's, or null. */
function difference(got: PackResult, want: PackResult): string | null {
  if (JSON.stringify(got.layout) !== JSON.stringify(want.layout)) return 'layout';
  const g = got.packed;
  const w = want.packed;
  if (g.rows !== w.rows || g.words !== w.words) return 'rows or words';
  if (!sameBytes(g.codes, w.codes)) return 'codes';
  if (!sameBytes(g.perm, w.perm)) return 'perm';
  if (g.metrics.length !== w.metrics.length) return 'metric count';
  for (let m = 0; m < w.metrics.length; m++) if (!sameBytes(g.metrics[m], w.metrics[m])) return `metric ${m}`;
  if (!w.order || !g.order) return w.order || g.order || 'order' in g !== 'order' in w ? 'order on one side only' : null;
  if (g.order.metric !== w.order.metric) return 'order metric';
  if (!sameBytes(g.order.groupStart, w.order.groupStart)) return 'groupStart';
  if (!sameBytes(g.order.finiteEnd, w.order.finiteEnd)) return 'finiteEnd';
  return null;
}

function shared<T extends Uint8Array | Float32Array>(a: T): T {
  const copy = (a instanceof Uint8Array ? new Uint8Array(new SharedArrayBuffer(a.byteLength)) : new Float32Array(new SharedArrayBuffer(a.byteLength))) as T;
  copy.set(a);
  return copy;
}

/** The sweep with its columns copied into shared memory (randomSweep's are not), as the loaders allocate them. */
function inSharedMemory(s: Sweep): Sweep {
  return {
    ...s,
    params: s.params.map((p) => ({ ...p, codes: shared(p.codes) })),
    metrics: s.metrics.map((m) => ({ ...m, values: shared(m.values) })),
  };
}

/** A pool that counts the steps it runs. */
function counting(pool: PackPool): PackPool & { steps: PackStep[] } {
  const steps: PackStep[] = [];
  return {
    size: pool.size,
    steps,
    run(step, tasks) {
      steps.push(step);
      return pool.run(step, tasks);
    },
  };
}

const UNIT_BITS = [3, 6, 8, 9];

describe('the order key', () => {
  it('is sortRows key: f32ToOrdered as unsigned, -0 as +0, NaN above all', () => {
    const f = new Float32Array(1);
    const u = new Uint32Array(f.buffer);
    const r = rng(5);
    const special = [0, -0, 1, -1, Infinity, -Infinity, 1e-45, -1e-45, 3.4e38, -3.4e38, 0.5, NaN];
    for (let k = 0; k < 20000; k++) {
      if (k < special.length) f[0] = special[k];
      else u[0] = Math.floor(r() * 2 ** 32);
      const v = f[0];
      const want = v !== v ? 0xffffffff : (f32ToOrdered(v) + 0x80000000) >>> 0;
      expect(orderKey(u[0]), `bits ${u[0].toString(16)}`).toBe(want);
    }
  });
});

describe('parallel packing equals packSweep', () => {
  it('on 300 random sweeps, inline with 1, 2 and 3 workers', async () => {
    let splits = 0;
    for (let s = 1; s <= 300; s++) {
      const sweep = inSharedMemory(randomSweep(s));
      const unitBits = UNIT_BITS[s % 4];
      const want = packSweep(sweep, unitBits);
      for (const workers of [1, 2, 3]) {
        const pool = counting(inlinePackPool(workers));
        const got = await packSweepParallel(sweep, pool, unitBits, 0);
        expect(pool.steps.length, `sweep ${s}: the parallel path ran`).toBeGreaterThan(0);
        expect(difference(got, want), `sweep ${s}, ${sweep.rows} rows, ${workers} workers`).toBeNull();
        if (pool.steps.includes('split')) splits++;
      }
    }
    // crowded buckets (few distinct values) are split on some of them
    expect(splits).toBeGreaterThan(20);
  });

  it('on values packSweep must order exactly: signed zeros, infinities, subnormals, ties, clusters and outliers', async () => {
    const r = rng(9);
    const makers: ((i: number) => number)[] = [
      () => (r() < 0.5 ? 0 : -0),
      (i) => [Infinity, -Infinity, NaN, 0, 1e-45, -1e-45, 1.5][i % 7],
      () => 0.25,
      () => (r() < 0.999 ? 0.5 + r() * 1e-6 : r() < 0.5 ? 3e38 : -3e38),
      () => Math.floor(r() * 3) - 1,
      () => (r() - 0.5) * 2 ** Math.floor(r() * 200 - 100),
    ];
    for (const [k, make] of makers.entries()) {
      const base = randomSweep(1000 + k, { rows: 5000, maxParams: 5 });
      const values = base.metrics[0].values;
      for (let i = 0; i < values.length; i++) values[i] = make(i);
      const sweep = inSharedMemory(base);
      const want = packSweep(sweep);
      for (const workers of [1, 3]) expect(difference(await packSweepParallel(sweep, inlinePackPool(workers), undefined, 0), want), `values ${k}`).toBeNull();
    }
  });

  it('with many rows per bucket, several words a row and a group of 255 options', async () => {
    const base = randomSweep(77, { rows: 60000, maxParams: 12 });
    const group = { ...base.params[0], labels: Array.from({ length: 255 }, (_, o) => `g${o}`), codes: base.params[0].codes.map((_, i) => (i * 7919) % 255) };
    const sweep = inSharedMemory({ ...base, params: [group, ...base.params.slice(1)], group: 0 });
    for (const unitBits of [3, 8]) {
      const want = packSweep(sweep, unitBits);
      for (const workers of [2, 5]) expect(difference(await packSweepParallel(sweep, inlinePackPool(workers), unitBits, 0), want)).toBeNull();
    }
  });

  it('packs sweeps not in shared memory, or small, with packSweep itself', async () => {
    const small = inSharedMemory(randomSweep(3, { rows: 1000 }));
    const pool = counting(inlinePackPool(2));
    expect(difference(await packSweepParallel(small, pool), packSweep(small))).toBeNull();
    const unshared = randomSweep(4, { rows: 1000 });
    expect(difference(await packSweepParallel(unshared, pool, 8, 0), packSweep(unshared))).toBeNull();
    expect(pool.steps).toEqual([]);
  });

  describe('in Node worker threads', () => {
    let pools: { n: number; pool: PackPool & { close(): Promise<void> } }[] = [];
    beforeAll(() => {
      pools = [1, 2, 3].map((n) => ({ n, pool: startNodePackPool(n) }));
    });
    afterAll(async () => {
      await Promise.all(pools.map((p) => p.pool.close()));
    });

    it('on 40 random sweeps with 1, 2 and 3 workers', async () => {
      for (let s = 400; s < 440; s++) {
        const sweep = inSharedMemory(randomSweep(s));
        const unitBits = UNIT_BITS[s % 4];
        const want = packSweep(sweep, unitBits);
        for (const { n, pool } of pools) expect(difference(await packSweepParallel(sweep, pool, unitBits, 0), want), `sweep ${s}, ${n} workers`).toBeNull();
      }
    });

    it('on a generated sweep of 200K trainings with 1, 2 and 3 workers', async () => {
      const sweep = generateNwsSweep(200_000, 3);
      const want = packSweep(sweep);
      for (const { n, pool } of pools) {
        const counted = counting(pool);
        expect(difference(await packSweepParallel(sweep, counted), want), `${n} workers`).toBeNull();
        expect(counted.steps).toContain('scatter');
      }
    });

    it('on a tight cluster of values with far outliers, splitting its crowded bucket', async () => {
      const base = generateNwsSweep(150_000, 4);
      const r = rng(11);
      const values = new Float32Array(new SharedArrayBuffer(base.rows * 4));
      for (let i = 0; i < base.rows; i++) values[i] = r() < 0.01 ? (r() < 0.5 ? 0 : 1e30) : 0.99 + 0.0001 * r();
      for (const group of [-1, 0]) {
        const sweep = { ...base, group, metrics: [{ name: 'accuracy', values }, ...base.metrics] };
        const want = packSweep(sweep);
        for (const { n, pool } of pools) {
          const counted = counting(pool);
          expect(difference(await packSweepParallel(sweep, counted), want), `${n} workers, group ${group}`).toBeNull();
          // in one group the cluster is crowded enough to split, unless one worker takes all rows (then buckets may be 8 times bigger)
          if (n > 1 && group < 0) expect(counted.steps, `${n} workers`).toContain('split');
        }
      }
    });

    it('reports a step that throws in a worker as one line', async () => {
      const broken = { job: {} as PackJob, fine: {} as FineBuckets, start: 0, end: 1 };
      await expect(pools[1].pool.run('count', [broken, broken])).rejects.toThrow(/^pack worker failed: [^\n]+$/);
    });

    it('without metrics: codes in file order and an identity permutation', async () => {
      const base = generateNwsSweep(100_000, 2);
      const sweep = { ...base, metrics: [] };
      const want = packSweep(sweep);
      for (const { pool } of pools) expect(difference(await packSweepParallel(sweep, pool), want)).toBeNull();
    });
  });
});
