import { describe, expect, it } from 'vitest';
import { InlineCpuEngine } from '../src/engine/cpu-engine.js';
import { Session } from '../src/engine/session.js';
import { columnValues, valuesOf } from '../src/engine/row-values.js';
import { toCsv } from '../src/views/csv-rows.js';
import { generateNwsSweep } from '../src/synth/nws.js';
import { diffAggregates, referenceAggregate } from './reference.js';
import { randomQuery, randomSweep } from './random-sweep.js';

describe('single trainings read from the packed sweep once its columns are released', () => {
  it('reads every code, metric and number as the columns hold them, and queries stay exact', async () => {
    let checked = 0;
    for (let s = 900; s < 930; s++) {
      const sweep = randomSweep(s);
      if (!sweep.metrics.length) continue;
      const session = await Session.open(sweep, new InlineCpuEngine(), [3, 6, 8, 9][s % 4]);
      const all = Uint32Array.from({ length: sweep.rows }, (_, i) => i);
      const csvBefore = [...toCsv(session.sweep, all, 97)].join('');
      const values = session.releaseColumns();
      expect(session.sweep.params.every((p) => p.codes.length === 0)).toBe(true);
      expect(session.sweep.metrics.every((m) => m.values.length === 0)).toBe(true);
      expect(valuesOf(session.sweep)).toBe(values);
      const cols = columnValues(sweep);
      for (let id = 0; id < sweep.rows; id++) {
        for (let p = 0; p < sweep.params.length; p++) {
          expect(values.code(p, id)).toBe(cols.code(p, id));
          expect(Object.is(values.numeric(p, id), cols.numeric(p, id))).toBe(true);
        }
        for (let m = 0; m < sweep.metrics.length; m++) expect(Object.is(values.metric(m, id), cols.metric(m, id))).toBe(true);
      }
      // the table's export reads the same text from the packed copy
      expect([...toCsv(session.sweep, all, 97)].join('')).toBe(csvBefore);
      const spec = randomQuery(sweep, s);
      expect(diffAggregates((await session.query(spec)).json, referenceAggregate(sweep, spec))).toBeNull();
      checked++;
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('holds 20 bytes a training for the generated sweep: packed codes, metric, permutation, its inverse and the learning rates as read', async () => {
    const session = await Session.open(generateNwsSweep(5000, 1), new InlineCpuEngine());
    // before: 12 bytes on the engine, and the columns (12 codes, 4 for the rates, 4 for the accuracy)
    expect(session.residentBytesPerTraining).toBe(12 + 20);
    session.releaseColumns();
    expect(session.bytesPerTraining).toBe(12);
    expect(session.residentBytesPerTraining).toBe(20);
  });
});
