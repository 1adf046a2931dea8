/**
 * A sweep on an engine: packs the codes once, keeps per-metric statistics,
 * and answers user queries as raw aggregates and labelled JSON.
 */

import { allocU32, validateSweep, type Sweep } from '../model/sweep.js';
import { makeLayout, packCodes, DEFAULT_UNIT_BITS, type PackLayout } from './layout.js';
import { compilePlan, marginalize, resolveQuery, type ResolvedQuery } from './plan.js';
import { toAggregateJson, type AggregateJson } from './output.js';
import { BrushCache } from './brush-cache.js';
import type { Engine, Field, MetricStats, PackedSweep, QuerySpec, RawAggregates } from './types.js';

export interface QueryResult {
  query: ResolvedQuery;
  stats: MetricStats;
  raw: RawAggregates;
  json: AggregateJson;
  /** Milliseconds the engine took. */
  engineMs: number;
}

/** Packs a sweep's parameter codes (shared memory where possible). */
export function packSweep(sweep: Sweep, unitBits = DEFAULT_UNIT_BITS): { layout: PackLayout; packed: PackedSweep } {
  const layout = makeLayout(
    sweep.params.map((p) => p.labels.length),
    unitBits,
  );
  const codes = allocU32(sweep.rows * layout.words);
  packCodes(
    layout,
    sweep.params.map((p) => p.codes),
    codes,
    0,
    sweep.rows,
  );
  return { layout, packed: { rows: sweep.rows, words: layout.words, codes, metrics: sweep.metrics.map((m) => m.values) } };
}

export class Session {
  private readonly statsCache = new Map<number, Promise<MetricStats>>();
  private readonly brushCache = new BrushCache();
  /** Answer brush moves incrementally from the last full query (on by default). */
  incremental = true;
  /** How many queries were answered as brush moves (for tests and benchmarks). */
  brushQueries = 0;

  private constructor(
    readonly sweep: Sweep,
    readonly layout: PackLayout,
    readonly packed: PackedSweep,
    readonly engine: Engine,
  ) {}

  /** Validates, packs and loads a sweep onto an engine. */
  static async open(sweep: Sweep, engine: Engine, unitBits = DEFAULT_UNIT_BITS): Promise<Session> {
    validateSweep(sweep);
    const { layout, packed } = packSweep(sweep, unitBits);
    await engine.load(packed);
    return new Session(sweep, layout, packed, engine);
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

  async query(spec: QuerySpec): Promise<QueryResult> {
    const query = resolveQuery(this.sweep, spec);
    const stats = await this.stats(query.metric);
    const compiled = compilePlan(this.sweep, this.layout, query, stats, { tableUnitBits: this.engine.tableUnitBits });
    const { shape } = compiled;
    const { plan, full } = this.incremental ? this.brushCache.planFor(query, compiled.plan) : { plan: compiled.plan, full: null };
    const t0 = performance.now();
    let counts = await this.engine.run(plan);
    const engineMs = performance.now() - t0;
    if (this.incremental) counts = this.brushCache.complete(query, plan, counts, full);
    if (plan.countOnly >= 0) this.brushQueries++;
    const raw = marginalize(this.sweep.rows, plan, shape, counts);
    return { query, stats, raw, json: toAggregateJson(this.sweep, query, stats, raw), engineMs };
  }
}
