/**
 * A synthetic "neural weight space" sweep: CNN trainings with randomly sampled
 * hyper-parameters and a test accuracy from the model in `nws-model.ts`, which
 * plants the relations Jönsson et al. report. See data/README.md.
 *
 * Generation is counter-based (see `prng.ts`): row i depends only on (seed, i),
 * so chunks can be generated in any worker and order with identical results.
 */

import { binNumeric } from '../model/binning.js';
import { allocF32, allocU8, SweepError, validateSweep, type Param, type Sweep } from '../model/sweep.js';
import {
  ARCH_EFFECT,
  AUG_PIVOT,
  AUG_STRETCH,
  BREAK_BONUS,
  BREAK_PROB_TABLE,
  CHANCE,
  CONFIG_EFFECT,
  DATASET_CEILING,
  DATASET_OFFSET,
  FAIL_PROB,
  FAIL_SD,
  LR_LIN,
  LR_QUAD,
  NATURAL,
  NOISE_SD,
} from './nws-model.js';
import { gauss4, rowKey, rowWord, seedKeys, unitHi, unitLo, type SeedKeys } from './prng.js';

/** A parameter of the sweep: categorical with fixed labels, or numeric (labels come from binning). */
export interface NwsParamSpec {
  readonly name: string;
  /** Option labels in code order; empty for the numeric parameter, whose labels are its bins. */
  readonly labels: readonly string[];
  /** True for learning_rate: raw values in `NwsColumns.learningRate`, codes from `binNumeric`. */
  readonly numeric?: true;
}

/** The parameters, in column order; dataset (index 0) is the group. */
export const NWS_PARAMS: readonly NwsParamSpec[] = [
  { name: 'dataset', labels: ['mnist', 'cifar10', 'svhn', 'stl10', 'fashion_mnist'] },
  { name: 'batch_size', labels: ['32', '64', '128', '256'] },
  { name: 'augmentation', labels: ['off', 'on'] },
  { name: 'optimizer', labels: ['adam', 'rmsprop', 'sgd_momentum'] },
  { name: 'activation', labels: ['relu', 'elu', 'sigmoid', 'tanh'] },
  { name: 'initialization', labels: ['constant', 'random_normal', 'glorot_uniform', 'glorot_normal'] },
  { name: 'learning_rate', labels: [], numeric: true },
  { name: 'filter_size', labels: ['3', '5', '7'] },
  { name: 'conv_layers', labels: ['3', '4', '5'] },
  { name: 'fc_layers', labels: ['2', '3', '4'] },
  { name: 'conv_width', labels: ['4', '8', '12'] },
  { name: 'fc_width', labels: ['64', '128', '192'] },
];

/** Index of learning_rate in NWS_PARAMS. */
export const NWS_LR_INDEX = 6;
/** Index of the group parameter (dataset) in NWS_PARAMS. */
export const NWS_GROUP_INDEX = 0;
/** Name of the one metric. */
export const NWS_METRIC = 'test_accuracy';
/** The learning rate is log-uniform in [LR_MIN, LR_MAX] (then rounded to float32). */
export const LR_MIN = 2e-4;
export const LR_MAX = 5e-3;
const LN_LR_RANGE = Math.log(LR_MAX / LR_MIN);

/** Most rows a sweep may have: the row counter of the PRNG is 32-bit. */
export const MAX_NWS_ROWS = 0xffffffff;

/** The columns a generation fills; SharedArrayBuffer-backed when the platform allows. */
export interface NwsColumns {
  /** One per parameter in NWS_PARAMS order; learning_rate's entry is filled by `finishNwsSweep`. */
  codes: Uint8Array[];
  /** Raw learning rate per row. */
  learningRate: Float32Array;
  /** Test accuracy per row, in [0, 1]. */
  accuracy: Float32Array;
}

function checkInteger(what: string, x: number, max: number): void {
  if (!Number.isInteger(x) || x < 0 || x > max)
    throw new SweepError(`${what} must be an integer in 0..${max} (got ${x})`);
}

/** Throws SweepError unless `seed` is an integer in 0..2^32-1. */
export function checkSeed(seed: number): void {
  checkInteger('seed', seed, 0xffffffff);
}

/** Allocates the columns for `rows` trainings (with allocU8 / allocF32: shared when possible). */
export function allocNwsColumns(rows: number): NwsColumns {
  checkInteger('rows', rows, MAX_NWS_ROWS);
  return {
    codes: NWS_PARAMS.map(() => allocU8(rows)),
    learningRate: allocF32(rows),
    accuracy: allocF32(rows),
  };
}

