/**
 * crossfilter2 on the workload, two ways. Records are row ids (a number[]
 * of the rows with a metric value); accessors read the columns, so no object
 * per training is made. The brush is a dimension on x with
 * filterRange([lo, nextUp(hi)]): crossfilter's ranges are half-open, and the
 * next f32 above hi makes it hold exactly the f32 values in [lo, hi].
 *
 * - "reduce": two dimensions (x for the brush, the toggle's parameter for the
 *   filter) and two groupAll() with a custom reduce over typed arrays: every
 *   row entering or leaving the selection adds or removes its 12 option
 *   counts, 66 pair cells and histogram cell (crossfilter's incremental
 *   update: only the rows that changed side are visited). The crossfilter's
 *   groupAll observes every filter (the selection); the x dimension's
 *   groupAll ignores the brush (the baseline). Expresses the whole answer.
 * - "dimension per view" (as dc.js charts are built): one dimension and a
 *   reduceCount group per view: 12 options, 66 pairs on a composite key
 *   (a's code x b's options + b's code), the histogram on group x bins + bin,
 *   plus x for the brush and a separate dimension for the filter (a group
 *   ignores its own dimension's filter, and sweepscope's option counts do
 *   filter the filtered parameter). It cannot express the baseline pair
 *   matrices and histogram (the explorer's grey bars) while a brush is held:
 *   only a group on the brushed dimension ignores the brush, and that
 *   dimension's key is x, not a pair; its toggles are checked on the
 *   selection and the baseline's count only. It holds 80 sorted dimensions.
 */

import crossfilter from 'crossfilter2';
import crossfilterPackage from 'crossfilter2/package.json';
import { nextUpF32, toggleFilter, type BrushColumns } from '../columns.js';
import { checkAborted, heapUsed, median, yieldToPage } from '../stats.js';
import { BINS, emptyCounts, TOGGLE, toggleBrushF32, type Counts, type ReferenceAnswers, type ToggleCounts } from '../workload.js';
import { didNotFit, timePeer, type PeerOptions, type PeerReport } from './common.js';

/** crossfilter2's version: its package's (the ES build the page gets has no `version` export). */
export const CROSSFILTER_VERSION: string = crossfilterPackage.version;

export interface CrossfilterOptions extends PeerOptions {
  /** Give up building after this long, ms (the dimension-per-view build sorts 80 dimensions). */
  maxBuildMs?: number;
  /**
   * The dimension-per-view build stops as soon as the heap it measured per
   * dimension (the median growth of the last four, after a GC) times the
   * dimensions left would pass the page's JS heap limit: every dimension
   * holds the same arrays of one entry per row, so the growth is linear.
   * Default true; false builds on until the heap runs out (the page dies).
   */
  projectFit?: boolean;
}

/** The row ids with a metric value: crossfilter's records. */
function finiteRows(cols: BrushColumns): number[] {
  const ids: number[] = [];
  const x = cols.x;
  for (let i = 0; i < x.length; i++) if (x[i] === x[i]) ids.push(i);
  return ids;
}

interface Acc {
  n: number;
  option: Uint32Array;
  pair: Uint32Array;
  hist: Uint32Array;
}

const copyCounts = (a: Acc): Counts => ({ selected: a.n, option: a.option.slice(), pair: a.pair.slice(), hist: a.hist.slice() });

export const CROSSFILTER_REDUCE_NOTES = [
  'records are row ids; two dimensions (x for the brush, the toggle parameter for the filter); crossfilter().groupAll() and the x dimension\'s groupAll() with a custom reduce over typed arrays: 12 option counts, 66 pair cells and the histogram cell per row added or removed',
  'a brush move visits only the rows that change side (crossfilter\'s incremental filter); the x dimension\'s groupAll ignores the brush and gives the baseline',
  'the brush: filterRange([lo, next f32 above hi]) (crossfilter\'s ranges are half-open); the filter: filterFunction on the parameter\'s codes',
];

export const CROSSFILTER_VIEWS_NOTES = [
  'records are row ids; one dimension and reduceCount group per view as dc.js builds charts: 12 option dimensions, 66 pair dimensions on a composite key (a x |b| + b), the histogram on group x 50 + bin, x for the brush, and a separate dimension for the filter: 80 dimensions',
  'cannot express the baseline pair matrices and histogram (the explorer\'s grey bars) while a brush is held: a group ignores only its own dimension\'s filter; toggles are checked on the selection and the baseline count only',
];

