/** Exact float32 helpers: the kernels compare metric values against f32 thresholds found here. */

const f = new Float32Array(1);
const u = new Uint32Array(f.buffer);

/** A monotone integer for a finite f32 value: consecutive floats map to consecutive integers (-0 and +0 to 0). */
export function f32ToOrdered(x: number): number {
  f[0] = x;
  const bits = u[0];
  return bits & 0x80000000 ? -(bits & 0x7fffffff) : bits;
}

export function orderedToF32(k: number): number {
  u[0] = k < 0 ? (0x80000000 | -k) >>> 0 : k;
  return f[0];
}

/**
 * The smallest f32 v in [lo, hi] (both f32) with pred(v) true, for a predicate
 * that is monotone (false then true) on that range; +Infinity when none is.
 */
export function smallestF32Where(lo: number, hi: number, pred: (v: number) => boolean): number {
  if (!pred(hi)) return Infinity;
  let a = f32ToOrdered(lo);
  let b = f32ToOrdered(hi);
  if (pred(lo)) return lo;
  // invariant: pred(a) false, pred(b) true
  while (b - a > 1) {
    const m = Math.floor((a + b) / 2);
    if (pred(orderedToF32(m))) b = m;
    else a = m;
  }
  return orderedToF32(b);
}

/** The f32 just below a finite f32 value. */
export function prevF32(x: number): number {
  return orderedToF32(f32ToOrdered(x) - 1);
}
