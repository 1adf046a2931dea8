/** Seeded random sweeps and queries for property tests. */

import type { Sweep, Param } from '../src/model/sweep.js';
import type { QuerySpec } from '../src/engine/types.js';

/** mulberry32: a small seeded PRNG for tests. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomSweep(seed: number, opts: { rows?: number; maxParams?: number } = {}): Sweep {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const rows = opts.rows ?? pick([0, 1, 2, 7, 100, 1000, Math.floor(r() * 6000)]);
  const P = Math.floor(r() * ((opts.maxParams ?? 7) + 1));
  const params: Param[] = [];
  for (let p = 0; p < P; p++) {
    const card = pick([1, 1, 2, 3, 4, 5, 7, 16, 17, 33, 100, 255, 1 + Math.floor(r() * 255)]);
    const labels = Array.from({ length: card }, (_, o) => `p${p}o${o}`);
    const codes = new Uint8Array(rows);
    const skew = r() < 0.3;
    for (let i = 0; i < rows; i++) codes[i] = skew ? Math.floor(r() * r() * card) : Math.floor(r() * card);
    params.push({ name: `param${p}`, labels, codes, kind: 'categorical' });
  }
  const metrics = [0, 1].map((m) => {
    const values = new Float32Array(rows);
    const nanShare = pick([0, 0, 0.1, 0.5, 1]);
    const scale = pick([1, 100, 1e-3]);
    const coarse = r() < 0.3;
    for (let i = 0; i < rows; i++) {
      if (r() < nanShare) values[i] = r() < 0.5 ? NaN : pick([Infinity, -Infinity, NaN]);
      else values[i] = coarse ? Math.floor(r() * 5) / 4 : (r() - 0.2) * scale;
    }
    // non-finite values are stored as NaN by every loader
    for (let i = 0; i < rows; i++) if (!Number.isFinite(values[i])) values[i] = NaN;
    return { name: `metric${m}`, values };
  });
  const group = P > 0 && r() < 0.8 ? Math.floor(r() * P) : -1;
  return { rows, params, metrics, group };
}

export function randomQuery(sweep: Sweep, seed: number): QuerySpec {
  const r = rng(seed);
  const q: QuerySpec = {};
  if (r() < 0.5) q.metric = sweep.metrics[Math.floor(r() * sweep.metrics.length)].name;
  q.normalize = r() < 0.5;
  if (r() < 0.7) {
    const a = q.normalize ? r() * 1.2 - 0.1 : (r() - 0.3) * 2;
    const b = r() < 0.1 ? a : a + r() * (q.normalize ? 0.7 : 1.5);
    q.range = [a, b];
  }
  if (r() < 0.6 && sweep.params.length) {
    const where: Record<string, string[]> = {};
    for (const p of sweep.params) {
      if (r() < 0.5) continue;
      where[p.name] = p.labels.filter(() => r() < 0.6);
    }
    q.where = where;
  }
  if (sweep.params.length && r() < 0.5) q.primary = sweep.params[Math.floor(r() * sweep.params.length)].name;
  // Keep the trellis (options x primary x secondary cells) small enough to compare as JSON.
  const primary = q.primary ?? (sweep.group >= 0 ? sweep.params[sweep.group].name : undefined);
  const nPrimary = sweep.params.find((p) => p.name === primary)?.labels.length ?? 0;
  const small = sweep.params.filter((p) => p.labels.length * nPrimary <= 600);
  if (primary !== undefined && small.length && r() < 0.4) q.secondary = small[Math.floor(r() * small.length)].name;
  if (r() < 0.7) q.bins = 1 + Math.floor(r() * 60);
  return q;
}