function checkColumns(cols: NwsColumns, end: number): void {
  const short =
    cols.codes.length !== NWS_PARAMS.length ||
    cols.codes.some((c) => c.length < end) ||
    cols.learningRate.length < end ||
    cols.accuracy.length < end;
  if (short) throw new SweepError(`the columns are too short for rows up to ${end}: allocate them with allocNwsColumns`);
}

/**
 * Sampling of the codes. The seven parameters with 3 or 5 options (dataset,
 * optimizer and the five architecture parameters: 5 * 3^6 = 3645 combinations)
 * come from one word w0 by multiply-high, floor(w0 * 3645 / 2^32), each
 * combination within 1e-6 of uniform; DECODE unpacks that index into their
 * codes. The four with 2 or 4 options take exact bits of w1 (7 bits), whose
 * other 25 bits give the learning rate.
 */
const N_COMBOS = 3645;
const COMBO_SCALE = N_COMBOS / 4294967296;
/** Per combination: dataset (bits 0-2), optimizer (3-4), filter, conv, fc, conv_width, fc_width (2 bits each from bit 5). */
const DECODE: Uint16Array = buildDecode();

function buildDecode(): Uint16Array {
  const t = new Uint16Array(N_COMBOS);
  for (let v = 0; v < N_COMBOS; v++) {
    let r = v;
    let packed = r % 5;
    r = (r - (r % 5)) / 5;
    for (let k = 0; k < 6; k++) {
      packed |= (r % 3) << (3 + 2 * k);
      r = (r - (r % 3)) / 3;
    }
    t[v] = packed;
  }
  return t;
}

/** 2^-25 (the learning-rate position t has 25 bits). */
const TWO_POW_M25 = 1 / 33554432;

/**
 * Fills rows [start, end) of `cols`: every categorical code, the learning rate
 * and the accuracy (not learning_rate's codes: see `finishNwsSweep`). The
 * result depends only on (seed, row), never on how the rows are chunked.
 */
export function generateNwsChunk(seed: number, start: number, end: number, cols: NwsColumns): void {
  checkSeed(seed);
  checkInteger('start', start, MAX_NWS_ROWS);
  checkInteger('end', end, MAX_NWS_ROWS);
  if (end < start) throw new SweepError(`chunk end ${end} is before its start ${start}`);
  checkColumns(cols, end);
  const keys = seedKeys(seed);
  for (let s = start; s < end; s += FILL_BLOCK) fillRows(keys, s, Math.min(end, s + FILL_BLOCK), cols);
}

/**
 * Rows per call of fillRows. When the first call of a function runs one long
 * loop, V8 compiles the loop mid-way (OSR) before the code ahead of it has type
 * feedback, and the function's next compilation deoptimized on that code (seen
 * with --trace-deopt); short calls give it feedback first.
 */
const FILL_BLOCK = 4096;

