/**
 * Combining replicates: trainings of one configuration (the same option of
 * every parameter, and the same raw value of every numeric one) that differ
 * only by their replicate (seed, run) become one row, whose metrics are the
 * means over the replicates. For the first metric the count and the standard
 * deviation of the replicates are added as metrics of their own
 * (`acc (n)`, `acc (sd)`), so the table can show them.
 *
 * Browser-safe and pure: no Node modules.
 */

import { allocF32, allocU8, validateSweep, type Metric, type Param, type Sweep } from './sweep.js';

/** The count and standard-deviation metrics' names for a metric. */
export function replicateMetricNames(metric: string): { n: string; sd: string } {
  return { n: `${metric} (n)`, sd: `${metric} (sd)` };
}

/**
 * One row per configuration, in the order of each configuration's first row.
 * Missing metric values (NaN) are left out of the means; a configuration with
 * no value has NaN. The standard deviation is the sample one (n − 1), NaN for
 * fewer than two values.
 */
export function combineReplicates(sweep: Sweep): Sweep {
  const { rows, params } = sweep;
  // Each row's configuration: its codes, and the raw bits of numeric values (binned values differ within a bin).
  const bits = params.map((p) => (p.values ? new Uint32Array(p.values.buffer, p.values.byteOffset, p.values.length) : null));
  const configOf = new Int32Array(rows);
  const firstRow: number[] = [];
  const index = new Map<string, number>();
  const key: number[] = [];
  for (let r = 0; r < rows; r++) {
    key.length = 0;
    for (let j = 0; j < params.length; j++) {
      key.push(params[j].codes[r]);
      const b = bits[j];
      if (b) key.push(b[r] & 0xffff, b[r] >>> 16);
    }
    const k = String.fromCharCode(...key);
    let c = index.get(k);
    if (c === undefined) {
      c = firstRow.length;
      index.set(k, c);
      firstRow.push(r);
    }
    configOf[r] = c;
  }
  const configs = firstRow.length;

  const outParams: Param[] = params.map((p) => {
    const codes = allocU8(configs);
    for (let c = 0; c < configs; c++) codes[c] = p.codes[firstRow[c]];
    if (!p.values) return { ...p, codes };
    const values = allocF32(configs);
    for (let c = 0; c < configs; c++) values[c] = p.values[firstRow[c]];
    return { ...p, codes, values };
  });

  const outMetrics: Metric[] = [];
  sweep.metrics.forEach((m, i) => {
    const sum = new Float64Array(configs);
    const sumSq = new Float64Array(configs);
    const n = new Uint32Array(configs);
    for (let r = 0; r < rows; r++) {
      const v = m.values[r];
      if (v !== v) continue;
      const c = configOf[r];
      sum[c] += v;
      sumSq[c] += v * v;
      n[c]++;
    }
    const mean = allocF32(configs);
    for (let c = 0; c < configs; c++) mean[c] = n[c] > 0 ? sum[c] / n[c] : NaN;
    outMetrics.push({ ...m, values: mean });
    if (i !== 0) return;
    const names = replicateMetricNames(m.name);
    const count = allocF32(configs);
    const sd = allocF32(configs);
    for (let c = 0; c < configs; c++) {
      count[c] = n[c];
      const k = n[c];
      // Sample variance from the sums, clamped at 0 against rounding.
      sd[c] = k >= 2 ? Math.sqrt(Math.max(0, (sumSq[c] - (sum[c] * sum[c]) / k) / (k - 1))) : NaN;
    }
    outMetrics.push({ name: names.n, values: count }, { name: names.sd, values: sd });
  });

  const note = `replicates combined: ${rows.toLocaleString('en-US')} trainings into ${configs.toLocaleString('en-US')} configurations (mean of ${sweep.metrics[0]?.name ?? 'the metric'}, with its count and standard deviation)`;
  const out: Sweep = {
    rows: configs,
    params: outParams,
    metrics: outMetrics,
    group: sweep.group,
    ...(sweep.columns ? { columns: sweep.columns } : {}),
    notes: [...(sweep.notes ?? []), note],
  };
  validateSweep(out);
  return out;
}
