/** Number formatting for the page: fixed locale, so tests and screenshots read the same everywhere. */

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function fmtInt(n: number): string {
  return integer.format(n);
}

export function fmtMs(ms: number): string {
  return ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : ms.toFixed(0);
}

export function fmtValue(v: number, digits = 3): string {
  return Number.isFinite(v) ? v.toFixed(digits) : String(v);
}

/** Percentage of a part, for progress text. */
export function fmtPercent(part: number, whole: number): string {
  return whole > 0 ? `${Math.floor((100 * part) / whole)}%` : '0%';
}

/** A message for the page from anything thrown: SweepError messages as they are. */
export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.name === 'SweepError' || e.name === 'Error' ? e.message : `${e.name}: ${e.message}`;
  return String(e);
}

/** A share as a percentage: 3 significant digits under 10%, one decimal above. */
export function fmtPct(x: number): string {
  if (!Number.isFinite(x)) return '–';
  const p = x * 100;
  return `${p === 0 || p >= 10 ? p.toFixed(1) : p >= 1 ? p.toFixed(2) : p.toPrecision(2)}%`;
}

export function fmtLift(x: number): string {
  return Number.isFinite(x) ? `${x.toFixed(2)}×` : '–';
}
