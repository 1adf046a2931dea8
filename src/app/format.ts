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
