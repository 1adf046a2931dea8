/**
 * From a resolved query to a kernel plan.
 *
 * The plan holds only small arrays: the unit tables to count, the filter
 * lookup tables, and per-group f32 thresholds for bins and brush, computed here
 * exactly so that every engine only compares values and never rounds.
 */

import { SweepError, type Sweep } from '../model/sweep.js';
import { smallestF32Where, prevF32 } from './f32.js';
import { binOf, shownValue } from './formulas.js';
import type { PackLayout, Unit } from './layout.js';
import type { ResolvedQuery } from './resolve.js';
import type { Field, KernelPlan, KeyTable, MetricStats, RowSelect } from './types.js';

/** Table entries a plan may count (pair tables and trellis tables each): 2^26 u32 = 256 MiB. */
const MAX_TABLE_ENTRIES = 1 << 26;
/** A unit's trellis table is split per parameter above this many entries. */
const TRELLIS_UNIT_ENTRIES = 1 << 16;

/** How to read a table key back into parameter codes. */
export interface KeyPart {
  readonly param: number;
  readonly shift: number;
  readonly mask: number;
}

export interface PairTableShape {
  readonly parts: readonly KeyPart[];
  /** Parameter pairs (indices into parts, i < j by parameter) this table answers. */
  readonly pairs: readonly (readonly [number, number])[];
  /** Parameters (indices into parts) whose option counts this table answers. */
  readonly options: readonly number[];
  /** The key is (unit A's code) | (unit B's code) << aBits; parts[0, inA) are unit A's. */
  readonly aBits: number;
  readonly inA: number;
}

/** What marginalization needs besides the counts. */
export interface PlanShape {
  readonly cards: readonly number[];
  readonly optionOffsets: readonly number[];
  /** Offset of pair (a, b), a < b, at a * P + b. */
  readonly pairOffsets: readonly number[];
  readonly pairTotal: number;
  readonly trellisOffsets: readonly number[];
  readonly trellisCells: number;
  readonly pairTables: readonly PairTableShape[];
  readonly trellisTables: readonly (readonly KeyPart[])[];
}

function fieldOf(word: number, shift: number, bits: number): Field {
  return { word, shift, mask: bits >= 32 ? 0xffffffff : (1 << bits) - 1 };
}

/** Per group, the interval the bins span: the group's [min, max] when normalized, the metric's otherwise. */
function binDomains(stats: MetricStats, normalize: boolean, groups: number): [number, number][] {
  const out: [number, number][] = [];
  for (let g = 0; g < groups; g++) out.push(normalize ? [stats.min[g], stats.max[g]] : [stats.globalMin, stats.globalMax]);
  return out;
}

/**
 * The units tables are keyed by: the layout's units, or, when `maxBits` is
 * smaller, each unit split into runs of adjacent parameters of at most
 * `maxBits` bits (a GPU keeps each table in 16 KiB of workgroup memory).
 */
export function keyUnits(layout: PackLayout, maxBits?: number): Unit[] {
  if (maxBits === undefined) return [...layout.units];
  const out: Unit[] = [];
  for (const unit of layout.units) {
    let cur: number[] = [];
    let bits = 0;
    const flush = (): void => {
      if (!cur.length) return;
      const first = layout.slots[cur[0]];
      out.push({ word: first.word, shift: first.shift, bits, params: cur });
      cur = [];
      bits = 0;
    };
    for (const p of unit.params) {
      if (cur.length && bits + layout.slots[p].bits > maxBits) flush();
      cur.push(p);
      bits += layout.slots[p].bits;
    }
    flush();
  }
  return out;
}

export interface PlanOptions {
  /** Split the layout's units so no table key is wider than this (see keyUnits). */
  tableUnitBits?: number;
}

/** Per group, the brush as f32 bounds of the raw value: selected iff brushLo <= v <= brushHi. */
function brushBounds(stats: MetricStats, q: ResolvedQuery, groups: number): { brushLo: Float64Array; brushHi: Float64Array } {
  const brushLo = new Float64Array(groups).fill(-Infinity);
  const brushHi = new Float64Array(groups).fill(Infinity);
  if (!q.range) return { brushLo, brushHi };
  const [rLo, rHi] = q.range;
  const normalize = q.normalize;
  binDomains(stats, normalize, groups).forEach(([lo, hi], g) => {
    if (!(lo <= hi)) {
      brushLo[g] = Infinity;
      return;
    }
    // Compared at the stored precision (tests/reference.ts's inBrush): monotone in v, so a binary search finds the edges.
    const fLo = Math.fround(rLo);
    const fHi = Math.fround(rHi);
    const shown = (v: number): number => Math.fround(shownValue(v, lo, hi, normalize));
    brushLo[g] = smallestF32Where(lo, hi, (v) => shown(v) >= fLo);
    const above = smallestF32Where(lo, hi, (v) => shown(v) > fHi);
    brushHi[g] = above === Infinity ? hi : above === lo ? -Infinity : prevF32(above);
  });
  return { brushLo, brushHi };
}

