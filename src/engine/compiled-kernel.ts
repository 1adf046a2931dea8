/**
 * The CPU kernel compiled for one plan's shape. The generic kernel
 * (kernel.ts) reads every field position, filter and table from arrays in
 * inner loops; here the same counting is written out as source with those
 * positions as constants, one statement per table, and compiled once per
 * shape with `new Function` (the way regl compiles its draw calls). V8 then
 * keeps the codes in registers and the loop does only the increments: six to
 * seven times faster on the generated sweep (bench/cpu.ts), with the very
 * same comparisons and additions in the same order, so the counts and sums
 * are identical to the generic kernel's.
 *
 * Only numbers from the plan's shape (bit positions, offsets, sizes) enter
 * the source, never a label or a value from a file. Where a page forbids
 * `new Function` (a Content-Security-Policy without 'unsafe-eval'), the
 * generic kernel answers instead.
 */

import type { Field, KernelPlan } from './types.js';

/** Counts rows [start, end) of one segment; returns [missing, baseline, selected] through `totals` (added to). */
export type CompiledCount = (
  codes: Uint32Array,
  metric: Float32Array,
  plan: KernelPlan,
  hist: Uint32Array,
  pairs: Uint32Array,
  trellisCount: Uint32Array,
  trellisSum: Float64Array,
  start: number,
  end: number,
  totals: Float64Array,
) => void;

/**
 * Counts the rows [start, end) of one run whose rows all share a group, a bin
 * and a brush side `s` (rows sorted by the plan's metric: see countSorted in
 * kernel.ts); returns how many passed the filters. The pair tables are
 * counted unless the plan counts only the other side; the trellis gets
 * shown = (v - origin) * scale.
 */
export type CompiledRun = (
  codes: Uint32Array,
  metric: Float32Array,
  plan: KernelPlan,
  pairs: Uint32Array,
  trellisCount: Uint32Array,
  trellisSum: Float64Array,
  start: number,
  end: number,
  s: number,
  origin: number,
  scale: number,
) => number;

const cache = new Map<string, CompiledCount | null>();
const runCache = new Map<string, CompiledRun | null>();
let enabled = true;

/** Turns compilation off (tests compare both kernels) or back on. */
export function setKernelCompilation(on: boolean): void {
  enabled = on;
}

/** The structure of a plan that its compiled source depends on (not its thresholds, brush or allow tables). */
function shapeKey(plan: KernelPlan): string {
  return JSON.stringify([
    plan.words,
    plan.bins,
    plan.group,
    plan.filters,
    plan.pairTables,
    plan.trellisTables,
    plan.primary,
    plan.secondary,
    plan.nPrimary,
    plan.nSecondary,
    plan.countOnly,
  ]);
}

/** The compiled counter for a plan's shape, or null where code cannot be compiled here. */
export function compiledCounter(plan: KernelPlan): CompiledCount | null {
  if (!enabled) return null;
  const key = shapeKey(plan);
  let fn = cache.get(key);
  if (fn === undefined) {
    try {
      fn = new Function('codes', 'metric', 'plan', 'hist', 'pairs', 'trellisCount', 'trellisSum', 'start', 'end', 'totals', source(plan)) as CompiledCount;
    } catch {
      fn = null; // no 'unsafe-eval': the generic kernel answers
    }
    cache.set(key, fn);
  }
  return fn;
}

/** The compiled run counter for a plan's shape (`tables` false: only count the rows passing the filters), or null. */
export function compiledRunCounter(plan: KernelPlan, tables: boolean): CompiledRun | null {
  if (!enabled) return null;
  const key = shapeKey(plan) + (tables ? 'T' : 'F');
  let fn = runCache.get(key);
  if (fn === undefined) {
    try {
      fn = new Function('codes', 'metric', 'plan', 'pairs', 'trellisCount', 'trellisSum', 'start', 'end', 's', 'origin', 'scale', runSource(plan, tables)) as CompiledRun;
    } catch {
      fn = null;
    }
    runCache.set(key, fn);
  }
  return fn;
}

const int = (x: number): string => {
  if (!Number.isInteger(x)) throw new Error(`internal error: ${x} in a compiled kernel`);
  return String(x);
};

/** JavaScript source for the plan's shape: the generic kernel's row loop with every position a constant. */
function source(plan: KernelPlan): string {
  const r = new RowFields();
  const body: string[] = [];
  // filters: each unit's allow table
  for (const f of plan.filters) body.push(`if (allow[${int(f.offset)} + ${r.field(f.field)}] === 0) continue;`);
  body.push(`const grp = ${plan.group ? r.field(plan.group) : '0'};`);
  body.push(
    'const t0 = grp * T;',
    'let b = ((v - guessOrigin[grp]) * guessScale[grp]) | 0;',
    'if (b < 0) b = 0; else if (b >= bins) b = bins - 1;',
    'while (v < thresholds[t0 + b]) b--;',
    'while (v >= thresholds[t0 + b + 1]) b++;',
    'const s = v >= brushLo[grp] && v <= brushHi[grp] ? 1 : 0;',
    'hist[((grp * bins + b) << 1) | s]++;',
    'selected += s;',
    'baseline++;',
  );
  if (plan.countOnly >= 0) body.push(`if (s !== ${int(plan.countOnly)}) continue;`);
  body.push(...tableStatements(plan, r, '(v - shownOrigin[grp]) * shownScale[grp]'));
  return [
    "'use strict';",
    'const { allow, thresholds, guessOrigin, guessScale, brushLo, brushHi, shownOrigin, shownScale, bins } = plan;',
    'const T = bins + 1;',
    'let missing = 0, baseline = 0, selected = 0;',
    'for (let i = start; i < end; i++) {',
    '  const v = metric[i];',
    '  if (v !== v) { missing++; continue; }',
    ...r.loads(plan.words).map((l) => '  ' + l),
    ...body.map((l) => '  ' + l),
    '}',
    'totals[0] += missing; totals[1] += baseline; totals[2] += selected;',
  ].join('\n');
}