/** The "reduce" crossfilter: built, timed on the workload, answers checked. */
export async function runCrossfilterReduce(cols: BrushColumns, ref: ReferenceAnswers, o: CrossfilterOptions): Promise<PeerReport> {
  const base = { id: 'crossfilter-reduce', label: 'crossfilter2 (one reduce)', version: `crossfilter2 ${CROSSFILTER_VERSION}`, rows: cols.rows, notes: CROSSFILTER_REDUCE_NOTES };
  const sh = cols.shape;
  const { codes, group, bin, x } = cols;
  const P = sh.P;
  const optOff = Int32Array.from(sh.optOff);
  const pairOff = Int32Array.from(sh.pairOff);
  const card = Int32Array.from(sh.card);
  const c = new Int32Array(P);
  const init = (): Acc => {
    const e = emptyCounts(sh);
    return { n: 0, option: e.option, pair: e.pair, hist: e.hist };
  };
  // one function for add (+1) and remove (-1): crossfilter calls it per row that enters or leaves
  const change = (p: Acc, i: number, d: number): Acc => {
    p.n += d;
    p.hist[group[i] * BINS + bin[i]] += d;
    for (let a = 0; a < P; a++) {
      const ca = codes[a][i];
      c[a] = ca;
      p.option[optOff[a] + ca] += d;
    }
    let k = 0;
    for (let a = 0; a < P; a++) {
      const ba = c[a];
      for (let b = a + 1; b < P; b++, k++) p.pair[pairOff[k] + ba * card[b] + c[b]] += d;
    }
    return p;
  };
  const add = (p: Acc, i: number): Acc => change(p, i, 1);
  const remove = (p: Acc, i: number): Acc => change(p, i, -1);

  checkAborted(o.signal);
  const heap0 = heapUsed();
  const t0 = performance.now();
  let ids: number[] | null = finiteRows(cols);
  const cf = crossfilter<number>(ids);
  ids = null;
  const xDim = cf.dimension<number>((i) => x[i]);
  const filter = toggleFilter(cols, TOGGLE.param, TOGGLE.keep);
  const fCodes = codes[filter.param];
  const fDim = cf.dimension<number>((i) => fCodes[i]);
  const sel = cf.groupAll<Acc>().reduce(add, remove, init);
  const baseAll = xDim.groupAll<Acc>().reduce(add, remove, init);
  sel.value();
  baseAll.value();
  const buildMs = performance.now() - t0;
  const heap1 = heapUsed();
  o.onProgress?.({ peer: base.label, phase: 'built', done: 1, total: 1, heapUsed: heap1?.used });
  void base;

  const [hlo, hhi] = toggleBrushF32();
  const t = await timePeer(
    'crossfilter2 (one reduce)',
    cols.rows,
    ref,
    {
      step: (lo, hi) => {
        xDim.filterRange([lo, nextUpF32(hi)]);
        return copyCounts(sel.value());
      },
      prepareToggle: () => void xDim.filterRange([hlo, nextUpF32(hhi)]),
      toggle: (off): ToggleCounts => {
        if (off) fDim.filterFunction((v) => filter.allow[v as number] === 1);
        else fDim.filterAll();
        const b = baseAll.value();
        return { sel: copyCounts(sel.value()), baseline: b.n, basePair: b.pair.slice(), baseHist: b.hist.slice() };
      },
    },
    o,
  );
  return {
    ...base,
    buildMs,
    bytesPerTraining: heap0 && heap1 ? (heap1.used - heap0.used) / cols.rows : null,
    bytesHow: heap0 ? 'JS heap growth over the build (performance.memory after a GC), the columns aside' : 'not measured (no performance.memory here)',
    cold: t.cold,
    sets: t.sets,
    toggle: t.toggle,
    checked: 'every step: selected count, option counts, pair cells, histogram cells; toggles: those and the baseline count, pair cells and histogram',
    fit: { ok: true },
  };
}

