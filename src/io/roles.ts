/**
 * Column roles: which of a file's columns are the parameters, the metric (and
 * the alternatives), the group and the replicate, and which are left out, each
 * with a one-phrase reason (`sweepscope inspect` prints them; `sweep.columns`
 * keeps them).
 *
 * Before inference, the layouts that tuning tools write are recognized:
 * - Optuna `trials_dataframe()`: `params_*` are parameters (named without the
 *   prefix), `value` (or `values_0`…) the metric, `user_attrs_*` alternatives;
 *   only COMPLETE trials are kept.
 * - Weights & Biases: the workspace CSV export (`Name`, `State`, `Created`,
 *   `Runtime`, …), the API recipe (`summary` and `config` columns holding
 *   Python dicts, read into columns) and flattened tables (`_step`, `_runtime`,
 *   `_wandb`); underscore keys are left out; only finished runs are kept, and
 *   runs without the metric are left out.
 * - Ray Tune result tables: `config/*` parameters; of a trial with several
 *   rows (one per iteration), the last row counts.
 * - MLflow `search_runs()`: `params.*` parameters, `metrics.*` metrics, only
 *   FINISHED runs kept.
 * Every row left out is counted in a note.
 *
 * Inference, for a column the options do not place (first rule that applies):
 * a type sweepscope cannot read; bookkeeping by name (timestamps, durations,
 * ids, hosts, paths, run status, progress counters); constant; the metric (the
 * most result-like numeric column by name: accuracy, score, value, auc, f1,
 * perf; then loss, error, perplexity, lower being better; else the last
 * numeric column); a replicate by name (seed, run, repeat, replicate,
 * trial_seed); unique per row (ids, names; not a float column, which is a
 * continuous parameter); other result-like columns as alternative metrics; a
 * configuration id (a value for each combination of other parameters, as
 * NATS-Bench's `arch_index`); text with more distinct values than a parameter
 * can hold; else a parameter, the group being the one named dataset, data,
 * task or benchmark.
 *
 * Browser-safe and pure: no Node modules.
 */

import { MAX_PARAM_BINS, MISSING_LABEL, type BinMode } from '../model/binning.js';
import { MAX_OPTIONS, SweepError, allocF32, allocU8, type ColumnInfo, type ColumnRole } from '../model/sweep.js';
import { TextBuilder } from './columns.js';
import { compareLabels, type FileDefaults, type NumericColumn, type RawColumn, type TextColumn } from './table.js';

/** What the user (or the page) says about the columns; these always win over inference. */
export interface RoleOptions {
  /** Parameter columns, in this order. */
  params?: readonly string[];
  /** The metric column. */
  metric?: string;
  /** The group parameter; null: none (even if one is named dataset). */
  group?: string | null;
  /** The replicate column (seed, run): not a parameter. */
  replicate?: string;
  /** Columns to leave out. */
  ignore?: readonly string[];
  /** How numeric parameters with many values are binned (default: quantile, or equal-width for sweepscope's own files). */
  binning?: BinMode;
}

/** The tool whose layout a file has. */
export type ToolLayout = 'optuna' | 'wandb' | 'ray' | 'mlflow';

/** A column with the name the sweep knows it by. */
export interface NamedColumn {
  readonly col: RawColumn;
  /** The name in the sweep (a tool prefix removed). */
  readonly name: string;
  /** The name in the file, when it differs. */
  readonly source?: string;
  /** Where the tool put it: a configuration (parameter) key, a result (metric) key, or nothing known. */
  readonly side: 'param' | 'metric' | null;
}

/** A parameter to build. */
export interface ParamPlan {
  readonly col: RawColumn;
  readonly name: string;
  /** Index into RolePlan.infos. */
  readonly info: number;
  /** A text column whose labels are all numbers: read as numbers, labels as written. */
  readonly numericText?: boolean;
}

export interface MetricPlan {
  readonly col: RawColumn;
  readonly name: string;
  /** One value per row, NaN where missing (a text column's cells read as numbers). */
  readonly values: Float32Array;
  readonly lowerIsBetter: boolean;
}

export interface RolePlan {
  readonly tool: ToolLayout | null;
  /** One per column (a dict column expanded counts as its keys, after its own entry). */
  readonly infos: MutableInfo[];
  readonly params: ParamPlan[];
  /** The metric first, then the alternatives. */
  readonly metrics: MetricPlan[];
  /** The group parameter's name, or null. */
  readonly group: string | null;
  readonly replicate: { col: RawColumn; name: string } | null;
  readonly binning: BinMode;
  readonly notes: string[];
}

export type MutableInfo = { -readonly [K in keyof ColumnInfo]: ColumnInfo[K] };

// ---------------------------------------------------------------------------
// Names.

const lower = (s: string): string => s.toLowerCase();

/** Words of a name: `val/acc`, `testAccuracy`, `test-acc@1` → [val, acc], [test, accuracy], [test, acc@1]. */
function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9@]+/)
    .filter((w) => w.length > 0);
}

const PARAM_PREFIXES = ['config/', 'config.', 'params.', 'hparams/', 'hparams.'];
const OPTUNA_PARAM_PREFIX = 'params_';
const METRIC_PREFIXES = ['metrics.', 'metrics/', 'summary.', 'summary/', 'user_attrs_'];

const GROUP_NAMES = ['dataset', 'task', 'benchmark', 'data', 'dataset_name', 'task_name'];
/** Replicate columns' names, the preferred first. */
const REPLICATE_ORDER = ['seed', 'trial_seed', 'random_seed', 'replicate', 'repeat', 'repetition', 'rep', 'run'];
const REPLICATE_NAMES = new Set(REPLICATE_ORDER);

const TIME_EXACT = new Set([
  'timestamp',
  'date',
  'datetime',
  'time',
  'created',
  'updated',
  'runtime',
  'duration',
  'elapsed',
  'start_time',
  'end_time',
  'wall_time',
  'created_at',
  'updated_at',
  'heartbeat_at',
]);
const ID_EXACT = new Set(['id', 'uuid', 'trial_id', 'run_id', 'run_uuid', 'experiment_id', 'study_id', 'job_id', 'trial_name', 'run_name', 'experiment_tag', 'index', 'unnamed: 0']);
const HOST_EXACT = new Set(['pid', 'hostname', 'host', 'node_ip']);
/** W&B's workspace export: run bookkeeping. */
const WANDB_EXACT = new Set(['name', 'notes', 'user', 'tags', 'sweep', 'agent', 'group', 'job type', 'commit', 'github']);
const PATH_EXACT = new Set(['logdir', 'log_dir', 'path', 'checkpoint', 'checkpoint_dir_name', 'checkpoint_path', 'artifact_uri', 'trial_path', 'local_dir']);
const STATUS_EXACT = new Set(['state', 'status', 'done', 'terminated', 'error', 'should_checkpoint']);
const COUNTER_EXACT = new Set([
  'training_iteration',
  'iterations_since_restore',
  'timesteps_total',
  'timesteps_since_restore',
  'episodes_total',
  'time_total_s',
  'time_this_iter_s',
  'time_since_restore',
  'number',
  'step',
  'global_step',
]);
/** Counts of a model's parameters or operations: results of the architecture, never the metric. */
const COUNT_NAMES = new Set(['params_m', 'params_k', 'n_params', 'num_params', 'nparams', 'param_count', 'params', 'flops', 'gflops', 'mflops', 'macs', 'size_mb', 'model_size', 'latency', 'latency_ms', 'num_parameters', 'n_parameters']);

