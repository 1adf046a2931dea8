/**
 * What a row's shown value and histogram bin are: the reference formulas, in
 * f64. The plan (plan.ts) turns them into exact f32 thresholds so that
 * engines only compare (brush bounds too: a shown value is inside the brush
 * iff f32(x) lies in [f32(lo), f32(hi)], as tests/reference.ts's `inBrush`
 * says); the parallel view places lines with `shownValue`.
 */

/** The shown value of raw value v: normalized per group, or v itself. Reference formula, f64. */
export function shownValue(v: number, lo: number, hi: number, normalize: boolean): number {
  if (!normalize) return v;
  return hi > lo ? (v - lo) / (hi - lo) : 0;
}

/** The bin of raw value v in a domain [lo, hi]. Reference formula, f64. */
export function binOf(v: number, lo: number, hi: number, bins: number): number {
  const b = hi > lo ? Math.floor(((v - lo) / (hi - lo)) * bins) : 0;
  return b < 0 ? 0 : b >= bins ? bins - 1 : b;
}
