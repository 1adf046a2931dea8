/** Column roles: inferred with reasons, the tuning tools' layouts, options that win, the CLI's inspect. */

import { NATS_CSV } from './shared-data.js';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { error } from './sweep-error.js';
import { validateSweep, type ColumnInfo, type Param, type Sweep } from '../src/model/sweep.js';
import { parseCsv, writeCsv } from '../src/io/csv.js';
import { sweepFromJson } from '../src/io/json.js';
import { readSweepFile } from '../src/io/load.js';
import { parsePython, resultScore } from '../src/io/roles.js';
import type { LoadOptions } from '../src/io/table.js';
import { generateNwsSweep } from '../src/synth/nws.js';
import { InlineCpuEngine } from '../src/engine/cpu-engine.js';
import { Session } from '../src/engine/session.js';
import { diffAggregates } from './reference.js';
import type { AggregateJson } from '../src/engine/output.js';

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/tools/${name}`, import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'sweepscope-roles-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const csv = (text: string, options?: LoadOptions, name = 'data.csv'): Sweep => {
  const s = parseCsv(text, name, options);
  validateSweep(s);
  return s;
};
const names = (s: Sweep): string[] => s.params.map((p) => p.name);
const metricNames = (s: Sweep): string[] => s.metrics.map((m) => m.name);
const info = (s: Sweep, name: string): ColumnInfo => {
  const c = s.columns?.find((x) => x.name === name);
  if (!c) throw new Error(`no column ${name} (${s.columns?.map((x) => x.name).join(', ')})`);
  return c;
};
const param = (s: Sweep, name: string): Param => {
  const p = s.params.find((x) => x.name === name);
  if (!p) throw new Error(`no param ${name}`);
  return p;
};
const groupName = (s: Sweep): string | null => (s.group >= 0 ? s.params[s.group].name : null);
const roles = (s: Sweep): Record<string, string> => Object.fromEntries((s.columns ?? []).map((c) => [c.name, c.role]));


// ---------------------------------------------------------------------------
// The tools' layouts.

describe('Optuna trials_dataframe()', () => {
  it('params_* are parameters without the prefix, value the metric, only COMPLETE trials', async () => {
    const s = await readSweepFile(fixture('optuna-trials.csv'));
    validateSweep(s);
    expect(s.rows).toBe(30);
    expect(names(s)).toEqual(['batch_size', 'lr', 'optimizer']);
    expect(info(s, 'lr').source).toBe('params_lr');
    expect(metricNames(s)).toEqual(['value', 'val_loss']);
    expect(s.metrics[1].lowerIsBetter).toBe(true);
    expect(s.notes).toContain('left out 12 trials: 9 PRUNED, 3 FAIL (only COMPLETE trials are kept)');
    expect(roles(s)).toMatchObject({
      number: 'ignored',
      value: 'metric',
      datetime_start: 'ignored',
      datetime_complete: 'ignored',
      duration: 'ignored',
      system_attrs_completed_rung_0: 'ignored',
      state: 'ignored',
      val_loss: 'metric',
    });
    // A continuous parameter (every value distinct) is binned, not dropped as an id; it spans 4 decades: log bins.
    expect(info(s, 'lr').reason).toBe('numbers with 30 distinct values: 16 log bins');
    expect(param(s, 'lr').labels).toHaveLength(16);
    expect(info(s, 'datetime_start').reason).toBe('timestamp');
    expect(s.group).toBe(-1);
  });

  it('reads the same with the index column pandas writes by default', () => {
    const text = readFileSync(fixture('optuna-trials.csv'), 'utf8')
      .trimEnd()
      .split('\n')
      .map((l, i) => `${i === 0 ? '' : i - 1},${l}`)
      .join('\n');
    const s = csv(text, {}, 'trials.csv');
    expect(s.rows).toBe(30);
    expect(names(s)).toEqual(['batch_size', 'lr', 'optimizer']);
    expect(s.metrics[0].name).toBe('value');
  });
});

describe('Weights & Biases', () => {
  it('the workspace CSV export: finished runs with the metric, bookkeeping left out', async () => {
    const s = await readSweepFile(fixture('wandb-export.csv'));
    expect(s.rows).toBe(18);
    expect(names(s)).toEqual(['batch_size', 'dropout', 'learning_rate', 'optimizer']);
    expect(metricNames(s)).toEqual(['val_acc', 'loss', 'val_loss']);
    expect(s.notes).toEqual(['left out 4 runs: 2 crashed, 1 failed, 1 running (only finished runs are kept)', 'left out 2 runs without val_acc']);
    for (const c of ['Name', 'State', 'Notes', 'User', 'Tags', 'Created', 'Runtime', 'Sweep']) expect(info(s, c).role, c).toBe('ignored');
    // dropout: a float per run, a parameter in quantile bins (a user's file).
    expect(info(s, 'dropout').reason).toBe('numbers with 18 distinct values: 16 quantile bins');
    // Labels as written.
    expect(param(s, 'learning_rate').labels).toEqual(['0.0001', '0.001', '0.01', '0.1']);
  });

  it("the API recipe: Python dicts in 'summary' and 'config' read into columns", async () => {
    const s = await readSweepFile(fixture('wandb-api.csv'));
    validateSweep(s);
    expect(s.rows).toBe(18);
    expect(names(s)).toEqual(['batch_size', 'dropout', 'lr', 'optimizer', 'use_bn', 'dataset']);
    expect(groupName(s)).toBe('dataset');
    expect(s.replicate?.name).toBe('seed');
    expect(s.replicate?.labels).toEqual(['0', '1', '2']);
    expect(metricNames(s)).toEqual(['val/acc', 'train/loss', 'val/loss']);
    expect(info(s, 'val/acc').source).toBe('summary.val/acc');
    expect(info(s, '_wandb.runtime').role).toBe('ignored');
    expect(info(s, 'summary').reason).toBe('W&B summary dicts: read into 8 columns');
    // Python's spellings kept: 1e-05, 0.0; booleans as Python writes them.
    expect(param(s, 'lr').labels).toEqual(['1e-05', '0.0001', '0.001']);
    expect(param(s, 'dropout').labels).toEqual(['0.0', '0.1', '0.3']);
    expect(param(s, 'use_bn').labels).toEqual(['False', 'True']);
    expect(info(s, 'use_bn').reason).toBe('booleans');
  });

  it('a flattened table: _wandb with hundreds of values is left out, not an error; runs without the metric left out', () => {
    const lines = ['name,state,batch_size,lr,dropout,train/loss,val/acc,_step,_runtime,_timestamp,_wandb'];
    for (let i = 0; i < 300; i++) {
      const state = i % 50 === 7 ? 'crashed' : 'finished';
      const acc = i % 40 === 3 ? '' : (0.5 + (i % 37) / 100).toFixed(3);
      lines.push(
        `run-${i},${state},${[32, 64][i % 2]},${[0.1, 0.01, 0.001][i % 3]},${(i % 23) / 50},${(1 - (i % 31) / 40).toFixed(3)},${acc},${99 + (i % 3)},${100 + i * 1.5},${1700000000 + i},"{'runtime': ${100 + i}}"`,
      );
    }
    const s = csv(lines.join('\n'), {}, 'runs.csv');
    expect(info(s, '_wandb')).toMatchObject({ role: 'ignored', distinct: 286 }); // counted in the rows kept
    expect(s.notes).toEqual(['left out 6 runs: 6 crashed (only finished runs are kept)', 'left out 8 runs without val/acc']);
    expect(s.rows).toBe(286);
    expect(names(s)).toEqual(['batch_size', 'lr', 'dropout']);
    expect(metricNames(s)).toEqual(['val/acc', 'train/loss']);
    for (const c of ['name', 'state', '_step', '_runtime', '_timestamp']) expect(info(s, c).role, c).toBe('ignored');
  });
});

describe('Ray Tune results', () => {
  it('config/* parameters, bookkeeping left out, the last row of each trial', async () => {
    const s = await readSweepFile(fixture('ray-results.csv'));
    validateSweep(s);
    expect(s.rows).toBe(8);
    expect(names(s)).toEqual(['lr', 'batch_size', 'activation']);
    expect(info(s, 'lr').source).toBe('config/lr');
    expect(metricNames(s)).toEqual(['accuracy', 'loss']);
    expect(s.notes).toEqual(['24 rows of 8 trials: the last row of each trial kept']);
    for (const c of [
      'trial_id',
      'timestamp',
      'date',
      'pid',
      'hostname',
      'node_ip',
      'time_this_iter_s',
      'time_total_s',
      'time_since_restore',
      'logdir',
      'checkpoint_dir_name',
      'done',
      'training_iteration',
      'iterations_since_restore',
    ])
      expect(info(s, c).role, c).toBe('ignored');
    // The kept rows are the third iterations.
    const rows = readFileSync(fixture('ray-results.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    const last = rows.filter((r) => r[5] === '3').map((r) => Math.fround(Number(r[1])));
    expect(Array.from(s.metrics[0].values)).toEqual(last);
  });
});

describe('MLflow search_runs()', () => {
  it('params.* parameters, metrics.* metrics, only FINISHED runs', async () => {
    const s = await readSweepFile(fixture('mlflow-runs.csv'));
    validateSweep(s);
    expect(s.rows).toBe(10);
    expect(names(s)).toEqual(['lr', 'batch_size', 'optimizer']);
    expect(metricNames(s)).toEqual(['val_accuracy', 'train_loss']);
    expect(s.notes).toEqual(['left out 2 runs: 2 FAILED (only FINISHED runs are kept)']);
    for (const c of ['run_id', 'experiment_id', 'status', 'artifact_uri', 'start_time', 'end_time', 'tags.mlflow.runName', 'tags.mlflow.user'])
      expect(info(s, c).role, c).toBe('ignored');
  });

  it('params as text (JSON strings): numbers, labelled as written', () => {
    const rows = Array.from({ length: 12 }, (_, i) =>
      JSON.stringify({
        run_id: `r${i}`,
        status: i < 10 ? 'FINISHED' : 'FAILED',
        'metrics.val_accuracy': 0.5 + i / 100,
        'params.lr': ['0.001', '0.01', '1e-4'][i % 3],
        'params.layers': ['2', '4', '8', '16'][i % 4],
        'params.act': ['relu', 'gelu'][i % 2],
      }),
    );
    const s = sweepFromJson(new TextEncoder().encode(rows.join('\n')), 'runs.jsonl');
    validateSweep(s);
    expect(s.rows).toBe(10);
    expect(names(s)).toEqual(['lr', 'layers', 'act']);
    expect(param(s, 'lr').kind).toBe('numeric');
    expect(param(s, 'lr').labels).toEqual(['1e-4', '0.001', '0.01']);
    expect(param(s, 'layers').labels).toEqual(['2', '4', '8', '16']);
    expect(info(s, 'lr').reason).toBe('numbers (written as text) with 3 distinct values');
  });
});

// ---------------------------------------------------------------------------
// Real data.

describe('nats-bench-201.csv with inferred roles', () => {
  const EDGES = ['n1_from_n0', 'n2_from_n0', 'n2_from_n1', 'n3_from_n0', 'n3_from_n1', 'n3_from_n2'];

  it('arch_index is a configuration id, dataset the group, the six edges parameters, test_accuracy the metric', async () => {
    const s = await readSweepFile(NATS_CSV);
    expect(info(s, 'arch_index')).toMatchObject({ role: 'ignored', distinct: 15625 });
    expect(info(s, 'arch_index').reason).toMatch(/^configuration id: one value per combination of 6 parameters/);
    expect(info(s, 'dataset').role).toBe('group');
    for (const e of EDGES) expect(info(s, e).role).toBe('parameter');
    expect(info(s, 'test_accuracy').role).toBe('metric');
    expect(names(s)).toEqual(['dataset', ...EDGES]);
    expect(metricNames(s)).toEqual(['test_accuracy']);
    expect(groupName(s)).toBe('dataset');
  });

  it('aggregates exactly as with the roles named', async () => {
    const inferred = await readSweepFile(NATS_CSV);
    const named = await readSweepFile(NATS_CSV, { params: ['dataset', ...EDGES], group: 'dataset', metric: 'test_accuracy' });
    inferred.params.forEach((p, j) => {
      expect(p.labels).toEqual(named.params[j].labels);
      expect(p.codes).toEqual(named.params[j].codes);
    });
    const spec = { normalize: true, range: [0.9, 1] as [number, number], where: { n1_from_n0: ['nor_conv_3x3', 'skip_connect'] } };
    const a = (await (await Session.open(inferred, new InlineCpuEngine())).query(spec)).json;
    const b = (await (await Session.open(named, new InlineCpuEngine())).query(spec)).json;
    expect(diffAggregates(a, b)).toBeNull();
    expect(a.selected).toBeGreaterThan(0);
  });
});

// ---------------------------------------------------------------------------
// Inference rules.

describe('inference', () => {
  it('ranks result-like names', () => {
    expect(resultScore('test_accuracy').score).toBeGreaterThan(resultScore('val_acc').score);
    expect(resultScore('val/acc').score).toBeGreaterThan(resultScore('train/acc').score);
    expect(resultScore('val_acc').score).toBeGreaterThan(resultScore('test_loss').score);
    expect(resultScore('test_perf').score).toBeGreaterThan(0);
    expect(resultScore('val_loss').lowerIsBetter).toBe(true);
    expect(resultScore('perplexity').lowerIsBetter).toBe(true);
    for (const n of ['params_m', 'n_params', 'num_params', 'flops', 'time_total_s', 'duration', 'lr']) expect(resultScore(n).score, n).toBe(0);
  });

  it('the metric by name: never a parameter count or a duration; loss is lower-is-better', () => {
    const rows = Array.from({ length: 30 }, (_, i) => `m${i % 4},${(i * 1.37) % 9},${i * 3},${100 + i},${(1 / (i + 2)).toFixed(4)}`);
    const s = csv(`model,params_m,flops,train_time,val_loss\n${rows.join('\n')}\n`);
    expect(s.metrics[0]).toMatchObject({ name: 'val_loss', lowerIsBetter: true });
    expect(info(s, 'train_time').reason).toBe('time or duration');
    expect(names(s)).toContain('params_m');
  });

  it('no metric: one clear error that lists the columns', () => {
    expect(error(() => csv('a,b\nx,y\nz,w\n')).message).toBe(
      'data.csv: no numeric column to use as the metric (columns: a, b): add one, or name it with --metric',
    );
    expect(error(() => csv('a,b\nx,y\nz,w\n', { metric: 'b' })).message).toContain("metric 'b' is not numeric");
  });

  it('non-finite metric values: the rows stay, missing, and a note says so', () => {
    const s = csv('opt,acc\na,0.5\nb,nan\na,inf\nb,0.7\n');
    expect(s.rows).toBe(4);
    expect(Array.from(s.metrics[0].values)).toEqual([0.5, NaN, NaN, Math.fround(0.7)]);
    expect(s.notes).toEqual(['2 rows without a value of acc (empty or not a finite number): kept, counted as missing']);
  });

  it('leading-zero digit strings stay text', () => {
    const s = csv('code,acc\n00112121,0.5\n00112122,0.6\n00112121,0.7\n');
    expect(param(s, 'code').kind).toBe('categorical');
    expect(param(s, 'code').labels).toEqual(['00112121', '00112122']);
  });

  it('numbers keep their spelling as labels (0.0, 1e-4)', () => {
    const s = csv('wd,lr,acc\n0.0,1e-4,1\n0.5,1e-3,2\n0.0,1e-4,3\n0.5,0.01,4\n');
    expect(param(s, 'wd').labels).toEqual(['0.0', '0.5']);
    expect(param(s, 'lr').labels).toEqual(['1e-4', '1e-3', '0.01']);
  });

  it('many numbers: log bins over 2 decades or more, else quantile bins; the generated sweep keeps equal-width bins', () => {
    const lin = Array.from({ length: 600 }, (_, i) => `${(i * i) / 1000},${i % 7}`);
    const s = csv(`x,acc\n${lin.join('\n')}\n`);
    expect(info(s, 'x').reason).toBe('numbers with 600 distinct values: 16 quantile bins');
    const counts = new Array<number>(16).fill(0);
    for (const c of param(s, 'x').codes) counts[c]++;
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    const log = Array.from({ length: 600 }, (_, i) => `${10 ** (-5 + (i / 600) * 4)},${i % 7}`);
    expect(info(csv(`x,acc\n${log.join('\n')}\n`), 'x').reason).toBe('numbers with 600 distinct values: 16 log bins');
    // The generated sweep written as CSV reads back with its documented bins.
    const g = generateNwsSweep(3000, 5);
    const back = csv(writeCsv(g), {}, 'g.csv');
    expect(names(back)).toEqual(g.params.map((p) => p.name));
    expect(param(back, 'learning_rate').labels).toEqual(param(g, 'learning_rate').labels);
    expect(info(back, 'learning_rate').reason).toMatch(/16 equal-width bins$/);
    expect(groupName(back)).toBe('dataset');
  });

  it('replicates: seed and run by name, not parameters; kept aside', () => {
    const rows = Array.from({ length: 24 }, (_, i) => `${['a', 'b', 'c'][i % 3]},${Math.floor(i / 3) % 4},${(i % 5) / 10}`);
    const s = csv(`opt,seed,acc\n${rows.join('\n')}\n`);
    expect(names(s)).toEqual(['opt']);
    expect(info(s, 'seed')).toMatchObject({ role: 'replicate', distinct: 4 });
    expect(s.replicate?.labels).toEqual(['0', '1', '2', '3']);
    expect(Array.from(s.replicate?.ids ?? []).slice(0, 6)).toEqual([0, 0, 0, 1, 1, 1]);
    // Prefixed too; and --replicate names another.
    const t = csv(`opt,config/trial_seed,acc\n${rows.join('\n')}\n`);
    expect(t.replicate?.name).toBe('trial_seed');
    const u = csv(`opt,rep_id,acc\n${rows.join('\n')}\n`, { replicate: 'rep_id' });
    expect(u.replicate?.name).toBe('rep_id');
    expect(names(u)).toEqual(['opt']);
  });

  it('the group: dataset, data, task, benchmark, also with a tool prefix', () => {
    for (const g of ['task', 'benchmark', 'data', 'config/dataset', 'params.dataset', 'config.dataset']) {
      const s = csv(`opt,${g},acc\na,x,1\nb,y,2\na,y,3\nb,x,4\n`);
      expect(groupName(s), g).toBe(g.replace(/^(config\/|params\.|config\.)/, ''));
    }
  });

  it('a configuration id: one value per combination of parameters', () => {
    const rows: string[] = [];
    let k = 0;
    const ids = new Map<string, number>();
    for (const ds of ['c10', 'c100'])
      for (const a of ['x', 'y', 'z'])
        for (const b of ['p', 'q', 'r'])
          for (const c of ['u', 'v']) {
            const key = a + b + c;
            if (!ids.has(key)) ids.set(key, k++);
            rows.push(`${ids.get(key)},${ds},${a},${b},${c},${(k % 7) / 10}`);
          }
    const s = csv(`cfg,dataset,a,b,c,acc\n${rows.join('\n')}\n`);
    expect(info(s, 'cfg').reason).toBe('configuration id: one value per combination of 3 parameters (a, b, c)');
    expect(names(s)).toEqual(['dataset', 'a', 'b', 'c']);
  });

  it('text with more values than a parameter holds: left out with a reason, never an error', () => {
    const rows = Array.from({ length: 1000 }, (_, i) => `note ${i % 885},${i % 3},${i / 1000}`);
    const s = csv(`comment,k,acc\n${rows.join('\n')}\n`);
    expect(info(s, 'comment')).toEqual({ name: 'comment', role: 'ignored', reason: 'text with 885 distinct values', distinct: 885 });
    expect(names(s)).toEqual(['k']);
  });

  it('names such as __proto__ and constructor are plain names', () => {
    const rows = Array.from({ length: 12 }, (_, i) => `${['a', 'b'][i % 2]},${['x', 'y', 'z'][i % 3]},${i % 4},${i / 10}`);
    const text = `__proto__,constructor,toString,acc\n${rows.join('\n')}\n`;
    const s = csv(text);
    expect(names(s)).toEqual(['__proto__', 'constructor', 'toString']);
    const t = csv(text, { params: ['constructor', '__proto__'], group: '__proto__', ignore: ['toString'] });
    expect(names(t)).toEqual(['constructor', '__proto__']);
    expect(groupName(t)).toBe('__proto__');
    expect(info(t, 'toString')).toMatchObject({ role: 'ignored', reason: 'left out with --ignore' });
    expect(error(() => csv(text, { replicate: 'hasOwnProperty' })).message).toContain("unknown replicate 'hasOwnProperty'");
  });
});

describe('options win', () => {
  const text = 'opt,seed,lr,acc,loss\na,1,0.1,0.5,1\nb,2,0.01,0.6,2\na,1,0.1,0.7,3\nb,2,0.001,0.8,4\n';

  it('--metric, --ignore, --replicate, --group', () => {
    const s = csv(text, { metric: 'loss', ignore: ['lr'], group: 'opt' });
    expect(s.metrics[0]).toMatchObject({ name: 'loss', lowerIsBetter: true });
    expect(info(s, 'loss').reason).toBe('named with --metric');
    expect(info(s, 'lr').role).toBe('ignored');
    expect(names(s)).toEqual(['opt']);
    expect(groupName(s)).toBe('opt');
    expect(s.replicate?.name).toBe('seed');
  });

  it('an unknown column in any option: one error listing the columns', () => {
    const cols = '(columns: opt, seed, lr, acc, loss)';
    expect(error(() => csv(text, { params: ['zz'] })).message).toBe(`data.csv: unknown parameter 'zz' ${cols}`);
    expect(error(() => csv(text, { metric: 'zz' })).message).toBe(`data.csv: unknown metric 'zz' ${cols}`);
    expect(error(() => csv(text, { group: 'zz' })).message).toBe(`data.csv: unknown group 'zz' ${cols}`);
    expect(error(() => csv(text, { replicate: 'zz' })).message).toBe(`data.csv: unknown replicate 'zz' ${cols}`);
    expect(error(() => csv(text, { ignore: ['opt', 'zz'] })).message).toBe(`data.csv: unknown column to ignore 'zz' ${cols}`);
  });

  it('a column in two roles is an error', () => {
    expect(error(() => csv(text, { params: ['opt'], ignore: ['opt'] })).message).toContain("'opt' is both in --params and in --ignore");
    expect(error(() => csv(text, { metric: 'acc', ignore: ['acc'] })).message).toContain("'acc' is both the metric and in --ignore");
  });

  it('a metric column with no numbers is a clear error', () => {
    expect(error(() => csv('opt,acc,note\na,1,x\nb,2,y\n', { metric: 'note' })).message).toContain("metric 'note' is not numeric");
  });
});

describe('Python literals', () => {
  it('reads dicts as repr writes them', () => {
    const v = parsePython(`{'a': 1e-05, "b": 'it\\'s', 'c': [1, (2, 3)], 'd': {'e': None, 'f': True}, 'g': -inf, 'h': nan}`);
    expect(v).toBeInstanceOf(Map);
    const m = v as Map<string, unknown>;
    expect(m.get('a')).toEqual({ n: 1e-5, text: '1e-05' });
    expect(m.get('b')).toBe("it's");
    expect((m.get('d') as Map<string, unknown>).get('f')).toBe(true);
    expect(() => parsePython("{'a': 1")).toThrow();
  });
});

