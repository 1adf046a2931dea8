/** What the page exposes for automation (tests, the console) as `window.sweepscope`. */

import type { AggregateJson } from '../engine/output.js';
import type { EngineInfo, QuerySpec } from '../engine/types.js';

export interface SweepscopeApi {
  /** Resolves once the sweep is generated, loaded on the engine and the first query shown; rejects if that failed. */
  ready: Promise<void>;
  /** The engine answering queries. */
  engine: EngineInfo;
  /** Runs a query on the loaded sweep (after `ready`) and resolves to its aggregates; does not change the page. */
  query(spec: QuerySpec): Promise<AggregateJson>;
  /** Rows (trainings) of the sweep. */
  rows: number;
}

declare global {
  interface Window {
    sweepscope: SweepscopeApi;
  }
}
