/**
 * The brush cube: brush moves answered in time independent of the rows
 * they select. Falcon's idea (Moritz et al., "Falcon: Balancing Interactive
 * Latency and Resolution Sensitivity for Scalable Linked Visualizations",
 * CHI 2019): when a brush can move along an axis, count once, for the
 * current filters, every view's cells cumulatively along that axis; a brush
 * [a, b] is then prefix(b) - prefix(a), two lookups per cell.
 *
 * Here the axis is the packed row order itself. Rows are sorted by (group,
 * first metric) (row-order.ts), so a brush on that metric, raw or normalized,
 * selects one contiguous run of rows per group, found by binary search. The
 * cube holds, for the rows before every block boundary (blocks of R rows),
 * how many pass the filters and their option and pair counts. prefix(p) for
 * any row p is the nearest boundary's cumulative counts, corrected by an
 * exact scan of the rows between p and that boundary (at most R/2 rows). So
 * answers are exact, and a step costs 2 x groups lookups of the cells plus
 * scans of at most groups x R rows, whatever the brush selects.
 *
 * Blocks of rows rather than bins of the metric's value: every block holds
 * the same number of rows, so the edge scans are bounded however the values
 * crowd (a value bin may hold a tenth of the sweep). The cube depends on the
 * filters only, not on the brush, the normalization or the histogram's bins.
 *
 * Cells are counted per block through small tables keyed by pairs of 4-bit
 * units (the generated sweep: 21 tables of at most 256 keys, 4,224 counters)
 * and marginalized per block into the cells (1,260 for the generated sweep:
 * the rows, 48 options, 1,211 pair cells), so the cube is cells x blocks.
 */

import { compiledScan, type CompiledScan, type ScanShape } from './compiled-kernel.js';
import { compilePlan } from './plan.js';
import type { PackLayout } from './layout.js';
import type { ResolvedQuery } from './resolve.js';
import { lowerBound, type RowOrder } from './row-order.js';
import type { KernelPlan, MetricStats, PackedSweep, RawAggregates } from './types.js';
import type { Sweep } from '../model/sweep.js';

/** Key units of the cube's tables: pairs of them key tables of at most 256 entries (wider parameters keep their own unit). */
const CUBE_UNIT_BITS = 4;
/** At most this many blocks, and at least this many rows a block. */
const MAX_BLOCKS = 2048;
const MIN_BLOCK_ROWS = 1024;
/** The cube's memory: cells x (blocks + 1) x 4 bytes stays under this, or blocks get longer. */
const CUBE_BYTES = 16 << 20;
/** Fewer blocks than this and a cube is not worth it (a sweep with very many pair cells). */
const MIN_BLOCKS = 16;

/** What counting a cube's blocks needs (structured-clone friendly: it goes to the workers). */
export interface CubeSpec extends ScanShape {
  readonly allow: Uint8Array;
  /** Counters in all tables. */
  readonly entries: number;
  /** Table counter e adds to the cells mapCells[mapStart[e] .. mapStart[e + 1]). */
  readonly mapStart: Int32Array;
  readonly mapCells: Int32Array;
  /** Cells: [passing rows, options (by optionOffsets), pairs (by pairOffsets)]. */
  readonly cells: number;
  readonly options: number;
  readonly rows: number;
  readonly blockRows: number;
  readonly blocks: number;
}

/** The filters a cube is built for, as a string: a cube answers any brush, normalization and bins under them. */
export function cubeKey(q: ResolvedQuery, order: RowOrder): string {
  return JSON.stringify([order.metric, q.filters.map((f) => (f ? Array.from(f) : null))]);
}

