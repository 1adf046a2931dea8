/**
 * The deterministic sample of a sweep's rows that the parallel view draws,
 * drawn over the file's row ids (not the packed order), so it is the same
 * whatever the packing, and the same for the same size and seed.
 */

import { mix32 } from '../synth/prng.js';

/** A hash of (seed, i) in [0, 1). */
export function hash01(seed: number, i: number): number {
  return (mix32((mix32(seed ^ 0x5bd1e995) + Math.imul(i, 0x9e3779b9)) >>> 0) >>> 0) / 4294967296;
}

/**
 * The sample: at most `max` of the row ids 0..n-1 (all when n <= max), the
 * same for the same (n, max, seed). Row k of the sample is drawn from the
 * k-th of `max` equal strata, at a hashed place inside it (every stratum
 * holds at least one row): the row drawn from stratum k of m over n rows (n > m).
 */
function sampledIn(k: number, n: number, m: number, seed: number): number {
  const a = Math.floor((k * n) / m);
  const b = Math.floor(((k + 1) * n) / m);
  return a + Math.floor(hash01(seed, k) * (b - a));
}

/**
 * Whether row `i` is in the sample of (n, max, seed), in O(1): the engines
 * test every packed row's file id with it instead of inverting the permutation.
 */
export function inSample(i: number, n: number, max: number, seed: number): boolean {
  if (n <= max) return i < n;
  const m = Math.max(0, Math.floor(max));
  if (m === 0) return false;
  // the stratum whose [floor(k n / m), floor((k + 1) n / m)) holds i; corrected against rounding
  let k = Math.ceil(((i + 1) * m) / n) - 1;
  while (k > 0 && Math.floor((k * n) / m) > i) k--;
  while (k < m - 1 && Math.floor(((k + 1) * n) / m) <= i) k++;
  return sampledIn(k, n, m, seed) === i;
}
