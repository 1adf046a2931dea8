// The page's role changes: overrides on top of the inferred columns become the
// explicit load options the file is read again with, and live in the address.

import { describe, expect, it } from 'vitest';
import { optionsFor, readRoles, writeRoles } from '../src/app/roles.js';
import { parseCsv } from '../src/io/csv.js';
import type { ColumnInfo, ColumnRole } from '../src/model/sweep.js';

const COLUMNS: ColumnInfo[] = [
  { name: 'arch_index', role: 'ignored', reason: 'configuration id', distinct: 15625 },
  { name: 'dataset', role: 'group', reason: 'group', distinct: 3 },
  { name: 'op', role: 'parameter', reason: 'text', distinct: 5 },
  { name: 'lr', source: 'params_lr', role: 'parameter', reason: 'numbers with 600 distinct values: 16 log bins', distinct: 600 },
  { name: 'seed', role: 'replicate', reason: 'replicate', distinct: 3 },
  { name: 'test_accuracy', role: 'metric', reason: 'the metric', distinct: 40000 },
  { name: 'train_loss', role: 'metric', reason: 'an alternative metric', distinct: 40000 },
];

const roles = (...pairs: [string, ColumnRole][]): Map<string, ColumnRole> => new Map(pairs);

describe('optionsFor', () => {
  it('spells out the inferred roles when nothing is changed', () => {
    expect(optionsFor(COLUMNS, 'test_accuracy', roles())).toEqual({
      params: ['dataset', 'op', 'lr'],
      metric: 'test_accuracy',
      group: 'dataset',
      replicate: 'seed',
      ignore: ['arch_index'],
    });
  });

  it('makes an ignored column a parameter, and a parameter ignored', () => {
    const o = optionsFor(COLUMNS, 'test_accuracy', roles(['arch_index', 'parameter'], ['lr', 'ignored']));
    expect(o.params).toEqual(['arch_index', 'dataset', 'op']);
    expect(o.ignore).toEqual(['lr']);
  });

  it('a new metric, group or replicate takes the place of the old one', () => {
    const o = optionsFor(COLUMNS, 'test_accuracy', roles(['train_loss', 'metric'], ['op', 'group'], ['arch_index', 'replicate']));
    expect(o.metric).toBe('train_loss');
    // The old group is a parameter, the old replicate ignored.
    expect(o.group).toBe('op');
    expect(o.params).toEqual(['dataset', 'op', 'lr']);
    expect(o.replicate).toBe('arch_index');
    expect(o.ignore).toEqual(['seed']);
  });

  it('the metric made a parameter leaves the alternative as the metric; with none left, says so', () => {
    expect(optionsFor(COLUMNS, 'test_accuracy', roles(['test_accuracy', 'parameter'])).metric).toBe('train_loss');
    expect(() => optionsFor(COLUMNS, 'test_accuracy', roles(['test_accuracy', 'ignored'], ['train_loss', 'ignored']))).toThrow(
      'no column would be the metric: give a numeric column the role metric',
    );
  });

  it('says there is no group when the group is made a parameter', () => {
    const o = optionsFor(COLUMNS, 'test_accuracy', roles(['dataset', 'parameter']));
    expect(o.group).toBeNull();
    expect(o.params).toContain('dataset');
  });
});

describe('reading a file with the options', () => {
  const csv = 'dataset,op,seed,acc\nc10,a,1,0.5\nc10,b,2,0.6\nc100,a,1,0.7\nc100,b,2,0.8\nc10,a,2,0.4\n';
  it('group null: no group, even with a column named dataset', () => {
    expect(parseCsv(csv, 'f.csv').group).toBe(0);
    const s = parseCsv(csv, 'f.csv', { params: ['dataset', 'op'], metric: 'acc', group: null, replicate: 'seed' });
    expect(s.group).toBe(-1);
    expect(s.columns?.find((c) => c.name === 'dataset')?.role).toBe('parameter');
  });
});

describe('roles in the address', () => {
  it('round-trips names with separators, __proto__ included', () => {
    const o = roles(['a:b;c', 'parameter'], ['__proto__', 'ignored'], ['50%', 'metric']);
    const text = writeRoles(o);
    expect(text).toBe('a%3ab%3bc:parameter;__proto__:ignored;50%25:metric');
    expect(readRoles(text)).toEqual({ overrides: o, problems: [] });
  });

  it('reports malformed entries and keeps the rest', () => {
    const { overrides, problems } = readRoles('lr:parameter;seed:bogus;nocolon');
    expect([...overrides]).toEqual([['lr', 'parameter']]);
    expect(problems).toEqual([
      "roles entry 'seed:bogus' must be column:role with role one of parameter, metric, group, replicate, ignored",
      "roles entry 'nocolon' must be column:role with role one of parameter, metric, group, replicate, ignored",
    ]);
  });
});
