/**
 * Fuzzing the file readers: seeded mutations of good files of every format
 * (CSV in its dialects, JSON array and JSON Lines, Arrow IPC file and stream,
 * Parquet with several codecs, gzip- and zstd-compressed CSV). Each mutated
 * file must be opened (a valid Sweep) or refused with a SweepError in one
 * clean line of our own wording; never another exception, a hang, a crash,
 * or more than a couple of seconds of CPU.
 *
 * The readers run in a worker thread, so that a hang (an endless loop) or a
 * crash (out of memory) is caught by a watchdog and reported with its case.
 *
 * Replay one case:      FUZZ_SEED=123456789 npx vitest run tests/fuzz.test.ts
 * Another set of cases: FUZZ_BASE=7 FUZZ_CASES=20000 npx vitest run tests/fuzz.test.ts
 */

import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { appendFileSync, writeFileSync } from 'node:fs';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rng as mulberry32 } from './random-sweep.js';
import { sweepToArrow } from '../src/io/arrow.js';
import { generateNwsSweep } from '../src/synth/nws.js';

// ---------------------------------------------------------------------------
// Seeded randomness.


type Rng = () => number;
const int = (rng: Rng, n: number): number => Math.floor(rng() * n);
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[int(rng, xs.length)];

// ---------------------------------------------------------------------------
// Good files.

const enc = new TextEncoder();

interface Row {
  run: string;
  opt: string;
  lr: number;
  layers: number;
  dataset: string;
  note: string;
  seed: number;
  acc: number;
  loss: number;
}

function baseRows(n: number): Row[] {
  const rng = mulberry32(20240611);
  const notes = ['plain', 'with, comma', 'with "quotes"', 'two\nlines', 'semi;colon', 'tab\there', 'ünïcode ✓', ''];
  const rows: Row[] = [];
  for (let i = 0; i < n; i++)
    rows.push({
      run: `run-${String(i).padStart(3, '0')}`,
      opt: pick(rng, ['adam', 'sgd', 'rmsprop']),
      lr: pick(rng, [0.001, 0.003, 0.01, 0.1]),
      layers: 1 + int(rng, 4),
      dataset: pick(rng, ['cifar10', 'mnist', 'svhn']),
      note: pick(rng, notes),
      seed: int(rng, 1000),
      acc: Math.round(rng() * 1e6) / 1e6,
      loss: rng() < 0.1 ? NaN : Math.round(rng() * 3e5) / 1e5,
    });
  return rows;
}

const ROWS = baseRows(32);
const COLS = ['run', 'opt', 'lr', 'layers', 'dataset', 'note', 'seed', 'acc', 'loss'] as const;

function csvText(delim: string, eol: string, quoteAll: boolean): string {
  const field = (v: string | number): string => {
    const s = typeof v === 'number' ? (Number.isNaN(v) ? '' : String(v)) : v;
    const needs = quoteAll || s.includes(delim) || s.includes('"') || s.includes('\n') || s.includes('\r');
    return needs ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [COLS.join(delim)];
  for (const r of ROWS) lines.push(COLS.map((c) => field(r[c])).join(delim));
  return lines.join(eol) + eol;
}

function utf16le(s: string): Uint8Array {
  const out = new Uint8Array(2 + s.length * 2);
  out[0] = 0xff;
  out[1] = 0xfe;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out[2 + 2 * i] = c & 0xff;
    out[3 + 2 * i] = c >> 8;
  }
  return out;
}

/** A zstd frame of raw (stored) blocks: valid zstd without a zstd compressor. */
function zstdStore(data: Uint8Array): Uint8Array {
  const BLOCK = 1 << 17;
  const nBlocks = Math.max(1, Math.ceil(data.length / BLOCK));
  const out = new Uint8Array(4 + 1 + 4 + nBlocks * 3 + data.length);
  out.set([0x28, 0xb5, 0x2f, 0xfd], 0);
  out[4] = 0xa0; // single segment, 4-byte content size
  new DataView(out.buffer).setUint32(5, data.length, true);
  let o = 9;
  for (let b = 0; b < nBlocks; b++) {
    const s = b * BLOCK;
    const e = Math.min(data.length, s + BLOCK);
    const header = (b === nBlocks - 1 ? 1 : 0) | (0 << 1) | ((e - s) << 3);
    out[o++] = header & 0xff;
    out[o++] = (header >> 8) & 0xff;
    out[o++] = (header >> 16) & 0xff;
    out.set(data.subarray(s, e), o);
    o += e - s;
  }
  return out;
}