/** Why a column is bookkeeping, by its name; null when it is not. */
function bookkeeping(name: string, tool: ToolLayout | null): string | null {
  const n = lower(name);
  if (/^_[a-z]/.test(n)) return 'a key starting with _ (the tool’s own)';
  if (n.startsWith('system_attrs_')) return 'Optuna system attribute';
  if (n.startsWith('tags.') || n.startsWith('tags/')) return 'tag';
  if (TIME_EXACT.has(n) || /^(datetime|date|time|timestamp)_/.test(n) || /_(time|timestamp|runtime|duration|date|datetime)$/.test(n))
    return /date|stamp|created|updated|heartbeat|start|end/.test(n) ? 'timestamp' : 'time or duration';
  if (ID_EXACT.has(n)) return 'an id';
  if (tool === 'wandb' && WANDB_EXACT.has(n)) return n === 'name' ? 'run name' : 'run bookkeeping';
  if (HOST_EXACT.has(n)) return n === 'pid' ? 'process id' : 'host';
  if (PATH_EXACT.has(n) || /_(path|dir|uri)$/.test(n)) return 'a path';
  if (STATUS_EXACT.has(n)) return 'run status';
  if (COUNTER_EXACT.has(n) && (n !== 'number' || tool === 'optuna')) return n === 'number' ? 'trial number' : 'progress counter';
  return null;
}

/** The name a column is known by, its tool prefix removed, and the side the prefix tells. */
function stripPrefix(name: string, tool: ToolLayout | null): { name: string; side: 'param' | 'metric' | null } {
  for (const p of PARAM_PREFIXES) if (name.startsWith(p) && name.length > p.length) return { name: name.slice(p.length), side: 'param' };
  if (tool === 'optuna' && name.startsWith(OPTUNA_PARAM_PREFIX) && name.length > OPTUNA_PARAM_PREFIX.length)
    return { name: name.slice(OPTUNA_PARAM_PREFIX.length), side: 'param' };
  for (const p of METRIC_PREFIXES) if (name.startsWith(p) && name.length > p.length) return { name: name.slice(p.length), side: 'metric' };
  if (tool === 'optuna' && (name === 'value' || /^values_\d+$/.test(name))) return { name, side: 'metric' };
  return { name, side: null };
}

/** How result-like a name is: 0 for not at all; higher is more. `lower`: lower is better (loss, error). */
export function resultScore(name: string): { score: number; lowerIsBetter: boolean } {
  const n = lower(name);
  const none = { score: 0, lowerIsBetter: false };
  if (COUNT_NAMES.has(n) || /(^|_)(n|num)_?params/.test(n) || /flops|macs/.test(n)) return none;
  const w = words(name);
  if (w.length === 0) return none;
  if (w.some((x) => /^(time|duration|timestamp|runtime|date|seconds|secs|epoch|epochs|step|steps|iter|iteration|lr|seed)$/.test(x))) return none;
  const has = (re: RegExp): boolean => w.some((x) => re.test(x));
  let base = 0;
  let lowerIsBetter = false;
  if (has(/^(accuracy|acc|acc@1|acc1|top1|top_1|accuracies)$/)) base = 50;
  else if (has(/^(top5|acc5|acc@5)$/)) base = 47;
  else if (n === 'value' || /^values_0$/.test(n) || n === 'objective' || n === 'metric' || n === 'result') base = 46;
  else if (has(/^(score|auc|auroc|roc|f1|f1score|perf|performance|map|bleu|rouge|r2|reward|return|precision|recall|iou|miou|dice|ndcg|mrr)$/)) base = 40;
  else if (/^values_\d+$/.test(n)) base = 39;
  else if (has(/^(loss|error|err|perplexity|ppl|mse|rmse|mae|nll|wer|cer|regret|cost)$/)) {
    base = 30;
    lowerIsBetter = true;
  }
  if (base === 0) return none;
  let split = 4;
  if (has(/^(test|tst)$/)) split = 8;
  else if (has(/^(val|valid|validation|eval|dev|holdout)$/)) split = 6;
  else if (has(/^(train|training|trn)$/)) split = 0;
  const best = has(/^(best|final|max|min|last)$/) ? 1 : 0;
  return { score: base + split + best, lowerIsBetter };
}

// ---------------------------------------------------------------------------
// Python literals (W&B's API recipe writes config and summary dicts as Python text).

/** A Python literal: dict (key order kept), list, string, number (with its spelling), bool, None. */
export type PyValue = null | boolean | string | PyNumber | PyValue[] | Map<string, PyValue>;
export interface PyNumber {
  readonly n: number;
  /** As written (`1e-05`, `0.0`). */
  readonly text: string;
}

const isPyNumber = (v: PyValue): v is PyNumber => v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Map);

/**
 * Parses a Python literal as `repr` writes it (`{'lr': 0.001, 'opt': 'adam',
 * 'aug': True, 'x': None, 'h': [1, 2]}`), JSON too; throws on anything else.
 */
