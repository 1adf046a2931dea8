import { NATS_CSV } from './shared-data.js';
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateNwsSweep } from '../src/synth/nws.js';
import { InlineCpuEngine } from '../src/engine/cpu-engine.js';
import { Session } from '../src/engine/session.js';
import { diffAggregates } from './reference.js';
import type { AggregateJson } from '../src/engine/output.js';

const bin = fileURLToPath(new URL('../bin/sweepscope.mjs', import.meta.url));
const nats = NATS_CSV;

function cli(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('sweepscope CLI', () => {
  it('aggregates nats-bench-201.csv: 46875 rows, 21581 in the top normalized decile', () => {
    const r = cli(
      'aggregate',
      nats,
      '--params',
      'dataset,n1_from_n0,n2_from_n0,n2_from_n1,n3_from_n0,n3_from_n1,n3_from_n2',
      '--metric',
      'test_accuracy',
      '--normalize',
      '--range',
      '0.9,1',
      '--json',
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as AggregateJson;
    expect(j.rows).toBe(46875);
    expect(j.selected).toBe(21581);
    expect(j.baseline).toBe(46875);
    expect(j.params.map((p) => p.options.length)).toEqual([3, 5, 5, 5, 5, 5, 5]);
    const perDataset = j.histogram.selected.map((bins) => bins.reduce((s, x) => s + x, 0));
    expect(perDataset.reduce((s, x) => s + x, 0)).toBe(21581);
    expect(Object.values(j.optionCounts.dataset).reduce((s, x) => s + x, 0)).toBe(21581);
    expect(Object.keys(j.pairCounts.n1_from_n0.dataset)).toEqual(j.params[1].options);
  });

  it('generates a sweep file and aggregates it to the same numbers as the in-process engine', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sweepscope-'));
    try {
      for (const ext of ['arrow', 'csv']) {
        const out = join(dir, `g.${ext}`);
        const g = cli('generate', '--rows', '20000', '--seed', '9', '--out', out);
        expect(g.code, g.stderr).toBe(0);
        expect(g.stderr).toContain('generating 20000 trainings');
        const args = ['--normalize', '--range', '0.5,0.9', '--where', 'optimizer=adam,rmsprop', '--secondary', 'activation', '--bins', '20'];
        const r = cli('aggregate', out, ...args, '--workers', '2', '--json');
        expect(r.code, r.stderr).toBe(0);
        const got = JSON.parse(r.stdout) as AggregateJson;
        const session = await Session.open(generateNwsSweep(20000, 9), new InlineCpuEngine());
        const want = (
          await session.query({
            normalize: true,
            range: [0.5, 0.9],
            where: { optimizer: ['adam', 'rmsprop'] },
            secondary: 'activation',
            bins: 20,
          })
        ).json;
        expect(got.selected).toBeGreaterThan(0);
        // CSV reads text parameters back in natural order, so compare by labels, which the JSON keys are.
        expect(diffAggregates(sortKeys(byGroup(got)), sortKeys(byGroup(want)), 1e-6)).toBeNull();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [['aggregate', nats, '--where', 'dataset=cifar11'], /unknown option 'cifar11' for parameter 'dataset' \(options: cifar10, cifar100, imagenet16-120\)/],
    [['aggregate', nats, '--metric', 'loss'], /loss/],
    [['aggregate', nats, '--range', '0.9'], /--range '0.9': write it as lo,hi/],
    [['aggregate', nats, '--bins', 'many'], /--bins must be an integer/],
    [['aggregate', 'nope.csv'], /cannot read 'nope.csv': no such file/],
    [['aggregate', nats, '--frobnicate'], /Unknown option '--frobnicate'/],
    [['generate', '--rows', '-5', '--out', 'x.csv'], /--rows/],
    [['generate', '--rows', '10', '--out', 'x.parquet'], /must end in \.arrow or \.csv/],
    [['explode'], /unknown command 'explode'/],
    [['generate', '--rows', '4000000000', '--out', 'x.arrow'], /needs about \d+\.\d GiB, more than this machine's \d+ GiB allow: use fewer --rows/],
  ])('rejects %j with one clear line and exit code 2', (args, message) => {
    const r = cli(...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

/** The histogram keyed by group label instead of group order. */
function byGroup(j: AggregateJson): unknown {
  const { groups, baseline, selected, edges } = j.histogram;
  return {
    ...j,
    histogram: { edges, ...Object.fromEntries(groups.map((g, i) => [g, { baseline: baseline[i], selected: selected[i] }])) },
  };
}

/** Object keys sorted recursively and params' options sorted, so label order does not matter. */
function sortKeys(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(sortKeys);
  if (x === null || typeof x !== 'object') return x;
  const o = x as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o).sort()) out[k] = k === 'options' && Array.isArray(o[k]) ? [...(o[k] as string[])].sort() : sortKeys(o[k]);
  return out;
}

describe('a lower-is-better metric', () => {
  it('is said so in the answer (and the histogram title), only for a loss-like metric', async () => {
    const { writeFileSync } = await import('node:fs');
    const dir = mkdtempSync(join(tmpdir(), 'sweepscope-loss-'));
    try {
      const loss = join(dir, 'loss.csv');
      writeFileSync(loss, 'optimizer,val_loss\nadam,0.5\nsgd,0.9\nadam,0.4\nsgd,0.7\n');
      const a = JSON.parse(cli('aggregate', loss, '--json').stdout) as AggregateJson;
      expect(a.metric).toBe('val_loss');
      expect(a.lowerIsBetter).toBe(true);
      const acc = join(dir, 'acc.csv');
      writeFileSync(acc, 'optimizer,val_acc\nadam,0.5\nsgd,0.9\nadam,0.4\nsgd,0.7\n');
      expect('lowerIsBetter' in (JSON.parse(cli('aggregate', acc, '--json').stdout) as object)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