const gzip = (b: Uint8Array): Uint8Array => new Uint8Array(gzipSync(b));

function parquet(codec: 'UNCOMPRESSED' | 'SNAPPY' | 'GZIP' | 'ZSTD'): Uint8Array {
  return new Uint8Array(
    parquetWriteBuffer({
      codec,
      compressors: { GZIP: gzip, ZSTD: zstdStore },
      rowGroupSize: 12,
      columnData: [
        { name: 'run', data: ROWS.map((r) => r.run), type: 'STRING' },
        { name: 'opt', data: ROWS.map((r) => r.opt), type: 'STRING' },
        { name: 'lr', data: ROWS.map((r) => r.lr), type: 'DOUBLE' },
        { name: 'layers', data: ROWS.map((r) => r.layers), type: 'INT32' },
        { name: 'dataset', data: ROWS.map((r) => r.dataset), type: 'STRING' },
        { name: 'ok', data: ROWS.map((r) => r.acc > 0.5), type: 'BOOLEAN' },
        { name: 'seed', data: ROWS.map((r) => BigInt(r.seed)), type: 'INT64' },
        { name: 'acc', data: ROWS.map((r) => r.acc), type: 'FLOAT' },
        { name: 'loss', data: ROWS.map((r) => (Number.isNaN(r.loss) ? null : r.loss)), type: 'DOUBLE', nullable: true },
      ],
    }),
  );
}

function arrow(format: 'file' | 'stream'): Uint8Array {
  const table = tableFromArrays({
    run: ROWS.map((r) => r.run),
    opt: ROWS.map((r) => r.opt),
    lr: Float64Array.from(ROWS, (r) => r.lr),
    layers: Int32Array.from(ROWS, (r) => r.layers),
    dataset: ROWS.map((r) => r.dataset),
    acc: Float32Array.from(ROWS, (r) => r.acc),
    loss: Float64Array.from(ROWS, (r) => r.loss),
  });
  return tableToIPC(table, format);
}

interface Format {
  readonly name: string;
  /** The file's name for the reader (its content decides the format). */
  readonly file: string;
  readonly bytes: Uint8Array;
  /** Mutations are applied to this, then `wrap` (compression) makes the file. */
  readonly wrap?: (b: Uint8Array) => Uint8Array;
}

function formats(): Format[] {
  const csv = enc.encode(csvText(',', '\n', false));
  const json = ROWS.map((r) => ({
    run: r.run,
    config: { opt: r.opt, lr: r.lr, layers: r.layers },
    dataset: r.dataset,
    note: r.note,
    seed: r.seed,
    acc: r.acc,
    loss: Number.isNaN(r.loss) ? null : r.loss,
  }));
  return [
    { name: 'csv-comma', file: 'f.csv', bytes: csv },
    { name: 'csv-semicolon', file: 'f.csv', bytes: enc.encode(csvText(';', '\n', false)) },
    { name: 'csv-tab', file: 'f.tsv', bytes: enc.encode(csvText('\t', '\n', false)) },
    { name: 'csv-quoted', file: 'f.csv', bytes: enc.encode(csvText(',', '\n', true)) },
    { name: 'csv-crlf', file: 'f.csv', bytes: enc.encode(csvText(',', '\r\n', false)) },
    { name: 'csv-bom', file: 'f.csv', bytes: enc.encode('\uFEFF' + csvText(',', '\n', false)) },
    { name: 'csv-utf16', file: 'f.csv', bytes: utf16le(csvText(',', '\r\n', false)) },
    { name: 'csv-generated', file: 'g.csv', bytes: enc.encode(generatedCsv) },
    { name: 'json-array', file: 'f.json', bytes: enc.encode(JSON.stringify(json, null, 1)) },
    { name: 'json-lines', file: 'f.jsonl', bytes: enc.encode(json.map((o) => JSON.stringify(o)).join('\n') + '\n') },
    { name: 'arrow-file', file: 'f.arrow', bytes: arrow('file') },
    { name: 'arrow-stream', file: 'f.arrows', bytes: arrow('stream') },
    { name: 'arrow-sweepscope', file: 's.arrow', bytes: sweepToArrow(generateNwsSweep(24, 5)) },
    { name: 'parquet-uncompressed', file: 'f.parquet', bytes: parquet('UNCOMPRESSED') },
    { name: 'parquet-snappy', file: 'f.parquet', bytes: parquet('SNAPPY') },
    { name: 'parquet-gzip', file: 'f.parquet', bytes: parquet('GZIP') },
    { name: 'parquet-zstd', file: 'f.parquet', bytes: parquet('ZSTD') },
    // Compressed CSV: mutations of the compressed bytes, and of the text inside.
    { name: 'csv.gz', file: 'f.csv.gz', bytes: gzip(csv) },
    { name: 'csv.gz-inner', file: 'f.csv.gz', bytes: csv, wrap: gzip },
    { name: 'csv.zst', file: 'f.csv.zst', bytes: zstdStore(csv) },
    { name: 'csv.zst-inner', file: 'f.csv.zst', bytes: csv, wrap: zstdStore },
  ];
}