/** The cube's shape for a query's filters, or null when its cells would not fit in enough blocks. */
export function makeCubeSpec(sweep: Sweep, layout: PackLayout, q: ResolvedQuery, stats: MetricStats, minBlockRows = MIN_BLOCK_ROWS): CubeSpec | null {
  const { plan, shape } = compilePlan(sweep, layout, q, stats, { tableUnitBits: CUBE_UNIT_BITS });
  const { cards, optionOffsets, pairOffsets, pairTotal } = shape;
  const P = cards.length;
  const options = cards.reduce((s, c) => s + c, 0);
  const cells = 1 + options + pairTotal;
  const rows = sweep.rows;
  const fit = Math.floor(CUBE_BYTES / (4 * cells)) - 1;
  let blocks = Math.min(MAX_BLOCKS, fit, Math.ceil(rows / minBlockRows));
  if (blocks < MIN_BLOCKS) return null;
  const blockRows = Math.ceil(rows / blocks);
  blocks = Math.ceil(rows / blockRows);
  const entries = plan.pairTables.reduce((s, t) => s + t.size, 0);
  const mapStart = new Int32Array(entries + 1);
  const mapCells: number[] = [];
  let e = 0;
  plan.pairTables.forEach((t, ti) => {
    const ts = shape.pairTables[ti];
    for (let key = 0; key < t.size; key++, e++) {
      mapStart[e] = mapCells.length;
      const code = ts.parts.map((p) => (key >>> p.shift) & p.mask);
      if (code.some((c, i) => c >= cards[ts.parts[i].param])) continue; // no row has this key
      for (const i of ts.options) mapCells.push(1 + optionOffsets[ts.parts[i].param] + code[i]);
      for (const [i, j] of ts.pairs) {
        const a = ts.parts[i].param;
        const b = ts.parts[j].param;
        mapCells.push(1 + options + pairOffsets[a * P + b] + code[i] * cards[b] + code[j]);
      }
    }
  });
  mapStart[entries] = mapCells.length;
  return {
    words: plan.words,
    filters: plan.filters,
    allow: plan.allow,
    tables: plan.pairTables,
    entries,
    mapStart,
    mapCells: Int32Array.from(mapCells),
    cells,
    options,
    rows,
    blockRows,
    blocks,
  };
}

/** The generic scan, where code cannot be compiled: the compiled one's loop with the positions read from arrays. */
function genericScan(spec: ScanShape, withTables: boolean): CompiledScan {
  return (codes, allow, tables, start, end, sign) => {
    const W = spec.words;
    let n = 0;
    for (let i = start; i < end; i++) {
      const base = i * W;
      let pass = true;
      for (const f of spec.filters)
        if (allow[f.offset + ((codes[base + f.field.word] >>> f.field.shift) & f.field.mask)] === 0) {
          pass = false;
          break;
        }
      if (!pass) continue;
      n++;
      if (!withTables) continue;
      let off = 0;
      for (const t of spec.tables) {
        let key = (codes[base + t.a.word] >>> t.a.shift) & t.a.mask;
        if (t.b) key |= ((codes[base + t.b.word] >>> t.b.shift) & t.b.mask) << t.aBits;
        tables[off + key] += sign;
        off += t.size;
      }
    }
    return n;
  };
}

function scanner(spec: ScanShape, withTables: boolean): CompiledScan {
  return compiledScan(spec, withTables) ?? genericScan(spec, withTables);
}

/** Adds table counters (times their sign, already in them) to cells[base + ...]. */
function addMapped(spec: CubeSpec, tables: Int32Array, cells: Float64Array | Uint32Array, base: number): void {
  const { mapStart, mapCells } = spec;
  for (let e = 0; e < spec.entries; e++) {
    const c = tables[e];
    if (c === 0) continue;
    for (let m = mapStart[e]; m < mapStart[e + 1]; m++) cells[base + mapCells[m]] += c;
  }
}

/** The cells of blocks [first, last), block after block (a worker's share of a cube). */
export function countCubeBlocks(data: PackedSweep, spec: CubeSpec, first: number, last: number): Uint32Array {
  const out = new Uint32Array((last - first) * spec.cells);
  const tables = new Int32Array(spec.entries);
  const scan = scanner(spec, true);
  for (let k = first; k < last; k++) {
    tables.fill(0);
    const base = (k - first) * spec.cells;
    out[base] = scan(data.codes, spec.allow, tables, k * spec.blockRows, Math.min(spec.rows, (k + 1) * spec.blockRows), 1);
    addMapped(spec, tables, out, base);
  }
  return out;
}

/** A cube being filled block by block, in order, and answering brushes once full. */
export class BrushCube {
  /** Cells before each block boundary: (blocks + 1) x cells. */
  private readonly cum: Uint32Array;
  private filled = 0;

  constructor(
    readonly key: string,
    readonly spec: CubeSpec,
  ) {
    this.cum = new Uint32Array((spec.blocks + 1) * spec.cells);
  }

  get ready(): boolean {
    return this.filled === this.spec.blocks;
  }

