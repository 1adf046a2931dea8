import { describe, it, expect } from 'vitest';
import { LatestWins, ShowNewer } from '../src/engine/scheduler.js';
import { FallbackEngine } from '../src/engine/fallback-engine.js';
import { InlineCpuEngine } from '../src/engine/cpu-engine.js';
import { Session } from '../src/engine/session.js';
import type { Engine, KernelPlan, TableCounts } from '../src/engine/types.js';
import { randomQuery, randomSweep } from './random-sweep.js';
import { diffAggregates, referenceAggregate } from './reference.js';

describe('ShowNewer with LatestWins: a dragged brush', () => {
  it('shows every answer newer than the one shown, though a newer query is asked for, and never an older one', async () => {
    const release: (() => void)[] = [];
    const s = new LatestWins<number, number>(async (q) => {
      await new Promise<void>((r) => release.push(r));
      return q;
    });
    const order = new ShowNewer();
    const shown: number[] = [];
    const ask = (): Promise<void> => {
      const id = order.ask();
      return s.submit(id).then((a) => {
        if (a !== null && order.offer(id)) shown.push(a);
      });
    };
    // Frame 1 asks; frames 2 and 3 ask while 1 runs (2 is dropped for 3).
    const p1 = ask();
    const p2 = ask();
    const p3 = ask();
    await Promise.resolve();
    release.shift()!();
    await p1;
    await p2;
    expect(shown).toEqual([1]); // 1 is shown, though 3 is the newest asked
    expect(order.isNewest(3)).toBe(true);
    const p4 = ask(); // frame 4 asks while 3 runs
    await new Promise((r) => setTimeout(r, 0));
    release.shift()!();
    await p3;
    expect(shown).toEqual([1, 3]);
    await new Promise((r) => setTimeout(r, 0));
    release.shift()!();
    await p4;
    expect(shown).toEqual([1, 3, 4]);
    // An answer older than the one shown is never shown.
    expect(order.offer(2)).toBe(false);
    expect(order.offer(4)).toBe(true);
  });
});

describe('LatestWins', () => {
  it('runs one query at a time, keeps only the newest pending one, and answers every caller', async () => {
    const started: number[] = [];
    let release: () => void = () => undefined;
    const s = new LatestWins<number, number>(async (q) => {
      started.push(q);
      await new Promise<void>((r) => (release = r));
      return q * 10;
    });
    const a = s.submit(1);
    const b = s.submit(2);
    const c = s.submit(3);
    const d = s.submit(4);
    await Promise.resolve();
    expect(started).toEqual([1]);
    release();
    expect(await a).toBe(10);
    await new Promise((r) => setTimeout(r, 0));
    expect(started).toEqual([1, 4]);
    release();
    expect(await b).toBeNull();
    expect(await c).toBeNull();
    expect(await d).toBe(40);
  });

  it('passes errors to the caller and keeps working', async () => {
    const s = new LatestWins<number, number>(async (q) => {
      if (q < 0) throw new Error('negative');
      return q;
    });
    await expect(s.submit(-1)).rejects.toThrow('negative');
    expect(await s.submit(5)).toBe(5);
  });
});

/** A primary engine that works for `good` runs, then fails as a lost GPU would. */
class FlakyEngine extends InlineCpuEngine {
  override readonly info = { kind: 'webgpu' as const, adapter: 'flaky test adapter' };
  constructor(private good: number) {
    super(2);
  }
  override async run(plan: KernelPlan): Promise<TableCounts> {
    if (this.good-- <= 0) throw new Error('the GPU device was lost (test)');
    return super.run(plan);
  }
}

describe('FallbackEngine', () => {
  it('answers on the CPU when the primary fails, keeps the sweep, and says why', async () => {
    const sweep = randomSweep(4242, { rows: 3000, maxParams: 5 });
    const engine = new FallbackEngine(new FlakyEngine(2), () => new InlineCpuEngine());
    const changes: string[] = [];
    engine.onChange((i) => changes.push(`${i.kind}: ${i.reason}`));
    const session = await Session.open(sweep, engine);
    for (let k = 0; k < 6; k++) {
      const spec = { ...randomQuery(sweep, 9000 + k), range: [0.1 * k, 1] as [number, number] };
      const r = await session.query(spec);
      expect(diffAggregates(r.json, referenceAggregate(sweep, spec)), JSON.stringify(spec)).toBeNull();
    }
    expect(engine.fellBack).toBe(true);
    expect(engine.info.kind).toBe('cpu');
    expect(engine.info.reason).toMatch(/fell back to the CPU: the GPU device was lost/);
    expect(changes).toHaveLength(1);
  });

  it('starts on the CPU with the reason when there is no primary', async () => {
    const engine: Engine = new FallbackEngine(null, () => new InlineCpuEngine(), 'no WebGPU adapter is available');
    expect(engine.info).toMatchObject({ kind: 'cpu', reason: 'no WebGPU adapter is available' });
  });
});