let generatedCsv = '';

// ---------------------------------------------------------------------------
// Mutations.

const HUGE = 2 << 20; // a 2 MiB field

function insert(b: Uint8Array, at: number, piece: Uint8Array): Uint8Array {
  const out = new Uint8Array(b.length + piece.length);
  out.set(b.subarray(0, at), 0);
  out.set(piece, at);
  out.set(b.subarray(at), at + piece.length);
  return out;
}

function remove(b: Uint8Array, from: number, to: number): Uint8Array {
  const out = new Uint8Array(b.length - (to - from));
  out.set(b.subarray(0, from), 0);
  out.set(b.subarray(to), from);
  return out;
}

/** A position just after a delimiter or line break, or anywhere (fields start there). */
function fieldStart(rng: Rng, b: Uint8Array): number {
  for (let tries = 0; tries < 8; tries++) {
    const p = int(rng, b.length + 1);
    if (p === 0 || [0x2c, 0x3b, 0x09, 0x0a].includes(b[p - 1])) return p;
  }
  return int(rng, b.length + 1);
}

function insertAtRandom(rng: Rng, b: Uint8Array, choices: readonly string[], max: number): Uint8Array {
  let out = b;
  const n = 1 + int(rng, max);
  for (let i = 0; i < n; i++) out = insert(out, int(rng, out.length + 1), enc.encode(pick(rng, choices)));
  return out;
}

const MUTATIONS: Record<string, (rng: Rng, b: Uint8Array) => Uint8Array> = {
  truncate: (rng, b) => b.subarray(0, int(rng, b.length)),
  'truncate-tail': (rng, b) => b.subarray(0, Math.max(0, b.length - 1 - int(rng, 64))),
  flip: (rng, b) => {
    const out = b.slice();
    const n = 1 + int(rng, 8);
    for (let i = 0; i < n && out.length > 0; i++) {
      const p = int(rng, out.length);
      out[p] = rng() < 0.5 ? out[p] ^ (1 << int(rng, 8)) : int(rng, 256);
    }
    return out;
  },
  'flip-many': (rng, b) => {
    const out = b.slice();
    const n = 1 + int(rng, Math.max(1, out.length >> 4));
    for (let i = 0; i < n && out.length > 0; i++) out[int(rng, out.length)] = int(rng, 256);
    return out;
  },
  /** A 32-bit length or offset set to something large (binary formats keep many). */
  'big-int': (rng, b) => {
    if (b.length < 4) return b;
    const out = b.slice();
    const p = int(rng, out.length - 3);
    new DataView(out.buffer, out.byteOffset).setUint32(p, pick(rng, [0x7fffffff, 0xffffffff, 0x40000000, 0x10000, 0x80000000]), true);
    return out;
  },
  insert: (rng, b) => {
    const piece = new Uint8Array(1 + int(rng, 32));
    for (let i = 0; i < piece.length; i++) piece[i] = int(rng, 256);
    return insert(b, int(rng, b.length + 1), piece);
  },
  delete: (rng, b) => {
    if (b.length === 0) return b;
    const from = int(rng, b.length);
    return remove(b, from, Math.min(b.length, from + 1 + int(rng, 64)));
  },
  'stray-quote': (rng, b) => insertAtRandom(rng, b, ['"', '"', '""', '" ', ' "'], 4),
  'extra-delimiter': (rng, b) => insertAtRandom(rng, b, [',', ';', '\t', '|', ',,,'], 8),
  'extra-newline': (rng, b) => insertAtRandom(rng, b, ['\n', '\r\n', '\r', '\n\n'], 8),
  'json-tokens': (rng, b) => insertAtRandom(rng, b, ['{', '}', '[', ']', ':', '"', '\\', 'null', 'NaN', '-', '1e999', '\\u00'], 6),
  'huge-field': (rng, b) => {
    const kind = int(rng, 4);
    const piece = new Uint8Array(HUGE + (kind === 1 ? 2 : 0)).fill(kind === 2 ? 0x31 : 0x78);
    if (kind === 1) {
      piece[0] = 0x22;
      piece[piece.length - 1] = 0x22;
    }
    if (kind === 3) piece[0] = 0x22; // never closed
    return insert(b, fieldStart(rng, b), piece);
  },
  duplicate: (rng, b) => {
    if (b.length === 0) return b;
    const from = int(rng, b.length);
    const to = Math.min(b.length, from + 1 + int(rng, 512));
    return insert(b, int(rng, b.length + 1), b.slice(from, to));
  },
  'duplicate-many': (rng, b) => {
    if (b.length === 0) return b;
    const from = int(rng, b.length);
    const chunk = b.slice(from, Math.min(b.length, from + 1 + int(rng, 64)));
    const times = 100 + int(rng, 2000);
    const piece = new Uint8Array(chunk.length * times);
    for (let i = 0; i < times; i++) piece.set(chunk, i * chunk.length);
    return insert(b, int(rng, b.length + 1), piece);
  },
};

