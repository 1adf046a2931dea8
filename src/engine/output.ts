/**
 * Aggregates as labelled JSON: the shape `sweepscope aggregate --json` prints
 * and the page's `query()` resolves to. Labels as keys, so it reads without a
 * codebook.
 */

import type { Sweep } from '../model/sweep.js';
import type { ResolvedQuery } from './resolve.js';
import type { MetricStats, RawAggregates } from './types.js';
import { dict, dictFrom } from '../model/dict.js';

export interface TrellisCell {
  count: number;
  /** Mean of the shown metric over the cell's baseline rows; null when empty. */
  mean: number | null;
}

/** trellis[param][option][primaryOption] (then [secondaryOption] when a secondary is set). */
export type TrellisJson = Record<string, Record<string, Record<string, TrellisCell | Record<string, TrellisCell>>>>;
export type PairCountsJson = Record<string, Record<string, Record<string, Record<string, number>>>>;

export interface AggregateJson {
  rows: number;
  missing: number;
  baseline: number;
  selected: number;
  metric: string;
  /** Present (true) when lower values of the metric are better (a loss, an error). */
  lowerIsBetter?: true;
  normalize: boolean;
  range: [number, number] | null;
  group: string | null;
  primary: string | null;
  secondary: string | null;
  params: { name: string; options: string[] }[];
  histogram: {
    groups: string[];
    /** bins + 1 edges on the shown axis. */
    edges: number[];
    baseline: number[][];
    selected: number[][];
  };
  optionCounts: Record<string, Record<string, number>>;
  /** For every ordered pair of distinct parameters. */
  pairCounts: PairCountsJson;
  baselinePairCounts: PairCountsJson;
  trellis: TrellisJson;
}

/** The label of the single pseudo-option used when there is no group or no primary parameter. */
export const ALL_LABEL = '(all)';

export function histogramEdges(stats: MetricStats, normalize: boolean, bins: number): number[] {
  const empty = !(stats.globalMin <= stats.globalMax);
  const lo = normalize || empty ? 0 : stats.globalMin;
  const hi = normalize || empty ? 1 : stats.globalMax;
  return Array.from({ length: bins + 1 }, (_, k) => (k === bins ? hi : lo + ((hi - lo) * k) / bins));
}

export function toAggregateJson(sweep: Sweep, q: ResolvedQuery, stats: MetricStats, raw: RawAggregates): AggregateJson {
  const P = sweep.params.length;
  const labels = sweep.params.map((p) => p.labels);
  const names = sweep.params.map((p) => p.name);
  const groupLabels = sweep.group >= 0 ? [...labels[sweep.group]] : [ALL_LABEL];
  const bins = q.bins;
  const histRows = (h: Uint32Array): number[][] => groupLabels.map((_, g) => Array.from(h.subarray(g * bins, (g + 1) * bins)));

  const optionCounts = dict<Record<string, number>>();
  let off = 0;
  for (let p = 0; p < P; p++) {
    optionCounts[names[p]] = dictFrom(labels[p].map((l, o) => [l, raw.optionSelected[off + o]] as const));
    off += labels[p].length;
  }

  const pairCounts: PairCountsJson = dict();
  const baselinePairCounts: PairCountsJson = dict();
  for (const n of names) {
    pairCounts[n] = dict();
    baselinePairCounts[n] = dict();
  }
  off = 0;
  for (let a = 0; a < P; a++)
    for (let b = a + 1; b < P; b++) {
      const cb = labels[b].length;
      for (const [src, dst] of [
        [raw.pairSelected, pairCounts],
        [raw.pairBaseline, baselinePairCounts],
      ] as const) {
        const ab = dict<Record<string, number>>();
        const ba = dict<Record<string, number>>();
        for (const lb of labels[b]) ba[lb] = dict();
        labels[a].forEach((la, i) => {
          ab[la] = dict();
          labels[b].forEach((lb, j) => {
            const v = src[off + i * cb + j];
            ab[la][lb] = v;
            ba[lb][la] = v;
          });
        });
        dst[names[a]][names[b]] = ab;
        dst[names[b]][names[a]] = ba;
      }
      off += labels[a].length * cb;
    }

  const primaryLabels = q.primary >= 0 ? labels[q.primary] : [ALL_LABEL];
  const secondaryLabels = q.secondary >= 0 ? labels[q.secondary] : null;
  const nS = secondaryLabels ? secondaryLabels.length : 1;
  const cells = Math.max(1, primaryLabels.length) * nS;
  const cell = (i: number): TrellisCell => {
    const n = raw.trellisCount[i];
    return { count: n, mean: n === 0 ? null : raw.trellisSum[i] / n };
  };
  const trellis: TrellisJson = dict();
  off = 0;
  for (let p = 0; p < P; p++) {
    const byOption = dict<Record<string, TrellisCell | Record<string, TrellisCell>>>();
    labels[p].forEach((lo, o) => {
      const byPrimary = dict<TrellisCell | Record<string, TrellisCell>>();
      primaryLabels.forEach((lp, i) => {
        const base = off + o * cells + i * nS;
        byPrimary[lp] = secondaryLabels
          ? dictFrom(secondaryLabels.map((ls, s) => [ls, cell(base + s)] as const))
          : cell(base);
      });
      byOption[lo] = byPrimary;
    });
    trellis[names[p]] = byOption;
    off += labels[p].length * cells;
  }

  return {
    rows: raw.rows,
    missing: raw.missing,
    baseline: raw.baseline,
    selected: raw.selected,
    metric: sweep.metrics[q.metric].name,
    ...(sweep.metrics[q.metric].lowerIsBetter ? { lowerIsBetter: true as const } : {}),
    normalize: q.normalize,
    range: q.range ? [q.range[0], q.range[1]] : null,
    group: sweep.group >= 0 ? names[sweep.group] : null,
    primary: q.primary >= 0 ? names[q.primary] : null,
    secondary: q.secondary >= 0 ? names[q.secondary] : null,
    params: sweep.params.map((p) => ({ name: p.name, options: [...p.labels] })),
    histogram: {
      groups: groupLabels,
      edges: histogramEdges(stats, q.normalize, bins),
      baseline: histRows(raw.histBaseline),
      selected: histRows(raw.histSelected),
    },
    optionCounts,
    pairCounts,
    baselinePairCounts,
    trellis,
  };
}
