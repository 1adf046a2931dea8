/**
 * The compiled CLI (bin/build.mjs: one bundled module and its worker) answers
 * like the sources, with worker threads, from a directory of its own.
 */

import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InlineCpuEngine } from '../src/engine/cpu-engine.js';
import { Session } from '../src/engine/session.js';
import { writeCsv } from '../src/io/csv.js';
import { readSweepFile } from '../src/io/load.js';
import { generateNwsSweep } from '../src/synth/nws.js';
import { diffAggregates } from './reference.js';
import type { AggregateJson } from '../src/engine/output.js';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('the compiled CLI', () => {
  it('builds, starts without tsx and aggregates like the sources on two workers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sweepscope-build-'));
    try {
      const b = spawnSync(process.execPath, [join(root, 'bin/build.mjs'), '--outdir', join(dir, 'cli')], { encoding: 'utf8' });
      expect(b.status, b.stderr).toBe(0);
      const sweep = generateNwsSweep(3000, 4);
      const file = join(dir, 'sweep.csv');
      writeFileSync(file, writeCsv(sweep));
      const args = ['aggregate', file, '--normalize', '--range', '0.5,1', '--where', 'optimizer=adam,sgd_momentum', '--json', '--workers', '2'];
      const r = spawnSync(process.execPath, [join(dir, 'cli/sweepscope.mjs'), ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const got = JSON.parse(r.stdout) as AggregateJson;
      const session = await Session.open(await readSweepFile(file), new InlineCpuEngine());
      const want = (await session.query({ normalize: true, range: [0.5, 1], where: { optimizer: ['adam', 'sgd_momentum'] } })).json;
      expect(got.rows).toBe(3000);
      expect(diffAggregates(got, want)).toBeNull();
      // one line and exit code 2 for a user error, from the compiled code too
      const bad = spawnSync(process.execPath, [join(dir, 'cli/sweepscope.mjs'), 'aggregate', join(dir, 'nope.csv')], { encoding: 'utf8' });
      expect(bad.status).toBe(2);
      expect(bad.stderr).toMatch(/^sweepscope: cannot read '.*nope\.csv': no such file\n$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