/** How often each mutation is drawn (huge fields cost time: few of them). */
const WEIGHTS: [string, number][] = [
  ['truncate', 12],
  ['truncate-tail', 4],
  ['flip', 14],
  ['flip-many', 4],
  ['big-int', 6],
  ['insert', 8],
  ['delete', 8],
  ['stray-quote', 8],
  ['extra-delimiter', 8],
  ['extra-newline', 7],
  ['json-tokens', 4],
  ['huge-field', 1],
  ['duplicate', 7],
  ['duplicate-many', 2],
  ['combo', 6],
];
const TOTAL_WEIGHT = WEIGHTS.reduce((s, [, w]) => s + w, 0);

function drawMutation(rng: Rng, allowHuge: boolean): string {
  for (;;) {
    let x = rng() * TOTAL_WEIGHT;
    for (const [m, w] of WEIGHTS) {
      x -= w;
      if (x < 0) {
        if (m === 'huge-field' && !allowHuge) break;
        return m;
      }
    }
  }
}

interface Case {
  seed: number;
  format: string;
  mutation: string;
  file: string;
  bytes: Uint8Array;
}

let FORMATS: Format[] = [];

/** The case a seed stands for: a format, a mutation (or a few), the mutated bytes. */
function makeCase(seed: number): Case {
  const rng = mulberry32(seed);
  const f = FORMATS[int(rng, FORMATS.length)];
  let m = drawMutation(rng, true);
  let bytes = f.bytes;
  if (m === 'combo') {
    const steps: string[] = [];
    const n = 2 + int(rng, 3);
    for (let i = 0; i < n; i++) {
      const s = drawMutation(rng, false);
      if (s === 'combo') continue;
      steps.push(s);
      bytes = MUTATIONS[s](rng, bytes);
    }
    m = `combo(${steps.join('+')})`;
  } else bytes = MUTATIONS[m](rng, bytes);
  if (f.wrap) bytes = f.wrap(bytes);
  return { seed, format: f.name, mutation: m, file: f.file, bytes };
}

// ---------------------------------------------------------------------------
// The readers, in a worker thread with a watchdog.