/** Filters: one allow table per key unit that holds a filtered parameter. */
function filterTables(layout: PackLayout, units: readonly Unit[], q: ResolvedQuery): Pick<KernelPlan, 'filters' | 'allow'> {
  const filters: { field: Field; offset: number }[] = [];
  const allowParts: Uint8Array[] = [];
  let allowSize = 0;
  for (const unit of units) {
    if (!unit.params.some((p) => q.filters[p])) continue;
    const size = 1 << unit.bits;
    const allow = new Uint8Array(size);
    for (let key = 0; key < size; key++) {
      allow[key] = unit.params.every((p) => {
        const f = q.filters[p];
        const s = layout.slots[p];
        const code = (key >>> (s.shift - unit.shift)) & ((1 << s.bits) - 1);
        return f === null || (code < f.length && f[code] === 1);
      })
        ? 1
        : 0;
    }
    filters.push({ field: fieldOf(unit.word, unit.shift, unit.bits), offset: allowSize });
    allowParts.push(allow);
    allowSize += size;
  }
  const allow = new Uint8Array(allowSize);
  allowParts.forEach((a, i) => allow.set(a, filters[i].offset));
  return { filters, allow };
}

/** The group field of a sweep's layout (null without a group). */
function groupField(sweep: Sweep, layout: PackLayout): Field | null {
  if (sweep.group < 0) return null;
  const s = layout.slots[sweep.group];
  return fieldOf(s.word, s.shift, s.bits);
}

/**
 * The selection of a query for row queries: the very filter tables and brush
 * bounds compilePlan puts in its plans, so the rows a view lists are the rows
 * the engines count as selected.
 */
export function compileSelect(sweep: Sweep, layout: PackLayout, q: ResolvedQuery, stats: MetricStats): RowSelect {
  const groups = sweep.group >= 0 ? Math.max(1, sweep.params[sweep.group].labels.length) : 1;
  const { brushLo, brushHi } = brushBounds(stats, q, groups);
  const { filters, allow } = filterTables(layout, keyUnits(layout), q);
  return { words: layout.words, metric: q.metric, group: groupField(sweep, layout), brushLo, brushHi, filters, allow };
}

