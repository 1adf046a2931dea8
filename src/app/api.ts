/**
 * What the page exposes for automation (tests, the console) as `window.sweepscope`.
 *
 * ```js
 * await sweepscope.ready;                                   // the start-up sweep is on the engine
 * sweepscope.engine;                                        // {kind: 'webgpu', adapter: '…', reason?: '…'}
 * await sweepscope.query({normalize: true, range: [0.9, 1], where: {optimizer: ['adam']}});
 * await sweepscope.load({generate: {rows: 100000, seed: 2}});
 * await sweepscope.load({url: '/data/sweep.arrow'}, {metric: 'test_accuracy'});
 * await sweepscope.load(fileFromAnInput);
 * ```
 */

import type { AggregateJson } from '../engine/output.js';
import type { EngineInfo, QuerySpec } from '../engine/types.js';
import type { LoadOptions } from '../io/table.js';
import type { ViewState } from '../views/shared/view-state.js';

export type { LoadOptions } from '../io/table.js';

/** A synthetic sweep: the CLI's `generate --rows N --seed S` (seed defaults to 1). */
export interface GenerateSource {
  generate: { rows: number; seed?: number };
}

/** A file on the page's own origin, read as CSV or Arrow IPC (by extension, or by content when it has none). */
export interface UrlSource {
  url: string;
}

/** What `load` accepts: a generated sweep, a URL, or a `File` / `Blob` (its `name` picks the format, else its content). */
export type LoadSource = GenerateSource | UrlSource | Blob;

/** The sweep the page has loaded. */
export interface SweepSummary {
  /** `generated (seed S)` or the file's name. */
  name: string;
  rows: number;
  /** Parameter names, in column order. */
  params: string[];
  metrics: string[];
  /** The group parameter (stacking, normalization), or null. */
  group: string | null;
  /** Bytes the engine holds per training: packed codes, metrics, and the permutation to the file's rows. */
  bytesPerTraining: number;
}

/** How the last load went (benchmarks read it; the page shows the generation time in its status line). */
export interface LoadTimings {
  /** 'generate': the synthetic sweep generated in workers; 'read': a file read and parsed. */
  source: 'generate' | 'read';
  /** Generating the sweep, or reading and parsing the file, ms. */
  prepareMs: number;
  /** Sorting and packing the codes for the engine (in a worker), ms. */
  packMs: number;
  /** Putting the packed sweep on the engine (to the workers' memory or the GPU's buffers), ms. */
  uploadMs: number;
  /** The new sweep's first query, until the page shows it, ms. */
  firstQueryMs: number;
}

/** How the current sweep's queries were answered so far (the session's counters; for benchmarks and tests). */
export interface QueryPaths {
  /** Brush moves answered from the last answer: the smaller side counted, or the brush cube. */
  brush: number;
  /** Of those, the ones answered from the brush cube. */
  cube: number;
  /** Filter toggles answered as the last answer plus or minus the toggled options' rows. */
  delta: number;
}

/** The time of the last `query()`. */
export interface QueryTiming {
  /** From the call to the answer the views would draw (engine turn, engine, marginalizing), before the JSON is formatted, ms. */
  answerMs: number;
  /** The engine's own part, ms (0 for the very query answered last, returned as it was). */
  engineMs: number;
}

export interface SweepscopeApi {
  /**
   * Resolves once the start-up sweep (`?rows=N&seed=S`) is generated, on the
   * engine and its first query shown; rejects with the message if that failed.
   */
  readonly ready: Promise<void>;
  /** The engine answering queries now (it changes when the GPU engine falls back to the CPU). */
  readonly engine: EngineInfo;
  /** Rows (trainings) of the current sweep; 0 before the first one is loaded. */
  readonly rows: number;
  /** The current sweep, or null before the first one is loaded. */
  readonly sweep: SweepSummary | null;
  /**
   * Replaces the sweep. Resolves once the new sweep is on the engine and the
   * page shows its first query. Rejects with the one-line message of a bad
   * source (also shown on the page) and keeps the previous sweep.
   * `options` are the CLI's `--params`, `--metric` and `--group`, for files.
   */
  load(source: LoadSource, options?: LoadOptions): Promise<void>;
  /**
   * Runs a query (the CLI's `aggregate` options in JSON form; every field
   * optional) on the current sweep and resolves to exactly what
   * `sweepscope aggregate --json` prints for it. Does not change the page.
   */
  query(spec: QuerySpec): Promise<AggregateJson>;
  /** The explorer's view state now (a copy): what the address holds and the views show. */
  readonly state: ViewState;
  /** The aggregates the views show now (the answer to `state`'s query), or null before the first. */
  readonly lastResult: AggregateJson | null;
  /** How the last successful load went (generation or reading, packing, upload, first query), or null before one. */
  readonly loadTimings: LoadTimings | null;
  /** The last `query()`'s time without formatting its JSON (which the views never build), or null before one. */
  readonly lastQueryTiming: QueryTiming | null;
  /** How the current sweep's queries were answered so far (all zero before a sweep). */
  readonly queryPaths: QueryPaths;
  /**
   * Resolves once the brush cube for the current filters is built (true), or
   * when there is none to wait for (false: a small sweep, an engine without
   * cube counting, or none asked yet). Brush moves under those filters are
   * then answered from it.
   */
  cubeReady(): Promise<boolean>;
}

declare global {
  interface Window {
    sweepscope: SweepscopeApi;
  }
}