type Outcome =
  | { kind: 'opened'; rows: number; cpuMs: number; problem?: string }
  | { kind: 'refused'; message: string; cpuMs: number }
  | { kind: 'threw'; name: string; message: string; stack: string; cpuMs: number }
  | { kind: 'hang'; seconds: number }
  | { kind: 'crash'; message: string };

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  const { register } = await import(workerData.tsx);
  register();
  const { readSweepBytes } = await import(workerData.read);
  const { SweepError, validateSweep } = await import(workerData.sweep);
  // A sweep the engines can use: validateSweep, and every code names a label.
  const problem = (s) => {
    validateSweep(s);
    if (!Number.isInteger(s.rows) || s.rows < 0) return 'rows is ' + s.rows;
    for (const p of s.params) {
      const n = p.labels.length;
      for (let i = 0; i < s.rows; i++) if (p.codes[i] >= n) return "parameter '" + p.name + "' row " + i + ' has code ' + p.codes[i] + ' of ' + n + ' labels';
      for (const l of p.labels) if (typeof l !== 'string') return "parameter '" + p.name + "' has a label that is not a string";
      if (p.values && p.values.length !== s.rows) return "parameter '" + p.name + "' has " + p.values.length + ' values';
    }
    return undefined;
  };
  parentPort.on('message', async ({ bytes, file }) => {
    const t0 = process.cpuUsage();
    const cpu = () => { const d = process.cpuUsage(t0); return (d.user + d.system) / 1000; };
    try {
      const s = await readSweepBytes(bytes, file);
      let p;
      try { p = problem(s); } catch (e) { p = 'validateSweep: ' + (e && e.message); }
      parentPort.postMessage({ kind: 'opened', rows: s.rows, cpuMs: cpu(), problem: p });
    } catch (e) {
      const cpuMs = cpu();
      if (e instanceof SweepError) parentPort.postMessage({ kind: 'refused', message: String(e.message), cpuMs });
      else parentPort.postMessage({ kind: 'threw', name: String(e && e.name), message: String(e && e.message), stack: String(e && e.stack), cpuMs });
    }
  });
  parentPort.postMessage({ kind: 'ready' });
})().catch((e) => { throw e; });
`;

class Reader {
  private worker: Worker | null = null;
  private ready: Promise<void> | null = null;

  constructor(private readonly hangSeconds: number) {}

  private start(): Promise<void> {
    const require = createRequire(import.meta.url);
    const here = (p: string): string => pathToFileURL(fileURLToPath(new URL(p, import.meta.url))).href;
    const w = new Worker(WORKER, {
      eval: true,
      workerData: {
        tsx: pathToFileURL(join(dirname(require.resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href,
        read: here('../src/io/read.ts'),
        sweep: here('../src/model/sweep.ts'),
      },
      resourceLimits: { maxOldGenerationSizeMb: 1024 },
    });
    this.worker = w;
    return new Promise((resolve, reject) => {
      const onMessage = (m: { kind: string }): void => {
        if (m.kind === 'ready') {
          w.off('message', onMessage);
          w.off('error', reject);
          resolve();
        }
      };
      w.on('message', onMessage);
      w.once('error', reject);
    });
  }

  async read(bytes: Uint8Array, file: string): Promise<Outcome> {
    this.ready ??= this.start();
    await this.ready;
    const w = this.worker as Worker;
    return new Promise<Outcome>((resolve) => {
      const done = (o: Outcome, restart: boolean): void => {
        clearTimeout(timer);
        w.off('message', onMessage);
        w.off('error', onError);
        w.off('exit', onExit);
        if (restart) {
          void w.terminate();
          this.worker = null;
          this.ready = null;
        }
        resolve(o);
      };
      const onMessage = (o: Outcome): void => done(o, false);
      const onError = (e: Error): void => done({ kind: 'crash', message: `${e.name}: ${e.message}` }, true);
      const onExit = (code: number): void => done({ kind: 'crash', message: `the worker exited with code ${code}` }, true);
      const timer = setTimeout(() => done({ kind: 'hang', seconds: this.hangSeconds }, true), this.hangSeconds * 1000);
      w.on('message', onMessage);
      w.once('error', onError);
      w.once('exit', onExit);
      w.postMessage({ bytes, file });
    });
  }

  async close(): Promise<void> {
    if (this.worker) await this.worker.terminate();
    this.worker = null;
    this.ready = null;
  }
}

/** Reader-internal wording that must never reach the user. */
const INTERNAL = [
  /Cannot read propert/i,
  /\bundefined\b/,
  /RangeError|TypeError|SyntaxError|ReferenceError/,
  /out of bounds/i,
  /Invalid typed array length/i,
  /Invalid array length/i,
  /Invalid string length/i,
  /Array buffer allocation failed/i,
  /is not a function/,
  /is not iterable/,
  /Maximum call stack/i,
  /\[object /,
  /Unexpected token/,
  /\bat .*:\d+:\d+/, // a stack frame
];

/** What is wrong with a refusal's message, or null when it is one clean line. */
function messageProblem(message: string): string | null {
  if (message.trim() === '') return 'empty message';
  if (/[\n\r]/.test(message)) return 'message spans lines';
  if (message.length > 2000) return `message of ${message.length} characters`;
  for (const re of INTERNAL) if (re.test(message)) return `reader-internal wording (${re.source})`;
  return null;
}

/** What is wrong with an outcome (null: opened validly or refused cleanly). */
function failure(o: Outcome, cpuLimitMs: number): string | null {
  switch (o.kind) {
    case 'opened':
      if (o.problem) return `opened an invalid sweep: ${o.problem}`;
      return o.cpuMs > cpuLimitMs ? `took ${(o.cpuMs / 1000).toFixed(1)} s of CPU to open` : null;
    case 'refused': {
      const p = messageProblem(o.message);
      if (p) return `${p}: ${JSON.stringify(o.message.slice(0, 300))}`;
      return o.cpuMs > cpuLimitMs ? `took ${(o.cpuMs / 1000).toFixed(1)} s of CPU to refuse` : null;
    }
    case 'threw':
      return `threw ${o.name}, not a SweepError: ${JSON.stringify(o.message.slice(0, 200))}\n${o.stack.split('\n').slice(0, 6).join('\n')}`;
    case 'hang':
      return `no answer within ${o.seconds} s (a hang)`;
    case 'crash':
      return `the reader crashed: ${o.message}`;
  }
}

// ---------------------------------------------------------------------------
// The tests.

const CASES = Number(process.env.FUZZ_CASES ?? 4000);
const BASE = Number(process.env.FUZZ_BASE ?? 1);
const REPLAY = process.env.FUZZ_SEED;
/** A file to log every case to, as it runs (for finding slow cases). */
const LOG = process.env.FUZZ_LOG;
/** A folder to write each case's file to (with FUZZ_SEED: the file to debug). */
const DUMP = process.env.FUZZ_DUMP;
/** Per file: a hang guard, generous enough for a busy machine. */
const CPU_LIMIT_MS = Number(process.env.FUZZ_CPU_MS ?? 2000);

/** The seed of case i of a set: spread over 32 bits, so any case can be replayed alone. */
const caseSeed = (i: number): number => (Math.imul(BASE, 0x9e3779b1) + Math.imul(i + 1, 0x85ebca77)) >>> 0;

const reader = new Reader(10);

beforeAll(() => {
  generatedCsv = csvOfSweep();
  FORMATS = formats();
});
afterAll(() => reader.close());

function csvOfSweep(): string {
  // writeCsvBytes is not imported at the top to keep the base files independent of the writer's changes.
  const s = generateNwsSweep(24, 9);
  const names = [...s.params.map((p) => p.name), ...s.metrics.map((m) => m.name)];
  const lines = [names.join(',')];
  for (let i = 0; i < s.rows; i++)
    lines.push([...s.params.map((p) => p.labels[p.codes[i]]), ...s.metrics.map((m) => String(m.values[i]))].join(','));
  return lines.join('\n') + '\n';
}

describe('fuzz: mutated files are opened or refused in our words', () => {
  it('every base file opens', async () => {
    for (const f of FORMATS) {
      const o = await reader.read(f.wrap ? f.wrap(f.bytes) : f.bytes, f.file);
      expect(o.kind === 'opened' ? 'opened' : `${f.name}: ${JSON.stringify(o)}`).toBe('opened');
    }
  });

  it(REPLAY ? `replays case ${REPLAY}` : `${CASES} mutations (FUZZ_BASE=${BASE})`, async () => {
    const seeds = REPLAY ? REPLAY.split(',').map((s) => Number(s) >>> 0) : Array.from({ length: CASES }, (_, i) => caseSeed(i));
    const failures: string[] = [];
    const tally = new Map<string, { opened: number; refused: number }>();
    let slowest = { ms: 0, seed: 0, format: '', mutation: '' };
    const t0 = performance.now();
    for (const seed of seeds) {
      const c = makeCase(seed);
      if (DUMP) writeFileSync(join(DUMP, `${seed}-${c.file}`), c.bytes);
      const o = await reader.read(c.bytes, c.file);
      const what = `FUZZ_SEED=${seed} (format ${c.format}, mutation ${c.mutation}, ${c.bytes.length} bytes)`;
      if (REPLAY) console.log(what, o.kind === 'threw' ? o.stack : JSON.stringify(o));
      const bad = failure(o, CPU_LIMIT_MS);
      if (bad) failures.push(`${what}: ${bad}`);
      if (LOG) appendFileSync(LOG, `${what} ${o.kind} ${'cpuMs' in o ? o.cpuMs.toFixed(0) : '-'} ms${bad ? ` FAIL ${bad.split('\n')[0]}` : ''}\n`);
      if ((o.kind === 'opened' || o.kind === 'refused') && o.cpuMs > slowest.ms)
        slowest = { ms: o.cpuMs, seed, format: c.format, mutation: c.mutation };
      const t = tally.get(c.format) ?? { opened: 0, refused: 0 };
      if (o.kind === 'opened') t.opened++;
      else if (o.kind === 'refused') t.refused++;
      tally.set(c.format, t);
    }
    const secs = (performance.now() - t0) / 1000;
    if (!REPLAY)
      console.log(
        `fuzz: ${seeds.length} cases in ${secs.toFixed(1)} s; slowest ${slowest.ms.toFixed(0)} ms CPU (FUZZ_SEED=${slowest.seed}, ${slowest.format}, ${slowest.mutation}); ` +
          [...tally].map(([f, t]) => `${f} ${t.opened}/${t.refused}`).join(', ') +
          ' (opened/refused)',
      );
    if (failures.length > 0)
      throw new Error(
        `${failures.length} of ${seeds.length} fuzz cases failed (replay one with FUZZ_SEED=<seed> npx vitest run tests/fuzz.test.ts):\n` +
          failures.slice(0, 25).join('\n') +
          (failures.length > 25 ? `\n… and ${failures.length - 25} more` : ''),
      );
  });
});

// ---------------------------------------------------------------------------
// The resource promise: whatever the file, an answer within about 10 s of CPU
// (and 1 GB of memory: the worker's heap is capped at 1 GiB).

const RESOURCE_CPU_MS = 10_000;

function repeatByte(c: string, n: number, prefix = '', suffix = ''): Uint8Array {
  const p = enc.encode(prefix);
  const s = enc.encode(suffix);
  const out = new Uint8Array(p.length + n + s.length);
  out.set(p, 0);
  out.fill(c.charCodeAt(0), p.length, p.length + n);
  out.set(s, p.length + n);
  return out;
}

function pattern(unit: string, times: number, prefix = '', suffix = ''): Uint8Array {
  const u = enc.encode(unit);
  const p = enc.encode(prefix);
  const s = enc.encode(suffix);
  const out = new Uint8Array(p.length + u.length * times + s.length);
  out.set(p, 0);
  for (let i = 0; i < times; i++) out.set(u, p.length + i * u.length);
  out.set(s, p.length + u.length * times);
  return out;
}

const RESOURCE_CASES: [string, () => Uint8Array][] = [
  [
    'a header of 100,000 columns',
    () => {
      const names = Array.from({ length: 100_000 }, (_, i) => `c${i}`).join(',');
      const row = Array.from({ length: 100_000 }, (_, i) => String(i % 7)).join(',');
      return enc.encode(`${names}\n${row}\n${row}\n`);
    },
  ],
  ['a first line of a million commas', () => repeatByte(',', 1_000_000, '', '\n1,2\n3,4\n')],
  ['a single line of 50 MB of letters', () => repeatByte('x', 50 << 20)],
  ['a single line of 50 MB of numbers and commas', () => pattern('1,', 25 << 20)],
  ['a header, then one row of 50 MB', () => repeatByte('x', 50 << 20, 'a,b\n1,', '\n')],
  ['a 20 MB quoted field never closed', () => repeatByte('x', 20 << 20, 'a,b\n1,"')],
  ['JSON: one object of 100,000 keys', () => enc.encode(`[${JSON.stringify(Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, i])))}]`)],
  ['JSON: 50 MB string never closed', () => repeatByte('x', 50 << 20, '[{"a": "')],
  ['JSON: arrays nested 1,000,000 deep', () => repeatByte('[', 1_000_000, '[{"a": ')],
];

describe('the resource promise: an answer within about 10 s of CPU, in our words', () => {
  it.each(RESOURCE_CASES)('%s', async (_, make) => {
    const bytes = make();
    const o = await reader.read(bytes, 'big.csv');
    const bad = failure(o, RESOURCE_CPU_MS);
    expect(bad, bad ?? '').toBeNull();
  });
});
