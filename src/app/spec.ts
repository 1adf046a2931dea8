/**
 * Checking what automation passes to `window.sweepscope`: a query is the
 * CLI's `aggregate` options in JSON form; mistakes are one-line SweepErrors.
 */

import { SweepError } from '../model/sweep.js';
import type { QuerySpec } from '../engine/types.js';
import type { LoadOptions } from '../io/table.js';
import { dict } from '../model/dict.js';

const QUERY_KEYS = ['metric', 'normalize', 'range', 'where', 'primary', 'secondary', 'bins'] as const;
const LOAD_KEYS = ['params', 'metric', 'group', 'replicate', 'ignore'] as const;

function show(x: unknown): string {
  try {
    return JSON.stringify(x) ?? String(x);
  } catch {
    return String(x);
  }
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isStringList(x: unknown): x is string[] {
  return Array.isArray(x) && x.every((s) => typeof s === 'string');
}

/** A query spec from untrusted JSON: unknown options and wrong types are SweepErrors. */
export function checkQuerySpec(q: unknown): QuerySpec {
  if (q === undefined || q === null) return {};
  if (!isRecord(q)) throw new SweepError(`a query is an object of options (${QUERY_KEYS.join(', ')}), not ${show(q)}`);
  for (const key of Object.keys(q)) {
    if ((QUERY_KEYS as readonly string[]).includes(key)) continue;
    if (key === 'params' || key === 'group')
      throw new SweepError(`'${key}' chooses columns when a file is read: pass it to load(source, {${key}: …}), not to query`);
    throw new SweepError(`unknown query option '${key}': the options are ${QUERY_KEYS.join(', ')}`);
  }
  const out: { -readonly [K in keyof QuerySpec]: QuerySpec[K] } = {};
  const bad = (key: string, what: string): never => {
    throw new SweepError(`query option '${key}' must be ${what}, not ${show(q[key])}`);
  };
  if (q.metric !== undefined) out.metric = typeof q.metric === 'string' ? q.metric : bad('metric', 'a metric column name');
  if (q.normalize !== undefined) out.normalize = typeof q.normalize === 'boolean' ? q.normalize : bad('normalize', 'true or false');
  if (q.range !== undefined) {
    const r = q.range;
    if (r === null) out.range = null;
    else if (Array.isArray(r) && r.length === 2 && r.every((x) => typeof x === 'number')) out.range = [r[0] as number, r[1] as number];
    else bad('range', '[lo, hi] (two numbers) or null');
  }
  if (q.where !== undefined) {
    const w = q.where;
    if (!isRecord(w)) bad('where', 'an object of parameter → allowed options, e.g. {optimizer: ["adam"]}');
    const where = dict<string[]>();
    for (const [name, options] of Object.entries(w as Record<string, unknown>)) {
      if (!isStringList(options)) throw new SweepError(`query option 'where.${name}' must be a list of option labels, not ${show(options)}`);
      where[name] = [...options];
    }
    out.where = where;
  }
  if (q.primary !== undefined) out.primary = typeof q.primary === 'string' ? q.primary : bad('primary', 'a parameter name');
  if (q.secondary !== undefined)
    out.secondary = q.secondary === null || typeof q.secondary === 'string' ? q.secondary : bad('secondary', 'a parameter name or null');
  if (q.bins !== undefined) out.bins = typeof q.bins === 'number' ? q.bins : bad('bins', 'an integer');
  return out;
}

/** Load options (the CLI's --params, --metric, --group) from untrusted JSON. */
export function checkLoadOptions(o: unknown): LoadOptions {
  if (o === undefined || o === null) return {};
  if (!isRecord(o)) throw new SweepError(`load options are an object (${LOAD_KEYS.join(', ')}), not ${show(o)}`);
  for (const key of Object.keys(o))
    if (!(LOAD_KEYS as readonly string[]).includes(key))
      throw new SweepError(`unknown load option '${key}': the options are ${LOAD_KEYS.join(', ')}`);
  const out: LoadOptions = {};
  if (o.params !== undefined) {
    if (!isStringList(o.params)) throw new SweepError(`load option 'params' must be a list of column names, not ${show(o.params)}`);
    out.params = [...o.params];
  }
  if (o.metric !== undefined) {
    if (typeof o.metric !== 'string') throw new SweepError(`load option 'metric' must be a column name, not ${show(o.metric)}`);
    out.metric = o.metric;
  }
  if (o.group !== undefined) {
    if (typeof o.group !== 'string' && o.group !== null)
      throw new SweepError(`load option 'group' must be a column name (or null for none), not ${show(o.group)}`);
    out.group = o.group;
  }
  if (o.replicate !== undefined) {
    if (typeof o.replicate !== 'string') throw new SweepError(`load option 'replicate' must be a column name, not ${show(o.replicate)}`);
    out.replicate = o.replicate;
  }
  if (o.ignore !== undefined) {
    if (!isStringList(o.ignore)) throw new SweepError(`load option 'ignore' must be a list of column names, not ${show(o.ignore)}`);
    out.ignore = [...o.ignore];
  }
  return out;
}

/** The first line of a message (what the page and the API report). */
export function oneLine(message: string): string {
  return message.split(/\r?\n/)[0].trim();
}
