/**
 * `sweepscope generate`, `aggregate`, `inspect` and `open`: every user error is one
 * line on stderr and exit code 2, never a stack trace.
 */

import { parseArgs, type ParseArgsConfig } from 'node:util';
import { availableParallelism, totalmem } from 'node:os';
import { SweepError, type Sweep } from '../model/sweep.js';
import { dict } from '../model/dict.js';
import type { LoadOptions } from '../io/table.js';
import { generateNwsSweep } from '../synth/nws.js';
import { readSweepFile, writeSweepFile } from '../io/load.js';
import { Session } from '../engine/session.js';
import { InlineCpuEngine } from '../engine/cpu-engine.js';
import { createNodeWorkerEngine } from '../engine/node-workers.js';
import type { Engine, QuerySpec } from '../engine/types.js';
import type { AggregateJson } from '../engine/output.js';
import { ProgressBar } from './progress.js';
import { combineReplicates } from '../model/replicates.js';
import { runOpen } from './open.js';

const USAGE = `usage:
  sweepscope generate --rows N [--seed S] --out FILE.arrow|FILE.csv
  sweepscope aggregate FILE [--params a,b,...] [--metric m] [--group g] [--replicate r]
                       [--ignore a,b,...] [--combine-replicates] [--normalize] [--range lo,hi]
                       [--where param=opt1,opt2 ...] [--primary p] [--secondary s]
                       [--bins B] [--workers N] [--json]
  sweepscope inspect FILE [--params a,b,...] [--metric m] [--group g] [--replicate r]
                     [--ignore a,b,...] [--json]
  sweepscope open FILE [--port P] [--no-open]
  sweepscope --help`;

function fail(message: string): never {
  throw new SweepError(message);
}

function parseInteger(name: string, text: string | undefined, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (text === undefined) fail(`--${name} is required`);
  const cleaned = text.replace(/_/g, '');
  const n = /^\d+(e\d+)?$/i.test(cleaned) ? Number(cleaned) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) fail(`--${name} must be an integer from ${min} to ${max}, not '${text}'`);
  return n;
}

function parseList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function parseCli<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (e) {
    const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
    fail(`${msg.replace(/^TypeError \[\w+\]: /, '').replace(/\. To specify a positional.*$/, '')}: see sweepscope --help`);
  }
}

async function generate(args: string[]): Promise<void> {
  const { values } = parseCli({
    args,
    options: { rows: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' } },
    strict: true,
    allowPositionals: false,
  });
  const rows = parseInteger('rows', values.rows, 0, 0xffffffff);
  const seed = values.seed === undefined ? 1 : parseInteger('seed', values.seed, 0, 0xffffffff);
  if (!values.out) fail('--out FILE is required (a .arrow or .csv file)');
  const out = values.out;
  if (!/\.(arrow|csv)$/i.test(out)) fail(`--out '${out}': the file name must end in .arrow or .csv`);
  // columns (12 codes, learning rate, accuracy) plus the packed copy the writers and engines make
  const need = rows * 28;
  if (need > totalmem() * 0.75)
    fail(
      `generating ${rows} trainings needs about ${(need / 2 ** 30).toFixed(1)} GiB, more than this machine's ${(totalmem() / 2 ** 30).toFixed(0)} GiB allow: use fewer --rows`,
    );
  const bar = new ProgressBar(`generating ${rows} trainings`);
  const sweep = generateNwsSweep(rows, seed, { onProgress: (d, t) => bar.update(t ? d / t : 1) });
  bar.done();
  const wbar = new ProgressBar(`writing ${out}`);
  await writeSweepFile(sweep, out, (f) => wbar.update(f));
  wbar.done();
}

/**
 * Options separated by commas, as CSV fields: an option with a comma is quoted
 * (`"[64, 128]"`, a quote inside written `""`) and kept exactly as written;
 * others are trimmed, and empty ones dropped.
 */
function parseOptionList(text: string, item: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i <= text.length) {
    while (text[i] === ' ' || text[i] === '\t') i++;
    if (text[i] === '"') {
      let s = '';
      i++;
      for (;;) {
        if (i >= text.length) fail(`--where '${item}': a quoted option is never closed: add the closing quote`);
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            s += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        s += text[i++];
      }
      while (text[i] === ' ' || text[i] === '\t') i++;
      if (i < text.length && text[i] !== ',') fail(`--where '${item}': text after a closing quote: quote the whole option`);
      out.push(s);
    } else {
      let e = text.indexOf(',', i);
      if (e < 0) e = text.length;
      const s = text.slice(i, e).trim();
      if (s.length > 0) out.push(s);
      i = e;
    }
    i++;
  }
  return out;
}