export function parsePython(text: string): PyValue {
  let p = 0;
  const n = text.length;
  const ws = (): void => {
    while (p < n && /\s/.test(text[p])) p++;
  };
  const fail = (what: string): never => {
    throw new Error(`${what} at ${p}`);
  };
  const str = (): string => {
    const q = text[p++];
    let out = '';
    while (p < n && text[p] !== q) {
      const c = text[p++];
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = text[p++];
      switch (e) {
        case 'n':
          out += '\n';
          break;
        case 't':
          out += '\t';
          break;
        case 'r':
          out += '\r';
          break;
        case 'x':
          out += String.fromCharCode(parseInt(text.slice(p, p + 2), 16));
          p += 2;
          break;
        case 'u':
          out += String.fromCharCode(parseInt(text.slice(p, p + 4), 16));
          p += 4;
          break;
        case 'U':
          out += String.fromCodePoint(parseInt(text.slice(p, p + 8), 16));
          p += 8;
          break;
        default:
          out += e ?? '';
      }
    }
    if (p >= n) fail('unterminated string');
    p++;
    return out;
  };
  const value = (depth: number): PyValue => {
    if (depth > 64) fail('too deep');
    ws();
    const c = text[p];
    if (c === '{') {
      p++;
      const m = new Map<string, PyValue>();
      ws();
      if (text[p] === '}') {
        p++;
        return m;
      }
      for (;;) {
        ws();
        const k = value(depth + 1);
        const key = typeof k === 'string' ? k : k === null ? 'None' : typeof k === 'boolean' ? (k ? 'True' : 'False') : isPyNumber(k) ? k.text : fail('bad key');
        ws();
        if (text[p++] !== ':') fail("expected ':'");
        m.set(key, value(depth + 1));
        ws();
        const d = text[p++];
        if (d === '}') return m;
        if (d !== ',') fail("expected ',' or '}'");
        ws();
        if (text[p] === '}') {
          p++;
          return m;
        }
      }
    }
    if (c === '[' || c === '(') {
      const close = c === '[' ? ']' : ')';
      p++;
      const a: PyValue[] = [];
      ws();
      if (text[p] === close) {
        p++;
        return a;
      }
      for (;;) {
        a.push(value(depth + 1));
        ws();
        const d = text[p++];
        if (d === close) return a;
        if (d !== ',') fail(`expected ',' or '${close}'`);
        ws();
        if (text[p] === close) {
          p++;
          return a;
        }
      }
    }
    if (c === "'" || c === '"') return str();
    const m = /^(?:True|False|None|true|false|null|-?inf|-?Infinity|nan|NaN|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)/.exec(text.slice(p, p + 64));
    if (!m) return fail('unexpected character');
    const t = m[0];
    p += t.length;
    if (t === 'True' || t === 'true') return true;
    if (t === 'False' || t === 'false') return false;
    if (t === 'None' || t === 'null') return null;
    if (/inf/i.test(t)) return { n: t.startsWith('-') ? -Infinity : Infinity, text: t };
    if (/nan/i.test(t)) return { n: NaN, text: t };
    return { n: Number(t), text: t };
  };
  const v = value(0);
  ws();
  if (p < n) fail('text after the value');
  return v;
}

/** A Python value as Python writes it (for list values kept as text). */
function pyText(v: PyValue): string {
  if (v === null) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'string') return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (Array.isArray(v)) return `[${v.map(pyText).join(', ')}]`;
  if (v instanceof Map) return `{${[...v].map(([k, x]) => `${pyText(k)}: ${pyText(x)}`).join(', ')}}`;
  return v.text;
}

/** The column's per-row text ('' where missing), or null when the reader cannot give it. */
function cellsOf(c: TextColumn): readonly string[] | null {
  if (c.cells) return c.cells();
  if (c.codes && c.labels) {
    const labels = c.labels.map((l) => (l === MISSING_LABEL ? '' : l));
    const codes = c.codes;
    return Array.from(codes, (k) => labels[k]);
  }
  return null;
}

/** Whether a text column holds Python or JSON dicts (W&B's `summary` and `config`). */
function isDictColumn(c: RawColumn): c is TextColumn {
  if (c.kind !== 'text') return false;
  if (c.labels) return c.labels.some((l) => l.startsWith('{')) && c.labels.every((l) => l === MISSING_LABEL || l.startsWith('{'));
  const cells = cellsOf(c);
  if (!cells) return false;
  const first = cells.find((s) => s !== '');
  return first !== undefined && first.trimStart().startsWith('{');
}

