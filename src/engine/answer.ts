/**
 * A query's answer as the views read it: the engine's counts (RawAggregates,
 * by codes) with the sweep's names and labels to read them by, and accessors
 * that know the arrays' offsets, so no view computes one. The CLI and the
 * page's automation API format the same answer as labelled JSON (output.ts).
 */

import type { Sweep } from '../model/sweep.js';
import type { ResolvedQuery } from './resolve.js';
import type { MetricStats, RawAggregates } from './types.js';

/** The label of the single pseudo-option used when there is no group or no primary parameter. */
export const ALL_LABEL = '(all)';

/** The stack labels of a sweep without a group: one stack. */
const ALL_ONLY: readonly string[] = Object.freeze([ALL_LABEL]);

export function histogramEdges(stats: MetricStats, normalize: boolean, bins: number): number[] {
  const empty = !(stats.globalMin <= stats.globalMax);
  const lo = normalize || empty ? 0 : stats.globalMin;
  const hi = normalize || empty ? 1 : stats.globalMax;
  return Array.from({ length: bins + 1 }, (_, k) => (k === bins ? hi : lo + ((hi - lo) * k) / bins));
}

/** A parameter as an answer names it: `options` is the sweep's own labels array, never a copy. */
export interface AnswerParam {
  readonly name: string;
  readonly options: readonly string[];
}

/** What an answer is made of: the counts, the query they answer, and the names to read them by. */
export interface AnswerInit {
  readonly params: readonly AnswerParam[];
  /** The group parameter's index, -1 for none. */
  readonly group: number;
  readonly metric: string;
  readonly lowerIsBetter: boolean;
  readonly normalize: boolean;
  readonly range: readonly [number, number] | null;
  readonly primary: number;
  readonly secondary: number;
  readonly bins: number;
  readonly stats: MetricStats;
  readonly raw: RawAggregates;
}

/** A trellis cell: its baseline rows and the mean of the shown value over them (null when empty). */
export interface AnswerCell {
  readonly count: number;
  readonly mean: number | null;
}

/** Offsets into the option and pair arrays: they depend only on the options' counts, so one per parameter list. */
interface Codebook {
  /** Per parameter, the first index of its options in the option arrays. */
  readonly option: Int32Array;
  /** [a * P + b] for a < b: the first index of the pair's table in the pair arrays. */
  readonly pair: Int32Array;
}

const codebooks = new WeakMap<readonly AnswerParam[], Codebook>();
const sweepParams = new WeakMap<Sweep, readonly AnswerParam[]>();

function codebook(params: readonly AnswerParam[]): Codebook {
  let book = codebooks.get(params);
  if (book) return book;
  const P = params.length;
  const option = new Int32Array(P);
  const pair = new Int32Array(P * P);
  let off = 0;
  for (let p = 0; p < P; p++) {
    option[p] = off;
    off += params[p].options.length;
  }
  off = 0;
  for (let a = 0; a < P; a++)
    for (let b = a + 1; b < P; b++) {
      pair[a * P + b] = off;
      off += params[a].options.length * params[b].options.length;
    }
  book = { option, pair };
  codebooks.set(params, book);
  return book;
}

/**
 * The sweep's parameters as answers name them, made once per sweep: every
 * answer to the sweep shares the list (and its offsets), and each `options`
 * is the sweep's labels array itself.
 */
export function answerParams(sweep: Sweep): readonly AnswerParam[] {
  let params = sweepParams.get(sweep);
  if (!params) {
    params = Object.freeze(sweep.params.map((p) => Object.freeze({ name: p.name, options: p.labels })));
    sweepParams.set(sweep, params);
  }
  return params;
}

export class Answer {
  readonly rows: number;
  readonly missing: number;
  readonly baseline: number;
  readonly selected: number;
  /** The shown metric's name. */
  readonly metric: string;
  readonly lowerIsBetter: boolean;
  readonly normalize: boolean;
  readonly range: readonly [number, number] | null;
  readonly params: readonly AnswerParam[];
  /** The group parameter's index, -1 for none. */
  readonly group: number;
  /** The histogram's stack labels: the group's options, or [ALL_LABEL] without a group. */
  readonly groups: readonly string[];
  /** The trellis's panel parameter and its secondary, -1 for none. */
  readonly primary: number;
  readonly secondary: number;
  readonly bins: number;
  /** bins + 1 edges on the shown axis. */
  readonly edges: readonly number[];
  readonly stats: MetricStats;
  readonly raw: RawAggregates;
  private readonly book: Codebook;
  /** Per parameter, the first index of its trellis cells (they depend on the primary and secondary). */
  private readonly trellisOff: Int32Array;
  /** Trellis cells per option: panels times secondary options. */
  private readonly cells: number;
  private readonly nSecondary: number;

