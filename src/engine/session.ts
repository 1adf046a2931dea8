/**
 * A sweep on an engine: packs the codes once, keeps per-metric statistics,
 * and answers user queries as raw aggregates, an Answer for the views and
 * (on request) labelled JSON.
 */

import { allocF32, allocU32, findMetric, findParam, validateSweep, type Sweep } from '../model/sweep.js';
import { brushRanges, sortRows } from './row-order.js';
import { makeLayout, packCodes, DEFAULT_UNIT_BITS, type PackLayout } from './layout.js';
import { compilePlan, compileSelect } from './plan.js';
import { marginalize } from './marginalize.js';
import { resolveQuery, type ResolvedQuery } from './resolve.js';
import { toAggregateJson, type AggregateJson } from './output.js';
import { Answer } from './answer.js';
import { applyDelta, baselineKey, completeBrush, filterDelta, smallerSideOf, type FilterDelta, type LastAnswer } from './brush-cache.js';
import { BrushCube, cubeKey, makeCubeSpec } from './cube.js';
import { PackedValues, valuesOf, withoutColumns, type RowValues } from './row-values.js';
import type { Engine, Field, KernelPlan, MetricStats, PackedSweep, QuerySpec, RawAggregates, RowSort, RowSortBy, RowsAnswer, RowsQuery } from './types.js';

export interface QueryResult {
  readonly query: ResolvedQuery;
  readonly stats: MetricStats;
  readonly raw: RawAggregates;
  /** What the views read: the counts with the sweep's names and labels. */
  readonly answer: Answer;
  /** The answer as labelled JSON (CLI, automation API): built on first read, then kept. */
  readonly json: AggregateJson;
  /** Milliseconds the engine took. */
  readonly engineMs: number;
}

/**
 * A query's result whose JSON is formatted only when read: the page draws
 * from the Answer, and building 66 pair tables as nested dicts per brush
 * frame would cost the main thread for nothing.
 */
class LazyQueryResult implements QueryResult {
  private formatted: AggregateJson | null = null;
  constructor(
    readonly query: ResolvedQuery,
    readonly stats: MetricStats,
    readonly raw: RawAggregates,
    readonly answer: Answer,
    readonly engineMs: number,
  ) {}

  get json(): AggregateJson {
    return (this.formatted ??= toAggregateJson(this.answer));
  }
}

/**
 * Packs a sweep's parameter codes (shared memory where possible), with the
 * rows sorted by (group, first metric) so brush moves on that metric visit
 * only one side of the brush (row-order.ts). The permutation is kept
 * (`perm`, 4 bytes a training): row queries answer with the file's row ids.
 */
export function packSweep(sweep: Sweep, unitBits = DEFAULT_UNIT_BITS): { layout: PackLayout; packed: PackedSweep } {
  const layout = makeLayout(
    sweep.params.map((p) => p.labels.length),
    unitBits,
  );
  const W = layout.words;
  const n = sweep.rows;
  const inOrder = new Uint32Array(n * W);
  packCodes(
    layout,
    sweep.params.map((p) => p.codes),
    inOrder,
    0,
    n,
  );
  if (sweep.metrics.length === 0) {
    const identity = allocU32(n);
    for (let i = 0; i < n; i++) identity[i] = i;
    return { layout, packed: { rows: n, words: W, codes: inOrder, metrics: [], perm: identity } };
  }
  const g = sweep.group;
  const groups = g >= 0 ? Math.max(1, sweep.params[g].labels.length) : 1;
  const sorted = sortRows(g >= 0 ? sweep.params[g].codes : null, groups, sweep.metrics[0].values, 0);
  const { order } = sorted;
  // in shared memory, as the codes: the workers read it in place
  const perm = allocU32(n);
  perm.set(sorted.perm);
  const codes = allocU32(n * W);
  for (let j = 0; j < n; j++) {
    const src = perm[j] * W;
    for (let k = 0; k < W; k++) codes[j * W + k] = inOrder[src + k];
  }
  const metrics = sweep.metrics.map((m) => {
    const out = allocF32(n);
    for (let j = 0; j < n; j++) out[j] = m.values[perm[j]];
    return out;
  });
  return { layout, packed: { rows: n, words: W, codes, metrics, order, perm } };
}

/** Bytes a packed sweep holds per training: codes, metrics and the permutation. */
export function bytesPerTraining(packed: PackedSweep): number {
  return 4 * packed.words + 4 * packed.metrics.length + 4;
}