/** The generation loop over rows [start, end), apart from the checks. */
function fillRows(keys: SeedKeys, start: number, end: number, cols: NwsColumns): void {
  const codes = cols.codes;
  const cDataset = codes[0];
  const cBatch = codes[1];
  const cAug = codes[2];
  const cOpt = codes[3];
  const cAct = codes[4];
  const cInit = codes[5];
  const cFilter = codes[7];
  const cConv = codes[8];
  const cFc = codes[9];
  const cConvWidth = codes[10];
  const cFcWidth = codes[11];
  const learningRate = cols.learningRate;
  const accuracy = cols.accuracy;
  // Imported names copied to locals: vitest and CommonJS builds rewrite each
  // use of an imported name into a read (a getter call) on a module object,
  // which in this loop cost two thirds of the rate.
  const key32 = rowKey;
  const word32 = rowWord;
  const gauss = gauss4;
  const hi16 = unitHi;
  const lo16 = unitLo;
  const configEffect = CONFIG_EFFECT;
  const archEffect = ARCH_EFFECT;
  const failProb = FAIL_PROB;
  const breakProb = BREAK_PROB_TABLE;
  const lrLin = LR_LIN;
  const lrQuad = LR_QUAD;
  const offset = DATASET_OFFSET;
  const ceiling = DATASET_CEILING;
  const natural = NATURAL;
  const chance = CHANCE;
  const failSd = FAIL_SD;
  const noiseSd = NOISE_SD;
  const pivot = AUG_PIVOT;
  const stretch = AUG_STRETCH;
  const bonus = BREAK_BONUS;
  // The model (nws-model.ts) is evaluated inline rather than through helper
  // calls: V8 inlines only so much into one function, and a call it does not
  // inline returns its double as a heap number, which cost a third of the rate.
  for (let i = start; i < end; i++) {
    const key = key32(keys, i);
    const packed = DECODE[((word32(keys, key, 0) >>> 0) * COMBO_SCALE) | 0];
    const w1 = word32(keys, key, 1);
    const d = packed & 7;
    const opt = (packed >>> 3) & 3;
    const filter = (packed >>> 5) & 3;
    const conv = (packed >>> 7) & 3;
    const fc = (packed >>> 9) & 3;
    const convWidth = (packed >>> 11) & 3;
    const fcWidth = (packed >>> 13) & 3;
    const batch = w1 & 3;
    const aug = (w1 >>> 2) & 1;
    const act = (w1 >>> 3) & 3;
    const init = (w1 >>> 5) & 3;
    cDataset[i] = d;
    cBatch[i] = batch;
    cAug[i] = aug;
    cOpt[i] = opt;
    cAct[i] = act;
    cInit[i] = init;
    cFilter[i] = filter;
    cConv[i] = conv;
    cFc[i] = fc;
    cConvWidth[i] = convWidth;
    cFcWidth[i] = fcWidth;
    // t: the learning rate's position on its log scale, at the midpoint of its 25-bit cell (in (0, 1), centred)
    const t = ((w1 >>> 7) + 0.5) * TWO_POW_M25;
    learningRate[i] = LR_MIN * Math.exp(t * LN_LR_RANGE);
    const oia = (opt * 4 + init) * 4 + act;
    const fate = word32(keys, key, 2);
    const z = gauss(word32(keys, key, 3), word32(keys, key, 4));
    let acc: number;
    if (hi16(fate) < failProb[oia]) {
      acc = chance + failSd * z;
    } else {
      const arch = (((filter * 3 + conv) * 3 + fc) * 3 + convWidth) * 3 + fcWidth;
      const dt = t - 0.5;
      const lrEffect = lrLin[opt] * dt + lrQuad[opt] * (dt * dt - 1 / 12);
      let q = configEffect[oia * 4 + batch] + lrEffect + archEffect[arch] + noiseSd * z;
      if (aug === 1) {
        if (natural[d]) q = pivot + stretch * (q - pivot);
        if (lo16(fate) < breakProb[oia]) q += bonus;
      }
      acc = chance + (ceiling[d] - chance) / (1 + Math.exp(-(offset[d] + q)));
    }
    accuracy[i] = acc < 0 ? 0 : acc > 1 ? 1 : acc;
  }
}

/** The first `rows` elements: the array itself when it has exactly that many. */
function fit<T extends Uint8Array | Float32Array>(a: T, rows: number): T {
  return a.length === rows ? a : (a.subarray(0, rows) as T);
}

/**
 * Bins the learning rate into cols.codes[NWS_LR_INDEX] (binNumeric) and wraps
 * the columns as a Sweep: categorical parameters, learning_rate numeric with its
 * raw values, the metric test_accuracy, grouped by dataset.
 */
export function finishNwsSweep(rows: number, cols: NwsColumns): Sweep {
  checkInteger('rows', rows, MAX_NWS_ROWS);
  checkColumns(cols, rows);
  const lrValues = fit(cols.learningRate, rows);
  const lrCodes = fit(cols.codes[NWS_LR_INDEX], rows);
  const lrLabels = binNumeric(lrValues, undefined, lrCodes).labels;
  const params: Param[] = NWS_PARAMS.map((spec, p) =>
    spec.numeric
      ? { name: spec.name, labels: lrLabels, codes: lrCodes, kind: 'numeric', values: lrValues }
      : { name: spec.name, labels: spec.labels, codes: fit(cols.codes[p], rows), kind: 'categorical' },
  );
  const accuracy = fit(cols.accuracy, rows);
  const sweep: Sweep = { rows, params, metrics: [{ name: NWS_METRIC, values: accuracy }], group: NWS_GROUP_INDEX };
  validateSweep(sweep);
  return sweep;
}

/** Options of `generateNwsSweep`. */
export interface GenerateNwsOptions {
  /** Rows per chunk (progress granularity); default 65536. */
  chunkRows?: number;
  /** Called after each chunk with the rows done so far and the total. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Generates a whole sweep of `rows` trainings for `seed` (an integer in
 * 0..2^32-1) synchronously, chunk by chunk; throws SweepError on bad input.
 */
export function generateNwsSweep(rows: number, seed: number, opts: GenerateNwsOptions = {}): Sweep {
  checkSeed(seed);
  const chunkRows = opts.chunkRows ?? 65536;
  if (!Number.isInteger(chunkRows) || chunkRows < 1)
    throw new SweepError(`chunkRows must be a positive integer (got ${chunkRows})`);
  const cols = allocNwsColumns(rows);
  for (let start = 0; start < rows; start += chunkRows) {
    const end = Math.min(rows, start + chunkRows);
    generateNwsChunk(seed, start, end, cols);
    opts.onProgress?.(end, rows);
  }
  return finishNwsSweep(rows, cols);
}
