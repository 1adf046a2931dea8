/**
 * The parallel view's pure parts in Node (src/views/parallel/axes.ts and
 * layout.ts): where a line crosses each axis (jitter inside its option's band,
 * the same per row), scales and brushes, axis order, and the lines of the
 * engine's sample (Session.rows) with their vertex data and selection flags.
 */

import { describe, expect, it } from 'vitest';
import { MISSING_LABEL } from '../src/model/binning.js';
import type { Sweep } from '../src/model/sweep.js';
import { InlineCpuEngine } from '../src/engine/cpu-engine.js';
import { Session } from '../src/engine/session.js';
import type { QuerySpec } from '../src/engine/types.js';
import { generateNwsSweep } from '../src/synth/nws.js';
import type { RowSteps } from '../src/views/shared/tasks.js';
import { referenceSampleRows, referenceSelector } from './reference.js';

/** Runs row work to the end at once. */
function runSync<T>(steps: RowSteps<T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}
import {
  JITTER,
  MISSING_Y,
  axisPosition,
  axisSeed,
  axisTicks,
  axisValue,
  brushRange,
  buildAxes,
  categoricalPosition,
  mergeAxisOrder,
  moveAxis,
  numericPosition,
  numericRangesSteps,
  optionBand,
  optionsInBrush,
  plotFrame,
  unitsAt,
  yOf,
  type AxisModel,
} from '../src/views/parallel/axes.js';
import { Y_LO, Y_SPAN, dequantize, geometrySteps, linesSteps, quantize, selectionSteps, type Lines } from '../src/views/parallel/layout.js';

const numericAxis = (min: number, max: number, log = false): AxisModel => ({
  key: 'x',
  kind: 'numeric',
  param: 0,
  labels: [],
  min,
  max,
  canLog: min > 0,
  log,
});

/** 8 rows: a categorical parameter (3 options), a numeric one (one value missing) and a metric with one missing value. */
function smallSweep(): Sweep {
  const lr = new Float32Array([1e-4, 1e-3, 1e-2, 1e-1, 1e-4, 1e-3, NaN, 1e-2]);
  return {
    rows: 8,
    params: [
      { name: 'opt', kind: 'categorical', labels: ['adam', 'sgd', 'rms'], codes: new Uint8Array([0, 1, 2, 0, 1, 2, 0, 1]) },
      { name: 'lr', kind: 'numeric', labels: ['0.0001', '0.001', '0.01', '0.1', MISSING_LABEL], codes: new Uint8Array([0, 1, 2, 3, 0, 1, 4, 2]), values: lr },
    ],
    metrics: [{ name: 'acc', values: new Float32Array([0.1, 0.5, 0.9, 0.3, NaN, 0.7, 0.2, 0.6]) }],
    group: 0,
  };
}

/** The lines of the engine's sample of a query, as the view lays them out (with the engine's selection flags). */
async function layOut(
  sweep: Sweep,
  budget: number,
  seed: number,
  spec: QuerySpec = {},
): Promise<{ axes: AxisModel[]; lines: Lines; selected: Uint8Array; session: Session }> {
  const session = await Session.open(sweep, new InlineCpuEngine());
  const result = await session.query(spec);
  const sample = await session.rows({ kind: 'sample', spec, size: budget, seed });
  if (sample.kind !== 'sample') throw new Error('not a sample');
  const { metric, normalize } = result.query;
  const axes = buildAxes(sweep, metric, result.stats, runSync(numericRangesSteps(sweep)), {}, normalize);
  const drawable = result.json.rows - result.json.missing;
  const lines = runSync(linesSteps({ sweep, key: 'k', rows: sample.ids, seed, axes, metric, stats: result.stats, normalize, drawable }));
  return { axes, lines, selected: sample.selected, session };
}

