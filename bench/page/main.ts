/**
 * The bench page (bench/page/index.html, served by the Vite dev server; not
 * part of the app build): the same generated sweep as the explorer's (the
 * project's generator, in workers), the peers' columns, and the peers run on
 * Node's request with sweepscope's answers to check against: the JS scan,
 * crossfilter2 (two ways) and DuckDB-WASM. bench/run.ts opens a fresh page
 * for each crossfilter form, so a heap that runs out ends only that page.
 */

import { generateInWorkers } from '../../src/app/generate.js';
import { brushColumns, type BrushColumns } from '../../src/bench/columns.js';
import { runCrossfilterReduce, runCrossfilterViews } from '../../src/bench/peers/crossfilter.js';
import { runJsScan } from '../../src/bench/peers/js-scan.js';
import type { PeerOptions, PeerReport } from '../../src/bench/peers/common.js';
import { heapUsed } from '../../src/bench/stats.js';
import { AnswerMismatch } from '../../src/bench/workload.js';
import { loadDuckWasm, runDuckWasm, startDuckWasm } from './duckdb-wasm.js';
import type { BenchPageApi, PeerOutcome } from './protocol.js';

let cols: BrushColumns | null = null;
const status = document.getElementById('status');
const say = (s: string): void => {
  if (status) status.textContent = s;
};

const api: BenchPageApi = {
  async prepare(rows, seed) {
    cols = null;
    say(`generating ${rows} trainings…`);
    const shared = globalThis.crossOriginIsolated === true && typeof SharedArrayBuffer !== 'undefined';
    const workers = Math.max(1, navigator.hardwareConcurrency || 1);
    const gen = await generateInWorkers({ rows, seed, workers, shared });
    const t0 = performance.now();
    cols = brushColumns(gen.sweep);
    const columnsMs = performance.now() - t0;
    say(`${rows} trainings ready`);
    return { rows, missing: cols.missing, generateMs: gen.ms, columnsMs, workers: gen.workers, shared: gen.shared, heapLimit: heapUsed()?.limit ?? null };
  },

  async run(peer, ref, options): Promise<PeerOutcome> {
    const c = cols;
    if (!c) throw new Error('prepare() first');
    const o: PeerOptions = { repeats: options.repeats, toggleRepeats: options.toggleRepeats, onProgress: (p) => window.__benchProgress?.(p) };
    say(`running ${peer}…`);
    try {
      let reports: PeerReport[];
      if (peer === 'js-scan') reports = [await runJsScan(c, ref, o)];
      else if (peer === 'crossfilter-reduce') reports = [await runCrossfilterReduce(c, ref, { ...o, maxBuildMs: options.maxBuildMs })];
      else if (peer === 'crossfilter-views') reports = [await runCrossfilterViews(c, ref, { ...o, maxBuildMs: options.maxBuildMs, projectFit: options.projectFit })];
      else {
        const d = await startDuckWasm(options.threads ?? 1);
        try {
          const loadMs = await loadDuckWasm(d, c);
          reports = await runDuckWasm(d, c, ref, loadMs, o, { ...o, repeats: options.unionRepeats ?? options.repeats, toggleRepeats: 0 });
        } finally {
          await d.close();
        }
      }
      say(`${peer} done`);
      return { ok: true, reports };
    } catch (e) {
      if (e instanceof AnswerMismatch) return { ok: false, mismatch: e.message };
      throw e;
    }
  },
};

window.__benchPage = api;
