/**
 * What a row's shown value, histogram bin and brush membership are: the
 * reference formulas, in f64. The plan (plan.ts) turns them into exact f32
 * thresholds so that engines only compare; the page's row views use them
 * directly, so a row they show as selected is one the engines count.
 */

/** The shown value of raw value v: normalized per group, or v itself. Reference formula, f64. */
export function shownValue(v: number, lo: number, hi: number, normalize: boolean): number {
  if (!normalize) return v;
  return hi > lo ? (v - lo) / (hi - lo) : 0;
}

/**
 * Whether a shown value x is inside the brush [lo, hi], both ends inclusive,
 * compared at the stored precision (f32): metrics are stored as f32, and
 * f32(0.7) < 0.7, so a value that reads as the bound in the file is inside.
 */
export function inBrush(x: number, lo: number, hi: number): boolean {
  const fx = Math.fround(x);
  return fx >= Math.fround(lo) && fx <= Math.fround(hi);
}

/** The bin of raw value v in a domain [lo, hi]. Reference formula, f64. */
export function binOf(v: number, lo: number, hi: number, bins: number): number {
  const b = hi > lo ? Math.floor(((v - lo) / (hi - lo)) * bins) : 0;
  return b < 0 ? 0 : b >= bins ? bins - 1 : b;
}
