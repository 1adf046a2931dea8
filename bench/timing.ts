/** What the benchmarks share: percentiles, and timing a query as a user would repeat it. */

import type { Session } from '../src/engine/session.js';
import type { QuerySpec } from '../src/engine/types.js';

/** The p-quantile (0..1) of `xs`; NaN for none. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
}

export interface QueryTimes {
  /** The first run (warm-up, and the full query a brush move starts from), ms. */
  first: number;
  /** Each timed run, submit to answer, ms. */
  times: number[];
  /** The engine's own time of each timed run, ms. */
  engineTimes: number[];
  /** Selected / baseline of the last run. */
  share: number;
}

/**
 * Runs `spec` once to warm up, then `repeats` times with its brush's low
 * edge moved by 0.001 every other run, as a user dragging it would;
 * `incremental` lets the session answer brush moves from the last full query.
 */
export async function timeQuery(session: Session, spec: QuerySpec, incremental: boolean, repeats: number): Promise<QueryTimes> {
  session.incremental = incremental;
  let t0 = performance.now();
  await session.query(spec);
  const first = performance.now() - t0;
  const times: number[] = [];
  const engineTimes: number[] = [];
  let share = 0;
  for (let i = 0; i < repeats; i++) {
    const q = spec.range ? { ...spec, range: [spec.range[0] + (i % 2) * 0.001, spec.range[1]] as [number, number] } : spec;
    t0 = performance.now();
    const r = await session.query(q);
    times.push(performance.now() - t0);
    engineTimes.push(r.engineMs);
    share = r.answer.baseline ? r.answer.selected / r.answer.baseline : 0;
  }
  return { first, times, engineTimes, share };
}