/** The "dimension per view" crossfilter: built (progress per dimension, with the heap), timed, answers checked; or why it did not fit. */
export async function runCrossfilterViews(cols: BrushColumns, ref: ReferenceAnswers, o: CrossfilterOptions): Promise<PeerReport> {
  const base = { id: 'crossfilter-views', label: 'crossfilter2 (dimension per view)', version: `crossfilter2 ${CROSSFILTER_VERSION}`, rows: cols.rows, notes: CROSSFILTER_VIEWS_NOTES };
  const sh = cols.shape;
  const { codes, group, bin, x } = cols;
  const P = sh.P;
  const filter = toggleFilter(cols, TOGGLE.param, TOGGLE.keep);
  const dims = 2 + P + sh.pairA.length + 1;

  checkAborted(o.signal);
  const heap0 = heapUsed();
  const t0 = performance.now();
  let built = 0;
  const heaps: number[] = [];
  const progress = async (what: string): Promise<void> => {
    built++;
    const heap = heapUsed();
    if (heap) heaps.push(heap.used);
    o.onProgress?.({ peer: base.label, phase: `building: ${what}`, done: built, total: dims, heapUsed: heap?.used });
    checkAborted(o.signal);
    // a page stays responsive (and reports) between dimensions; each one sorts every row
    await yieldToPage();
    const s = ((performance.now() - t0) / 1000).toFixed(0);
    if (o.maxBuildMs !== undefined && performance.now() - t0 > o.maxBuildMs) throw new GaveUp(`gave up after ${s} s building ${built} of ${dims} dimensions (heap ${fmtHeap()})`);
    if (heap && (o.projectFit ?? true) && heaps.length >= 5 && built < dims) {
      const growth = median(heaps.slice(-5).map((h, i, a) => (i ? h - a[i - 1] : NaN)).slice(1));
      const need = heap.used + growth * (dims - built);
      if (need > heap.limit)
        throw new GaveUp(
          `does not fit: after ${built} of ${dims} dimensions (${s} s) the JS heap holds ${gib(heap.used)} GiB and grew ${gib(growth)} GiB a dimension (measured after a GC); ` +
            `${dims} dimensions need about ${gib(need)} GiB, the page's heap limit is ${gib(heap.limit)} GiB (performance.memory.jsHeapSizeLimit)`,
        );
    }
  };
  try {
    let ids: number[] | null = finiteRows(cols);
    const cf = crossfilter<number>(ids);
    ids = null;
    const xDim = cf.dimension<number>((i) => x[i]);
    const selAll = cf.groupAll<number>().reduceCount();
    const baseAll = xDim.groupAll<number>().reduceCount();
    await progress('x');
    const fCodes = codes[filter.param];
    const fDim = cf.dimension<number>((i) => fCodes[i]);
    await progress('filter');
    const optionGroups: CountGroup[] = [];
    for (let a = 0; a < P; a++) {
      const ca = codes[a];
      optionGroups.push(
        cf
          .dimension<number>((i) => ca[i])
          .group<number, number>()
          .reduceCount(),
      );
      await progress(`option ${a + 1}`);
    }
    const pairGroups: CountGroup[] = [];
    for (let k = 0; k < sh.pairA.length; k++) {
      const ca = codes[sh.pairA[k]];
      const cb = codes[sh.pairB[k]];
      const nb = sh.card[sh.pairB[k]];
      pairGroups.push(
        cf
          .dimension<number>((i) => ca[i] * nb + cb[i])
          .group<number, number>()
          .reduceCount(),
      );
      await progress(`pair ${k + 1}`);
    }
    const histGroup = cf
      .dimension<number>((i) => group[i] * BINS + bin[i])
      .group<number, number>()
      .reduceCount();
    await progress('histogram');
    const buildMs = performance.now() - t0;
    const heap1 = heapUsed();

    const read = (): Counts => {
      const out = emptyCounts(sh);
      for (let a = 0; a < P; a++) for (const e of optionGroups[a].all()) out.option[sh.optOff[a] + e.key] = e.value;
      for (let k = 0; k < pairGroups.length; k++) for (const e of pairGroups[k].all()) out.pair[sh.pairOff[k] + e.key] = e.value;
      for (const e of histGroup.all()) out.hist[e.key] = e.value;
      out.selected = selAll.value();
      return out;
    };
    const [hlo, hhi] = toggleBrushF32();
    const t = await timePeer(
      'crossfilter2 (dimension per view)',
      cols.rows,
      ref,
      {
        step: (lo, hi) => {
          xDim.filterRange([lo, nextUpF32(hi)]);
          return read();
        },
        prepareToggle: () => void xDim.filterRange([hlo, nextUpF32(hhi)]),
        toggle: (off): ToggleCounts => {
          if (off) fDim.filterFunction((v) => filter.allow[v as number] === 1);
          else fDim.filterAll();
          return { sel: read(), baseline: baseAll.value(), basePair: null, baseHist: null };
        },
      },
      o,
    );
    return {
      ...base,
      buildMs,
      bytesPerTraining: heap0 && heap1 ? (heap1.used - heap0.used) / cols.rows : null,
      bytesHow: heap0 ? 'JS heap growth over the build (performance.memory after a GC), the columns aside' : 'not measured (no performance.memory here)',
      cold: t.cold,
      sets: t.sets,
      toggle: t.toggle,
      checked: 'every step: selected count, option counts, pair cells, histogram cells; toggles: the selection\'s counts and the baseline count (its baseline pairs and histogram cannot be expressed)',
      fit: { ok: true },
    };
  } catch (e) {
    // a typed array that cannot be allocated is a RangeError; a JS heap that runs out ends the page instead (the caller sees that)
    if (e instanceof GaveUp) return didNotFit(base, e.message, performance.now() - t0);
    if (e instanceof RangeError) return didNotFit(base, `out of memory after ${built} of ${dims} dimensions: ${e.message} (heap ${fmtHeap()})`, performance.now() - t0);
    throw e;
  }
}

class GaveUp extends Error {}

type CountGroup = crossfilter.Group<number, number, number>;

const gib = (bytes: number): string => (bytes / 2 ** 30).toFixed(2);

function fmtHeap(): string {
  const h = heapUsed();
  return h ? `${gib(h.used)} of ${gib(h.limit)} GiB` : 'not measured';
}
