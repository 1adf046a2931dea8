/**
 * Column resolution: a user query (names and labels, as the CLI's flags and
 * the page's state give it) checked against a sweep and turned into indices
 * and code sets. Every mistake in a query is a SweepError that says what to
 * give instead.
 */

import { SweepError, findMetric, findParam, type Sweep } from '../model/sweep.js';
import type { QuerySpec } from './types.js';

export const DEFAULT_BINS = 50;
/** Histogram bins a query may ask for (not the parameter bins of src/model/binning.ts). */
export const MAX_HISTOGRAM_BINS = 4096;

/** A query checked against a sweep: indices and code sets instead of names and labels. */
export interface ResolvedQuery {
  readonly metric: number;
  readonly normalize: boolean;
  readonly range: readonly [number, number] | null;
  /** Per parameter, allowed codes (1 = allowed), or null for no filter. */
  readonly filters: readonly (Uint8Array | null)[];
  /** Trellis primary parameter (default the group), -1 for none. */
  readonly primary: number;
  readonly secondary: number;
  readonly bins: number;
}

export function resolveQuery(sweep: Sweep, spec: QuerySpec): ResolvedQuery {
  if (sweep.metrics.length === 0) throw new SweepError('the sweep has no numeric metric column');
  const metric = spec.metric === undefined ? 0 : findMetric(sweep, spec.metric);
  const bins = spec.bins ?? DEFAULT_BINS;
  if (!Number.isInteger(bins) || bins < 1 || bins > MAX_HISTOGRAM_BINS)
    throw new SweepError(`bins must be an integer from 1 to ${MAX_HISTOGRAM_BINS}, not ${spec.bins}`);
  let range: [number, number] | null = null;
  if (spec.range) {
    const [lo, hi] = spec.range;
    if (typeof lo !== 'number' || typeof hi !== 'number' || Number.isNaN(lo) || Number.isNaN(hi))
      throw new SweepError(`range must be two numbers lo,hi, not ${JSON.stringify(spec.range)}`);
    if (lo > hi) throw new SweepError(`range ${lo},${hi} is empty: give the lower bound first`);
    range = [lo, hi];
  }
  const filters: (Uint8Array | null)[] = sweep.params.map(() => null);
  for (const [name, options] of Object.entries(spec.where ?? {})) {
    const p = findParam(sweep, name);
    const labels = sweep.params[p].labels;
    const allowed = new Uint8Array(labels.length);
    for (const o of options) {
      const code = labels.indexOf(o);
      if (code < 0) throw new SweepError(`unknown option '${o}' for parameter '${name}' (options: ${labels.join(', ')})`);
      allowed[code] = 1;
    }
    filters[p] = allowed;
  }
  const primary = spec.primary === undefined ? sweep.group : findParam(sweep, spec.primary);
  const secondary = spec.secondary === undefined || spec.secondary === null ? -1 : findParam(sweep, spec.secondary);
  if (secondary >= 0 && primary < 0) throw new SweepError('a secondary parameter needs a primary one: give --primary too');
  return { metric, normalize: spec.normalize ?? false, range, filters, primary, secondary, bins };
}
