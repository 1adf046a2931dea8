/**
 * The layout facts shared by shaders/count.wgsl and its host code, each stated
 * once here:
 * - the structs: the `Task` uniform, and the per-group and per-filter records
 *   of the `plan` storage array. count.wgsl holds their WGSL text, generated
 *   from these descriptions (`countRecordsWgsl`) between two marker lines; a
 *   test checks that block verbatim, and another reads records written here
 *   back through it on a real device;
 * - the scalar constants (workgroup size, workgroup memory, table kinds, the
 *   slots of a histogram or trellis table): WGSL `override`s without defaults,
 *   set from `COUNT_CONSTANTS` when the pipeline is created, so a constant the
 *   host does not give fails pipeline creation.
 */

import { wgslStruct, wgslStructSource, structBytes } from './wgsl-struct.js';

/** Invocations per workgroup (`@workgroup_size(WG)`). */
export const WORKGROUP_SIZE = 256;
/** Counters a workgroup keeps in its own memory: 16 KiB, WebGPU's default maxComputeWorkgroupStorageSize. */
export const LOCAL_SIZE = 4096;

/** What a dispatch counts (`Task.kind`). */
export const KIND = { hist: 0, pair: 1, trellis: 2 } as const;

/**
 * A histogram table: counter ((group * bins + bin) << 1 | selected) for each
 * bin, then these totals, in this order.
 */
export const HIST_TOTAL = { missing: 0, baseline: 1, selected: 2 } as const;
export const HIST_TOTALS = Object.keys(HIST_TOTAL).length;

/**
 * A trellis table: planes of `size * cells` counters each: the counts, then
 * the low and the high words of the 64-bit fixed-point sums (the high plane
 * must follow the low one: a carry goes one plane up).
 */
export const TRELLIS_PLANE = { count: 0, sumLo: 1, sumHi: 2 } as const;
export const TRELLIS_PLANES = Object.keys(TRELLIS_PLANE).length;

/** The count shader's `override` constants, by WGSL name: every one must be set, none may be extra. */
export const COUNT_CONSTANTS = {
  WG: WORKGROUP_SIZE,
  LOCAL_SIZE,
  KIND_HIST: KIND.hist,
  KIND_PAIR: KIND.pair,
  KIND_TRELLIS: KIND.trellis,
  HIST_TOTALS,
  HIST_MISSING: HIST_TOTAL.missing,
  HIST_BASELINE: HIST_TOTAL.baseline,
  HIST_SELECTED: HIST_TOTAL.selected,
  TRELLIS_PLANES,
  TRELLIS_COUNT: TRELLIS_PLANE.count,
  TRELLIS_SUM_LO: TRELLIS_PLANE.sumLo,
  TRELLIS_SUM_HI: TRELLIS_PLANE.sumHi,
} as const satisfies Record<string, number>;

/** One dispatch's parameters: the `task` uniform, one per table and chunk. */
export const TASK = wgslStruct('Task', [
  ['kind', 'u32'], ['rows', 'u32'], ['words', 'u32'], ['tableSize', 'u32'],
  ['outOffset', 'u32'], ['useLocal', 'u32'], ['countOnly', 'i32'], ['nFilters', 'u32'],
  ['aWord', 'u32'], ['aShift', 'u32'], ['aMask', 'u32'], ['aBits', 'u32'],
  ['bWord', 'u32'], ['bShift', 'u32'], ['bMask', 'u32'], ['hasB', 'u32'],
  ['bins', 'u32'], ['gWord', 'u32'], ['gShift', 'u32'], ['gMask', 'u32'],
  ['pWord', 'u32'], ['pShift', 'u32'], ['pMask', 'u32'], ['hasP', 'u32'],
  ['sWord', 'u32'], ['sShift', 'u32'], ['sMask', 'u32'], ['hasS', 'u32'],
  ['nS', 'u32'], ['cells', 'u32'], ['thrOffset', 'u32'], ['groupOffset', 'u32'],
  ['filterOffset', 'u32'], ['allowOffset', 'u32'], ['rawSums', 'u32'], ['pad1', 'u32'],
]);
export type Task = Record<(typeof TASK.fields)[number][0], number>;

/** Bytes of one Task; uniform slots are spaced by the device's minUniformBufferOffsetAlignment. */
export const TASK_BYTES = structBytes(TASK);

/**
 * Per group, in the plan array: the brush as ordered-integer bounds, the
 * affine bin guess, and the affine map of a raw value to what the trellis sums
 * (the shown value, or the raw value times a power of two).
 */
export const GROUP_RECORD = wgslStruct('GroupRecord', [
  ['brushLo', 'i32'], ['brushHi', 'i32'], ['guessOrigin', 'f32'], ['guessScale', 'f32'],
  ['sumOrigin', 'f32'], ['sumScale', 'f32'],
]);

/** Per filter, in the plan array: the key's bit field and where its allow table starts (from `Task.allowOffset`). */
export const FILTER_RECORD = wgslStruct('FilterRecord', [
  ['word', 'u32'], ['shift', 'u32'], ['mask', 'u32'], ['allowOffset', 'u32'],
]);

/** The storage array the records live in (`var<storage, read> plan: array<u32>` in count.wgsl). */
export const PLAN_ARRAY = 'plan';

export const RECORDS_BEGIN = '// ---- records: generated from src/engine/gpu/count-layout.ts (countRecordsWgsl), checked by a test; do not edit';
export const RECORDS_END = '// ---- end of records';

/** The WGSL of the count shader's structs and record loaders: the block between the markers in count.wgsl. */
export function countRecordsWgsl(): string {
  return [wgslStructSource(TASK), wgslStructSource(GROUP_RECORD, PLAN_ARRAY), wgslStructSource(FILTER_RECORD, PLAN_ARRAY)].join('\n');
}

/** The text between the record markers of a WGSL source (for the tests). */
export function recordsBlock(source: string): string {
  const begin = source.indexOf(RECORDS_BEGIN);
  const end = source.indexOf(RECORDS_END);
  if (begin < 0 || end < begin) throw new Error('the WGSL has no generated records block');
  return source.slice(begin + RECORDS_BEGIN.length + 1, end);
}

/** Names of the `override` constants a WGSL source declares (for the tests). */
export function wgslOverrides(source: string): string[] {
  return [...source.matchAll(/^\s*override\s+(\w+)/gm)].map((m) => m[1]);
}
