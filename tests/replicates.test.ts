// Combining replicates: one row per configuration, the metrics' means over the
// replicates, and the first metric's count and standard deviation, checked
// against a row-by-row computation.

import { describe, expect, it } from 'vitest';
import { combineReplicates } from '../src/model/replicates.js';
import type { Sweep } from '../src/model/sweep.js';

/** 2 optimizers × 2 learning rates (one bin, two raw values) × 3 seeds; the seed is not a parameter. */
function sweep(): Sweep {
  const opt: number[] = [];
  const lr: number[] = [];
  const acc: number[] = [];
  const loss: number[] = [];
  let x = 1;
  for (let seed = 0; seed < 3; seed++)
    for (let o = 0; o < 2; o++)
      for (const l of [0.1, 0.2]) {
        opt.push(o);
        lr.push(l);
        x = (x * 48271) % 2147483647;
        // One missing accuracy: adam, lr 0.2, seed 1.
        acc.push(o === 0 && l === 0.2 && seed === 1 ? NaN : 0.5 + (x % 1000) / 4000);
        loss.push(1 - (x % 1000) / 2000);
      }
  const rows = opt.length;
  return {
    rows,
    params: [
      { name: 'optimizer', labels: ['adam', 'sgd'], codes: Uint8Array.from(opt), kind: 'categorical' },
      // Both raw values fall in one bin: still two configurations.
      { name: 'lr', labels: ['0.1–0.2'], codes: new Uint8Array(rows), kind: 'numeric', values: Float32Array.from(lr) },
    ],
    metrics: [
      { name: 'acc', values: Float32Array.from(acc) },
      { name: 'loss', values: Float32Array.from(loss), lowerIsBetter: true },
    ],
    group: -1,
  };
}

describe('combineReplicates', () => {
  it('gives one row per configuration with means, counts and standard deviations', () => {
    const s = sweep();
    const c = combineReplicates(s);
    expect(c.rows).toBe(4);
    expect(c.metrics.map((m) => m.name)).toEqual(['acc', 'acc (n)', 'acc (sd)', 'loss']);
    expect(c.metrics[3].lowerIsBetter).toBe(true);
    // Row by row: the rows of each configuration, in order of first appearance.
    for (let k = 0; k < c.rows; k++) {
      const rows: number[] = [];
      for (let r = 0; r < s.rows; r++)
        if (s.params[0].codes[r] === c.params[0].codes[k] && s.params[1].values![r] === c.params[1].values![k]) rows.push(r);
      expect(rows.length).toBe(3);
      const acc = rows.map((r) => s.metrics[0].values[r]).filter((v) => !Number.isNaN(v));
      const mean = acc.reduce((a, b) => a + b, 0) / acc.length;
      const sd = Math.sqrt(acc.reduce((a, b) => a + (b - mean) ** 2, 0) / (acc.length - 1));
      expect(c.metrics[0].values[k]).toBeCloseTo(mean, 6);
      expect(c.metrics[1].values[k]).toBe(acc.length);
      expect(c.metrics[2].values[k]).toBeCloseTo(sd, 5);
      const loss = rows.map((r) => s.metrics[1].values[r]);
      expect(c.metrics[3].values[k]).toBeCloseTo(loss.reduce((a, b) => a + b, 0) / 3, 6);
    }
    // adam, lr 0.2 has two accuracies (one is missing).
    expect(Array.from(c.metrics[1].values)).toEqual([3, 2, 3, 3]);
    expect(c.notes).toEqual(['replicates combined: 12 trainings into 4 configurations (mean of acc, with its count and standard deviation)']);
  });

  it('keeps a configuration whose metric is missing in every replicate, as missing', () => {
    const s = sweep();
    for (let r = 0; r < s.rows; r++) if (s.params[0].codes[r] === 1) s.metrics[0].values[r] = NaN;
    const c = combineReplicates(s);
    expect(c.rows).toBe(4);
    expect(Array.from(c.metrics[0].values).map(Number.isNaN)).toEqual([false, false, true, true]);
    expect(Array.from(c.metrics[1].values)).toEqual([3, 2, 0, 0]);
  });
});

describe('sweepscope aggregate --combine-replicates', () => {
  it('answers over one row per configuration, and says when there is no replicate', async () => {
    const { spawnSync } = await import('node:child_process');
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'sweepscope-replicates-'));
    try {
      const lines = ['optimizer,seed,acc'];
      for (const o of ['adam', 'sgd']) for (const seed of [1, 2, 3]) lines.push(`${o},${seed},${o === 'adam' ? 0.5 + seed / 10 : 0.4}`);
      const file = join(dir, 'runs.csv');
      writeFileSync(file, `${lines.join('\n')}\n`);
      const bin = join(import.meta.dirname, '..', 'bin', 'sweepscope.mjs');
      const r = spawnSync(process.execPath, [bin, 'aggregate', file, '--combine-replicates', '--json'], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      const j = JSON.parse(r.stdout) as { rows: number; trellis: Record<string, Record<string, Record<string, { count: number; mean: number }>>> };
      expect(j.rows).toBe(2);
      const noSeed = join(dir, 'plain.csv');
      writeFileSync(noSeed, 'optimizer,acc\nadam,0.5\nsgd,0.6\nadam,0.7\n');
      const bad = spawnSync(process.execPath, [bin, 'aggregate', noSeed, '--combine-replicates'], { encoding: 'utf8' });
      expect(bad.status).toBe(2);
      expect(bad.stderr).toBe(`sweepscope: --combine-replicates: ${noSeed} has no replicate column (seed, run, …): name one with --replicate\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