  constructor(init: AnswerInit) {
    const { params, raw } = init;
    this.rows = raw.rows;
    this.missing = raw.missing;
    this.baseline = raw.baseline;
    this.selected = raw.selected;
    this.metric = init.metric;
    this.lowerIsBetter = init.lowerIsBetter;
    this.normalize = init.normalize;
    this.range = init.range;
    this.params = params;
    this.group = init.group;
    this.groups = init.group >= 0 ? params[init.group].options : ALL_ONLY;
    this.primary = init.primary;
    this.secondary = init.secondary;
    this.bins = init.bins;
    this.edges = histogramEdges(init.stats, init.normalize, init.bins);
    this.stats = init.stats;
    this.raw = raw;
    this.book = codebook(params);
    this.nSecondary = init.secondary >= 0 ? params[init.secondary].options.length : 1;
    this.cells = (init.primary >= 0 ? Math.max(1, params[init.primary].options.length) : 1) * this.nSecondary;
    this.trellisOff = new Int32Array(params.length);
    let off = 0;
    for (let p = 0; p < params.length; p++) {
      this.trellisOff[p] = off;
      off += params[p].options.length * this.cells;
    }
  }

  /** The answer to a resolved query on a sweep, named by the sweep's own labels. */
  static of(sweep: Sweep, q: ResolvedQuery, stats: MetricStats, raw: RawAggregates): Answer {
    const m = sweep.metrics[q.metric];
    return new Answer({
      params: answerParams(sweep),
      group: sweep.group,
      metric: m.name,
      lowerIsBetter: m.lowerIsBetter === true,
      normalize: q.normalize,
      range: q.range,
      primary: q.primary,
      secondary: q.secondary,
      bins: q.bins,
      stats,
      raw,
    });
  }

  /** The group parameter's name, null without a group (the views' titles say it). */
  get groupName(): string | null {
    return this.group >= 0 ? this.params[this.group].name : null;
  }

  /** Selected rows with option o of parameter p. */
  optionSelected(p: number, o: number): number {
    return this.raw.optionSelected[this.book.option[p] + o];
  }

  /** Baseline rows (those the filters pass) with option o of parameter p. */
  optionBaseline(p: number, o: number): number {
    return this.raw.optionBaseline[this.book.option[p] + o];
  }

  /** Selected rows with option oa of a and ob of b (a ≠ b, either order). */
  pairSelected(a: number, b: number, oa: number, ob: number): number {
    return this.raw.pairSelected[this.pairIndex(a, b, oa, ob)];
  }

  /** Baseline rows with option oa of a and ob of b (a ≠ b, either order). */
  pairBaseline(a: number, b: number, oa: number, ob: number): number {
    return this.raw.pairBaseline[this.pairIndex(a, b, oa, ob)];
  }

  /** Selected rows of stack g in histogram bin `bin`. */
  histSelected(g: number, bin: number): number {
    return this.raw.histSelected[g * this.bins + bin];
  }

  /** Rows the filters pass, of stack g in histogram bin `bin`. */
  histBaseline(g: number, bin: number): number {
    return this.raw.histBaseline[g * this.bins + bin];
  }

  /**
   * The trellis cell of option o of parameter p in the panel of the primary's
   * option (0 without a primary) and the secondary's option (ignored without
   * a secondary).
   */
  trellis(p: number, o: number, primaryOption: number, secondaryOption = 0): AnswerCell {
    const i = this.trellisOff[p] + o * this.cells + primaryOption * this.nSecondary + (this.secondary >= 0 ? secondaryOption : 0);
    const count = this.raw.trellisCount[i];
    return { count, mean: count === 0 ? null : this.raw.trellisSum[i] / count };
  }

  private pairIndex(a: number, b: number, oa: number, ob: number): number {
    // the engine keeps one table per unordered pair, a < b, row-major by a's option
    if (a > b) return this.pairIndex(b, a, ob, oa);
    return this.book.pair[a * this.params.length + b] + oa * this.params[b].options.length + ob;
  }
}