describe('categorical axes', () => {
  it('split [0, 1] into one band per option, option 0 on top', () => {
    const k = 5;
    expect(optionBand(0, k)).toEqual([0.8, 1]);
    for (let o = 0; o < k; o++) {
      const [lo, hi] = optionBand(o, k);
      expect(hi - lo).toBeCloseTo(1 / k, 12);
      if (o > 0) expect(hi).toBeCloseTo(optionBand(o - 1, k)[0], 12);
    }
    expect(optionBand(k - 1, k)[0]).toBeCloseTo(0, 12);
  });

  it('jitter each row inside its option band (within JITTER of its height), the same for the same row and seed', () => {
    for (const k of [1, 2, 7, 255]) {
      const seed = axisSeed(1, 3);
      const ts: number[] = [];
      for (let row = 0; row < 2000; row++) {
        const code = row % k;
        const t = categoricalPosition(code, k, seed, row);
        const [lo, hi] = optionBand(code, k);
        const margin = ((1 - JITTER) / 2 / k) * (1 - 1e-9);
        expect(t).toBeGreaterThanOrEqual(lo + margin);
        expect(t).toBeLessThanOrEqual(hi - margin);
        expect(categoricalPosition(code, k, seed, row)).toBe(t);
        ts.push(t - (lo + hi) / 2);
      }
      // the offsets spread over the band, not one point
      expect(Math.max(...ts) - Math.min(...ts)).toBeGreaterThan((JITTER / k) * 0.9);
    }
  });

  it('jitter each axis differently (its own seed)', () => {
    expect(axisSeed(1, 0)).not.toBe(axisSeed(1, 1));
    const a = Array.from({ length: 50 }, (_, row) => categoricalPosition(0, 3, axisSeed(1, 0), row));
    const b = Array.from({ length: 50 }, (_, row) => categoricalPosition(0, 3, axisSeed(1, 1), row));
    expect(a).not.toEqual(b);
  });

  it('brush the options whose bands overlap the brush', () => {
    const a: AxisModel = { key: 'c', kind: 'categorical', param: 0, labels: ['a', 'b', 'c', 'd'], min: 0, max: 1, canLog: false, log: false };
    expect(optionsInBrush(a, 0.8, 0.9)).toEqual(['a']);
    expect(optionsInBrush(a, 0.3, 0.7)).toEqual(['b', 'c']);
    expect(optionsInBrush(a, 0.4, 0.8)).toEqual(['a', 'b', 'c']);
    expect(optionsInBrush(a, 0.5, 0.5)).toEqual([]);
    expect(optionsInBrush(a, -1, 2)).toEqual(['a', 'b', 'c', 'd']);
  });
});

describe('numeric and metric axes', () => {
  it('map values linearly or on a log scale, and back', () => {
    const lin = numericAxis(2, 10);
    expect(axisPosition(lin, 2)).toBe(0);
    expect(axisPosition(lin, 6)).toBe(0.5);
    expect(axisValue(lin, 0.25)).toBe(4);
    const log = numericAxis(1e-4, 1e-1, true);
    expect(axisPosition(log, 1e-3)).toBeCloseTo(1 / 3, 12);
    for (const t of [0, 0.3, 0.7, 1]) expect(axisPosition(log, axisValue(log, t))).toBeCloseTo(t, 12);
    expect(axisPosition(numericAxis(3, 3), 3)).toBe(0.5);
    expect(axisPosition(lin, NaN)).toBeNaN();
    expect(numericPosition(lin, NaN)).toBe(MISSING_Y);
    expect(numericPosition(lin, 10)).toBe(1);
  });

  it('put ticks on the axis only, powers of ten on a log axis', () => {
    const ticks = axisTicks(numericAxis(0.13, 9.7));
    expect(ticks.length).toBeGreaterThan(2);
    for (const { value, t } of ticks) {
      expect(value).toBeGreaterThanOrEqual(0.13);
      expect(value).toBeLessThanOrEqual(9.7);
      expect(t).toBe(axisPosition(numericAxis(0.13, 9.7), value));
    }
    expect(axisTicks(numericAxis(1e-4, 1e-1, true)).map((x) => x.value)).toEqual([1e-4, 1e-3, 1e-2, 1e-1]);
  });

  it('turn a metric brush into a range: clamped, rounded to a thousandth of the span, low end first', () => {
    const m: AxisModel = { key: 'acc', kind: 'metric', param: -1, labels: [], min: 0, max: 1, canLog: false, log: false };
    expect(brushRange(m, 0.25, 0.75)).toEqual([0.25, 0.75]);
    expect(brushRange(m, 0.123456, 0.654321)).toEqual([0.123, 0.654]);
    expect(brushRange(m, -0.5, 1.5)).toEqual([0, 1]);
    expect(brushRange(m, 0.8, 0.2)).toEqual([0.2, 0.8]);
  });

  it('brush the numeric options whose value range overlaps the brush, the missing option under the axis', async () => {
    const sweep = smallSweep();
    const { axes, session } = await layOut(sweep, 100, 1);
    const lr = axes[1];
    expect(lr.kind).toBe('numeric');
    expect(lr.log).toBe(true); // all > 0 and max / min >= 100
    expect(optionsInBrush(lr, 0.9, 1)).toEqual(['0.1']);
    expect(optionsInBrush(lr, MISSING_Y - 0.01, MISSING_Y + 0.01)).toEqual([MISSING_LABEL]);
    // the user's choice wins over the default scale
    const stats = await session.stats(0);
    const linear = buildAxes(sweep, 0, stats, runSync(numericRangesSteps(sweep)), { lr: false }, false);
    expect(linear[1].log).toBe(false);
    expect(linear.map((a) => a.kind)).toEqual(['categorical', 'numeric', 'metric']);
    expect([linear[2].min, linear[2].max]).toEqual([Math.fround(0.1), Math.fround(0.9)]);
    const normalized = buildAxes(sweep, 0, stats, runSync(numericRangesSteps(sweep)), {}, true);
    expect([normalized[2].min, normalized[2].max]).toEqual([0, 1]);
  });
});

