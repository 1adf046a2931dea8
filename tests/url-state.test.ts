import { describe, it, expect } from 'vitest';
import { readViewState, writeViewState } from '../src/views/url-state.js';
import { DEFAULT_VIEW_STATE, type ViewState } from '../src/views/view-state.js';

describe('view state in the URL', () => {
  it('round-trips every field, including labels with separators', () => {
    const state: ViewState = {
      metric: 'test_accuracy',
      normalize: false,
      range: [0.25, 0.875],
      where: { optimizer: ['adam', 'rmsprop'], 'odd:name': ['a|b', 'c;d', '50%', 'x,y'], empty: [] },
      primary: 'dataset',
      secondary: 'activation',
      bins: 17,
      matrixEncoding: 'lift',
      matrixScale: 'pair',
    };
    const params = new URLSearchParams('rows=5000&seed=3');
    writeViewState(state, params);
    const back = new URLSearchParams(params.toString());
    expect(back.get('rows')).toBe('5000');
    expect(back.get('mscale')).toBe('pair');
    const { state: read, problems } = readViewState(back);
    expect(problems).toEqual([]);
    expect(read).toEqual(state);
  });

  it('leaves defaults out of the URL and reads an empty URL as the defaults', () => {
    const params = new URLSearchParams();
    writeViewState({ ...DEFAULT_VIEW_STATE, where: {} }, params);
    expect(params.toString()).toBe('');
    expect(readViewState(params).state).toEqual({ ...DEFAULT_VIEW_STATE, where: {} });
  });

  it('reports malformed values and keeps their defaults', () => {
    const { state, problems } = readViewState(new URLSearchParams('range=1,0&bins=zero&enc=pie&norm=yes&where=nocolon&mscale=local'));
    expect(state.range).toBeNull();
    expect(state.bins).toBe(DEFAULT_VIEW_STATE.bins);
    expect(state.matrixScale).toBe('global');
    expect(problems).toHaveLength(6);
    expect(problems.some((p) => /mscale must be global or pair, not 'local'/.test(p))).toBe(true);
    expect(problems[0]).toMatch(/norm/);
  });
});
