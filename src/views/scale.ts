/** Axis ticks shared by the views. */

/** A round step (1, 2, 5 × 10^k) giving about `count` steps over [lo, hi]. */
export function tickStep(lo: number, hi: number, count: number): number {
  const raw = (hi - lo) / Math.max(1, count);
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const p = 10 ** Math.floor(Math.log10(raw));
  const e = raw / p;
  return (e >= 7.5 ? 10 : e >= 3.5 ? 5 : e >= 1.5 ? 2 : 1) * p;
}

/** Decimals that show every multiple of `step` exactly. */
export function stepDecimals(step: number): number {
  return Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
}

/** About `count` round tick values inside [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo) || !Number.isFinite(lo) || !Number.isFinite(hi)) return Number.isFinite(lo) ? [lo] : [];
  const step = tickStep(lo, hi, count);
  const d = stepDecimals(step);
  const out: number[] = [];
  for (let k = Math.ceil(lo / step - 1e-9); k <= Math.floor(hi / step + 1e-9); k++) out.push(Number((k * step).toFixed(d)));
  return out;
}

/** Tick values of a log axis: powers of ten, with 2 and 5 times them when the domain is short. */
export function logTicks(lo: number, hi: number): number[] {
  if (!(lo > 0 && hi > lo)) return niceTicks(lo, hi);
  const out: number[] = [];
  const decades = Math.log10(hi / lo);
  const mults = decades < 2 ? [1, 2, 5] : [1];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++)
    for (const m of mults) {
      const v = Number((m * 10 ** e).toPrecision(6));
      if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) out.push(v);
    }
  return out;
}
