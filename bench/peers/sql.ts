/**
 * The DuckDB side of the brush benchmark: the SQL it runs and how its rows
 * become the explorer's counts. No Node and no DuckDB import here: DuckDB in
 * Node (bench/peers/duckdb.ts) and DuckDB-WASM in the bench page
 * (bench/page/duckdb-wasm.ts) run exactly this text.
 *
 * The table `t` holds the rows in the file's order: p0..p(P-1) the codes
 * (UTINYINT), x the shown value (REAL: f32 of the normalized metric, as the
 * explorer brushes) and bin its histogram bin (UTINYINT), both computed per
 * row when the table is loaded, not in SQL; rows without a metric have x NULL.
 */

import { BINS, emptyCounts, type Counts, type Shape, type ToggleCounts } from '../../src/bench/workload.js';

/** Shortest decimal of an f32 value: DuckDB reads it back as exactly that REAL. */
export const real = (v: number): string => `CAST('${Math.fround(v)}' AS REAL)`;

/** The sets of a step, in the explorer's order: P parameters, the pairs a < b, then (group, bin) for the histogram. */
export function setList(P: number, group = 0): string[][] {
  const sets: string[][] = [];
  for (let a = 0; a < P; a++) sets.push([`p${a}`]);
  for (let a = 0; a < P; a++) for (let b = a + 1; b < P; b++) sets.push([`p${a}`, `p${b}`]);
  sets.push([`p${group}`, 'bin']);
  return sets;
}

const groupingSets = (P: number, group: number): string =>
  setList(P, group)
    .map((s) => `(${s.join(', ')})`)
    .join(', ');

const columnList = (P: number): string => Array.from({ length: P }, (_, p) => `p${p}`).join(', ');

/** A brush step as one GROUP BY GROUPING SETS query. */
export function stepSql(P: number, lo: number, hi: number, group = 0): string {
  return `SELECT ${columnList(P)}, bin, count(*) AS n FROM t WHERE x BETWEEN ${real(lo)} AND ${real(hi)} GROUP BY GROUPING SETS (${groupingSets(P, group)})`;
}

/** The same answer as one GROUP BY per set over the brushed rows, materialized once (DuckDB runs GROUPING SETS of this many sets slowly). */
export function unionSql(P: number, lo: number, hi: number, group = 0): string {
  const parts = setList(P, group).map((cs, k) => `SELECT ${k} AS s, ${cs[0]} AS c0, ${cs[1] ?? 'NULL::UTINYINT'} AS c1, count(*) AS n FROM f GROUP BY ${cs.join(', ')}`);
  return `WITH f AS MATERIALIZED (SELECT ${columnList(P)}, bin FROM t WHERE x BETWEEN ${real(lo)} AND ${real(hi)}) ${parts.join(' UNION ALL ')}`;
}

/** A filter toggle (the baseline under `filter` and the brush's selection in one query), brush held. */
export function toggleSql(P: number, lo: number, hi: number, filter: string | null, group = 0): string {
  return `SELECT ${columnList(P)}, bin, count(*) AS nb, count(*) FILTER (WHERE x BETWEEN ${real(lo)} AND ${real(hi)}) AS ns FROM t WHERE x IS NOT NULL${filter ? ` AND ${filter}` : ''} GROUP BY GROUPING SETS (${groupingSets(P, group)})`;
}

/** The toggle's filter: a parameter's allowed codes. */
export const inFilter = (param: number, codes: readonly number[]): string => `p${param} IN (${codes.join(', ')})`;

/** A code or count of DuckDB's result (numbers, bigints for BIGINT counts, null for a set's other columns). */
export function code(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  throw new Error(`DuckDB returned ${String(v)} where a code or count was expected`);
}

/** Result rows as arrays of values, columns in the query's order. */
export type ResultRows = readonly (readonly unknown[])[];

/** A GROUPING SETS result (p0..p(P-1), bin, count columns…) in the explorer's layout; `countColumn` picks the count. */
export function countsOfRows(sh: Shape, rows: ResultRows, countColumn: number): Counts {
  const out = emptyCounts(sh);
  const P = sh.P;
  const pairIndex = new Map<number, number>();
  for (let k = 0; k < sh.pairA.length; k++) pairIndex.set(sh.pairA[k] * P + sh.pairB[k], k);
  const groupParam = Math.max(0, sh.group);
  for (const row of rows) {
    const n = code(row[P + 1 + countColumn]) ?? 0;
    const bin = code(row[P]);
    const set: number[] = [];
    for (let p = 0; p < P; p++) if (row[p] !== null && row[p] !== undefined) set.push(p);
    const cs = set.map((p) => code(row[p]) ?? 0);
    if (bin !== null) {
      if (set.length !== 1 || set[0] !== groupParam) throw new Error(`unexpected histogram set (${set.join(', ')}, bin)`);
      out.hist[cs[0] * BINS + bin] += n;
    } else if (set.length === 1) {
      out.option[sh.optOff[set[0]] + cs[0]] += n;
      if (set[0] === 0) out.selected += n;
    } else if (set.length === 2) {
      const k = pairIndex.get(set[0] * P + set[1]);
      if (k === undefined) throw new Error(`unexpected grouping set (${set.join(', ')})`);
      out.pair[sh.pairOff[k] + cs[0] * sh.card[set[1]] + cs[1]] += n;
    } else throw new Error(`unexpected grouping set of ${set.length} columns`);
  }
  return out;
}

/** unionSql's rows (set, c0, c1, count) in the explorer's layout. */
export function countsOfUnion(sh: Shape, rows: ResultRows): Counts {
  const out = emptyCounts(sh);
  const P = sh.P;
  const pairs = sh.pairA.length;
  for (const row of rows) {
    const k = code(row[0]) ?? -1;
    const c0 = code(row[1]) ?? 0;
    const c1 = code(row[2]) ?? 0;
    const n = code(row[3]) ?? 0;
    if (k < 0) throw new Error('a row without its set');
    if (k < P) {
      out.option[sh.optOff[k] + c0] += n;
      if (k === 0) out.selected += n;
    } else if (k < P + pairs) out.pair[sh.pairOff[k - P] + c0 * sh.card[sh.pairB[k - P]] + c1] += n;
    else out.hist[c0 * BINS + c1] += n;
  }
  return out;
}

/** toggleSql's rows as a toggle's answer: the selection (ns) and the baseline (nb). */
export function toggleOfRows(sh: Shape, rows: ResultRows): ToggleCounts {
  const base = countsOfRows(sh, rows, 0);
  const sel = countsOfRows(sh, rows, 1);
  return { sel, baseline: base.selected, basePair: base.pair, baseHist: base.hist };
}

/** The SQL of the run, for the report: the low set's first step, and the toggle off. */
export function sqlOfRun(P: number, group: number, step: [number, number], toggle: [number, number], filter: string): { step: string; stepUnion: string; toggleOff: string; toggleOn: string } {
  return {
    step: stepSql(P, ...step, group),
    stepUnion: unionSql(P, ...step, group),
    toggleOff: toggleSql(P, ...toggle, filter, group),
    toggleOn: toggleSql(P, ...toggle, null, group),
  };
}