// ---------------------------------------------------------------------------
// The CLI.

const bin = fileURLToPath(new URL('../bin/sweepscope.mjs', import.meta.url));
function cli(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('sweepscope inspect', () => {
  it('prints every column: name, role, distinct values, reason; and the notes', () => {
    const r = cli('inspect', fixture('optuna-trials.csv'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/lr \(params_lr\)\s+parameter\s+30\s+numbers with 30 distinct values: 16 log bins/);
    expect(r.stdout).toMatch(/value\s+metric\s+30\s+the most result-like name/);
    expect(r.stdout).toContain('left out 12 trials: 9 PRUNED, 3 FAIL');
  });

  it('--json: file, rows, columns and notes', () => {
    const r = cli('inspect', NATS_CSV, '--json');
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { file: string; rows: number; columns: ColumnInfo[]; notes: string[] };
    expect(j.file).toBe(NATS_CSV);
    expect(j.rows).toBe(46875);
    expect(j.columns.map((c) => [c.name, c.role])).toEqual([
      ['arch_index', 'ignored'],
      ['dataset', 'group'],
      ['n1_from_n0', 'parameter'],
      ['n2_from_n0', 'parameter'],
      ['n2_from_n1', 'parameter'],
      ['n3_from_n0', 'parameter'],
      ['n3_from_n1', 'parameter'],
      ['n3_from_n2', 'parameter'],
      ['test_accuracy', 'metric'],
    ]);
    expect(j.columns[0].distinct).toBe(15625);
    expect(j.notes).toEqual([]);
  });

  it('role options, and errors in one line with exit code 2', () => {
    const r = cli('inspect', NATS_CSV, '--json', '--ignore', 'n3_from_n2', '--group', 'n1_from_n0');
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { columns: ColumnInfo[] };
    expect(j.columns.find((c) => c.name === 'n3_from_n2')?.role).toBe('ignored');
    expect(j.columns.find((c) => c.name === 'n1_from_n0')?.role).toBe('group');
    const bad = cli('inspect', NATS_CSV, '--replicate', 'nope');
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toContain("unknown replicate 'nope' (columns: arch_index, dataset,");
  });

  it('aggregate --where takes labels as written, quoted as in CSV when they hold commas', () => {
    const path = join(tmp, 'arch.csv');
    writeFileSync(path, 'arch,opt,acc\n"[64, 128]",a,0.5\n"[32]",b,0.6\n"[64, 128]",a,0.7\n"[16]",b,0.2\n"[16]",a,0.3\n');
    const r = cli('aggregate', path, '--where', 'arch="[64, 128]","[32]"', '--workers', '0', '--json');
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as AggregateJson;
    expect(j.baseline).toBe(3);
    const bad = cli('aggregate', path, '--where', 'arch="[64, 128]', '--workers', '0');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('never closed');
  });
});
