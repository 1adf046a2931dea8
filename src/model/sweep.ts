/**
 * The columnar sweep model: n trainings by columns.
 *
 * Parameters are categorical: option labels plus one u8 code per row (at most
 * 255 options). Numeric parameters are binned on load (see `binning.ts`) and
 * keep their raw values for round trips. Metrics are Float32Array; NaN marks a
 * missing value (non-finite values are stored as NaN on load).
 */

/** Most options a parameter may have: codes are u8, and 255 leaves headroom. */
export const MAX_OPTIONS = 255;

export type ParamKind = 'categorical' | 'numeric';

export interface Param {
  readonly name: string;
  /** Option labels in code order. */
  readonly labels: readonly string[];
  /** One code per row, each < labels.length. */
  readonly codes: Uint8Array;
  readonly kind: ParamKind;
  /** Raw values of a numeric parameter (NaN where missing); absent for categorical ones. */
  readonly values?: Float32Array;
}

export interface Metric {
  readonly name: string;
  /** One value per row; NaN = missing. */
  readonly values: Float32Array;
  /** True for a loss, error or perplexity: lower values are better (absent: higher is better). */
  readonly lowerIsBetter?: boolean;
}

export interface Sweep {
  readonly rows: number;
  readonly params: readonly Param[];
  readonly metrics: readonly Metric[];
  /** Index into `params` of the group parameter (stacking, normalization), or -1. */
  readonly group: number;
  /** How a file's columns were read: one entry per column of the file (absent for generated sweeps). */
  readonly columns?: readonly ColumnInfo[];
  /** What reading the file repaired or left out, one sentence each ("3 short rows padded"), for the status line. */
  readonly notes?: readonly string[];
  /**
   * The replicate column (a seed or run number: repeated trainings of one
   * configuration), kept aside: not a parameter, so the engine aggregates over
   * it. Absent when the file has none.
   */
  readonly replicate?: Replicate;
}

/** A replicate column: its values as labels, and one label index per row. */
export interface Replicate {
  readonly name: string;
  /** Distinct values as written, in natural order, `(missing)` last. */
  readonly labels: readonly string[];
  /** One index into `labels` per row. */
  readonly ids: Uint32Array;
}

/** The role a file's column plays in the sweep. */
export type ColumnRole = 'parameter' | 'metric' | 'group' | 'replicate' | 'ignored';

export interface ColumnInfo {
  /** The column's name as the sweep knows it (a tool prefix such as `params_` removed). */
  readonly name: string;
  /** The column's name in the file, when it differs from `name`. */
  readonly source?: string;
  readonly role: ColumnRole;
  /** One phrase: why this role ("unique per row", "timestamp", "text with 885 distinct values"). */
  readonly reason: string;
  /** Distinct values in the column (missing included). */
  readonly distinct: number;
}

/**
 * A problem with the user's input (file, option, size): its message says what
 * is wrong and how to fix it, and is shown as is, without a stack trace.
 */
export class SweepError extends Error {
  override readonly name = 'SweepError';
}

/** Memory for a column: shared between workers when the platform allows it. */
export function allocBuffer(bytes: number): ArrayBufferLike {
  if (typeof SharedArrayBuffer !== 'undefined' && (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated !== false) {
    try {
      return new SharedArrayBuffer(bytes);
    } catch {
      /* fall through: not isolated, or too big */
    }
  }
  try {
    return new ArrayBuffer(bytes);
  } catch {
    throw new SweepError(
      `cannot allocate ${(bytes / 2 ** 20).toFixed(0)} MiB for a column: the sweep is too big for this machine's memory; load fewer rows`,
    );
  }
}

export function allocU8(n: number): Uint8Array {
  return new Uint8Array(allocBuffer(n));
}

export function allocF32(n: number): Float32Array {
  return new Float32Array(allocBuffer(n * 4));
}

export function allocU32(n: number): Uint32Array {
  return new Uint32Array(allocBuffer(n * 4));
}

/** The index of the group parameter: a column named `dataset` if any, else -1. */
export function defaultGroup(params: readonly { name: string }[]): number {
  return params.findIndex((p) => p.name === 'dataset');
}

/** Checks the invariants every engine relies on; throws SweepError on a violation. */
export function validateSweep(s: Sweep): void {
  const names = new Set<string>();
  for (const p of s.params) {
    if (names.has(p.name)) throw new SweepError(`column '${p.name}' appears twice: give every column a unique name`);
    names.add(p.name);
    if (p.labels.length === 0 && s.rows > 0) throw new SweepError(`parameter '${p.name}' has no options`);
    if (p.labels.length > MAX_OPTIONS)
      throw new SweepError(
        `parameter '${p.name}' has ${p.labels.length} options; at most ${MAX_OPTIONS} are supported: leave it out with --params or bin it`,
      );
    if (p.codes.length !== s.rows) throw new SweepError(`parameter '${p.name}' has ${p.codes.length} codes for ${s.rows} rows`);
  }
  for (const m of s.metrics) {
    if (names.has(m.name)) throw new SweepError(`column '${m.name}' appears twice: give every column a unique name`);
    names.add(m.name);
    if (m.values.length !== s.rows) throw new SweepError(`metric '${m.name}' has ${m.values.length} values for ${s.rows} rows`);
  }
  if (s.group < -1 || s.group >= s.params.length) throw new SweepError(`group index ${s.group} is out of range`);
}

export function findParam(s: Sweep, name: string): number {
  const i = s.params.findIndex((p) => p.name === name);
  if (i < 0)
    throw new SweepError(`unknown parameter '${name}' (parameters: ${s.params.map((p) => p.name).join(', ') || 'none'})`);
  return i;
}

export function findMetric(s: Sweep, name: string): number {
  const i = s.metrics.findIndex((m) => m.name === name);
  if (i < 0) throw new SweepError(`unknown metric '${name}' (metrics: ${s.metrics.map((m) => m.name).join(', ') || 'none'})`);
  return i;
}
