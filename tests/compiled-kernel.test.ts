import { afterEach, describe, expect, it } from 'vitest';
import { allocCounts, countRows } from '../src/engine/kernel.js';
import { setKernelCompilation } from '../src/engine/compiled-kernel.js';
import { packSweep } from '../src/engine/session.js';
import { compilePlan } from '../src/engine/plan.js';
import { resolveQuery } from '../src/engine/resolve.js';
import { brushRanges } from '../src/engine/row-order.js';
import { mergeStats, statsRows } from '../src/engine/kernel.js';
import type { KernelPlan, TableCounts } from '../src/engine/types.js';
import { randomQuery, randomSweep } from './random-sweep.js';

function count(packed: Parameters<typeof countRows>[0], plan: KernelPlan, compiled: boolean): TableCounts {
  setKernelCompilation(compiled);
  const out = allocCounts(plan);
  // two row ranges, as two workers count them
  const mid = Math.floor(packed.rows / 3);
  countRows(packed, plan, 0, mid, out);
  countRows(packed, plan, mid, packed.rows, out);
  return out;
}

/** Every count and sum bit for bit (toEqual walks megabytes of tables slowly). */
function same(a: TableCounts, b: TableCounts): boolean {
  const bytes = (x: ArrayBufferView): Buffer => Buffer.from(x.buffer, x.byteOffset, x.byteLength);
  return (
    a.missing === b.missing &&
    a.baseline === b.baseline &&
    a.selected === b.selected &&
    bytes(a.hist).equals(bytes(b.hist)) &&
    bytes(a.pairs).equals(bytes(b.pairs)) &&
    bytes(a.trellisCount).equals(bytes(b.trellisCount)) &&
    bytes(a.trellisSum).equals(bytes(b.trellisSum))
  );
}

describe('the compiled kernel', () => {
  afterEach(() => setKernelCompilation(true));

  it('counts and sums exactly as the generic kernel, for full queries and brush-only plans over row ranges', () => {
    let plans = 0;
    for (let s = 1; s <= 40; s++) {
      const sweep = randomSweep(s);
      if (!sweep.metrics.length) continue;
      const { layout, packed } = packSweep(sweep, [3, 6, 8, 9][s % 4]);
      for (let k = 0; k < 3; k++) {
        const q = resolveQuery(sweep, randomQuery(sweep, s * 10 + k));
        const groups = sweep.group >= 0 ? Math.max(1, sweep.params[sweep.group].labels.length) : 1;
        const g = sweep.group >= 0 ? layout.slots[sweep.group] : null;
        const field = g ? { word: g.word, shift: g.shift, mask: (1 << g.bits) - 1 } : null;
        const stats = mergeStats([statsRows(packed, q.metric, field, groups, 0, packed.rows)], groups);
        const { plan } = compilePlan(sweep, layout, q, stats, { tableUnitBits: s % 3 === 0 ? undefined : [1, 2, 5][s % 3] });
        const variants: KernelPlan[] = [plan, { ...plan, countOnly: 1 }, { ...plan, countOnly: 0 }];
        if (packed.order && packed.order.metric === q.metric) variants.push({ ...plan, countOnly: 1, ranges: brushRanges(packed, packed.order, plan, 1) });
        for (const v of variants) {
          const a = count(packed, v, true);
          const b = count(packed, v, false);
          expect(same(a, b), `sweep ${s}, query ${k}, countOnly ${v.countOnly}`).toBe(true);
          plans++;
        }
      }
    }
    expect(plans).toBeGreaterThan(300);
  });
});
