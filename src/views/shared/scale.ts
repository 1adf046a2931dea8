/** Axis ticks shared by the views, from d3-scale: its round steps (1, 2, 5 × 10^k) and log ticks. */

import { scaleLinear, scaleLog } from 'd3-scale';

/** Decimals that show every multiple of `step` exactly. */
export function stepDecimals(step: number): number {
  return Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
}

/** About `count` round tick values inside [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo) || !Number.isFinite(lo) || !Number.isFinite(hi)) return Number.isFinite(lo) ? [lo] : [];
  return scaleLinear().domain([lo, hi]).ticks(count);
}

/**
 * Ticks of a count axis from 0 to at least `max`: whole numbers only (a
 * count has no halves), and `top`, the axis's end, rounded up to a tick so
 * the highest bar sits under a labelled line.
 */
export function countTicks(max: number, count: number): { top: number; ticks: number[] } {
  const y = scaleLinear()
    .domain([0, Math.max(1, max)])
    .nice(count);
  const top = y.domain()[1];
  return { top, ticks: y.ticks(count).filter((v) => Number.isInteger(v)) };
}

/** The leading digit of a positive value: 3 for 3e-4. */
function mantissa(v: number): number {
  return Math.round(v / 10 ** Math.floor(Math.log10(v) + 1e-9));
}

/**
 * Tick values of a log axis. d3's ticks for about `count`: every multiple of
 * every power of ten on an axis of fewer than `count` decades, powers of ten
 * (fewer on a very long axis) on a longer one, linear ticks on an axis too
 * short to hold a few multiples. Of those, the powers of ten, with 2 and 5
 * times them under two decades; all of d3's where that leaves fewer than two.
 */
export function logTicks(lo: number, hi: number, count = 5): number[] {
  if (!(lo > 0 && hi > lo) || !Number.isFinite(hi)) return niceTicks(lo, hi, count);
  const ticks = scaleLog().domain([lo, hi]).ticks(count);
  // Every multiple labelled crowds a short axis (2e-3 over 3e-3 over 4e-3 …): 1, 2 and 5 read as well.
  const leading = Math.log10(hi / lo) < 2 ? [1, 2, 5] : [1];
  const kept = ticks.filter((v) => leading.includes(mantissa(v)));
  return kept.length >= 2 ? kept : ticks;
}
