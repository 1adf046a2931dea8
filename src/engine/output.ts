/**
 * Aggregates as labelled JSON: the shape `sweepscope aggregate --json` prints
 * and the page's `query()` resolves to. Labels as keys, so it reads without a
 * codebook.
 */

import { ALL_LABEL, type Answer } from './answer.js';
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

export { ALL_LABEL, histogramEdges } from './answer.js';

/**
 * The answer as labelled JSON: what the CLI prints and the page's automation
 * API returns. The views read the Answer itself; this is built only when a
 * client asks for the JSON (every pair table as nested dicts is not free).
 */
export function toAggregateJson(answer: Answer): AggregateJson {
  const { params, raw, bins } = answer;
  const P = params.length;
  const labels = params.map((p) => p.options);
  const names = params.map((p) => p.name);
  const groupLabels = [...answer.groups];
  const histRows = (h: Uint32Array): number[][] => groupLabels.map((_, g) => Array.from(h.subarray(g * bins, (g + 1) * bins)));

  const optionCounts = dict<Record<string, number>>();
  for (let p = 0; p < P; p++) optionCounts[names[p]] = dictFrom(labels[p].map((l, o) => [l, answer.optionSelected(p, o)] as const));

  const pairCounts: PairCountsJson = dict();
  const baselinePairCounts: PairCountsJson = dict();
  for (const n of names) {
    pairCounts[n] = dict();
    baselinePairCounts[n] = dict();
  }
  for (let a = 0; a < P; a++)
    for (let b = a + 1; b < P; b++) {
      for (const [count, dst] of [
        [(i: number, j: number) => answer.pairSelected(a, b, i, j), pairCounts],
        [(i: number, j: number) => answer.pairBaseline(a, b, i, j), baselinePairCounts],
      ] as const) {
        const ab = dict<Record<string, number>>();
        const ba = dict<Record<string, number>>();
        for (const lb of labels[b]) ba[lb] = dict();
        labels[a].forEach((la, i) => {
          ab[la] = dict();
          labels[b].forEach((lb, j) => {
            const v = count(i, j);
            ab[la][lb] = v;
            ba[lb][la] = v;
          });
        });
        dst[names[a]][names[b]] = ab;
        dst[names[b]][names[a]] = ba;
      }
    }

  const primaryLabels = answer.primary >= 0 ? labels[answer.primary] : [ALL_LABEL];
  const secondaryLabels = answer.secondary >= 0 ? labels[answer.secondary] : null;
  const trellis: TrellisJson = dict();
  for (let p = 0; p < P; p++) {
    const byOption = dict<Record<string, TrellisCell | Record<string, TrellisCell>>>();
    labels[p].forEach((lo, o) => {
      const byPrimary = dict<TrellisCell | Record<string, TrellisCell>>();
      primaryLabels.forEach((lp, i) => {
        byPrimary[lp] = secondaryLabels
          ? dictFrom(secondaryLabels.map((ls, s) => [ls, answer.trellis(p, o, i, s)] as const))
          : answer.trellis(p, o, i);
      });
      byOption[lo] = byPrimary;
    });
    trellis[names[p]] = byOption;
  }

  return {
    rows: raw.rows,
    missing: raw.missing,
    baseline: raw.baseline,
    selected: raw.selected,
    metric: answer.metric,
    ...(answer.lowerIsBetter ? { lowerIsBetter: true as const } : {}),
    normalize: answer.normalize,
    range: answer.range ? [answer.range[0], answer.range[1]] : null,
    group: answer.group >= 0 ? names[answer.group] : null,
    primary: answer.primary >= 0 ? names[answer.primary] : null,
    secondary: answer.secondary >= 0 ? names[answer.secondary] : null,
    params: params.map((p) => ({ name: p.name, options: [...p.options] })),
    histogram: {
      groups: groupLabels,
      edges: [...answer.edges],
      baseline: histRows(raw.histBaseline),
      selected: histRows(raw.histSelected),
    },
    optionCounts,
    pairCounts,
    baselinePairCounts,
    trellis,
  };
}
