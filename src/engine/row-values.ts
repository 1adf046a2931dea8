/**
 * A training's values by its row in the file, for the views that list or
 * draw single trainings (the table, parallel coordinates, the CSV export).
 *
 * The page does not keep the sweep's own columns once the engine has them:
 * a u8 code per parameter and an f32 per metric per training (20 bytes a
 * training for the generated sweep) would sit beside the packed copy the
 * engine counts from (12). `PackedValues` reads the packed copy instead,
 * through the inverse of its row permutation (4 bytes a training); only the
 * numbers of numeric parameters, which the packed codes hold as bins, are
 * kept as read (4 bytes each).
 */

import { allocU32, type Sweep } from '../model/sweep.js';
import type { PackLayout } from './layout.js';
import type { PackedSweep } from './types.js';

export interface RowValues {
  /** Parameter p's option code in file row `id`. */
  code(p: number, id: number): number;
  /** Metric m in file row `id` (NaN when missing). */
  metric(m: number, id: number): number;
  /** Numeric parameter p's value as read in file row `id` (NaN when missing or when p keeps no numbers). */
  numeric(p: number, id: number): number;
  /** Whether parameter p keeps its numbers as read (a numeric parameter). */
  hasNumbers(p: number): boolean;
}

const readers = new WeakMap<Sweep, RowValues>();

/**
 * The reader of a sweep's single trainings: the packed copy's for a sweep
 * whose columns a Session released (it registers the sweep it keeps), else
 * the sweep's own columns. Views ask this rather than read the columns.
 */
export function valuesOf(sweep: Sweep): RowValues {
  return readers.get(sweep) ?? columnValues(sweep);
}

/** Values straight from a sweep's columns (the CLI, tests, the views before a sweep is packed). */
export function columnValues(sweep: Sweep): RowValues {
  return {
    code: (p, id) => sweep.params[p].codes[id],
    metric: (m, id) => sweep.metrics[m].values[id],
    numeric: (p, id) => sweep.params[p].values?.[id] ?? NaN,
    hasNumbers: (p) => sweep.params[p].kind === 'numeric' && sweep.params[p].values !== undefined,
  };
}

/** Values from the packed sweep the engine holds, by file row through the inverse permutation. */
export class PackedValues implements RowValues {
  /** inverse[id] = the packed row of file row id. */
  private readonly inverse: Uint32Array;
  private readonly word: Int32Array;
  private readonly shift: Int32Array;
  private readonly mask: Int32Array;

  constructor(
    layout: PackLayout,
    private readonly packed: PackedSweep,
    /** Per parameter, the numbers as read (numeric parameters), else null. */
    private readonly numbers: readonly (Float32Array | null)[],
  ) {
    const perm = packed.perm;
    this.inverse = allocU32(perm.length);
    for (let j = 0; j < perm.length; j++) this.inverse[perm[j]] = j;
    this.word = Int32Array.from(layout.slots, (s) => s.word);
    this.shift = Int32Array.from(layout.slots, (s) => s.shift);
    this.mask = Int32Array.from(layout.slots, (s) => (s.bits >= 32 ? -1 : (1 << s.bits) - 1));
  }

  code(p: number, id: number): number {
    return (this.packed.codes[this.inverse[id] * this.packed.words + this.word[p]] >>> this.shift[p]) & this.mask[p];
  }

  metric(m: number, id: number): number {
    return this.packed.metrics[m][this.inverse[id]];
  }

  numeric(p: number, id: number): number {
    return this.numbers[p]?.[id] ?? NaN;
  }

  hasNumbers(p: number): boolean {
    return this.numbers[p] !== null;
  }

  /** Bytes held per training beside the packed sweep: the inverse permutation and the numbers kept. */
  get bytesPerTraining(): number {
    return 4 + 4 * this.numbers.filter((n) => n !== null).length;
  }
}

/**
 * The sweep without its per-training columns: names, labels, roles and the
 * row count, which is all the engine and the views need besides `values`,
 * which valuesOf gives for it from now on.
 */
export function withoutColumns(sweep: Sweep, values: RowValues): Sweep {
  const shell: Sweep = {
    ...sweep,
    params: sweep.params.map((p) => ({ ...p, codes: new Uint8Array(0), values: p.values ? new Float32Array(0) : undefined })),
    metrics: sweep.metrics.map((m) => ({ ...m, values: new Float32Array(0) })),
    // the replicate column was folded in before packing (combineReplicates) or is aggregated over: its name and labels stay
    ...(sweep.replicate ? { replicate: { ...sweep.replicate, ids: new Uint32Array(0) } } : {}),
  };
  readers.set(shell, values);
  return shell;
}
