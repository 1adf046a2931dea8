/**
 * Generating the synthetic sweep in web workers. With shared memory the main
 * thread allocates SharedArrayBuffer-backed columns and every generate worker
 * fills its share of the rows in place; without it one worker generates all
 * rows and transfers the columns back.
 */

import { proxy, releaseProxy, wrap } from 'comlink';
import { SweepError, type Sweep } from '../model/sweep.js';
import { allocNwsColumns, checkSeed, finishNwsSweep, MAX_NWS_ROWS, type NwsColumns } from '../synth/nws.js';
import type { GenerateApi } from '../../workers/generate.worker.js';

export interface GenerateReport {
  sweep: Sweep;
  /** Generate workers used. */
  workers: number;
  /** Whether the workers wrote into shared memory. */
  shared: boolean;
  /** Wall time of the generation (workers plus finishing), ms. */
  ms: number;
}

export interface GenerateOptions {
  rows: number;
  seed: number;
  /** Workers to split the rows across when memory is shared. */
  workers: number;
  /** Whether SharedArrayBuffer may be used (the page is cross-origin isolated). */
  shared: boolean;
  onProgress?: (done: number, total: number) => void;
}

function startGenerateWorker(index: number): Worker {
  return new Worker(new URL('../../workers/generate.worker.ts', import.meta.url), {
    type: 'module',
    name: `sweepscope-generate-${index}`,
  });
}

export async function generateInWorkers(opts: GenerateOptions): Promise<GenerateReport> {
  const { rows, seed } = opts;
  if (!Number.isInteger(rows) || rows < 1 || rows > MAX_NWS_ROWS)
    throw new SweepError(`rows must be an integer from 1 to ${MAX_NWS_ROWS} (got ${rows}): set ?rows=N in the address`);
  checkSeed(seed);
  const t0 = performance.now();
  // Never more workers than chunks worth splitting.
  const count = opts.shared ? Math.max(1, Math.min(Math.floor(opts.workers), Math.ceil(rows / 16384))) : 1;
  const done = new Array<number>(count).fill(0);
  const report = (): void => {
    opts.onProgress?.(
      done.reduce((a, b) => a + b, 0),
      rows,
    );
  };
  const workers = Array.from({ length: count }, (_, i) => startGenerateWorker(i));
  const remotes = workers.map((w) => wrap<GenerateApi>(w));
  const failures = workers.map(
    (w) =>
      new Promise<never>((_, reject) => {
        w.addEventListener('error', (e) => reject(new Error(`generate worker failed: ${e.message || 'could not start'}`)));
      }),
  );
  // Marked handled: only the race below reports them, and only while it runs.
  for (const f of failures) f.catch(() => undefined);
  try {
    let cols: NwsColumns;
    if (opts.shared) {
      cols = allocNwsColumns(rows);
      const jobs = remotes.map((r, i) => {
        const start = Math.floor((rows * i) / count);
        const end = Math.floor((rows * (i + 1)) / count);
        return r
          .generate(
            seed,
            start,
            end,
            cols,
            proxy((n: number) => {
              done[i] = Math.max(done[i], n);
              report();
            }),
          )
          .then(() => {
            done[i] = end - start;
            report();
          });
      });
      await Promise.race([Promise.all(jobs), ...failures]);
    } else {
      cols = await Promise.race([
        remotes[0].generateAll(
          seed,
          rows,
          proxy((n: number) => {
            done[0] = Math.max(done[0], n);
            report();
          }),
        ),
        ...failures,
      ]);
      done[0] = rows;
      report();
    }
    const sweep = finishNwsSweep(rows, cols);
    return { sweep, workers: count, shared: opts.shared, ms: performance.now() - t0 };
  } finally {
    for (const r of remotes) r[releaseProxy]();
    for (const w of workers) w.terminate();
  }
}
