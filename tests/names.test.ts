/**
 * Column names and labels are plain text everywhere: `__proto__`,
 * `constructor`, `toString` and HTML are names like any other, in the engine's
 * answer, the view state, the URL and the views' filter helpers.
 */

import { describe, expect, it } from 'vitest';
import { InlineCpuEngine } from '../src/engine/cpu-engine.js';
import { Session } from '../src/engine/session.js';
import type { Sweep } from '../src/model/sweep.js';
import { dictFrom, own } from '../src/model/dict.js';
import { readViewState, writeViewState } from '../src/app/url-state.js';
import { DEFAULT_VIEW_STATE } from '../src/views/shared/view-state.js';
import { withAllowed } from '../src/views/sweep-filters.js';
import { diffAggregates, referenceAggregate } from './reference.js';

const HOSTILE = ['__proto__', 'constructor', 'toString', '<b>hasOwnProperty</b>'];

function hostileSweep(): Sweep {
  const rows = 40;
  const params = HOSTILE.map((name, p) => {
    const codes = new Uint8Array(rows);
    for (let i = 0; i < rows; i++) codes[i] = (i * (p + 1)) % 4;
    return { name, labels: [...HOSTILE].sort(), codes, kind: 'categorical' as const };
  });
  const values = new Float32Array(rows);
  for (let i = 0; i < rows; i++) values[i] = (i % 10) / 10;
  return { rows, params, metrics: [{ name: 'valueOf', values }], group: 0 };
}

describe('hostile names', () => {
  it('are keys of the answer like any other name, equal to the reference', async () => {
    const sweep = hostileSweep();
    const session = await Session.open(sweep, new InlineCpuEngine());
    // (a literal `{__proto__: …}` would set the prototype: the key is made an own property)
    const where = dictFrom([
      ['constructor', ['__proto__', 'toString']],
      ['__proto__', ['constructor']],
    ]);
    const spec = { where, range: [0.2, 0.8] as [number, number], primary: 'toString', secondary: '__proto__' };
    const got = (await session.query(spec)).json;
    expect(diffAggregates(got, referenceAggregate(sweep, spec))).toBeNull();
    expect(Object.keys(got.optionCounts)).toEqual(HOSTILE);
    expect(Object.keys(own(got.optionCounts, '__proto__') ?? {}).sort()).toEqual([...HOSTILE].sort());
    expect(typeof own(own(got.optionCounts, 'constructor'), 'toString')).toBe('number');
    const pair = own(own(own(got.pairCounts, '__proto__'), 'constructor'), '__proto__');
    expect(pair && typeof own(pair, 'constructor')).toBe('number');
    // JSON (the CLI's output) keeps them as keys too
    const back = JSON.parse(JSON.stringify(got)) as typeof got;
    expect(Object.keys(back.optionCounts)).toEqual(HOSTILE);
  });

  it('round-trip through the URL and the filters logic', () => {
    const where = dictFrom([
      ['__proto__', ['constructor']],
      ['toString', ['__proto__', 'valueOf']],
    ]);
    const params = new URLSearchParams();
    writeViewState({ ...DEFAULT_VIEW_STATE, where }, params);
    const read = readViewState(new URLSearchParams(params.toString()));
    expect(read.problems).toEqual([]);
    expect(Object.keys(read.state.where).sort()).toEqual(['__proto__', 'toString']);
    expect(own(read.state.where, '__proto__')).toEqual(['constructor']);
    expect(own(read.state.where, 'constructor')).toBeUndefined();
    const next = withAllowed(read.state.where, 'constructor', ['a', 'b'], new Set(['a']));
    expect(own(next, 'constructor')).toEqual(['a']);
    expect(own(next, '__proto__')).toEqual(['constructor']);
    expect(Object.getPrototypeOf(next)).toBeNull();
  });
});
