import { describe, it, expect } from 'vitest';
import { AddressWriter, readViewState, writeViewState, type Address } from '../src/app/url-state.js';
import { DEFAULT_VIEW_STATE, type ViewState } from '../src/views/shared/view-state.js';

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

describe('the address follows the page at most every 250 ms, and catches up', () => {
  function fakeHost(start = 'rows=5000&seed=3') {
    let t = 0;
    let search = start;
    const writes: string[] = [];
    const timers = new Map<number, { at: number; f: () => void }>();
    let next = 1;
    return {
      writes,
      host: {
        now: () => t,
        search: () => search,
        replace: (s: string) => {
          search = s;
          writes.push(s);
        },
        setTimeout: (f: () => void, ms: number) => {
          timers.set(next, { at: t + ms, f });
          return next++;
        },
        clearTimeout: (id: number) => void timers.delete(id),
      },
      /** Moves the clock, running the timers that fall due. */
      advance(ms: number) {
        t += ms;
        for (const [id, timer] of [...timers]) if (timer.at <= t) {
          timers.delete(id);
          timer.f();
        }
      },
    };
  }
  const at = (range: [number, number] | null, layout = ''): Address => ({ view: { ...DEFAULT_VIEW_STATE, where: {}, range }, roles: '', combine: false, layout });

  it('writes the first change at once, merges the next ones into one trailing write, and keeps the keys it does not own', () => {
    const h = fakeHost();
    let a = at([0.1, 0.2]);
    const w = new AddressWriter(h.host, () => a);
    w.schedule();
    expect(h.writes).toEqual(['rows=5000&seed=3&range=0.1%2C0.2']);
    for (let i = 0; i < 10; i++) {
      h.advance(16);
      a = at([0.1 + i / 100, 0.3], 'filters:300');
      w.schedule();
    }
    expect(h.writes.length).toBe(1);
    h.advance(250);
    expect(h.writes.length).toBe(2);
    expect(h.writes[1]).toBe('rows=5000&seed=3&range=0.19%2C0.3&layout=filters%3A300');
  });

  it('flushes a waiting write at once (before the page says it is idle), and does nothing when none waits', () => {
    const h = fakeHost('');
    let a = at([0, 1]);
    const w = new AddressWriter(h.host, () => a);
    w.schedule();
    h.advance(10);
    a = at(null);
    w.schedule();
    expect(h.writes).toEqual(['range=0%2C1']);
    w.flush();
    expect(h.writes).toEqual(['range=0%2C1', '']);
    w.flush();
    h.advance(1000);
    expect(h.writes.length).toBe(2);
  });
});
