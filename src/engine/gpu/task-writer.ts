/**
 * Host-side images of the count shader's inputs: the `Task` uniform struct and
 * the `plan` storage array. The field order comes from one list, checked
 * against the WGSL source in the tests; no hand-counted offsets.
 */

/** The fields of `struct Task` in shaders/count.wgsl, in order; every one a 4-byte scalar. */
export const TASK_FIELDS = [
  'kind', 'rows', 'words', 'tableSize',
  'outOffset', 'useLocal', 'countOnly', 'nFilters',
  'aWord', 'aShift', 'aMask', 'aBits',
  'bWord', 'bShift', 'bMask', 'hasB',
  'bins', 'gWord', 'gShift', 'gMask',
  'pWord', 'pShift', 'pMask', 'hasP',
  'sWord', 'sShift', 'sMask', 'hasS',
  'nS', 'cells', 'thrOffset', 'groupOffset',
  'filterOffset', 'allowOffset', 'rawSums', 'pad1',
] as const;

export type TaskField = (typeof TASK_FIELDS)[number];
export type Task = Record<TaskField, number>;

/** Bytes of one Task; uniform slots are spaced by the device's minUniformBufferOffsetAlignment. */
export const TASK_BYTES = TASK_FIELDS.length * 4;

/** Writes a task into `view` at byte offset `at` (little-endian; countOnly is the one signed field). */
export function writeTask(view: DataView, at: number, task: Partial<Task>): void {
  TASK_FIELDS.forEach((name, i) => {
    const v = task[name] ?? 0;
    if (name === 'countOnly') view.setInt32(at + i * 4, v, true);
    else view.setUint32(at + i * 4, v >>> 0, true);
  });
}

/** Field names of a WGSL struct, in order (for the layout test). */
export function wgslStructFields(source: string, struct: string): string[] {
  const m = new RegExp(`struct\\s+${struct}\\s*\\{([^}]*)\\}`).exec(source);
  if (!m) throw new Error(`struct ${struct} not found`);
  return [...m[1].matchAll(/(\w+)\s*:\s*[iuf]32/g)].map((x) => x[1]);
}

/** A growable u32 array with typed appends: the `plan` storage buffer's contents. */
export class U32Writer {
  private data = new Uint32Array(256);
  private readonly float = new Float32Array(1);
  private readonly floatBits = new Uint32Array(this.float.buffer);
  length = 0;

  private grow(n: number): void {
    if (this.length + n <= this.data.length) return;
    let size = this.data.length;
    while (size < this.length + n) size *= 2;
    const next = new Uint32Array(size);
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }

  u32(x: number): this {
    this.grow(1);
    this.data[this.length++] = x >>> 0;
    return this;
  }

  i32(x: number): this {
    return this.u32(x | 0);
  }

  f32(x: number): this {
    this.float[0] = x;
    return this.u32(this.floatBits[0]);
  }

  bytes(): Uint32Array {
    // storage bindings need a non-zero size that is a multiple of 4 bytes
    return this.data.subarray(0, Math.max(1, this.length));
  }
}
