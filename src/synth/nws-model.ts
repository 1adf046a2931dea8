/**
 * The accuracy model of the synthetic "neural weight space" sweep: how test
 * accuracy follows from the hyper-parameters, with the relations that Jönsson
 * et al. (visual analysis of hyper-parameters) found planted in it. The
 * constants are documented, with their effect sizes, in data/README.md.
 *
 * A training has a latent quality q (logit units, 0 = a plain adam / Glorot /
 * relu training) made of additive effects plus noise; its accuracy is
 *   chance + (ceiling_d - chance) * logistic(offset_d + q)
 * for dataset d, or about chance when the training does not converge.
 * generateNwsChunk (nws.ts) evaluates it, per row, from the tables below.
 *
 * Option codes follow the label order of NWS_PARAMS in nws.ts.
 */

/** Accuracy of a guess: all five datasets have 10 balanced classes. */
export const CHANCE = 0.1;
/** Spread (sd) of the accuracy of a non-converged training around chance. */
export const FAIL_SD = 0.012;
/** Spread (sd) of the latent quality of a training around its configuration's mean. */
export const NOISE_SD = 0.35;

// Option codes used by the model (see NWS_PARAMS for the label order).
export const ADAM = 0;
export const RMSPROP = 1;
export const SGD = 2;
export const RELU = 0;
export const ELU = 1;
export const SIGMOID = 2;
export const TANH = 3;
export const CONSTANT = 0;
export const RANDOM_NORMAL = 1;
export const GLOROT_UNIFORM = 2;
export const GLOROT_NORMAL = 3;

export const N_DATASETS = 5;
export const N_BATCH = 4;
export const N_OPT = 3;
export const N_ACT = 4;
export const N_INIT = 4;

/**
 * Per dataset (mnist, cifar10, svhn, stl10, fashion_mnist): the logit offset
 * and the accuracy ceiling. Together they place each dataset's mode: mnist
 * easiest, fashion_mnist and svhn next, then cifar10, stl10 hardest.
 */
export const DATASET_OFFSET: readonly number[] = [4.6, 1.0, 2.35, 0.6, 2.8];
export const DATASET_CEILING: readonly number[] = [0.996, 0.86, 0.955, 0.74, 0.945];
/**
 * Natural-image datasets (cifar10, stl10), where augmentation stretches the
 * quality around a pivot: it hurts trainings below the pivot (most of them, the
 * main mode) and helps those above it (the top).
 */
export const NATURAL: readonly boolean[] = [false, true, false, true, false];
export const AUG_PIVOT = 0;
export const AUG_STRETCH = 1.35;

/** Effect of the initialization (constant, random_normal, glorot_uniform, glorot_normal). */
export const INIT_EFFECT: readonly number[] = [-0.9, -0.5, 0, 0];
/** Effect of the activation (relu, elu, sigmoid, tanh) under a Glorot initialization... */
export const ACT_EFFECT_GLOROT: readonly number[] = [0, 0.12, 0, -0.15];
/** ...except sigmoid under glorot_normal, slightly better than relu. */
export const SIGMOID_GLOROT_NORMAL = 0.08;
/** Effect of the activation under a naive initialization (constant, random_normal). */
export const ACT_EFFECT_NAIVE: readonly number[] = [0, 0.12, -0.9, -0.35];
/** Effect of the optimizer (adam, rmsprop, sgd_momentum) before the sgd terms below. */
export const OPT_EFFECT: readonly number[] = [0, -0.01, 0];
/** sgd_momentum under a naive initialization: a large penalty, larger for worse activations. */
export const SGD_NAIVE = -1.0;
export const SGD_NAIVE_ACT: readonly number[] = [-0.15, 0, -0.45, -0.3];
/** sgd_momentum under a Glorot initialization: on par with elu, a little behind otherwise. */
export const SGD_GLOROT_ACT: readonly number[] = [-0.1, 0.08, -0.1, -0.2];
/**
 * sgd_momentum loses this much per doubling of the batch size (centred on the
 * mean batch size, so it does not shift sgd's average); adam and rmsprop are flat.
 */
export const SGD_BATCH_SLOPE_NAIVE = -0.4;
export const SGD_BATCH_SLOPE_GLOROT = -0.05;

/**
 * Learning-rate effect per optimizer, with t in [0, 1] the position of the
 * learning rate on the log scale: lin * (t - 1/2) + quad * ((t - 1/2)^2 - 1/12)
 * (both terms average to zero over t). adam prefers the low end, sgd_momentum
 * the high end, rmsprop the middle.
 */
export const LR_LIN: readonly number[] = [-0.7, 0, 0.8];
export const LR_QUAD: readonly number[] = [0, -1.2, 0];