/** Builds the columns of the keys of one dict column, flattened with dots. */
function expandDicts(c: TextColumn, rows: number, file: string, notes: string[]): RawColumn[] {
  const cells = cellsOf(c) ?? [];
  const keys = new Map<string, (PyValue | undefined)[]>();
  let bad = 0;
  const put = (key: string, row: number, v: PyValue): void => {
    if (v instanceof Map) {
      for (const [k, x] of v) put(`${key}.${k}`, row, x);
      return;
    }
    let a = keys.get(key);
    if (!a) {
      a = new Array<PyValue | undefined>(rows);
      keys.set(key, a);
    }
    a[row] = v;
  };
  for (let r = 0; r < rows; r++) {
    const s = cells[r]?.trim() ?? '';
    if (s === '') continue;
    let v: PyValue;
    try {
      v = parsePython(s);
    } catch {
      bad++;
      continue;
    }
    if (!(v instanceof Map)) {
      bad++;
      continue;
    }
    for (const [k, x] of v) put(k, r, x);
  }
  if (bad > 0) notes.push(`${file}: ${bad} cell${bad === 1 ? '' : 's'} of '${c.name}' could not be read as a dict: their keys are missing`);
  const out: RawColumn[] = [];
  for (const [key, vals] of keys) {
    const name = `${c.name}.${key}`;
    let numeric = true;
    for (const v of vals) if (v !== undefined && v !== null && !isPyNumber(v)) numeric = false;
    if (numeric) {
      const values = allocF32(rows);
      const written = new Map<number, string>();
      let many = false;
      for (let r = 0; r < rows; r++) {
        const v = vals[r];
        const x = v !== undefined && v !== null && isPyNumber(v) ? Math.fround(v.n) : NaN;
        values[r] = Number.isFinite(x) ? x : NaN;
        if (!many && Number.isFinite(x) && v && isPyNumber(v)) {
          const key0 = x === 0 ? 0 : x;
          if (!written.has(key0)) {
            if (written.size === MAX_PARAM_BINS) many = true;
            else written.set(key0, v.text);
          }
        }
      }
      out.push({ kind: 'numeric', name, values, written: many ? null : written });
    } else {
      const b = new TextBuilder(rows, true);
      for (let r = 0; r < rows; r++) {
        const v = vals[r];
        if (v === undefined || v === null || v === '') b.setMissing(r);
        else b.setString(r, typeof v === 'string' ? v : pyText(v));
      }
      out.push(b.finish(name, rows));
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// Row filtering.

function countOf(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

/** The columns with only the rows where keep[i] is 1. */
export function filterRows(cols: readonly RawColumn[], keep: Uint8Array, rows: number): { cols: RawColumn[]; rows: number } {
  let kept = 0;
  for (let i = 0; i < rows; i++) kept += keep[i];
  const pick = <T extends { [i: number]: number | string; length: number }>(src: T, dst: T): T => {
    let k = 0;
    for (let i = 0; i < rows; i++) if (keep[i]) dst[k++] = src[i];
    return dst;
  };
  const out = cols.map((c): RawColumn => {
    if (c.kind === 'numeric') {
      const values = pick(c.values, allocF32(kept));
      if (!c.written) return { ...c, values };
      // The spellings of the values still there.
      const present = new Set<number>();
      for (let i = 0; i < kept; i++) if (values[i] === values[i]) present.add(values[i] === 0 ? 0 : values[i]);
      return { ...c, values, written: new Map([...c.written].filter(([x]) => present.has(x))) };
    }
    if (c.kind === 'other') return c;
    const numbers = (): Float32Array => pick(c.numbers(), allocF32(kept));
    const cells = c.cells ? (): readonly string[] => pick((c.cells as () => readonly string[])() as string[], new Array<string>(kept)) : undefined;
    if (c.codes && c.labels) {
      // Re-derive the codes: labels no kept row uses are dropped.
      const codes = pick(c.codes, allocU8(kept));
      const used = new Uint8Array(c.labels.length);
      for (let i = 0; i < kept; i++) used[codes[i]] = 1;
      const remap = new Uint8Array(c.labels.length);
      const labels: string[] = [];
      c.labels.forEach((l, j) => {
        if (used[j]) {
          remap[j] = labels.length;
          labels.push(l);
        }
      });
      for (let i = 0; i < kept; i++) codes[i] = remap[codes[i]];
      return { kind: 'text', name: c.name, distinct: labels.length, labels, codes, numbers, ...(cells ? { cells } : {}) };
    }
    if (cells) return textFromCells(c.name, cells(), kept, numbers);
    return { kind: 'text', name: c.name, distinct: Math.min(c.distinct, kept), labels: null, codes: null, numbers };
  });
  return { cols: out, rows: kept };
}

/** A text column from per-row text ('' = missing). */
function textFromCells(name: string, cells: readonly string[], rows: number, numbers: () => Float32Array): TextColumn {
  const index = new Map<string, number>();
  const ids = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const s = cells[i] === '' ? MISSING_LABEL : cells[i];
    let k = index.get(s);
    if (k === undefined) {
      k = index.size;
      index.set(s, k);
    }
    ids[i] = k;
  }
  const cellsFn = (): readonly string[] => cells;
  if (index.size > MAX_OPTIONS) return { kind: 'text', name, distinct: index.size, labels: null, codes: null, numbers, cells: cellsFn };
  const labels = [...index.keys()].sort(compareLabels);
  const pos = new Map(labels.map((l, i) => [l, i]));
  const byId = [...index.keys()].map((l) => pos.get(l) as number);
  const codes = allocU8(rows);
  for (let i = 0; i < rows; i++) codes[i] = byId[ids[i]];
  return { kind: 'text', name, distinct: labels.length, labels, codes, numbers, cells: cellsFn };
}

/** Per-row dense ids of a column's values (NaN and missing one value), or null when the reader keeps no per-row text. */
function rowIds(c: RawColumn, rows: number): { ids: Int32Array; count: number } | null {
  if (c.kind === 'numeric') {
    const m = new Map<number, number>();
    const ids = new Int32Array(rows);
    const v = c.values;
    for (let i = 0; i < rows; i++) {
      const x = v[i] === v[i] ? (v[i] === 0 ? 0 : v[i]) : NaN;
      let k = m.get(x);
      if (k === undefined) {
        k = m.size;
        m.set(x, k);
      }
      ids[i] = k;
    }
    return { ids, count: m.size };
  }
  if (c.kind !== 'text') return null;
  if (c.codes && c.labels) return { ids: Int32Array.from(c.codes), count: c.labels.length };
  const cells = c.cells?.();
  if (!cells) return null;
  const m = new Map<string, number>();
  const ids = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    let k = m.get(cells[i]);
    if (k === undefined) {
      k = m.size;
      m.set(cells[i], k);
    }
    ids[i] = k;
  }
  return { ids, count: m.size };
}

// ---------------------------------------------------------------------------
// Tool layouts.

const DONE_STATES = new Set(['complete', 'finished']);
const RUN_STATES = new Set(['complete', 'pruned', 'fail', 'running', 'waiting', 'finished', 'failed', 'crashed', 'killed', 'scheduled', 'preempted', 'preempting']);

function detectTool(cols: readonly RawColumn[]): ToolLayout | null {
  const names = new Set(cols.map((c) => c.name));
  const any = (f: (n: string) => boolean): boolean => cols.some((c) => f(c.name));
  if (any((n) => n.startsWith('params_')) && (names.has('number') || names.has('datetime_start') || names.has('value') || any((n) => /^values_\d+$/.test(n))))
    return 'optuna';
  if (any((n) => n.startsWith('params.') || n.startsWith('metrics.')) && (names.has('run_id') || names.has('status') || names.has('experiment_id')))
    return 'mlflow';
  if (any((n) => n.startsWith('config/')) || (names.has('trial_id') && (names.has('training_iteration') || names.has('logdir')))) return 'ray';
  if (
    (names.has('Name') && names.has('State') && (names.has('Created') || names.has('Runtime'))) ||
    ((names.has('summary') || names.has('config')) && names.has('name')) ||
    any((n) => n === '_wandb' || n === '_runtime' || n === '_step' || n === '_timestamp')
  )
    return 'wandb';
  return null;
}

const TRIALS: Record<ToolLayout, string> = { optuna: 'trial', wandb: 'run', ray: 'trial', mlflow: 'run' };

/**
 * Prepares a file's columns: dict columns read into columns, and the rows a
 * tool's layout leaves out (unfinished runs, a trial's earlier iterations)
 * dropped. Each change is a note.
 */
export function prepareColumns(
  cols: readonly RawColumn[],
  rows: number,
  file: string,
): { cols: RawColumn[]; rows: number; tool: ToolLayout | null; notes: string[]; expanded: Map<string, string> } {
  const notes: string[] = [];
  const tool = detectTool(cols);
  // W&B's API recipe: dicts in text columns.
  let out: RawColumn[] = [];
  /** Column name → the dict column it was read from. */
  const expanded = new Map<string, string>();
  for (const c of cols) {
    out.push(c);
    if (tool === 'wandb' && (c.name === 'summary' || c.name === 'config') && isDictColumn(c)) {
      const keys = expandDicts(c, rows, file, notes);
      for (const k of keys) expanded.set(k.name, c.name);
      out.push(...keys);
    }
  }
  if (tool === null) return { cols: out, rows, tool, notes, expanded };
  const what = TRIALS[tool];
  // Unfinished runs.
  const state = out.find((c) => c.kind === 'text' && ['state', 'status'].includes(lower(c.name)));
  const cells = state && state.kind === 'text' ? cellsOf(state) : null;
  if (cells) {
    const values = new Set(cells.filter((l) => l !== ''));
    const all = [...values];
    const done = all.find((l) => DONE_STATES.has(lower(l)));
    if (done !== undefined && all.every((l) => RUN_STATES.has(lower(l)))) {
      const keep = new Uint8Array(rows);
      const left = new Map<string, number>();
      for (let i = 0; i < rows; i++) {
        const l = cells[i];
        if (DONE_STATES.has(lower(l))) keep[i] = 1;
        else left.set(l || MISSING_LABEL, (left.get(l || MISSING_LABEL) ?? 0) + 1);
      }
      const n = rows - keep.reduce((s, x) => s + x, 0);
      if (n > 0) {
        const parts = [...left].sort((a, b) => b[1] - a[1] || compareLabels(a[0], b[0])).map(([l, k]) => `${k} ${l}`);
        notes.push(`left out ${countOf(n, what)}: ${parts.join(', ')} (only ${done} ${what}s are kept)`);
        ({ cols: out, rows } = filterRows(out, keep, rows));
      }
    }
  }
  // Ray: a trial's rows, one per reported iteration; the last counts.
  if (tool === 'ray') {
    const trial = out.find((c) => c.name === 'trial_id');
    const ids = trial ? rowIds(trial, rows) : null;
    if (ids && ids.count < rows) {
      const last = new Int32Array(ids.count).fill(-1);
      for (let i = 0; i < rows; i++) last[ids.ids[i]] = i;
      const keep = new Uint8Array(rows);
      for (const i of last) if (i >= 0) keep[i] = 1;
      notes.push(`${rows} rows of ${countOf(ids.count, 'trial')}: the last row of each trial kept`);
      ({ cols: out, rows } = filterRows(out, keep, rows));
    }
  }
  if (rows === 0) throw new SweepError(`${file}: no finished ${what}s to show (${notes.join('; ')})`);
  return { cols: out, rows, tool, notes, expanded };
}

// ---------------------------------------------------------------------------
// Column facts.

/** Rows past which distinct values are counted only up to a bound (a hash table of the rows would be too big). */
const EXACT_DISTINCT_ROWS = 1 << 24;

/** A float32's bits as the key of its value: every NaN one key, -0 the key of 0. */
function floatKey(b: number): number {
  if ((b & 0x7f800000) === 0x7f800000 && (b & 0x7fffff) !== 0) return 0x7fc00000; // NaN: one value
  return b === 0x80000000 ? 0 : b | 0; // -0 is 0
}

/** Most distinct values fewDistinct counts. */
const FEW = 4096;

/** Distinct values of float32 bits (as floatKey), or -1 as soon as there are more than FEW. */
function fewDistinct(bits: Uint32Array, n: number): number {
  const size = FEW * 4;
  const mask = size - 1;
  const table = new Int32Array(size);
  const used = new Uint8Array(size);
  let count = 0;
  let prev = 0;
  for (let i = 0; i < n; i++) {
    const b = floatKey(bits[i]);
    if (b === prev && i > 0) continue;
    prev = b;
    let h = (Math.imul(b, -1640531535) >>> 18) & mask;
    for (;;) {
      if (used[h] === 0) {
        if (count === FEW) return -1;
        used[h] = 1;
        table[h] = b;
        count++;
        break;
      }
      if (table[h] === b) break;
      h = (h + 1) & mask;
    }
  }
  return count;
}

/**
 * Distinct values of a numeric column, NaN one value and -0 the same as 0:
 * exact (from the reader's spellings when it kept them, else hash tables of
 * the float32 bits); past EXACT_DISTINCT_ROWS rows, a lower bound once more
 * than 65,536 values are seen.
 */
function distinctNumbers(c: NumericColumn): { count: number; exact: boolean } {
  const v = c.values;
  const n = v.length;
  if (c.written) {
    let nan = 0;
    for (let i = 0; i < n; i++)
      if (v[i] !== v[i]) {
        nan = 1;
        break;
      }
    return { count: c.written.size + nan, exact: true };
  }
  if (n > EXACT_DISTINCT_ROWS) {
    const seen = new Set<number>();
    for (let i = 0; i < n && seen.size <= 65536; i++) seen.add(v[i] === 0 ? 0 : v[i]);
    return { count: seen.size, exact: seen.size <= 65536 };
  }
  const bits = new Uint32Array(v.buffer, v.byteOffset, n);
  const few = fewDistinct(bits, n);
  if (few >= 0) return { count: few, exact: true };
  // Many: the float32 bits, NaN as one value and -0 as 0, scattered into PARTS parts by
  // the top bits of their hash; then each part is counted with a hash table small
  // enough to stay in cache (one table for all rows would miss the cache on
  // every row: about twice as slow at 1M rows).
  const PARTS = 256;
  const ends = new Int32Array(PARTS + 1);
  for (let i = 0; i < n; i++) ends[(Math.imul(floatKey(bits[i]), -1640531535) >>> 24) + 1]++;
  let largest = 0;
  for (let p = 0; p < PARTS; p++) {
    if (ends[p + 1] > largest) largest = ends[p + 1];
    ends[p + 1] += ends[p];
  }
  const at = ends.slice(0, PARTS);
  const parts = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const b = floatKey(bits[i]);
    parts[at[Math.imul(b, -1640531535) >>> 24]++] = b;
  }
  let bitsOfSize = 6;
  while (1 << bitsOfSize < largest * 2) bitsOfSize++;
  const size = 1 << bitsOfSize;
  const shift = 32 - bitsOfSize;
  const table = new Int32Array(size);
  /** Which part filled a slot (1 + its index): the table is not cleared between parts. */
  const owner = new Int32Array(size);
  const mask = size - 1;
  let count = 0;
  for (let p = 0; p < PARTS; p++) {
    const tag = p + 1;
    for (let i = ends[p], e = ends[p + 1]; i < e; i++) {
      const b = parts[i];
      // The slot from the top bits of another multiplicative hash (the low bits of a float's are often all zero).
      let h = Math.imul(b, -2048144789) >>> shift;
      for (;;) {
        if (owner[h] !== tag) {
          owner[h] = tag;
          table[h] = b;
          count++;
          break;
        }
        if (table[h] === b) break;
        h = (h + 1) & mask;
      }
    }
  }
  return { count, exact: true };
}

function integerValued(v: Float32Array): boolean {
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (x === x && Math.floor(x) !== x) return false;
  }
  return true;
}