function parseWhere(items: readonly string[]): Record<string, string[]> {
  const where = dict<string[]>();
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq <= 0) fail(`--where '${item}': write it as param=option1,option2`);
    const name = item.slice(0, eq).trim();
    where[name] = [...(Object.prototype.hasOwnProperty.call(where, name) ? where[name] : []), ...parseOptionList(item.slice(eq + 1), item)];
  }
  return where;
}

/** The options that choose the columns' roles (aggregate, inspect). */
const ROLE_OPTIONS = {
  params: { type: 'string' },
  metric: { type: 'string' },
  group: { type: 'string' },
  replicate: { type: 'string' },
  ignore: { type: 'string' },
} as const;

function loadOptions(values: { params?: string; metric?: string; group?: string; replicate?: string; ignore?: string }): LoadOptions {
  return {
    params: values.params === undefined ? undefined : parseList(values.params),
    metric: values.metric,
    group: values.group,
    replicate: values.replicate,
    ignore: values.ignore === undefined ? undefined : parseList(values.ignore),
  };
}

function parseRange(text: string): [number, number] {
  const parts = text.split(',').map((s) => s.trim());
  const nums = parts.map((s) => (s === '' ? NaN : Number(s)));
  if (parts.length !== 2 || nums.some((n) => Number.isNaN(n))) fail(`--range '${text}': write it as lo,hi (two numbers)`);
  return [nums[0], nums[1]];
}

/** Below this many trainings, aggregate answers on the main thread unless --workers says otherwise. */
const SMALL_SWEEP_ROWS = 200_000;

async function aggregate(args: string[]): Promise<void> {
  const { values, positionals } = parseCli({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      ...ROLE_OPTIONS,
      normalize: { type: 'boolean' },
      range: { type: 'string' },
      where: { type: 'string', multiple: true },
      primary: { type: 'string' },
      secondary: { type: 'string' },
      bins: { type: 'string' },
      workers: { type: 'string' },
      json: { type: 'boolean' },
      'combine-replicates': { type: 'boolean' },
    },
  });
  if (positionals.length !== 1) fail('aggregate takes one FILE (a .csv or .arrow sweep): see sweepscope --help');
  const spec: QuerySpec = {
    metric: values.metric,
    normalize: values.normalize ?? false,
    range: values.range === undefined ? null : parseRange(values.range),
    where: parseWhere(values.where ?? []),
    primary: values.primary,
    secondary: values.secondary,
    bins: values.bins === undefined ? undefined : parseInteger('bins', values.bins, 1, 4096),
  };
  const workersGiven = values.workers === undefined ? null : parseInteger('workers', values.workers, 0, 256);
  const quiet = values.json === true;
  const bar = quiet || !process.stderr.isTTY ? null : new ProgressBar(`reading ${positionals[0]}`);
  let sweep = await readSweepFile(
    positionals[0],
    loadOptions(values),
    bar ? (f) => bar.update(f) : undefined,
  );
  bar?.done(`${sweep.rows} trainings`);
  if (values['combine-replicates'] === true) {
    if (!sweep.replicate)
      fail(`--combine-replicates: ${positionals[0]} has no replicate column (seed, run, …): name one with --replicate`);
    sweep = combineReplicates(sweep);
  }
  // Starting workers costs more than a small sweep's whole answer: those run on the main thread.
  const workers = workersGiven ?? (sweep.rows < SMALL_SWEEP_ROWS ? 0 : Math.min(availableParallelism(), 8));
  const engine: Engine = workers === 0 ? new InlineCpuEngine() : createNodeWorkerEngine(workers);
  try {
    const session = await Session.open(sweep, engine);
    const result = await session.query(spec);
    process.stdout.write(quiet ? `${JSON.stringify(result.json)}\n` : summary(result.json, result.engineMs, engine));
  } finally {
    await engine.dispose();
  }
}

