/**
 * Brush bounds are compared at the stored precision: metrics are float32 and
 * f32(0.7) < 0.7, so a training whose metric is written `0.7` in the file is
 * inside a range that starts or ends at 0.7 (both ends inclusive), in the
 * engine (counts and rows), the reference and the CLI.
 */

import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InlineCpuEngine } from '../src/engine/cpu-engine.js';
import { Session } from '../src/engine/session.js';
import { parseCsv } from '../src/io/csv.js';
import { diffAggregates, inBrush, referenceAggregate } from './reference.js';

// metric values that are round decimals; 0 and 1 make the normalized value equal the raw one
const VALUES = ['0', '0.25', '0.25', '0.7', '0.7', '0.8', '0.9', '0.9', '0.95', '1'];
const CSV = `opt,acc\n${VALUES.map((v, i) => `${'abc'[i % 3]},${v}`).join('\n')}\n`;

describe('range bounds at the stored precision', () => {
  it('a value that reads as the bound is inside the brush', () => {
    expect(Math.fround(0.7) < 0.7).toBe(true); // why this matters
    expect(inBrush(Math.fround(0.7), 0.7, 0.9)).toBe(true);
    expect(inBrush(Math.fround(0.9), 0.7, 0.9)).toBe(true);
    expect(inBrush(Math.fround(0.69999), 0.7, 0.9)).toBe(false);
    expect(inBrush(Math.fround(0.90001), 0.7, 0.9)).toBe(false);
  });

  it.each([
    { range: [0.7, 0.9] as [number, number], normalize: false, selected: 5 },
    { range: [0.25, 0.7] as [number, number], normalize: false, selected: 4 },
    { range: [0.7, 0.7] as [number, number], normalize: false, selected: 2 },
    { range: [0.25, 0.9] as [number, number], normalize: true, selected: 7 },
    { range: [0.9, 0.95] as [number, number], normalize: true, selected: 3 },
  ])('counts both ends of $range (normalized: $normalize)', async ({ range, normalize, selected }) => {
    const sweep = parseCsv(CSV, 'round.csv', { params: ['opt'], metric: 'acc' });
    const session = await Session.open(sweep, new InlineCpuEngine());
    const spec = { range, normalize, bins: 10 };
    const got = (await session.query(spec)).json;
    expect(got.selected).toBe(selected);
    expect(diffAggregates(got, referenceAggregate(sweep, spec))).toBeNull();
    // a brush move (the incremental path) lands on the same answer
    const moved = (await session.query({ ...spec, range: [range[0] - 0.05, range[1]] })).json;
    expect(moved.selected).toBeGreaterThanOrEqual(selected);
    const back = (await session.query(spec)).json;
    expect(back.selected).toBe(selected);
  });

  it('the CLI: --range 0.7,0.9 keeps the trainings at 0.7 and 0.9', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sweepscope-range-'));
    try {
      const file = join(dir, 'round.csv');
      writeFileSync(file, CSV);
      const bin = fileURLToPath(new URL('../bin/sweepscope.mjs', import.meta.url));
      const r = spawnSync(process.execPath, [bin, 'aggregate', file, '--params', 'opt', '--metric', 'acc', '--range', '0.7,0.9', '--json', '--workers', '0'], {
        encoding: 'utf8',
      });
      expect(r.stderr).toBe('');
      expect((JSON.parse(r.stdout) as { selected: number }).selected).toBe(5);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
