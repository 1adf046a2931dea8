// The coordinator in Node, with a hand-driven frame clock and sweeps whose
// answers arrive when the test says: a fast and a slow answer out of order, a
// brush dragged while a filter changes, a device loss mid-drag, a new sweep
// loaded mid-query, automation queries sharing the queue, and the views' rows
// asked after the counts, stale row answers dropped.

import { describe, expect, it } from 'vitest';
import { Coordinator, type Answered, type CoordinatorHost, type QueryTarget } from '../src/app/coordinator.js';
import type { QuerySpec, RowsAnswer, RowsQuery } from '../src/engine/types.js';
import { DEFAULT_VIEW_STATE, type ViewState } from '../src/views/shared/view-state.js';

interface Answer extends Answered {
  /** Which sweep answered, and for what. */
  sweep: string;
  spec: QuerySpec;
}

/** A sweep whose queries wait until the test releases them (in any order), or fail. */
class ManualSweep implements QueryTarget<Answer> {
  readonly pending: { spec: QuerySpec; resolve: (a: Answer) => void; reject: (e: Error) => void }[] = [];
  readonly rowsPending: { query: RowsQuery; resolve: (a: RowsAnswer) => void; reject: (e: Error) => void }[] = [];
  constructor(readonly name: string) {}
  query(spec: QuerySpec): Promise<Answer> {
    return new Promise((resolve, reject) => this.pending.push({ spec, resolve, reject }));
  }
  rows(query: RowsQuery): Promise<RowsAnswer> {
    return new Promise((resolve, reject) => this.rowsPending.push({ query, resolve, reject }));
  }
  /** Answers the oldest row request with ids naming it. */
  releaseRows(ids: number[]): void {
    const p = this.rowsPending.shift();
    if (!p) throw new Error(`${this.name}: no row request is waiting`);
    p.resolve({ kind: 'page', offset: 0, ids: Uint32Array.from(ids), last: null });
  }
  /** Answers the oldest waiting query. */
  release(): void {
    const p = this.pending.shift();
    if (!p) throw new Error(`${this.name}: no query is waiting`);
    p.resolve({ sweep: this.name, spec: p.spec, engineMs: 1 });
  }
  fail(message: string): void {
    const p = this.pending.shift();
    if (!p) throw new Error(`${this.name}: no query is waiting`);
    p.reject(new Error(message));
  }
}

/** Frames run when the test says; engine work takes turns as in the page. */
function host(): CoordinatorHost & { tick(): void; changes: number } {
  const frames: (() => void)[] = [];
  let turn: Promise<unknown> = Promise.resolve();
  const h = {
    changes: 0,
    frame: (f: () => void) => void frames.push(f),
    now: () => 0,
    exclusive<T>(work: () => Promise<T>): Promise<T> {
      const run = turn.then(work);
      turn = run.catch(() => undefined);
      return run;
    },
    changed: () => void h.changes++,
    tick: () => {
      for (const f of frames.splice(0)) f();
    },
  };
  return h;
}

const settle = async (): Promise<void> => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

const state = (over: Partial<ViewState> = {}): ViewState => ({ ...DEFAULT_VIEW_STATE, where: {}, ...over });
const rangeOf = (a: { result: Answer } | null): unknown => a?.result.spec.range ?? null;