  /** Blocks counted so far (the next to add). */
  get next(): number {
    return this.filled;
  }

  get bytes(): number {
    return this.cum.byteLength;
  }

  /** Adds the counts of the next blocks (from countCubeBlocks). */
  add(counts: Uint32Array): void {
    const C = this.spec.cells;
    const n = counts.length / C;
    const cum = this.cum;
    for (let k = 0; k < n; k++) {
      const prev = (this.filled + k) * C;
      const next = prev + C;
      for (let c = 0; c < C; c++) cum[next + c] = cum[prev + c] + counts[k * C + c];
    }
    this.filled += n;
  }

  /** Rows a step scans at most: two edges per group, half a block each. */
  scanBound(groups: number): number {
    return groups * this.spec.blockRows;
  }

  /**
   * A brush step: the full answer's baseline side with the selected side
   * from the cube. `full` is any answer under the same filters, metric,
   * normalization and bins (its baseline counts are this query's), `plan`
   * this query's plan (its brush bounds and thresholds).
   */
  answer(data: PackedSweep, order: RowOrder, plan: KernelPlan, full: RawAggregates): RawAggregates {
    const spec = this.spec;
    const C = spec.cells;
    const R = spec.blockRows;
    const cells = new Float64Array(C);
    const acc = new Int32Array(spec.entries);
    const scan = scanner(spec, true);
    const count = scanner(spec, false);
    const scratch = new Int32Array(0);
    const codes = data.codes;
    const values = data.metrics[order.metric];
    /** Rows before p passing the filters; with sign, their cells are added to `cells` too. */
    const prefix = (p: number, sign: number): number => {
      const k = Math.min(spec.blocks, Math.round(p / R));
      const q = Math.min(spec.rows, k * R);
      const at = k * C;
      if (sign !== 0) for (let c = 0; c < C; c++) cells[c] += sign * this.cum[at + c];
      if (p === q) return this.cum[at];
      const lo = Math.min(p, q);
      const hi = Math.max(p, q);
      const s = p > q ? sign : -sign;
      const n = sign !== 0 ? scan(codes, spec.allow, acc, lo, hi, s) : count(codes, spec.allow, scratch, lo, hi, 0);
      return p > q ? this.cum[at] + n : this.cum[at] - n;
    };
    const { bins, thresholds, brushLo, brushHi } = plan;
    const T = bins + 1;
    const histSelected = new Uint32Array(plan.groups * bins);
    let selected = 0;
    for (let g = 0; g < plan.groups; g++) {
      const gs = order.groupStart[g];
      const fe = order.finiteEnd[g];
      if (gs === fe) continue;
      const a = lowerBound(values, gs, fe, brushLo[g], true);
      const b = Math.max(a, lowerBound(values, gs, fe, brushHi[g], false));
      if (a === b) continue;
      const before = prefix(a, -1);
      const inside = prefix(b, 1) - before;
      selected += inside;
      // the histogram: bins wholly inside take their baseline count; the first and last bin are counted
      const binOf = (v: number): number => {
        let lo = 0;
        let hi = bins - 1;
        while (lo < hi) {
          const mid = (lo + hi + 1) >>> 1;
          if (thresholds[g * T + mid] <= v) lo = mid;
          else hi = mid - 1;
        }
        return lo;
      };
      const ja = binOf(values[a]);
      const jb = binOf(values[b - 1]);
      const h = g * bins;
      if (ja === jb) {
        histSelected[h + ja] = inside;
        continue;
      }
      const endA = lowerBound(values, a, b, thresholds[g * T + ja + 1], true);
      const first = prefix(endA, 0) - before;
      histSelected[h + ja] = first;
      let middle = 0;
      for (let j = ja + 1; j < jb; j++) {
        histSelected[h + j] = full.histBaseline[h + j];
        middle += full.histBaseline[h + j];
      }
      histSelected[h + jb] = inside - first - middle;
    }
    addMapped(spec, acc, cells, 0);
    const optionSelected = new Uint32Array(spec.options);
    for (let i = 0; i < spec.options; i++) optionSelected[i] = cells[1 + i];
    const pairSelected = new Uint32Array(C - 1 - spec.options);
    for (let i = 0; i < pairSelected.length; i++) pairSelected[i] = cells[1 + spec.options + i];
    return { ...full, selected, histSelected, optionSelected, pairSelected };
  }
}
