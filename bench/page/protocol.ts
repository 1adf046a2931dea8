/**
 * What bench/run.ts and the pages it drives say to each other (types only):
 * the bench page's peers (bench/page/main.ts) and the runner injected into
 * the explorer page (bench/page/app-entry.ts).
 */

import type { PeerProgress, PeerReport } from '../../src/bench/peers/common.js';
import type { BenchProgress, OursReport, RunOptions } from '../../src/bench/runner.js';
import type { ReferenceAnswers } from '../../src/bench/workload.js';

export type PeerId = 'js-scan' | 'crossfilter-reduce' | 'crossfilter-views' | 'duckdb-wasm';

export interface PagePeerOptions {
  repeats: number;
  toggleRepeats: number;
  /** Repeats of DuckDB's UNION ALL form (its GROUPING SETS form takes `repeats`). */
  unionRepeats?: number;
  /** crossfilter: give up building after this long, ms. */
  maxBuildMs?: number;
  /** crossfilter (dimension per view): stop once the measured heap per dimension says the rest cannot fit (default), or build on until the heap runs out. */
  projectFit?: boolean;
  /** DuckDB-WASM: threads to ask for. */
  threads?: number;
}

export interface Prepared {
  rows: number;
  missing: number;
  /** Generating the sweep in workers, and deriving x and the bins, ms. */
  generateMs: number;
  columnsMs: number;
  workers: number;
  shared: boolean;
  /** The JS heap limit where the page tells (performance.memory), bytes. */
  heapLimit: number | null;
}

export type PeerOutcome = { ok: true; reports: PeerReport[] } | { ok: false; mismatch: string };

export interface BenchPageApi {
  prepare(rows: number, seed: number): Promise<Prepared>;
  run(peer: PeerId, ref: ReferenceAnswers, options: PagePeerOptions): Promise<PeerOutcome>;
}

export interface AppBenchApi {
  run(options: Omit<RunOptions, 'onProgress' | 'signal'>): Promise<OursReport>;
}

declare global {
  interface Window {
    __benchPage?: BenchPageApi;
    __sweepscopeBench?: AppBenchApi;
    /** Set by bench/run.ts (puppeteer's exposeFunction): progress back to Node. */
    __benchProgress?: (p: PeerProgress | BenchProgress) => void;
  }
}