describe('Coordinator', () => {
  it('sends one query a frame for the state, however many changes come in it', async () => {
    const h = host();
    const sweep = new ManualSweep('a');
    const c = new Coordinator<Answer>(h, state());
    c.setTarget(sweep);
    c.change({ range: [0.1, 0.2] });
    c.change({ range: [0.1, 0.3] });
    c.change({ normalize: false });
    expect(sweep.pending.length).toBe(0);
    h.tick();
    await settle();
    expect(sweep.pending.map((p) => [p.spec.range, p.spec.normalize])).toEqual([[[0.1, 0.3], false]]);
    expect(c.busy).toBe(true);
    sweep.release();
    await settle();
    expect(rangeOf(c.shown)).toEqual([0.1, 0.3]);
    expect(c.busy).toBe(false);
  });

  it('a brush dragged: answers newer than the one shown are shown, the waiting query is replaced, none older is shown', async () => {
    const h = host();
    const sweep = new ManualSweep('a');
    const c = new Coordinator<Answer>(h, state());
    c.setTarget(sweep);
    const shown: unknown[] = [];
    const drag = async (lo: number): Promise<void> => {
      c.change({ range: [lo, lo + 0.1] });
      h.tick();
      await settle();
    };
    await drag(0.1); // runs
    await drag(0.2); // waits
    await drag(0.3); // replaces 0.2 while 0.1 runs
    expect(sweep.pending.map((p) => p.spec.range)).toEqual([[0.1, 0.2]]);
    sweep.release();
    await settle();
    shown.push(rangeOf(c.shown));
    // 0.1 is shown though 0.3 is asked for: the views follow the drag.
    expect(shown).toEqual([[0.1, 0.2]]);
    expect(sweep.pending.map((p) => p.spec.range)).toEqual([[0.3, 0.4]]);
    expect(c.busy).toBe(true);
    sweep.release();
    await settle();
    expect(rangeOf(c.shown)).toEqual([0.3, 0.4]);
    expect(c.busy).toBe(false);
  });

  it('a fast answer after a slow one: the older never replaces the newer (a filter changed mid-drag)', async () => {
    const h = host();
    // Two engines' worth of turns: this host lets queries overlap, as answers from workers may.
    const overlapping: CoordinatorHost = { ...h, exclusive: (work) => work() };
    const sweep = new ManualSweep('a');
    const c = new Coordinator<Answer>(overlapping, state());
    c.setTarget(sweep);
    const slow = c.show({ ...state(), range: [0.1, 0.2] } as QuerySpec);
    await settle();
    // The slow one runs; the filter change waits behind it in the queue.
    c.change({ where: { optimizer: ['adam'] } });
    h.tick();
    await settle();
    expect(sweep.pending.length).toBe(1);
    sweep.release();
    await slow;
    await settle();
    expect(sweep.pending.length).toBe(1);
    sweep.release();
    await settle();
    expect(c.shown?.result.spec.where).toEqual({ optimizer: ['adam'] });
    // An automation query answered afterwards changes nothing shown.
    const auto = c.answer({ range: [0.5, 0.6] });
    await settle();
    sweep.release();
    expect(rangeOf(await auto)).toEqual([0.5, 0.6]);
    expect(c.shown?.result.spec.where).toEqual({ optimizer: ['adam'] });
  });

  it('a device lost mid-drag: the failed query is said in one line, the last answer stays, the next drag step is shown', async () => {
    const h = host();
    const sweep = new ManualSweep('a');
    const c = new Coordinator<Answer>(h, state());
    c.setTarget(sweep);
    c.change({ range: [0.1, 0.2] });
    h.tick();
    await settle();
    sweep.release();
    await settle();
    c.change({ range: [0.2, 0.3] });
    h.tick();
    await settle();
    sweep.fail('GPU device was lost\nstack…');
    await settle();
    expect(c.error).toBe('Query failed: GPU device was lost');
    expect(rangeOf(c.shown)).toEqual([0.1, 0.2]);
    expect(c.busy).toBe(false);
    c.change({ range: [0.3, 0.4] });
    h.tick();
    await settle();
    sweep.release();
    await settle();
    expect(c.error).toBeNull();
    expect(rangeOf(c.shown)).toEqual([0.3, 0.4]);
  });

  it('a new sweep loaded mid-query: the old sweep’s answer is dropped, the new one answers', async () => {
    const h = host();
    const a = new ManualSweep('a');
    const b = new ManualSweep('b');
    const c = new Coordinator<Answer>({ ...h, exclusive: (work) => work() }, state());
    c.setTarget(a);
    const old = c.show();
    await settle();
    c.setTarget(b, state({ bins: 20 }));
    expect(c.state.bins).toBe(20);
    const fresh = c.show();
    a.release();
    expect(await old).toBe(false);
    await settle();
    b.release();
    expect(await fresh).toBe(true);
    expect(c.shown?.result.sweep).toBe('b');
    expect(c.shown?.result.spec.bins).toBe(20);
  });

  it('with no sweep, says so', async () => {
    const c = new Coordinator<Answer>(host(), state());
    expect(await c.show()).toBe(false);
    expect(c.error).toBe('Query failed: no sweep is loaded: load one first with window.sweepscope.load(…)');
  });

  it('asks for the views’ rows only once the counts are shown, of the shown query, and never ahead of a count query', async () => {
    const h = host();
    const sweep = new ManualSweep('a');
    const c = new Coordinator<Answer>(h, state());
    c.setTarget(sweep);
    c.needRows('table', { kind: 'page', offset: 0, limit: 50 });
    c.needRows('parallel', { kind: 'sample', size: 100, seed: 1 });
    expect(sweep.rowsPending.length).toBe(0); // nothing shown yet
    c.change({ range: [0.1, 0.2] });
    h.tick();
    await settle();
    expect(sweep.rowsPending.length).toBe(0); // the count query runs: rows wait
    sweep.release();
    await settle();
    expect(rangeOf(c.shown)).toEqual([0.1, 0.2]);
    // one row request at a time, of the shown query
    expect(sweep.rowsPending.map((p) => [p.query.kind, p.query.spec.range])).toEqual([['page', [0.1, 0.2]]]);
    // a count query asked meanwhile is not held back by the row request
    c.change({ range: [0.3, 0.4] });
    h.tick();
    await settle();
    expect(sweep.pending.length).toBe(1);
    sweep.releaseRows([1, 2, 3]);
    await settle();
    expect(Array.from(c.rows('table')?.answer?.ids ?? [])).toEqual([1, 2, 3]);
    expect(c.rows('table')?.spec.range).toEqual([0.1, 0.2]);
    // the count query is busy: the parallel view's sample waits for its answer
    expect(sweep.rowsPending.length).toBe(0);
    sweep.release();
    await settle();
    expect(sweep.rowsPending.map((p) => [p.query.kind, p.query.spec.range])).toEqual([['sample', [0.3, 0.4]]]);
    sweep.releaseRows([7]);
    await settle();
    expect(c.rows('parallel')?.spec.range).toEqual([0.3, 0.4]);
    // then the table's rows of the newer query
    expect(sweep.rowsPending.map((p) => [p.query.kind, p.query.spec.range])).toEqual([['page', [0.3, 0.4]]]);
    sweep.releaseRows([4]);
    await settle();
    expect(Array.from(c.rows('table')?.answer?.ids ?? [])).toEqual([4]);
    expect(sweep.rowsPending.length).toBe(0);
    // a change of bins alone asks for no rows again
    c.change({ bins: 13 });
    h.tick();
    await settle();
    sweep.release();
    await settle();
    expect(sweep.rowsPending.length).toBe(0);
  });

  it('drops a stale row answer: the view scrolled on, or another sweep was loaded', async () => {
    const h = host();
    const a = new ManualSweep('a');
    const c = new Coordinator<Answer>(h, state());
    c.setTarget(a);
    await (async () => {
      const shown = c.show();
      await settle();
      a.release();
      await shown;
    })();
    c.needRows('table', { kind: 'page', offset: 0, limit: 50 });
    await settle();
    expect(a.rowsPending.map((p) => p.query.kind === 'page' && p.query.offset)).toEqual([0]);
    // scrolled before the answer came: the answer for offset 0 is dropped, offset 500 is asked
    c.needRows('table', { kind: 'page', offset: 500, limit: 50 });
    a.releaseRows([1]);
    await settle();
    expect(c.rows('table')).toBeNull();
    expect(a.rowsPending.map((p) => p.query.kind === 'page' && p.query.offset)).toEqual([500]);
    // the same need declared again asks nothing more
    c.needRows('table', { kind: 'page', offset: 500, limit: 50 });
    await settle();
    expect(a.rowsPending.length).toBe(1);
    // a new sweep: the old sweep's row answer is dropped
    const b = new ManualSweep('b');
    c.setTarget(b);
    a.releaseRows([2]);
    await settle();
    expect(c.rows('table')).toBeNull();
    const shown = c.show();
    await settle();
    b.release();
    await shown;
    await settle();
    expect(b.rowsPending.map((p) => p.query.kind === 'page' && p.query.offset)).toEqual([500]);
    b.releaseRows([9]);
    await settle();
    expect(c.rows('table')?.result.sweep).toBe('b');
    expect(Array.from(c.rows('table')?.answer?.ids ?? [])).toEqual([9]);
    // a refused row query is said to the view, the counts stay
    c.needRows('table', { kind: 'page', offset: 0, limit: 10, sortBy: { param: 'nope' } });
    await settle();
    b.rowsPending.shift()?.reject(new Error("unknown parameter 'nope'\nstack"));
    await settle();
    expect(c.rows('table')?.error).toBe("unknown parameter 'nope'");
    expect(c.error).toBeNull();
  });

  it('answers one-off row requests (the export) in turn with the views’ needs', async () => {
    const h = host();
    const a = new ManualSweep('a');
    const c = new Coordinator<Answer>(h, state());
    c.setTarget(a);
    const shown = c.show();
    await settle();
    a.release();
    await shown;
    c.needRows('table', { kind: 'page', offset: 0, limit: 50 });
    await settle();
    const exported = c.requestRows({ kind: 'page', spec: { range: [0.5, 1] }, limit: 1000 });
    a.releaseRows([1]); // the table's
    await settle();
    expect(a.rowsPending.map((p) => p.query.spec.range)).toEqual([[0.5, 1]]);
    a.releaseRows([5, 6]);
    expect(Array.from((await exported).ids)).toEqual([5, 6]);
  });
});