/** Small architecture effects, per option in label order. */
export const FILTER_EFFECT: readonly number[] = [0.04, 0.02, -0.06];
export const CONV_LAYERS_EFFECT: readonly number[] = [-0.05, 0.01, 0.04];
export const FC_LAYERS_EFFECT: readonly number[] = [0.02, 0, -0.02];
export const CONV_WIDTH_EFFECT: readonly number[] = [-0.08, 0.02, 0.06];
export const FC_WIDTH_EFFECT: readonly number[] = [-0.03, 0.01, 0.02];

/**
 * The breakthrough: with adam, a Glorot initialization, elu and augmentation,
 * this share of the trainings gains this much quality and reaches the top.
 */
export const BREAK_PROB = 0.4;
export const BREAK_BONUS = 1.7;

/** Probability that a training does not converge, by initialization, for relu/elu/tanh. */
export const FAIL_INIT: readonly number[] = [0.4, 0.1, 0.02, 0.02];
/** ...and for sigmoid: most sigmoid trainings with constant initialization fail. */
export const FAIL_SIGMOID: readonly number[] = [0.85, 0.25, 0.02, 0.02];
/** Extra failure probability of sgd_momentum under a naive initialization. */
export const FAIL_SGD_NAIVE = 0.08;

function isNaive(init: number): boolean {
  return init === CONSTANT || init === RANDOM_NORMAL;
}

/** Index of (optimizer, initialization, activation) into FAIL_PROB and BREAK_PROB_TABLE (into CONFIG_EFFECT: times 4, plus the batch code). */
export function oiaIndex(opt: number, init: number, act: number): number {
  return (opt * N_INIT + init) * N_ACT + act;
}

/** The mean quality of (optimizer, initialization, activation, batch-size code). */
export function configEffect(opt: number, init: number, act: number, batch: number): number {
  const naive = isNaive(init);
  let q = OPT_EFFECT[opt] + INIT_EFFECT[init];
  q += naive ? ACT_EFFECT_NAIVE[act] : ACT_EFFECT_GLOROT[act];
  if (act === SIGMOID && init === GLOROT_NORMAL) q += SIGMOID_GLOROT_NORMAL;
  if (opt === SGD) {
    // batch codes 0..3 are 32..256: log2(batch / 32) = code, centred on 1.5
    const slope = naive ? SGD_BATCH_SLOPE_NAIVE : SGD_BATCH_SLOPE_GLOROT;
    q += naive ? SGD_NAIVE + SGD_NAIVE_ACT[act] : SGD_GLOROT_ACT[act];
    q += slope * (batch - 1.5);
  }
  return q;
}

/** The probability that a training of (optimizer, initialization, activation) does not converge. */
export function failProbability(opt: number, init: number, act: number): number {
  const p = act === SIGMOID ? FAIL_SIGMOID[init] : FAIL_INIT[init];
  return opt === SGD && isNaive(init) ? p + FAIL_SGD_NAIVE : p;
}

/** Whether (optimizer, initialization, activation) can break through (with augmentation). */
export function breakEligible(opt: number, init: number, act: number): boolean {
  return opt === ADAM && !isNaive(init) && act === ELU;
}

/** Mean quality per (optimizer, initialization, activation, batch), index oiaIndex * 4 + batch. */
export const CONFIG_EFFECT: Float64Array = buildConfigTable();
/** Failure probability per oiaIndex. */
export const FAIL_PROB: Float64Array = buildOiaTable(failProbability);
/** Breakthrough probability per oiaIndex (0 where not eligible); applies only with augmentation. */
export const BREAK_PROB_TABLE: Float64Array = buildOiaTable((o, i, a) => (breakEligible(o, i, a) ? BREAK_PROB : 0));
/** Summed architecture effect per ((((filter * 3 + conv) * 3 + fc) * 3 + convWidth) * 3 + fcWidth). */
export const ARCH_EFFECT: Float64Array = buildArchTable();

function buildConfigTable(): Float64Array {
  const t = new Float64Array(N_OPT * N_INIT * N_ACT * N_BATCH);
  for (let o = 0; o < N_OPT; o++)
    for (let i = 0; i < N_INIT; i++)
      for (let a = 0; a < N_ACT; a++)
        for (let b = 0; b < N_BATCH; b++) t[oiaIndex(o, i, a) * N_BATCH + b] = configEffect(o, i, a, b);
  return t;
}

function buildOiaTable(f: (opt: number, init: number, act: number) => number): Float64Array {
  const t = new Float64Array(N_OPT * N_INIT * N_ACT);
  for (let o = 0; o < N_OPT; o++)
    for (let i = 0; i < N_INIT; i++) for (let a = 0; a < N_ACT; a++) t[oiaIndex(o, i, a)] = f(o, i, a);
  return t;
}

function buildArchTable(): Float64Array {
  const t = new Float64Array(243);
  let k = 0;
  for (const f of FILTER_EFFECT)
    for (const c of CONV_LAYERS_EFFECT)
      for (const l of FC_LAYERS_EFFECT) for (const w of CONV_WIDTH_EFFECT) for (const v of FC_WIDTH_EFFECT) t[k++] = f + c + l + w + v;
  return t;
}