/** Reads fields of a row's words as constants; records which words the row loop must load. */
class RowFields {
  readonly used = new Set<number>();
  field(f: Field): string {
    this.used.add(f.word);
    return `((w${int(f.word)} >>> ${int(f.shift)}) & ${int(f.mask >>> 0)})`;
  }
  key(t: KernelPlan['pairTables'][number]): string {
    return t.b ? `(${this.field(t.a)} | (${this.field(t.b)} << ${int(t.aBits)}))` : this.field(t.a);
  }
  loads(words: number): string[] {
    return [...this.used].sort((a, b) => a - b).map((w) => `const w${w} = codes[${words === 1 ? 'i' : `i * ${int(words)} + ${int(w)}`}];`);
  }
}

/** The increments of a row: every pair table with the row's side `s`, and, in a full query, every trellis table with the row's shown value. */
function tableStatements(plan: KernelPlan, r: RowFields, shown: string): string[] {
  const out: string[] = [];
  let off = 0;
  for (const t of plan.pairTables) {
    out.push(`pairs[${int(off)} + ((${r.key(t)} << 1) | s)]++;`);
    off += t.size * 2;
  }
  if (plan.countOnly >= 0 || !plan.trellisTables.length) return out;
  const cells = plan.nPrimary * plan.nSecondary;
  const pr = plan.primary ? `${r.field(plan.primary)} * ${int(plan.nSecondary)}` : '0';
  const se = plan.secondary ? r.field(plan.secondary) : '0';
  out.push(`const shown = ${shown};`, `const cell = ${pr} + ${se};`);
  off = 0;
  plan.trellisTables.forEach((t, k) => {
    out.push(`const c${k} = ${int(off)} + ${r.key(t)} * ${int(cells)} + cell;`, `trellisCount[c${k}]++;`, `trellisSum[c${k}] += shown;`);
    off += t.size * cells;
  });
  return out;
}

/** Source of a CompiledRun: filters, then the tables with the run's constant side. */
function runSource(plan: KernelPlan, tables: boolean): string {
  const r = new RowFields();
  const body: string[] = [];
  for (const f of plan.filters) body.push(`if (allow[${int(f.offset)} + ${r.field(f.field)}] === 0) continue;`);
  body.push('n++;');
  if (tables) body.push(...tableStatements(plan, r, '(metric[i] - origin) * scale'));
  return [
    "'use strict';",
    'const allow = plan.allow;',
    'let n = 0;',
    'for (let i = start; i < end; i++) {',
    ...r.loads(plan.words).map((l) => '  ' + l),
    ...body.map((l) => '  ' + l),
    '}',
    'return n;',
  ].join('\n');
}

/** What a cube scan reads of a row: the filters and the cube's tables (cube.ts). */
export interface ScanShape {
  readonly words: number;
  readonly filters: KernelPlan['filters'];
  readonly tables: KernelPlan['pairTables'];
}

/**
 * Adds `sign` to tables[offset + key] of every table for each row of
 * [start, end) that passes the filters (`tables` false: only counts them);
 * returns how many passed.
 */
export type CompiledScan = (codes: Uint32Array, allow: Uint8Array, tables: Int32Array, start: number, end: number, sign: number) => number;

const scanCache = new Map<string, CompiledScan | null>();

/** The compiled cube scan for a shape, or null where code cannot be compiled here. */
export function compiledScan(shape: ScanShape, tables: boolean): CompiledScan | null {
  if (!enabled) return null;
  const key = JSON.stringify([shape.words, shape.filters, shape.tables, tables]);
  let fn = scanCache.get(key);
  if (fn === undefined) {
    const r = new RowFields();
    const body: string[] = [];
    for (const f of shape.filters) body.push(`if (allow[${int(f.offset)} + ${r.field(f.field)}] === 0) continue;`);
    body.push('n++;');
    if (tables) {
      let off = 0;
      for (const t of shape.tables) {
        body.push(`tables[${int(off)} + ${r.key(t)}] += sign;`);
        off += t.size;
      }
    }
    const src = ["'use strict';", 'let n = 0;', 'for (let i = start; i < end; i++) {', ...r.loads(shape.words), ...body, '}', 'return n;'].join('\n');
    try {
      fn = new Function('codes', 'allow', 'tables', 'start', 'end', 'sign', src) as CompiledScan;
    } catch {
      fn = null;
    }
    scanCache.set(key, fn);
  }
  return fn;
}