/** Finite rows inside a plan's brush and in all, filters aside (binary searches on rows sorted by its metric). */
function brushRows(packed: PackedSweep, order: NonNullable<PackedSweep['order']>, plan: KernelPlan): { inside: number; finite: number } {
  const ranges = brushRanges(packed, order, plan, 1);
  let inside = 0;
  for (let k = 0; k < ranges.length; k += 2) inside += ranges[k + 1] - ranges[k];
  let finite = 0;
  for (let g = 0; g < order.finiteEnd.length; g++) finite += order.finiteEnd[g] - order.groupStart[g];
  return { inside, finite };
}

const smallerOf = (r: { inside: number; finite: number }): number => Math.min(r.inside, r.finite - r.inside);

/** Rows an engine counts of a cube's blocks in one call: short enough that a query waits little behind it. */
const CUBE_SLICE_ROWS = 1 << 19;

export class Session {
  private readonly statsCache = new Map<number, Promise<MetricStats>>();
  /** Answer brush moves incrementally from the last full query (on by default). */
  incremental = true;
  /**
   * Brush moves from the brush cube (cube.ts), built in the background after
   * a query under new filters: 'auto' for sweeps of at least `cubeMinRows`
   * trainings on an engine that counts cube blocks; 'off' never.
   */
  cubeMode: 'auto' | 'off' = 'auto';
  cubeMinRows = 1 << 18;
  /** Rows a cube block holds at least (tests make blocks short to cover many boundaries). */
  cubeMinBlockRows = 1024;
  /** How many queries were answered as brush moves, how many of those visited only row ranges, and how many came from the cube (for tests and benchmarks). */
  brushQueries = 0;
  rangeQueries = 0;
  cubeQueries = 0;
  /** Queries answered as the last answer plus or minus the rows of a toggled filter. */
  deltaQueries = 0;
  private cube: BrushCube | null = null;
  private cubeBuild: Promise<void> = Promise.resolve();
  private cubeFailed = false;
  /** The last answer's aggregates and baseline key: a cube step takes its baseline side. */
  private last: LastAnswer | null = null;
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];

  private constructor(
    private current: Sweep,
    readonly layout: PackLayout,
    readonly packed: PackedSweep,
    readonly engine: Engine,
  ) {}

  /** The sweep: names, labels and roles, and its per-training columns until `releaseColumns`. */
  get sweep(): Sweep {
    return this.current;
  }

  private released: PackedValues | null = null;

  /** Single trainings' values by file row, for the views: the sweep's columns, or the packed copy once they are released. */
  get values(): RowValues {
    return valuesOf(this.current);
  }

  /**
   * Lets go of the sweep's per-training columns (the page calls this once the
   * sweep is on the engine): single trainings are read from the packed copy
   * from then on (row-values.ts). Queries never read the columns.
   */
  releaseColumns(): RowValues {
    if (!this.released) {
      const numbers = this.current.params.map((p) => (p.kind === 'numeric' && p.values ? p.values : null));
      this.released = new PackedValues(this.layout, this.packed, numbers);
      this.current = withoutColumns(this.current, this.released);
    }
    return this.released;
  }

  /**
   * Bytes held per training in all: the engine's (bytesPerTraining) and the
   * sweep's columns, or, once released, the inverse permutation and the
   * numbers of numeric parameters (a replicate column's ids go with the columns).
   */
  get residentBytesPerTraining(): number {
    const sweep = this.current;
    if (this.released) return this.bytesPerTraining + this.released.bytesPerTraining;
    const replicate = sweep.replicate ? 4 : 0;
    const columns = sweep.params.reduce((s, p) => s + 1 + (p.values ? 4 : 0), 0) + 4 * sweep.metrics.length;
    return this.bytesPerTraining + columns + replicate;
  }

  /** Validates, packs and loads a sweep onto an engine. */
  static async open(sweep: Sweep, engine: Engine, unitBits = DEFAULT_UNIT_BITS): Promise<Session> {
    validateSweep(sweep);
    const { layout, packed } = packSweep(sweep, unitBits);
    return Session.fromPacked(sweep, { layout, packed }, engine);
  }

  /** Loads a sweep packed elsewhere (packSweep in a worker, say) onto an engine. */
  static async fromPacked(sweep: Sweep, prepared: { layout: PackLayout; packed: PackedSweep }, engine: Engine): Promise<Session> {
    validateSweep(sweep);
    const { layout, packed } = prepared;
    if (packed.rows !== sweep.rows || packed.perm.length !== sweep.rows || layout.slots.length !== sweep.params.length)
      throw new Error(`internal error: a packed sweep of ${packed.rows} rows and ${layout.slots.length} parameters for a sweep of ${sweep.rows} and ${sweep.params.length}`);
    await engine.load(packed);
    return new Session(sweep, layout, packed, engine);
  }

  /**
   * Bytes the engine holds per training: the packed codes, the metrics and
   * the permutation back to the file's rows (the sweep's own columns, which
   * the views read labels and values from, come on top).
   */
  get bytesPerTraining(): number {
    return bytesPerTraining(this.packed);
  }

  get groupField(): Field | null {
    const g = this.sweep.group;
    if (g < 0) return null;
    const s = this.layout.slots[g];
    return { word: s.word, shift: s.shift, mask: (1 << s.bits) - 1 };
  }

  get groups(): number {
    return this.sweep.group >= 0 ? Math.max(1, this.sweep.params[this.sweep.group].labels.length) : 1;
  }

  /** Per group min/max of a metric, computed once per metric. */
  stats(metric: number): Promise<MetricStats> {
    let s = this.statsCache.get(metric);
    if (!s) {
      s = this.engine.stats(metric, this.groupField, this.groups);
      this.statsCache.set(metric, s);
    }
    return s;
  }

  /**
   * The rows of a query's selection: a page in an order, or the sample with
   * its selection flags. Ids are the file's rows (the engine maps packed rows
   * back through `perm`); labels and values come from `sweep` by id.
   */
  async rows(q: RowsQuery): Promise<RowsAnswer> {
    const query = resolveQuery(this.sweep, q.spec);
    const stats = await this.stats(query.metric);
    const select = compileSelect(this.sweep, this.layout, query, stats);
    if (q.kind === 'sample') {
      const s = await this.engine.rowSample({ select, size: q.size, seed: q.seed });
      return { kind: 'sample', ids: s.ids, selected: s.selected };
    }
    const offset = Math.max(0, Math.floor(q.offset ?? 0));
    const page = await this.engine.rowPage({
      select,
      sort: this.rowSort(q.sortBy, query.metric),
      descending: q.descending ?? true,
      after: q.after ?? null,
      offset,
      limit: q.limit,
    });
    return { kind: 'page', offset, ids: page.ids, last: page.last };
  }

  /** The column to order rows by, in the engine's terms (a metric, or a parameter's code field). */
  private rowSort(by: RowSortBy | undefined, metric: number): RowSort {
    if (!by) return { kind: 'metric', metric };
    if ('metric' in by) return { kind: 'metric', metric: findMetric(this.sweep, by.metric) };
    const s = this.layout.slots[findParam(this.sweep, by.param)];
    return { kind: 'code', field: { word: s.word, shift: s.shift, mask: s.bits >= 32 ? 0xffffffff : (1 << s.bits) - 1 } };
  }

  async query(spec: QuerySpec): Promise<QueryResult> {
    this.inFlight++;
    try {
      return await this.answer(spec);
    } finally {
      this.inFlight--;
      if (this.inFlight === 0) for (const wake of this.idleWaiters.splice(0)) wake();
    }
  }

  /** Bytes the brush cube holds now (0 without one). */
  get cubeBytes(): number {
    return this.cube?.bytes ?? 0;
  }

  /** Rows of a cube block (0 without a cube): where prefix sums are kept. */
  get cubeBlockRows(): number {
    return this.cube?.spec.blockRows ?? 0;
  }

  /** Resolves when the cube under construction is complete (or given up): for tests and benchmarks. */
  cubeReady(): Promise<boolean> {
    return this.cubeBuild.then(() => this.cube?.ready ?? false);
  }

  /** Starts the cube for a query's filters in the background, unless it is built or being built. */
  private scheduleCube(query: ResolvedQuery, stats: MetricStats): void {
    const order = this.packed.order;
    if (this.cubeMode === 'off' || this.cubeFailed || order?.metric !== query.metric || !this.engine.cubeBlocks || this.sweep.rows < this.cubeMinRows) return;
    const key = cubeKey(query, order);
    if (this.cube?.key === key) return;
    const spec = makeCubeSpec(this.sweep, this.layout, query, stats, this.cubeMinBlockRows);
    if (!spec) {
      this.cube = null;
      return;
    }
    const cube = new BrushCube(key, spec);
    this.cube = cube;
    this.cubeBuild = this.buildCube(cube);
  }

  /** Counts the cube's blocks a slice at a time, each when no query is running; stops when another cube replaces it. */
  private async buildCube(cube: BrushCube): Promise<void> {
    const engine = this.engine;
    const step = Math.max(1, Math.floor(CUBE_SLICE_ROWS / cube.spec.blockRows));
    try {
      while (this.cube === cube && !cube.ready) {
        await new Promise((r) => setTimeout(r, 0));
        while (this.inFlight > 0) await new Promise<void>((r) => this.idleWaiters.push(r));
        if (this.cube !== cube || !engine.cubeBlocks) return;
        const first = cube.next;
        const counts = await engine.cubeBlocks(cube.spec, first, Math.min(cube.spec.blocks, first + step));
        if (this.cube !== cube) return;
        cube.add(counts);
      }
    } catch {
      // an engine that cannot count blocks (the GPU without shared memory) or went away: brush moves stay incremental
      if (this.cube === cube) this.cube = null;
      this.cubeFailed = true;
    }
  }

  private async answer(spec: QuerySpec): Promise<QueryResult> {
    const query = resolveQuery(this.sweep, spec);
    const stats = await this.stats(query.metric);
    const compiled = compilePlan(this.sweep, this.layout, query, stats, { tableUnitBits: this.engine.tableUnitBits });
    const { shape } = compiled;
    const key = baselineKey(query, compiled.plan);
    const order = this.packed.order;
    const cube = this.cube;
    if (
      this.incremental &&
      cube?.ready &&
      order?.metric === query.metric &&
      this.last?.key === key &&
      cube.key === cubeKey(query, order) &&
      cube.scanBound(compiled.plan.groups) / 2 < smallerOf(brushRows(this.packed, order, compiled.plan))
    ) {
      // The incremental path is kept where it visits fewer rows: a brush holding almost nothing, or almost everything.
      const t0 = performance.now();
      const raw = cube.answer(this.packed, order, compiled.plan, this.last.raw);
      const engineMs = performance.now() - t0;
      this.brushQueries++;
      this.cubeQueries++;
      this.last = { key, query, raw };
      return new LazyQueryResult(query, stats, raw, Answer.of(this.sweep, query, stats, raw), engineMs);
    }
    const last = this.incremental ? this.last : null;
    let plan = compiled.plan;
    let how: 'full' | 'brush' | 'delta' = 'full';
    let delta: FilterDelta | null = null;
    const d = last ? filterDelta(last.query, query, shape.cards) : null;
    // the very query answered last (the views and the API often ask it twice)
    if (last && d === 'same' && last.key === key) return new LazyQueryResult(query, stats, last.raw, Answer.of(this.sweep, query, stats, last.raw), 0);
    if (last?.key === key) {
      // a brush move: count the smaller side only, and only its rows where they are sorted by the metric
      const sorted = order?.metric === query.metric ? order : null;
      const rows = sorted ? brushRows(this.packed, sorted, plan) : { inside: last.raw.selected, finite: last.raw.baseline };
      const side = smallerSideOf(rows.finite ? rows.inside / rows.finite : 0);
      plan = { ...plan, countOnly: side };
      if (this.engine.visitsRanges && sorted) plan = { ...plan, ranges: brushRanges(this.packed, sorted, plan, side) };
      how = 'brush';
    } else if (d && d !== 'same') {
      // a filter toggled: count only the rows of the options that changed
      delta = d;
      const filters = query.filters.map((f, p) => (p === d.param ? d.options : f));
      plan = compilePlan(this.sweep, this.layout, { ...query, filters }, stats, { tableUnitBits: this.engine.tableUnitBits }).plan;
      how = 'delta';
    }
    const t0 = performance.now();
    const counts = await this.engine.run(plan);
    const engineMs = performance.now() - t0;
    const m = marginalize(this.sweep.rows, plan, shape, counts);
    let raw = m;
    if (how === 'brush' && last && plan.countOnly !== -1) {
      raw = completeBrush(last.raw, plan.countOnly, plan.ranges !== null, m);
      this.brushQueries++;
      if (plan.ranges) this.rangeQueries++;
    } else if (how === 'delta' && last && delta) {
      raw = applyDelta(last.raw, m, delta.sign);
      this.deltaQueries++;
    }
    this.last = { key, query, raw };
    if (how !== 'brush') this.scheduleCube(query, stats);
    return new LazyQueryResult(query, stats, raw, Answer.of(this.sweep, query, stats, raw), engineMs);
  }
}
