/**
 * The roles the user gives a file's columns in the page (the Columns dialog),
 * on top of the inferred ones: kept as overrides (column → role), in the
 * address as `roles=name:role;name:role`, and turned into the explicit load
 * options (params, metric, group, replicate, ignore) the file is read with.
 *
 * Browser-safe and pure.
 */

import type { LoadOptions } from '../io/table.js';
import { SweepError, type ColumnInfo, type ColumnRole } from '../model/sweep.js';

export const ROLES: readonly ColumnRole[] = ['parameter', 'metric', 'group', 'replicate', 'ignored'];

const isRole = (s: string): s is ColumnRole => (ROLES as readonly string[]).includes(s);

/** Column name → the role the user chose, in the order chosen. */
export type RoleOverrides = ReadonlyMap<string, ColumnRole>;

/**
 * The load options that give every column of `columns` (as read, with
 * `metric` the sweep's first metric) its role, the overrides applied in order:
 * a new metric, group or replicate takes the place of the old one, which
 * becomes a parameter (group), an alternative metric (metric) or ignored
 * (replicate). Throws SweepError when no metric would be left.
 */
export function optionsFor(columns: readonly ColumnInfo[], metric: string, overrides: RoleOverrides): LoadOptions {
  const role = new Map<string, ColumnRole>(columns.map((c) => [c.name, c.role]));
  let primary = role.get(metric) === 'metric' ? metric : (columns.find((c) => c.role === 'metric')?.name ?? null);
  for (const [name, r] of overrides) {
    if (!role.has(name)) continue;
    const before = role.get(name);
    if (r === 'group' || r === 'replicate')
      for (const [other, o] of role) if (o === r && other !== name) role.set(other, r === 'group' ? 'parameter' : 'ignored');
    role.set(name, r);
    if (r === 'metric') primary = name;
    else if (before === 'metric' && primary === name) primary = null;
  }
  if (primary === null || role.get(primary) !== 'metric') primary = [...role].find(([, r]) => r === 'metric')?.[0] ?? null;
  if (primary === null) throw new SweepError('no column would be the metric: give a numeric column the role metric');
  const named = (r: ColumnRole): string[] => columns.filter((c) => role.get(c.name) === r).map((c) => c.name);
  const group = named('group')[0];
  const replicate = named('replicate')[0];
  const options: LoadOptions = {
    params: columns.filter((c) => role.get(c.name) === 'parameter' || role.get(c.name) === 'group').map((c) => c.name),
    metric: primary,
    ignore: named('ignored'),
  };
  options.group = group ?? null;
  if (replicate !== undefined) options.replicate = replicate;
  return options;
}

const enc = (s: string): string => s.replace(/[%:;]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
const dec = (s: string): string => s.replace(/%([0-9a-f]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)));

/** `name:role;name:role` (names percent-encoded where they hold the separators); '' for none. */
export function writeRoles(overrides: RoleOverrides): string {
  return [...overrides].map(([name, r]) => `${enc(name)}:${r}`).join(';');
}

/** The overrides of an address's `roles` value; malformed parts are reported in `problems` and left out. */
export function readRoles(value: string | null): { overrides: Map<string, ColumnRole>; problems: string[] } {
  const overrides = new Map<string, ColumnRole>();
  const problems: string[] = [];
  if (!value) return { overrides, problems };
  for (const part of value.split(';')) {
    const colon = part.lastIndexOf(':');
    const name = colon > 0 ? dec(part.slice(0, colon)) : '';
    const r = part.slice(colon + 1);
    if (colon <= 0 || !isRole(r)) {
      problems.push(`roles entry '${part}' must be column:role with role one of ${ROLES.join(', ')}`);
      continue;
    }
    overrides.delete(name);
    overrides.set(name, r);
  }
  return { overrides, problems };
}
