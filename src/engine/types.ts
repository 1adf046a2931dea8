import type { RowOrder } from './row-order.js';
import type { CubeSpec } from './cube.js';

/**
 * The engine contract. Both engines (WebGPU and worker CPU) take a compiled
 * `KernelPlan` and return `TableCounts`. Around them: `resolve.ts` checks a
 * user-facing `QuerySpec` against the sweep, `plan.ts` compiles it into a
 * plan, `marginalize.ts` turns the counts into `RawAggregates`, `answer.ts`
 * names them by the sweep's labels for the views, and `output.ts` formats
 * that as labelled JSON (`session.ts` runs the sequence).
 */

/** A query as the CLI's options in JSON form; every field optional. */
export interface QuerySpec {
  metric?: string;
  normalize?: boolean;
  /** Inclusive brush on the shown axis (normalized or raw). */
  range?: readonly [number, number] | null;
  /** Allowed options per parameter, by label. */
  where?: Readonly<Record<string, readonly string[]>>;
  primary?: string;
  secondary?: string | null;
  bins?: number;
}

/** A bit field of a packed row: (word >>> shift) & mask. */
export interface Field {
  readonly word: number;
  readonly shift: number;
  readonly mask: number;
}

/** A table that counts one key per included row: the key spans up to two fields. */
export interface KeyTable {
  readonly a: Field;
  /** Second field, or null for a one-field table. */
  readonly b: Field | null;
  /** Bits of field a (the key is a | b << aBits). */
  readonly aBits: number;
  readonly size: number;
}

/** Everything a kernel needs for one query; small, structured-clone friendly. */
export interface KernelPlan {
  readonly words: number;
  readonly metric: number;
  /** Whether the shown value is normalized per group (else the raw value). */
  readonly normalize: boolean;
  readonly bins: number;
  /** Number of groups (histogram stacks); 1 when the sweep has no group. */
  readonly groups: number;
  readonly group: Field | null;
  /**
   * Per group, bins + 1 f32-representable thresholds: a value v falls in bin k
   * iff thresholds[k] <= v < thresholds[k + 1]; thresholds[0] = -Infinity and
   * thresholds[bins] = +Infinity. Computed exactly on the host, so kernels only
   * compare and never round.
   */
  readonly thresholds: Float64Array;
  /** Per group, an affine guess of the bin (floor((v - guessOrigin) * guessScale)), corrected by the thresholds. */
  readonly guessOrigin: Float64Array;
  readonly guessScale: Float64Array;
  /** Per group, the brush as raw value bounds: selected iff brushLo <= v <= brushHi. */
  readonly brushLo: Float64Array;
  readonly brushHi: Float64Array;
  /** Per group, shown value = (v - shownOrigin) * shownScale (identity when not normalized). */
  readonly shownOrigin: Float64Array;
  readonly shownScale: Float64Array;
  /** Filters: a row passes iff allow[offset + key] for every filter unit. */
  readonly filters: readonly { readonly field: Field; readonly offset: number }[];
  readonly allow: Uint8Array;
  /** Pair tables, each counting (key << 1 | selected) over baseline rows. */
  readonly pairTables: readonly KeyTable[];
  /** Trellis tables, each counting key * cells + primary * nSecondary + secondary, with sums of the shown value. */
  readonly trellisTables: readonly KeyTable[];
  readonly primary: Field | null;
  readonly secondary: Field | null;
  readonly nPrimary: number;
  readonly nSecondary: number;
  /**
   * -1: count every baseline row into the pair and trellis tables (a full
   * query). 1 or 0: count only the selected (1) or only the unselected (0)
   * baseline rows into the pair tables and skip the trellis: a brush move,
   * answered against a cached full query (see `BrushCache`). The histogram
   * and the totals always cover every row.
   */
  readonly countOnly: -1 | 0 | 1;
  /**
   * With countOnly >= 0 on rows sorted by the brushed metric: [start, end)
   * row ranges holding exactly the rows to count (the selected or the
   * unselected ones); the kernel visits only these, and its histogram and
   * totals then cover only them. Null: visit every row.
   */
  readonly ranges: Uint32Array | null;
}

/** Partial counts of one row range, in the plan's table shapes; engines sum these. */
export interface TableCounts {
  missing: number;
  baseline: number;
  selected: number;
  /** (group * bins + bin) * 2 + selected. */
  hist: Uint32Array;
  /** Concatenated pair tables. */
  pairs: Uint32Array;
  /** Concatenated trellis tables: counts and sums of the shown value. */
  trellisCount: Uint32Array;
  trellisSum: Float64Array;
}

/** Aggregates of a query in parameter terms (codes, not labels). */
export interface RawAggregates {
  rows: number;
  missing: number;
  baseline: number;
  selected: number;
  /** [group][bin] counts, groups * bins. */
  histBaseline: Uint32Array;
  histSelected: Uint32Array;
  /** Per parameter, counts by option (offsets in `optionOffsets`). */
  optionSelected: Uint32Array;
  optionBaseline: Uint32Array;
  /** Per unordered parameter pair a < b, counts [optionA * cardB + optionB]. */
  pairSelected: Uint32Array;
  pairBaseline: Uint32Array;
  /** Per parameter, [option][primary][secondary] count and sum of the shown value over baseline rows. */
  trellisCount: Uint32Array;
  trellisSum: Float64Array;
}