describe('axis order and placement', () => {
  it('keep the user order of axes that still exist, new ones last', () => {
    expect(mergeAxisOrder([], ['a', 'b', 'c'])).toEqual(['a', 'b', 'c']);
    expect(mergeAxisOrder(['c', 'a', 'b'], ['a', 'b', 'c'])).toEqual(['c', 'a', 'b']);
    expect(mergeAxisOrder(['c', 'x', 'a'], ['a', 'b', 'c', 'd'])).toEqual(['c', 'a', 'b', 'd']);
  });

  it('drop a dragged axis into the nearest slot', () => {
    const order = ['a', 'b', 'c', 'd'];
    expect(moveAxis(order, 'a', 100 * 2.4, 100)).toEqual(['b', 'c', 'a', 'd']);
    expect(moveAxis(order, 'd', -100 * 2.4, 100)).toEqual(['a', 'd', 'b', 'c']);
    expect(moveAxis(order, 'd', -100 * 2.6, 100)).toEqual(['d', 'a', 'b', 'c']);
    expect(moveAxis(order, 'b', 1000, 100)).toEqual(['a', 'c', 'd', 'b']);
    expect(moveAxis(order, 'b', -1000, 100)).toEqual(['b', 'a', 'c', 'd']);
    expect(moveAxis(order, 'b', 40, 100)).toBeNull();
    expect(order).toEqual(['a', 'b', 'c', 'd']);
  });

  it('space the axes evenly over the plot, and map pixels to axis units and back', () => {
    const f = plotFrame(800, 480, ['a', 'b', 'c', 'd', 'e']);
    expect(f.left + 4 * f.spacing).toBeLessThan(800);
    expect(f.spacing).toBeGreaterThan(100);
    expect(yOf(f, 1)).toBe(f.top);
    expect(yOf(f, 0)).toBe(f.top + f.height);
    for (const t of [0, 0.25, 1]) expect(unitsAt(f, yOf(f, t))).toBeCloseTo(t, 12);
    // never degenerate, however small
    const tiny = plotFrame(0, 0, []);
    expect(tiny.spacing).toBeGreaterThan(0);
    expect(tiny.height).toBeGreaterThan(0);
  });
});

