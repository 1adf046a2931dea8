/**
 * Objects keyed by the user's column names and labels. A column or option
 * called `__proto__`, `constructor` or `toString` is plain text: dictionaries
 * have no prototype, and lookups read own properties only.
 */

/** An empty object without a prototype. */
export function dict<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** A prototype-free object from entries (the null-prototype `Object.fromEntries`). */
export function dictFrom<T>(entries: Iterable<readonly [string, T]>): Record<string, T> {
  const out = dict<T>();
  for (const [k, v] of entries) out[k] = v;
  return out;
}

/** obj[key] when obj has it as its own property; undefined otherwise (never an inherited member). */
export function own<T>(obj: Readonly<Record<string, T>> | null | undefined, key: string): T | undefined {
  return obj != null && Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}

/** Whether obj has `key` as its own property. */
export function hasOwn(obj: Readonly<Record<string, unknown>> | null | undefined, key: string): boolean {
  return obj != null && Object.prototype.hasOwnProperty.call(obj, key);
}