const NUMBER_TEXT = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;
const LEADING_ZERO = /^[-+]?0\d/;
const BOOLEANS = new Set(['true', 'false']);

/** Whether every label of a text column spells a number (no `007`): then it is read as numbers, labels as written. */
function numericLabels(labels: readonly string[]): boolean {
  let any = false;
  for (const l of labels) {
    if (l === MISSING_LABEL) continue;
    if (!NUMBER_TEXT.test(l) || LEADING_ZERO.test(l)) return false;
    any = true;
  }
  return any;
}

/** Every cell missing. */
function empty(c: RawColumn): boolean {
  if (c.kind === 'numeric') return !hasNumbers(c.values);
  if (c.kind === 'text') return c.labels !== null && c.labels.every((l) => l === MISSING_LABEL);
  return false;
}

/** Some value is a number (a column of no rows counts as numbers: nothing contradicts it). */
function hasNumbers(v: Float32Array): boolean {
  for (let i = 0; i < v.length; i++) if (v[i] === v[i]) return true;
  return v.length === 0;
}

interface Facts {
  distinct: number;
  /** The count is a lower bound. */
  more: boolean;
}

function facts(c: RawColumn): Facts {
  if (c.kind === 'numeric') {
    const d = distinctNumbers(c);
    return { distinct: d.count, more: !d.exact };
  }
  if (c.kind === 'text') return { distinct: c.distinct, more: false };
  return { distinct: 0, more: false };
}

function listNames(cols: readonly NamedColumn[]): string {
  return cols.map((c) => c.source ?? c.name).join(', ') || 'none';
}

function shortList(names: readonly string[], max = 3): string {
  return names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')}, …`;
}

