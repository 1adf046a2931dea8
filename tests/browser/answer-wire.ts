/**
 * The view harnesses' answers across puppeteer: `page.evaluate` passes only
 * JSON-like data, so an Answer computed in Node travels as its parts (the
 * labels, the RawAggregates' arrays as plain arrays, the resolved query's
 * fields, the statistics) and is rebuilt in the page by the same constructor
 * the engine uses. The tests keep asserting on the AggregateJson of the same
 * query; `jsonOf` remembers which wire goes with which JSON.
 */

import { Answer } from '../../src/engine/answer.js';
import type { AggregateJson } from '../../src/engine/output.js';
import type { QueryResult } from '../../src/engine/session.js';

/** A number that JSON would turn into null (NaN, ±Infinity) travels as its spelling. */
type WireNumber = number | string;

export interface AnswerWire {
  params: { name: string; options: string[] }[];
  group: number;
  metric: string;
  lowerIsBetter: boolean;
  normalize: boolean;
  range: [number, number] | null;
  primary: number;
  secondary: number;
  bins: number;
  stats: { min: WireNumber[]; max: WireNumber[]; globalMin: WireNumber; globalMax: WireNumber };
  raw: {
    rows: number;
    missing: number;
    baseline: number;
    selected: number;
    histBaseline: number[];
    histSelected: number[];
    optionSelected: number[];
    optionBaseline: number[];
    pairSelected: number[];
    pairBaseline: number[];
    trellisCount: number[];
    trellisSum: number[];
  };
}

const put = (x: number): WireNumber => (Number.isFinite(x) ? x : String(x));
const take = (x: WireNumber): number => (typeof x === 'number' ? x : Number(x));

export function toWire(a: Answer): AnswerWire {
  const r = a.raw;
  return {
    params: a.params.map((p) => ({ name: p.name, options: [...p.options] })),
    group: a.group,
    metric: a.metric,
    lowerIsBetter: a.lowerIsBetter,
    normalize: a.normalize,
    range: a.range ? [a.range[0], a.range[1]] : null,
    primary: a.primary,
    secondary: a.secondary,
    bins: a.bins,
    stats: { min: Array.from(a.stats.min, put), max: Array.from(a.stats.max, put), globalMin: put(a.stats.globalMin), globalMax: put(a.stats.globalMax) },
    raw: {
      rows: r.rows,
      missing: r.missing,
      baseline: r.baseline,
      selected: r.selected,
      histBaseline: Array.from(r.histBaseline),
      histSelected: Array.from(r.histSelected),
      optionSelected: Array.from(r.optionSelected),
      optionBaseline: Array.from(r.optionBaseline),
      pairSelected: Array.from(r.pairSelected),
      pairBaseline: Array.from(r.pairBaseline),
      trellisCount: Array.from(r.trellisCount),
      trellisSum: Array.from(r.trellisSum),
    },
  };
}

/** The Answer again, in the page. */
export function fromWire(w: AnswerWire): Answer {
  const r = w.raw;
  return new Answer({
    params: w.params,
    group: w.group,
    metric: w.metric,
    lowerIsBetter: w.lowerIsBetter,
    normalize: w.normalize,
    range: w.range,
    primary: w.primary,
    secondary: w.secondary,
    bins: w.bins,
    stats: {
      min: Float64Array.from(w.stats.min, take),
      max: Float64Array.from(w.stats.max, take),
      globalMin: take(w.stats.globalMin),
      globalMax: take(w.stats.globalMax),
    },
    raw: {
      rows: r.rows,
      missing: r.missing,
      baseline: r.baseline,
      selected: r.selected,
      histBaseline: Uint32Array.from(r.histBaseline),
      histSelected: Uint32Array.from(r.histSelected),
      optionSelected: Uint32Array.from(r.optionSelected),
      optionBaseline: Uint32Array.from(r.optionBaseline),
      pairSelected: Uint32Array.from(r.pairSelected),
      pairBaseline: Uint32Array.from(r.pairBaseline),
      trellisCount: Uint32Array.from(r.trellisCount),
      trellisSum: Float64Array.from(r.trellisSum),
    },
  });
}

const wires = new WeakMap<AggregateJson, AnswerWire>();

/** A query's JSON (what the tests assert on), remembering its answer's wire (what the page is handed). */
export function jsonOf(result: QueryResult): AggregateJson {
  const json = result.json;
  wires.set(json, toWire(result.answer));
  return json;
}

/** The wire of the answer whose JSON `jsonOf` returned. */
export function wireOf(json: AggregateJson): AnswerWire {
  const w = wires.get(json);
  if (!w) throw new Error('internal test error: this JSON did not come from jsonOf');
  return w;
}