export function compilePlan(
  sweep: Sweep,
  layout: PackLayout,
  q: ResolvedQuery,
  stats: MetricStats,
  options: PlanOptions = {},
): { plan: KernelPlan; shape: PlanShape } {
  const units = keyUnits(layout, options.tableUnitBits);
  /** Bit offset of parameter p inside its key unit. */
  const innerShift = (p: number, u: Unit): number => layout.slots[p].shift - u.shift;
  const P = sweep.params.length;
  const cards = sweep.params.map((p) => p.labels.length);
  const slotField = (p: number): Field => fieldOf(layout.slots[p].word, layout.slots[p].shift, layout.slots[p].bits);
  const groups = sweep.group >= 0 ? Math.max(1, cards[sweep.group]) : 1;
  const group = sweep.group >= 0 ? slotField(sweep.group) : null;
  const { bins, normalize } = q;

  // Bins and brush as exact f32 thresholds per group.
  const T = bins + 1;
  const thresholds = new Float64Array(groups * T);
  const guessOrigin = new Float64Array(groups);
  const guessScale = new Float64Array(groups);
  const shownOrigin = new Float64Array(groups);
  const shownScale = new Float64Array(groups).fill(1);
  binDomains(stats, normalize, groups).forEach(([lo, hi], g) => {
    thresholds[g * T] = -Infinity;
    thresholds[g * T + bins] = Infinity;
    const empty = !(lo <= hi);
    for (let k = 1; k < bins; k++)
      thresholds[g * T + k] = empty ? Infinity : smallestF32Where(lo, hi, (v) => binOf(v, lo, hi, bins) >= k);
    guessOrigin[g] = empty ? 0 : lo;
    guessScale[g] = !empty && hi > lo ? bins / (hi - lo) : 0;
    if (normalize) {
      shownOrigin[g] = empty ? 0 : lo;
      shownScale[g] = !empty && hi > lo ? 1 / (hi - lo) : 0;
    }
  });
  const { brushLo, brushHi } = brushBounds(stats, q, groups);
  const { filters, allow } = filterTables(layout, units, q);

  // Pair tables: one per pair of units (or the single unit), marginalized afterwards.
  const partsOf = (u: number, keyShift: number): KeyPart[] =>
    units[u].params.map((p) => ({
      param: p,
      shift: keyShift + innerShift(p, units[u]),
      mask: (1 << layout.slots[p].bits) - 1,
    }));
  const pairTables: KeyTable[] = [];
  const pairShapes: PairTableShape[] = [];
  const unitDone = new Set<number>();
  const addPairTable = (ua: number, ub: number | null): void => {
    const A = units[ua];
    const B = ub === null ? null : units[ub];
    const parts = [...partsOf(ua, 0), ...(ub === null ? [] : partsOf(ub, A.bits))];
    const pairs: [number, number][] = [];
    const options: number[] = [];
    const inA = A.params.length;
    for (let i = 0; i < parts.length; i++) {
      for (let j = 0; j < parts.length; j++) {
        if (parts[i].param >= parts[j].param) continue;
        const sameUnit = (i < inA) === (j < inA);
        const unitOfPair = i < inA ? ua : (ub as number);
        if (!sameUnit || !unitDone.has(unitOfPair)) pairs.push([i, j]);
      }
    }
    for (const [u, lo, hi] of [
      [ua, 0, inA],
      [ub, inA, parts.length],
    ] as const) {
      if (u === null || unitDone.has(u)) continue;
      for (let i = lo; i < hi; i++) options.push(i);
    }
    unitDone.add(ua);
    if (ub !== null) unitDone.add(ub);
    const bits = A.bits + (B ? B.bits : 0);
    pairTables.push({
      a: fieldOf(A.word, A.shift, A.bits),
      b: B ? fieldOf(B.word, B.shift, B.bits) : null,
      aBits: A.bits,
      size: 2 ** bits,
    });
    pairShapes.push({ parts, pairs, options, aBits: A.bits, inA });
  };
  if (units.length === 1) addPairTable(0, null);
  for (let a = 0; a < units.length; a++) for (let b = a + 1; b < units.length; b++) addPairTable(a, b);
  const pairEntries = pairTables.reduce((s, t) => s + t.size * 2, 0);
  if (pairEntries > MAX_TABLE_ENTRIES)
    throw new SweepError(
      `the pair-count matrix of ${P} parameters needs ${pairEntries} counters, more than ${MAX_TABLE_ENTRIES}: choose fewer parameters with --params`,
    );

  // Trellis tables: one per unit, or per parameter where a unit's table would be large.
  const nPrimary = q.primary >= 0 ? Math.max(1, cards[q.primary]) : 1;
  const nSecondary = q.secondary >= 0 ? Math.max(1, cards[q.secondary]) : 1;
  const cells = nPrimary * nSecondary;
  const trellisTables: KeyTable[] = [];
  const trellisShapes: KeyPart[][] = [];
  units.forEach((unit, u) => {
    if (unit.params.length === 1 || 2 ** unit.bits * cells <= TRELLIS_UNIT_ENTRIES) {
      trellisTables.push({ a: fieldOf(unit.word, unit.shift, unit.bits), b: null, aBits: unit.bits, size: 2 ** unit.bits });
      trellisShapes.push(partsOf(u, 0));
      return;
    }
    for (const p of unit.params) {
      const s = layout.slots[p];
      trellisTables.push({ a: slotField(p), b: null, aBits: s.bits, size: 2 ** s.bits });
      trellisShapes.push([{ param: p, shift: 0, mask: (1 << s.bits) - 1 }]);
    }
  });
  const trellisEntries = trellisTables.reduce((s, t) => s + t.size * cells, 0);
  if (trellisEntries > MAX_TABLE_ENTRIES)
    throw new SweepError(
      `the trellis of ${P} parameters by ${nPrimary} x ${nSecondary} options needs ${trellisEntries} cells: choose a secondary parameter with fewer options`,
    );

  const optionOffsets: number[] = [];
  let off = 0;
  for (const c of cards) {
    optionOffsets.push(off);
    off += c;
  }
  const pairOffsets: number[] = new Array(P * P).fill(-1);
  let pairTotal = 0;
  for (let a = 0; a < P; a++)
    for (let b = a + 1; b < P; b++) {
      pairOffsets[a * P + b] = pairTotal;
      pairTotal += cards[a] * cards[b];
    }
  const trellisOffsets: number[] = [];
  off = 0;
  for (const c of cards) {
    trellisOffsets.push(off);
    off += c * cells;
  }

  const plan: KernelPlan = {
    words: layout.words,
    metric: q.metric,
    normalize,
    bins,
    groups,
    group,
    thresholds,
    guessOrigin,
    guessScale,
    brushLo,
    brushHi,
    shownOrigin,
    shownScale,
    filters,
    allow,
    pairTables,
    trellisTables,
    primary: q.primary >= 0 ? slotField(q.primary) : null,
    secondary: q.secondary >= 0 ? slotField(q.secondary) : null,
    nPrimary,
    nSecondary,
    countOnly: -1,
    ranges: null,
  };
  const shape: PlanShape = {
    cards,
    optionOffsets,
    pairOffsets,
    pairTotal,
    trellisOffsets,
    trellisCells: cells,
    pairTables: pairShapes,
    trellisTables: trellisShapes,
  };
  return { plan, shape };
}