// ---------------------------------------------------------------------------
// Inference.

/** Names of sweepscope's generated sweep (NWS), whose files keep equal-width bins. */
const GENERATED = [
  'dataset',
  'batch_size',
  'augmentation',
  'optimizer',
  'activation',
  'initialization',
  'learning_rate',
  'filter_size',
  'conv_layers',
  'fc_layers',
  'conv_width',
  'fc_width',
  'test_accuracy',
];

/**
 * Decides every column's role. `cols` are prepared (prepareColumns); `options`
 * and `defaults` (what the file says of itself) win over inference. Throws
 * SweepError for an unknown column name in the options, or when no metric can
 * be found.
 */
export function inferRoles(
  cols: readonly RawColumn[],
  rows: number,
  file: string,
  options: RoleOptions = {},
  defaults: FileDefaults = {},
  tool: ToolLayout | null = null,
  expanded: ReadonlyMap<string, string> = new Map(),
): RolePlan {
  const notes: string[] = [];
  // Names: tool prefixes removed where that makes no clash.
  const stripped = cols.map((c) => {
    const from = expanded.get(c.name);
    if (from !== undefined) {
      const key = c.name.slice(from.length + 1);
      return { name: key, side: from === 'config' ? ('param' as const) : ('metric' as const) };
    }
    return stripPrefix(c.name, tool);
  });
  const taken = new Map<string, number>();
  for (const c of cols) taken.set(c.name, (taken.get(c.name) ?? 0) + 1);
  for (const s of stripped) if (s.name !== undefined) taken.set(s.name, (taken.get(s.name) ?? 0) + 1);
  const named: NamedColumn[] = cols.map((c, i) => {
    const s = stripped[i];
    const clash = s.name !== c.name && ((taken.get(s.name) ?? 0) > 1 || cols.some((d) => d.name === s.name));
    const name = s.name === c.name || clash ? c.name : s.name;
    return { col: c, name, ...(name !== c.name ? { source: c.name } : {}), side: s.side };
  });
  const byName = new Map<string, number>();
  named.forEach((nc, i) => {
    byName.set(nc.col.name, i);
  });
  named.forEach((nc, i) => {
    if (!byName.has(nc.name)) byName.set(nc.name, i);
  });
  const find = (col: string, what: string): number => {
    const i = byName.get(col);
    if (i === undefined) throw new SweepError(`${file}: unknown ${what} '${col}' (columns: ${listNames(named)})`);
    return i;
  };

  const n = named.length;
  const role: (ColumnRole | undefined)[] = new Array(n);
  const reason: string[] = new Array<string>(n).fill('');
  const fact: (Facts | undefined)[] = new Array(n);
  const factOf = (i: number): Facts => (fact[i] ??= facts(named[i].col));
  const set = (i: number, r: ColumnRole, why: string): void => {
    role[i] = r;
    reason[i] = why;
  };

  // Explicit options.
  const fromDefaults = options.params === undefined && defaults.params !== undefined;
  const givenParams = options.params ?? defaults.params?.filter((p) => p !== options.metric);
  const paramIdx: number[] = [];
  if (givenParams) {
    const seen = new Set<number>();
    for (const p of givenParams) {
      const i = find(p, 'parameter');
      if (seen.has(i)) throw new SweepError(`${file}: parameter '${p}' is listed twice in --params`);
      seen.add(i);
      paramIdx.push(i);
    }
  }
  const ignored = new Set<number>();
  for (const x of options.ignore ?? []) {
    const i = find(x, 'column to ignore');
    if (paramIdx.includes(i)) throw new SweepError(`${file}: '${x}' is both in --params and in --ignore: leave it out of one`);
    ignored.add(i);
    set(i, 'ignored', 'left out with --ignore');
  }
  let replicate = -1;
  if (options.replicate !== undefined) {
    replicate = find(options.replicate, 'replicate');
    if (paramIdx.includes(replicate))
      throw new SweepError(`${file}: '${options.replicate}' cannot be both a parameter and the replicate: leave it out of --params`);
    if (ignored.has(replicate)) throw new SweepError(`${file}: '${options.replicate}' is both the replicate and in --ignore`);
    set(replicate, 'replicate', 'named with --replicate');
  }
  for (const i of paramIdx) set(i, 'parameter', fromDefaults ? 'a parameter, as the file says' : 'named with --params');

  // The metric.
  let metric = -1;
  let lowerIsBetter = false;
  const fileMetric = defaults.metrics?.[0];
  const explicitMetric =
    options.metric ?? (fileMetric !== undefined && byName.has(fileMetric) && !paramIdx.includes(byName.get(fileMetric) as number) ? fileMetric : undefined);
  const metricValues = new Map<number, Float32Array>();
  const numbersOf = (i: number): Float32Array | null => {
    const c = named[i].col;
    if (c.kind === 'numeric') return c.values;
    if (c.kind !== 'text') return null;
    let v = metricValues.get(i);
    if (!v) {
      v = c.numbers();
      metricValues.set(i, v);
    }
    return v;
  };
  if (explicitMetric !== undefined) {
    metric = find(explicitMetric, 'metric');
    const c = named[metric].col;
    if (paramIdx.includes(metric))
      throw new SweepError(`${file}: '${explicitMetric}' cannot be both a parameter and the metric: leave it out of --params`);
    if (ignored.has(metric)) throw new SweepError(`${file}: '${explicitMetric}' is both the metric and in --ignore`);
    if (metric === replicate) throw new SweepError(`${file}: '${explicitMetric}' cannot be both the replicate and the metric`);
    if (c.kind === 'other')
      throw new SweepError(`${file}: metric '${explicitMetric}' has type ${c.type}, not numbers: choose another with --metric`);
    const v = numbersOf(metric) as Float32Array;
    if (rows > 0 && !hasNumbers(v) && c.kind === 'numeric')
      notes.push(`metric '${explicitMetric}' has no values: every row counts as missing`);
    else if (rows > 0 && !hasNumbers(v)) {
      const numeric = named.filter((x) => x.col.kind === 'numeric' && hasNumbers((x.col as NumericColumn).values));
      throw new SweepError(
        c.kind === 'text'
          ? `${file}: metric '${explicitMetric}' is not numeric: choose a numeric column with --metric (numeric columns: ${listNames(numeric)})`
          : `${file}: metric '${explicitMetric}' has no numbers (every cell is empty or not a number): choose another with --metric (numeric columns: ${listNames(numeric)})`,
      );
    }
    lowerIsBetter = resultScore(named[metric].name).lowerIsBetter;
    set(metric, 'metric', options.metric !== undefined ? 'named with --metric' : 'the metric, as the file says');
  }

  // Bookkeeping, types, constants (columns the options leave open).
  const open = (i: number): boolean => role[i] === undefined;
  for (let i = 0; i < n; i++) {
    if (!open(i)) continue;
    const nc = named[i];
    const c = nc.col;
    if ([...expanded.values()].includes(c.name)) {
      const keys = [...expanded].filter(([, from]) => from === c.name).length;
      set(i, 'ignored', `W&B ${c.name} dicts: read into ${countOf(keys, 'column')}`);
      continue;
    }
    if (c.kind === 'other') {
      set(i, 'ignored', `type ${c.type}, not numbers or text`);
      continue;
    }
    if (nc.side !== 'param' || /^_[a-z]/i.test(nc.name)) {
      const why = bookkeeping(nc.name, tool) ?? (nc.source && !expanded.has(nc.source) ? bookkeeping(nc.source, tool) : null);
      if (why) {
        set(i, 'ignored', why);
        continue;
      }
    }
    // Parameters named: numbers left over stay alternative metrics, even constant ones.
    if (givenParams && c.kind === 'numeric') continue;
    if (rows >= 2 && factOf(i).distinct <= 1 && !factOf(i).more) set(i, 'ignored', empty(c) ? 'empty' : 'constant');
  }

  // Replicates by name.
  const repName = (i: number): boolean => REPLICATE_NAMES.has(lower(named[i].name));
  const repRank = (i: number): number => REPLICATE_ORDER.indexOf(lower(named[i].name));
  const unique = (i: number): boolean => rows >= 2 && factOf(i).distinct === rows && !factOf(i).more;

  // The metric by name, else the last numeric column.
  if (metric < 0) {
    const candidates: { i: number; score: number; lower: boolean }[] = [];
    for (let i = 0; i < n; i++) {
      if (!open(i)) continue;
      const nc = named[i];
      if (nc.side === 'param' || repName(i)) continue;
      const s = resultScore(nc.name);
      let score = s.score;
      if (tool === 'optuna' && (nc.name === 'value' || nc.name === 'values_0')) score = 1000;
      if (score === 0 && nc.side === 'metric' && nc.col.kind === 'numeric') score = 1;
      if (score > 0 && (nc.col.kind === 'numeric' || nc.col.kind === 'text')) candidates.push({ i, score, lower: s.lowerIsBetter });
    }
    candidates.sort((a, b) => b.score - a.score || a.i - b.i);
    for (const cand of candidates) {
      const v = numbersOf(cand.i);
      if (v && hasNumbers(v)) {
        metric = cand.i;
        lowerIsBetter = cand.lower;
        set(metric, 'metric', `the most result-like name${candidates.length > 1 ? ' (the alternatives are listed)' : ''}${lowerIsBetter ? ': lower is better' : ''}`);
        break;
      }
    }
    if (metric < 0 && !givenParams?.length) {
      for (let i = n - 1; i >= 0; i--) {
        const nc = named[i];
        if (!open(i) || nc.side === 'param' || nc.col.kind !== 'numeric' || repName(i)) continue;
        if (COUNT_NAMES.has(lower(nc.name))) continue;
        if (rows > 0 && !hasNumbers(nc.col.values)) continue;
        metric = i;
        set(i, 'metric', 'the last numeric column (no column is named like a result)');
        notes.push(`the metric is '${nc.name}', the last numeric column (no column is named like accuracy, score or loss): choose another with --metric`);
        break;
      }
    }
    if (metric < 0 && givenParams) {
      for (let i = n - 1; i >= 0; i--) {
        const nc = named[i];
        if (!open(i) || nc.col.kind !== 'numeric' || repName(i)) continue;
        if (rows > 0 && !hasNumbers(nc.col.values)) continue;
        metric = i;
        set(i, 'metric', 'the last numeric column not in --params');
        break;
      }
    }
    if (metric < 0)
      throw new SweepError(
        `${file}: no numeric column to use as the metric (columns: ${listNames(named)}): add one, or name it with --metric`,
      );
  }

  // Replicate, ids, alternatives, too many values, parameters.
  const extras: number[] = [];
  for (let i = 0; i < n; i++) {
    if (!open(i)) continue;
    const nc = named[i];
    const c = nc.col;
    if (repName(i) && !unique(i)) {
      // Of several, the most seed-like (seed before run).
      const better = replicate >= 0 && role[replicate] === 'replicate' && reason[replicate] !== 'named with --replicate' && repRank(i) < repRank(replicate);
      if (better) set(replicate, 'ignored', `another replicate column (the replicate is '${nc.name}')`);
      if (replicate < 0 || better) {
        replicate = i;
        set(i, 'replicate', 'a replicate by name: runs of the same configuration');
      } else set(i, 'ignored', `another replicate column (the replicate is '${named[replicate].name}')`);
      continue;
    }
    if (givenParams) {
      // Parameters named: numbers left over are alternative metrics, text is left out.
      if (c.kind === 'numeric') {
        extras.push(i);
        set(i, 'metric', 'numbers not in --params: an alternative metric');
      } else set(i, 'ignored', fromDefaults ? 'not a parameter, as the file says' : 'not in --params');
      continue;
    }
    if (nc.side === 'metric' || resultScore(nc.name).score > 0) {
      if (c.kind === 'numeric' && hasNumbers(c.values)) {
        extras.push(i);
        set(i, 'metric', 'a result: an alternative metric');
        continue;
      }
      if (nc.side === 'metric') {
        set(i, 'ignored', c.kind === 'numeric' ? 'a result without numbers' : 'a result that is not numbers');
        continue;
      }
    }
    if (nc.side !== 'param' && unique(i) && (c.kind === 'text' || (c.kind === 'numeric' && integerValued(c.values)))) {
      set(i, 'ignored', 'unique per row');
      continue;
    }
    if (c.kind === 'text' && (c.labels === null || c.codes === null || c.distinct > MAX_OPTIONS)) {
      set(i, 'ignored', `text with ${c.distinct} distinct values`);
      continue;
    }
    set(i, 'parameter', '');
  }

  // Configuration ids: a value for each combination of some of the other parameters.
  if (!givenParams) {
    const params = (): number[] => named.map((_, i) => i).filter((i) => role[i] === 'parameter');
    const idCache = new Map<number, { ids: Int32Array; count: number } | null>();
    const idsOf = (i: number): { ids: Int32Array; count: number } | null => {
      if (!idCache.has(i)) idCache.set(i, rowIds(named[i].col, rows));
      return idCache.get(i) ?? null;
    };
    for (const x of params()) {
      const nc = named[x];
      const c = nc.col;
      if (nc.side === 'param' || c.kind !== 'numeric' || !integerValued(c.values) || factOf(x).distinct <= MAX_PARAM_BINS || factOf(x).more) continue;
      const xi = idsOf(x);
      if (!xi) continue;
      const determined: number[] = [];
      for (const p of params()) {
        if (p === x) continue;
        const pc = named[p].col;
        if (pc.kind === 'numeric' && factOf(p).distinct > MAX_PARAM_BINS) continue;
        const pi = idsOf(p);
        if (!pi) continue;
        const first = new Int32Array(xi.count).fill(-1);
        let ok = true;
        for (let r = 0; r < rows && ok; r++) {
          const k = xi.ids[r];
          if (first[k] < 0) first[k] = pi.ids[r];
          else if (first[k] !== pi.ids[r]) ok = false;
        }
        if (ok) determined.push(p);
      }
      if (determined.length === 0) continue;
      // One combination per value: the value is the combination's id.
      const combo = new Map<string, number>();
      const firstRow = new Int32Array(xi.count).fill(-1);
      for (let r = 0; r < rows; r++) if (firstRow[xi.ids[r]] < 0) firstRow[xi.ids[r]] = r;
      let injective = true;
      for (let k = 0; k < xi.count && injective; k++) {
        const r = firstRow[k];
        const key = determined.map((p) => (idsOf(p) as { ids: Int32Array }).ids[r]).join(',');
        if (combo.has(key)) injective = false;
        else combo.set(key, k);
      }
      if (!injective) continue;
      const ds = determined.map((p) => named[p].name);
      set(x, 'ignored', `configuration id: one value per combination of ${determined.length === 1 ? ds[0] : `${ds.length} parameters (${shortList(ds)})`}`);
    }
  }

  // The group.
  let group: string | null = null;
  const paramNames = (): string[] => named.filter((_, i) => role[i] === 'parameter').map((x) => x.name);
  if (options.group === null) {
    // No group: the user said so.
  } else if (options.group !== undefined) {
    const gi = byName.get(options.group);
    if (gi === undefined || (givenParams && role[gi] !== 'parameter'))
      throw new SweepError(
        gi === undefined
          ? `${file}: unknown group '${options.group}' (columns: ${listNames(named)})`
          : `${file}: group '${options.group}' is not a parameter (parameters: ${paramNames().join(', ') || 'none'})`,
      );
    if (role[gi] !== 'parameter') {
      if (gi === metric) throw new SweepError(`${file}: '${options.group}' cannot be both the metric and the group`);
      if (named[gi].col.kind === 'other') throw new SweepError(`${file}: group '${options.group}' has a type that cannot be a parameter`);
      const ei = extras.indexOf(gi);
      if (ei >= 0) extras.splice(ei, 1);
      if (gi === replicate) replicate = -1;
    }
    role[gi] = 'group';
    reason[gi] = 'named with --group';
    group = named[gi].name;
  } else if (defaults.group !== undefined && options.params === undefined) {
    const gi = defaults.group === null ? undefined : byName.get(defaults.group);
    if (gi !== undefined && role[gi] === 'parameter') {
      role[gi] = 'group';
      reason[gi] = 'the group, as the file says';
      group = named[gi].name;
    }
  } else {
    for (const g of GROUP_NAMES) {
      const gi = named.findIndex((x, i) => role[i] === 'parameter' && lower(x.name) === g);
      if (gi >= 0) {
        role[gi] = 'group';
        reason[gi] = `the group (named ${named[gi].name})`;
        group = named[gi].name;
        break;
      }
    }
  }

  // Parameters, in order: as named, else in file order.
  const order = givenParams ? paramIdx : named.map((_, i) => i).filter((i) => role[i] === 'parameter' || role[i] === 'group');
  if (!givenParams && options.group !== undefined && options.group !== null) {
    const gi = byName.get(options.group) as number;
    if (!order.includes(gi)) order.push(gi);
  }
  const params: ParamPlan[] = [];
  for (const i of order) {
    const nc = named[i];
    const c = nc.col;
    if (c.kind === 'other')
      throw new SweepError(`${file}: column '${nc.name}' has type ${c.type}, which cannot be a parameter: leave it out of --params`);
    // Text that spells numbers (MLflow's params, JSON strings) is read as numbers; a sweepscope file's categorical parameters stay as they are.
    const numericText = !fromDefaults && c.kind === 'text' && c.labels !== null && c.codes !== null && numericLabels(c.labels);
    params.push({ col: c, name: nc.name, info: i, ...(numericText ? { numericText } : {}) });
    if (reason[i] === '' || role[i] === 'parameter' || role[i] === 'group') {
      const base = describe(c, factOf(i), numericText);
      reason[i] = reason[i] === '' ? base : `${reason[i]}; ${base}`;
    }
  }

  const metrics: MetricPlan[] = [{ col: named[metric].col, name: named[metric].name, values: numbersOf(metric) as Float32Array, lowerIsBetter }];
  for (const i of extras)
    metrics.push({ col: named[i].col, name: named[i].name, values: numbersOf(i) as Float32Array, lowerIsBetter: resultScore(named[i].name).lowerIsBetter });
  if (explicitMetric === undefined && extras.length > 0 && !givenParams && reason[metric].indexOf('alternatives') < 0)
    reason[metric] += ' (the alternatives are listed)';

  // Missing metric values stay (the engine counts them): say how many.
  const mv = numbersOf(metric) as Float32Array;
  let missing = 0;
  for (let r = 0; r < mv.length; r++) if (mv[r] !== mv[r]) missing++;
  if (missing > 0)
    notes.push(`${countOf(missing, 'row')} without a value of ${named[metric].name} (empty or not a finite number): kept, counted as missing`);

  // Binning: sweepscope's own files keep their equal-width bins.
  const generated = cols.length === GENERATED.length && GENERATED.every((g) => byName.has(g));
  const binning: BinMode = options.binning ?? defaults.binning ?? (defaults.params !== undefined || generated ? 'width' : 'quantile');

  const infos: MutableInfo[] = named.map((nc, i) => ({
    name: nc.name,
    ...(nc.source !== undefined ? { source: nc.source } : {}),
    role: role[i] ?? 'ignored',
    reason: reason[i] || 'left out',
    distinct: factOf(i).distinct,
  }));
  const rep = replicate >= 0 ? { col: named[replicate].col, name: named[replicate].name } : null;
  return { tool, infos, params, metrics, group, replicate: rep, binning, notes };
}

/** The reason of a parameter, before binning: `text with 3 distinct values`, `booleans`, `numbers with 4 distinct values`. */
function describe(c: RawColumn, f: Facts, numericText: boolean): string {
  if (c.kind === 'text') {
    const labels = c.labels ?? [];
    if (labels.length > 0 && labels.every((l) => l === MISSING_LABEL || BOOLEANS.has(lower(l)))) return 'booleans';
    if (numericText) return `numbers (written as text) with ${countOf(c.distinct, 'distinct value')}`;
    return `text with ${countOf(c.distinct, 'distinct value')}`;
  }
  return `numbers with ${f.more ? 'more than ' : ''}${countOf(f.distinct - (f.more ? 1 : 0), 'distinct value')}`;
}

/** The end of a binned parameter's reason: `: 16 log bins`, `: 16 quantile bins`, `: 16 equal-width bins`. */
export function binsPhrase(bins: number, log: boolean | undefined, quantile: boolean | undefined): string {
  return `: ${bins} ${log ? 'log' : quantile ? 'quantile' : 'equal-width'} bins`;
}