/** `sweepscope inspect FILE`: every column's role and why, and what reading the file left out. */
async function inspect(args: string[]): Promise<void> {
  const { values, positionals } = parseCli({
    args,
    strict: true,
    allowPositionals: true,
    options: { ...ROLE_OPTIONS, json: { type: 'boolean' } },
  });
  if (positionals.length !== 1) fail('inspect takes one FILE (a table of trainings): see sweepscope --help');
  const file = positionals[0];
  const sweep = await readSweepFile(file, loadOptions(values));
  process.stdout.write(values.json === true ? `${JSON.stringify(inspectJson(file, sweep))}\n` : inspectText(file, sweep));
}

function inspectJson(file: string, s: Sweep): unknown {
  return {
    file,
    rows: s.rows,
    columns: (s.columns ?? []).map((c) => ({ name: c.name, ...(c.source !== undefined ? { source: c.source } : {}), role: c.role, reason: c.reason, distinct: c.distinct })),
    notes: [...(s.notes ?? [])],
  };
}

function inspectText(file: string, s: Sweep): string {
  const cols = s.columns ?? [];
  const names = cols.map((c) => (c.source !== undefined ? `${c.name} (${c.source})` : c.name));
  const w = Math.max(6, ...names.map((n) => n.length));
  const lines = [`${file}: ${s.rows} trainings, ${cols.length} columns`, ''];
  lines.push(`${'column'.padEnd(w)}  ${'role'.padEnd(9)}  ${'distinct'.padStart(8)}  reason`);
  cols.forEach((c, i) => lines.push(`${names[i].padEnd(w)}  ${c.role.padEnd(9)}  ${String(c.distinct).padStart(8)}  ${c.reason}`));
  if (s.notes?.length) lines.push('', 'notes:', ...s.notes.map((n) => `  ${n}`));
  lines.push('', 'choose roles with --params, --metric, --group, --replicate and --ignore');
  return `${lines.join('\n')}\n`;
}

/** A short human-readable report (without --json). */
function summary(j: AggregateJson, ms: number, engine: Engine): string {
  const pct = (n: number, d: number): string => (d ? `${((100 * n) / d).toFixed(1)}%` : '-');
  const lines = [
    `${j.rows} trainings, ${j.missing} with missing ${j.metric}, ${j.baseline} pass the filters, ${j.selected} selected (${pct(j.selected, j.baseline)})`,
    `engine: ${engine.info.kind} (${engine.info.adapter ?? ''}), ${ms.toFixed(1)} ms`,
    '',
    'selected share by option (baseline share in brackets):',
  ];
  for (const p of j.params) {
    const base: Record<string, number> = {};
    for (const o of p.options) base[o] = 0;
    const other = j.params.find((q) => q.name !== p.name);
    if (other) {
      for (const o of p.options) base[o] = Object.values(j.baselinePairCounts[p.name][other.name][o]).reduce((s, x) => s + x, 0);
    }
    const cells = p.options.map(
      (o) => `${o} ${pct(j.optionCounts[p.name][o], j.selected)}${other ? ` (${pct(base[o], j.baseline)})` : ''}`,
    );
    lines.push(`  ${p.name}: ${cells.join(', ')}`);
  }
  lines.push('', 'add --json for every aggregate as one JSON object');
  return `${lines.join('\n')}\n`;
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'generate':
      return generate(rest);
    case 'aggregate':
      return aggregate(rest);
    case 'inspect':
      return inspect(rest);
    case 'open':
      process.exitCode = await runOpen(rest);
      return;
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      process.stdout.write(`${USAGE}\n`);
      return;
    default:
      fail(`unknown command '${command}': the commands are generate, aggregate, inspect and open (see sweepscope --help)`);
  }
}

main(process.argv.slice(2)).then(
  () => {
    process.exitCode = process.exitCode ?? 0;
  },
  (e: unknown) => {
    const message = e instanceof Error ? e.message : String(e);
    const known = e instanceof SweepError;
    const line = message.split('\n')[0];
    process.stderr.write(`sweepscope: ${known ? '' : 'internal error: '}${line}\n`);
    if (!known && process.env.SWEEPSCOPE_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
    process.exitCode = 2;
  },
);
