/**
 * A plan's per-query data as the count shader reads it: one `array<u32>`
 * holding the bin thresholds, the group records, the filter records and the
 * allow tables, each part's start given to the shader in the `Task`.
 */

import { f32ToOrdered } from '../f32.js';
import type { KernelPlan } from '../types.js';
import { FILTER_RECORD, GROUP_RECORD } from './count-layout.js';
import { appendStruct, U32Writer } from './wgsl-struct.js';

const ORDERED_MIN = -0x7fffffff;
const ORDERED_MAX = 0x7fffffff;

/** An f32-representable bound (or ±Infinity) as the shader's ordered integer. */
function orderedBound(x: number): number {
  if (x === Infinity) return ORDERED_MAX;
  if (x === -Infinity) return ORDERED_MIN;
  return f32ToOrdered(x);
}

/** The k of raw trellis sums: the largest with |v| 2^k < 2^30 for every value of the metric's domain. */
function rawSumShift(plan: KernelPlan): number {
  let maxAbs = 0;
  for (let g = 0; g < plan.groups; g++) {
    const lo = plan.guessOrigin[g];
    const hi = plan.guessScale[g] > 0 ? lo + plan.bins / plan.guessScale[g] : lo;
    maxAbs = Math.max(maxAbs, Math.abs(lo), Math.abs(hi));
  }
  if (!(maxAbs > 0) || !Number.isFinite(maxAbs)) return 0;
  // one bit of headroom: hi is recovered from the guess scale and may round
  return Math.max(-126, Math.min(126, 28 - Math.ceil(Math.log2(maxAbs))));
}

export interface PlanImage {
  readonly data: Uint32Array;
  /** Word offsets of the parts (the Task fields of the same names). */
  readonly thrOffset: number;
  readonly groupOffset: number;
  readonly filterOffset: number;
  readonly allowOffset: number;
  /** Raw trellis sums are of v 2^rawShift (0 when normalized). */
  readonly rawShift: number;
}

export function planImage(plan: KernelPlan): PlanImage {
  const w = new U32Writer();
  const rawShift = plan.normalize ? 0 : rawSumShift(plan);
  const thrOffset = w.length;
  for (const t of plan.thresholds) w.i32(orderedBound(t));
  const groupOffset = w.length;
  for (let g = 0; g < plan.groups; g++)
    appendStruct(w, GROUP_RECORD, {
      brushLo: orderedBound(plan.brushLo[g]),
      brushHi: orderedBound(plan.brushHi[g]),
      guessOrigin: plan.guessOrigin[g],
      guessScale: plan.guessScale[g],
      // trellis sums: normalized, (v - origin) * scale is the shown value; raw, v * 2^rawShift exactly
      sumOrigin: plan.normalize ? plan.shownOrigin[g] : 0,
      sumScale: plan.normalize ? plan.shownScale[g] : 2 ** rawShift,
    });
  const filterOffset = w.length;
  for (const f of plan.filters)
    appendStruct(w, FILTER_RECORD, { word: f.field.word, shift: f.field.shift, mask: f.field.mask, allowOffset: f.offset });
  const allowOffset = w.length;
  for (const a of plan.allow) w.u32(a);
  return { data: w.bytes(), thrOffset, groupOffset, filterOffset, allowOffset, rawShift };
}