describe('line layout', () => {
  it('quantize axis units to u16 over [Y_LO, Y_LO + Y_SPAN], clamped', () => {
    expect(quantize(Y_LO)).toBe(0);
    expect(quantize(Y_LO + Y_SPAN)).toBe(65535);
    expect(quantize(-1)).toBe(0);
    expect(quantize(2)).toBe(65535);
    for (const t of [0, MISSING_Y, 0.5, 1]) expect(Math.abs(dequantize(quantize(t)) - t)).toBeLessThanOrEqual(Y_SPAN / 65535);
  });

  it('sample the same rows and positions for the same inputs, others for another seed', async () => {
    const sweep = generateNwsSweep(20_000, 3);
    const a = await layOut(sweep, 1000, 7);
    const b = await layOut(sweep, 1000, 7, { range: [0.5, 0.9] });
    const c = await layOut(sweep, 1000, 8);
    expect(a.lines.rows.length).toBeGreaterThan(0);
    expect(a.lines.rows.length).toBeLessThanOrEqual(1000);
    expect(a.lines.rows).toEqual(b.lines.rows);
    for (const [key, y] of a.lines.y) expect(y).toEqual(b.lines.y.get(key));
    expect(c.lines.rows).not.toEqual(a.lines.rows);
    // the rows drawn are the sample less those whose metric is missing, in sample order
    const values = sweep.metrics[0].values;
    const expected = referenceSampleRows(sweep.rows, 1000, 7).filter((r) => values[r] === values[r]);
    expect(Array.from(a.lines.rows)).toEqual(expected);
  });

  it('place every line inside its option band on categorical axes, at its value on numeric ones', async () => {
    const sweep = smallSweep();
    const { axes, lines } = await layOut(sweep, 100, 1);
    // all rows but the one whose metric is missing (row 4)
    expect(Array.from(lines.rows)).toEqual([0, 1, 2, 3, 5, 6, 7]);
    expect(lines.drawable).toBe(7);
    expect(Array.from(lines.groups)).toEqual([0, 1, 2, 0, 2, 0, 1]);
    const opt = lines.y.get('opt') as Uint16Array;
    lines.rows.forEach((row, k) => {
      const [lo, hi] = optionBand(sweep.params[0].codes[row], 3);
      const t = dequantize(opt[k]);
      expect(t).toBeGreaterThan(lo);
      expect(t).toBeLessThan(hi);
    });
    const lr = lines.y.get('lr') as Uint16Array;
    expect(lr[lines.rows.indexOf(6)]).toBe(quantize(MISSING_Y));
    expect(lr[lines.rows.indexOf(3)]).toBe(quantize(1));
    const acc = lines.y.get('acc') as Uint16Array;
    expect(acc[lines.rows.indexOf(2)]).toBe(quantize(axisPosition(axes[2], sweep.metrics[0].values[2])));
  });

  it('build two vertices per segment in axis order, and flag the selected lines', async () => {
    const sweep = smallSweep();
    const spec: QuerySpec = { metric: 'acc', where: { opt: ['adam'] } };
    const { lines, selected } = await layOut(sweep, 100, 1, spec);
    const order = ['acc', 'opt', 'lr'];
    const g = runSync(geometrySteps(lines, order));
    const n = lines.rows.length;
    expect(g.perLine).toBe(4);
    expect(g.pos.length).toBe(n * 4 * 2);
    expect(g.meta.length).toBe(n * 4 * 4);
    const k = 2;
    const p = Array.from(g.pos.subarray(k * 8, k * 8 + 8));
    const y = order.map((key) => (lines.y.get(key) as Uint16Array)[k]);
    expect(p).toEqual([0, y[0], 1, y[1], 1, y[1], 2, y[2]]);
    for (let v = 0; v < 4; v++) expect(g.meta[(k * 4 + v) * 4 + 1]).toBe(lines.groups[k]);

    const count = runSync(selectionSteps(selected, g));
    const sel = referenceSelector(sweep, spec);
    const expected = Array.from(lines.rows).map((row) => sel(row));
    expect(count).toBe(expected.filter(Boolean).length);
    expect(count).toBe(3);
    expected.forEach((s, j) => {
      for (let v = 0; v < 4; v++) expect(g.meta[(j * 4 + v) * 4]).toBe(s ? 255 : 0);
    });
  });
});
