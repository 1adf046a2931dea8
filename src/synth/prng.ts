/**
 * A counter-based pseudo-random generator: every random number is a pure
 * function of (seed, row, k), so any range of rows can be generated on its own,
 * in any worker and in any order, with identical results.
 *
 * Only 32-bit integer operations (Math.imul, shifts, xor) are used, which give
 * the same results in every JavaScript engine; never Math.random.
 *
 * Words are passed around as int32 bit patterns (`x | 0`), not as unsigned
 * values: V8 keeps int32 unboxed, while a uint32 >= 2^31 returned from a
 * function that is not inlined becomes a heap number (an allocation per call).
 * Convert with `>>> 0` only where the unsigned value is needed.
 */

/** 2^-32: maps a uint32 onto [0, 1). */
const TWO_POW_M32 = 1 / 4294967296;
/** 2^-16: maps a 16-bit half word onto [0, 1). */
const TWO_POW_M16 = 1 / 65536;
/** The golden-ratio increment (Weyl sequence), spreading consecutive counters over the whole range. */
const GOLDEN = 0x9e3779b9;
/** Odd multiplier separating the per-row streams k = 0, 1, ... */
const STREAM = 0x85ebca6b;

/**
 * A bijective 32-bit mixer with near-ideal avalanche ("lowbias32", Chris
 * Wellons' hash-prospector): a one-bit change of the input flips each output
 * bit with probability ~1/2. Returns the int32 bit pattern.
 */
export function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  return x ^ (x >>> 16);
}

/** The two 32-bit keys derived from a seed (64 key bits per row, see `rowWord`). */
export interface SeedKeys {
  readonly k1: number;
  readonly k2: number;
}

/** Derives the keys (int32) of a seed (an integer in 0..2^32-1; callers validate it). */
export function seedKeys(seed: number): SeedKeys {
  const k1 = mix32(seed ^ 0xa511e9b3);
  const k2 = mix32((k1 + 0x63d83595) | 0);
  return { k1, k2 };
}

/** The per-row state: a bijection of the row index, keyed by k1 (as int32). */
export function rowKey(keys: SeedKeys, row: number): number {
  return mix32(Math.imul(row, GOLDEN) ^ keys.k1);
}

/**
 * The k-th random word of a row (k = 0, 1, ...; independent streams), as int32.
 * k2 enters here, so a row's words depend on 64 key bits: the row states of
 * two seeds coincide now and then (both are permutations of the 32-bit
 * values), but their words still differ.
 */
export function rowWord(keys: SeedKeys, rowKeyValue: number, k: number): number {
  return mix32(((rowKeyValue + Math.imul(k + 1, STREAM)) ^ keys.k2) | 0);
}

/** A word as a uniform number in [0, 1) (exact: 32 bits fit a double). */
export function unit(word: number): number {
  return (word >>> 0) * TWO_POW_M32;
}

/** The high 16 bits of a word as a uniform number in [0, 1). */
export function unitHi(word: number): number {
  return (word >>> 16) * TWO_POW_M16;
}

/** The low 16 bits of a word as a uniform number in [0, 1). */
export function unitLo(word: number): number {
  return (word & 0xffff) * TWO_POW_M16;
}

/** sqrt(3) / 2^16: scales a sum of four 16-bit integers (variance 4/12 in units of 2^16) to unit variance. */
const GAUSS_SCALE = Math.sqrt(3) * TWO_POW_M16;

/**
 * An approximately standard normal number from two uint32 words: the sum of
 * the four 16-bit halves (Irwin–Hall, n = 4), each taken at its cell midpoint so
 * the sum is exactly centred, scaled to variance 1. Bounded to ±2√3 ≈ ±3.46;
 * no transcendental functions, so it is cheap and identical everywhere.
 */
export function gauss4(a: number, b: number): number {
  return ((a >>> 16) + (a & 0xffff) + (b >>> 16) + (b & 0xffff) + 2 - 131072) * GAUSS_SCALE;
}