export type EngineKind = 'webgpu' | 'cpu';

export interface EngineInfo {
  kind: EngineKind;
  /** Adapter or worker description. */
  adapter?: string;
  /** Why this engine runs (e.g. why the GPU engine is not in use). */
  reason?: string;
}

/** Per group min and max of a metric over its finite values (NaN when a group has none). */
export interface MetricStats {
  readonly min: Float64Array;
  readonly max: Float64Array;
  /** Over all groups. */
  readonly globalMin: number;
  readonly globalMax: number;
}

/**
 * An aggregation engine over one loaded sweep. `load` moves the packed codes
 * and metrics to where the engine computes (GPU buffers, shared worker memory);
 * `run` answers a plan without copying the sweep.
 */
export interface Engine {
  readonly info: EngineInfo;
  /** How this engine wants its plans' tables cut (see compilePlan); default the layout's units. */
  readonly tableUnitBits?: number;
  /** Whether `run` honours `KernelPlan.ranges` (else plans never carry ranges). */
  readonly visitsRanges?: boolean;
  load(data: PackedSweep): Promise<void>;
  stats(metric: number, group: Field | null, groups: number): Promise<MetricStats>;
  run(plan: KernelPlan): Promise<TableCounts>;
  /** The selected rows in an order, one page of them (rows.ts). */
  rowPage(request: RowPageRequest): Promise<RowPage>;
  /** A deterministic sample of the rows and which of them are selected (rows.ts). */
  rowSample(request: RowSampleRequest): Promise<RowSample>;
  /** The cells of brush-cube blocks [first, last) (cube.ts countCubeBlocks); absent: brush moves are never answered from a cube. */
  cubeBlocks?(spec: CubeSpec, first: number, last: number): Promise<Uint32Array>;
  dispose(): Promise<void>;
}

/** What engines see of a sweep: packed codes and metric columns. */
export interface PackedSweep {
  readonly rows: number;
  readonly words: number;
  /** rows * words, interleaved per row. */
  readonly codes: Uint32Array;
  /** One Float32Array per metric, NaN = missing. */
  readonly metrics: readonly Float32Array[];
  /** How the rows are ordered, when sorted by (group, metric) for brush moves (row-order.ts). */
  readonly order?: RowOrder;
  /**
   * Packed row j holds the file's row perm[j] (the rows were sorted when
   * packed): row answers name the file's rows through it, and order ties by it.
   */
  readonly perm: Uint32Array;
}

// ---------------------------------------------------------------------------
// Row queries: which trainings, not how many (rows.ts).

/**
 * Which rows a row query keeps: the plan's selection (compileSelect in
 * plan.ts, which compilePlan uses too), so a row is selected exactly when the
 * kernels count it as selected.
 */
export type RowSelect = Pick<KernelPlan, 'words' | 'metric' | 'group' | 'brushLo' | 'brushHi' | 'filters' | 'allow'>;

/** The column rows are ordered by: a metric (missing values last in either direction) or a parameter's option code. */
export type RowSort = { readonly kind: 'metric'; readonly metric: number } | { readonly kind: 'code'; readonly field: Field };

/**
 * A place in a row order: a row's sort key (rows.ts `sortKey`) and its file
 * row id. Rows are ordered by (key, id): ties by the file's row order.
 */
export interface RowCursor {
  readonly key: number;
  readonly id: number;
}

export interface RowPageRequest {
  readonly select: RowSelect;
  readonly sort: RowSort;
  readonly descending: boolean;
  /** Only rows after this place (cursor paging: the CSV export); null: from the first. */
  readonly after: RowCursor | null;
  /** Rows skipped (after `after`), then at most `limit` rows. */
  readonly offset: number;
  readonly limit: number;
}

export interface RowPage {
  /** The file's row ids, in order; fewer than the limit at the end. */
  readonly ids: Uint32Array;
  /** The place of the last row (the next page's `after`), null when the page is empty. */
  readonly last: RowCursor | null;
}

export interface RowSampleRequest {
  readonly select: RowSelect;
  /** At most this many rows: the stratified sample of the file's rows (sample.ts), the same for the same size and seed. */
  readonly size: number;
  readonly seed: number;
}

export interface RowSample {
  /** The sampled file rows whose metric (select.metric) is present, ascending. */
  readonly ids: Uint32Array;
  /** Per id: 1 when the row is selected. */
  readonly selected: Uint8Array;
}

/** A parameter or metric by name to order rows by; absent: the query's metric. */
export type RowSortBy = { readonly metric: string } | { readonly param: string };

/** What a view asks of a query's rows (the coordinator adds the query). */
export type RowNeed =
  | {
      readonly kind: 'page';
      readonly sortBy?: RowSortBy;
      /** Default true: the best first. */
      readonly descending?: boolean;
      readonly after?: RowCursor | null;
      readonly offset?: number;
      readonly limit: number;
    }
  | { readonly kind: 'sample'; readonly size: number; readonly seed: number };

/** A row query in the sweep's terms: the rows of the selection a QuerySpec makes (Session.rows). */
export type RowsQuery = RowNeed & { readonly spec: QuerySpec };

export type RowsAnswer = ({ readonly kind: 'page'; readonly offset: number } & RowPage) | ({ readonly kind: 'sample' } & RowSample);
