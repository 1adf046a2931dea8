/**
 * The page: a sweep (generated in web workers, or read from a file) on the
 * engine chosen by `?engine=webgpu|cpu|auto` (WebGPU with automatic fallback to
 * the worker CPU engine), the aggregates of the current query as tables, and
 * `window.sweepscope` for automation (see api.ts).
 *
 * Concurrency: every query (the form's and `sweepscope.query`'s) goes through
 * one LatestWins scheduler, so at most one runs and one waits; queries and
 * sweep loads take turns on the engine (`exclusive`), so a query never runs
 * while the engine's sweep is being replaced.
 */

import { render } from 'lit';
import { browserCores, createBrowserWorkerEngine } from '../engine/browser-workers.js';
import { createEngine, parseEngineChoice, type EngineChoice } from '../engine/create-engine.js';
import { FallbackEngine } from '../engine/fallback-engine.js';
import type { AggregateJson } from '../engine/output.js';
import { LatestWins } from '../engine/scheduler.js';
import { Session, type QueryResult } from '../engine/session.js';
import type { EngineInfo, QuerySpec } from '../engine/types.js';
import type { LoadOptions } from '../io/table.js';
import { SweepError, validateSweep, type Sweep } from '../model/sweep.js';
import { checkSeed, MAX_NWS_ROWS } from '../synth/nws.js';
import { generateInWorkers } from './generate.js';
import { errorMessage, fmtInt, fmtMs, fmtPercent } from './format.js';
import { blobName, detectFormat, parseInWorker, readBlob, readUrl, urlPath } from './source.js';
import { checkLoadOptions, checkQuerySpec, oneLine } from './spec.js';
import { pageView, type FormState, type ViewActions, type ViewState } from './view.js';
import type { LoadSource, SweepscopeApi, SweepSummary } from './api.js';
import './style.css';

const DEFAULT_ROWS = 1_000_000;
const DEFAULT_SEED = 1;
const DEFAULT_FORM: Omit<FormState, 'primary'> = { normalize: true, lo: '0.8', hi: '1', bins: '50', secondary: '' };

function numberParam(params: URLSearchParams, name: string, fallback: number): number {
  const raw = params.get(name);
  return raw === null || raw.trim() === '' ? fallback : Number(raw);
}

const url = new URLSearchParams(location.search);
const startRows = numberParam(url, 'rows', DEFAULT_ROWS);
const startSeed = numberParam(url, 'seed', DEFAULT_SEED);
let choice: EngineChoice = 'auto';
let choiceNotice: string | null = null;
try {
  choice = parseEngineChoice(url.get('engine'));
} catch (e) {
  choiceNotice = `?engine=${url.get('engine') ?? ''} is not understood (${errorMessage(e)}): using auto`;
}
const isolated = globalThis.crossOriginIsolated === true && typeof SharedArrayBuffer !== 'undefined';
const cores = browserCores();
const root = document.getElementById('app') ?? document.body;

const state: ViewState = {
  engine: null,
  engineNotice: choiceNotice,
  isolated,
  sweep: null,
  task: null,
  params: [],
  form: { ...DEFAULT_FORM, primary: '' },
  generate: { rows: Number.isFinite(startRows) ? String(startRows) : '', seed: Number.isFinite(startSeed) ? String(startSeed) : '' },
  busy: false,
  error: null,
  loadError: null,
  result: null,
  pairA: '',
  pairB: '',
  dragging: false,
};

let scheduled = false;
/** Renders at the next frame at most once, however many updates come first. */
function update(): void {
  if (scheduled) return;
  scheduled = true;
  requestAnimationFrame(() => {
    scheduled = false;
    render(pageView(state, actions), root);
  });
}
function renderNow(): void {
  render(pageView(state, actions), root);
}

// ---------------------------------------------------------------------------
// The engine.

let engine: FallbackEngine | null = null;

function startEngine(): Promise<FallbackEngine> {
  return createEngine(choice)
    .catch((e: unknown) => new FallbackEngine(null, () => createBrowserWorkerEngine(cores), `WebGPU is not available: ${errorMessage(e)}`))
    .then((e) => {
      engine = e;
      state.engine = e.info;
      e.onChange((info: EngineInfo) => {
        state.engine = info;
        update();
      });
      update();
      return e;
    });
}

const enginePromise = startEngine();

/** Work on the engine, one piece at a time: queries, and loading a sweep onto it. */
let engineTurn: Promise<unknown> = Promise.resolve();
function exclusive<T>(work: () => Promise<T>): Promise<T> {
  const run = engineTurn.then(work);
  engineTurn = run.catch(() => undefined);
  return run;
}

// ---------------------------------------------------------------------------
// Queries.

/** The sweep on the engine; replaced by a load. */
let session: Session | null = null;
let sweepName = '';

interface Answer {
  result: QueryResult;
  session: Session;
}

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
}
function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
/** Resolved (and replaced) each time a query finishes: a superseded caller waits on it before it asks again. */
let finished = deferred();

const scheduler = new LatestWins<QuerySpec, Answer>(async (spec) => {
  try {
    return await exclusive(async () => {
      const s = session;
      if (!s) throw new SweepError('no sweep is loaded: load one first with window.sweepscope.load(…)');
      return { result: await s.query(spec), session: s };
    });
  } finally {
    const f = finished;
    finished = deferred();
    f.resolve();
  }
});

/**
 * Runs `spec` through the scheduler until it has its own answer; null once
 * `wanted()` says a newer request made it pointless (superseded form queries).
 */
async function answer(spec: QuerySpec, wanted: () => boolean = () => true): Promise<Answer | null> {
  for (;;) {
    const next = finished.promise;
    const a = await scheduler.submit(spec);
    if (a !== null) return a;
    if (!wanted()) return null;
    // Another query took our place: it runs after the one in flight; ask again then.
    await next;
    if (!wanted()) return null;
  }
}

/** Id of the latest query the page itself asked for: only its answer is shown. */
let latest = 0;

/** Runs a query for the page and shows its answer (never rejects: failures are shown). */
async function showQuery(spec: QuerySpec): Promise<void> {
  const id = ++latest;
  const wanted = (): boolean => id === latest;
  state.busy = true;
  update();
  const t0 = performance.now();
  try {
    const a = await answer(spec, wanted);
    if (a === null || !wanted() || a.session !== session) return;
    state.result = { json: a.result.json, engineMs: a.result.engineMs, totalMs: performance.now() - t0 };
    state.error = null;
  } catch (e) {
    if (!wanted()) return;
    state.error = `Query failed: ${oneLine(errorMessage(e))}`;
  } finally {
    if (wanted()) {
      state.busy = false;
      update();
    }
  }
}

/** The form's fields as a query; strings as typed, so the engine's own checks report bad values. */
function specFromForm(f: FormState): QuerySpec {
  const lo = f.lo.trim();
  const hi = f.hi.trim();
  if ((lo === '') !== (hi === '')) throw new Error('give both ends of the range (lo and hi), or leave both empty for no brush');
  const spec: QuerySpec = {
    normalize: f.normalize,
    range: lo === '' ? null : [Number(lo), Number(hi)],
    secondary: f.secondary === '' ? null : f.secondary,
  };
  if (f.primary !== '') spec.primary = f.primary;
  if (f.bins.trim() !== '') spec.bins = Number(f.bins);
  return spec;
}

// ---------------------------------------------------------------------------
// Loading sweeps.

interface Prepared {
  sweep: Sweep;
  name: string;
  detail: string;
}

function setTask(label: string, done = 0, total = 0): void {
  state.task = { label, done, total };
  update();
}

function checkGenerate(rows: unknown, seed: unknown, hint = ''): { rows: number; seed: number } {
  if (typeof rows !== 'number' || !Number.isInteger(rows) || rows < 1 || rows > MAX_NWS_ROWS)
    throw new SweepError(`rows must be an integer from 1 to ${MAX_NWS_ROWS} (got ${String(rows)})${hint}`);
  if (typeof seed !== 'number') throw new SweepError(`seed must be an integer in 0..${0xffffffff} (got ${String(seed)})${hint}`);
  try {
    checkSeed(seed);
  } catch (e) {
    throw new SweepError(`${errorMessage(e)}${hint}`);
  }
  return { rows, seed };
}

async function generate(rows: number, seed: number): Promise<Prepared> {
  const label = (done: number): string => `Generating ${fmtInt(rows)} trainings (seed ${seed})… ${fmtPercent(done, rows)}`;
  setTask(label(0), 0, rows);
  const gen = await generateInWorkers({
    rows,
    seed,
    workers: cores,
    shared: isolated,
    onProgress: (done) => setTask(label(done), done, rows),
  });
  const how = `${gen.workers} worker${gen.workers > 1 ? 's' : ''}${gen.shared ? ' writing shared memory' : ', transferred back'}`;
  return {
    sweep: gen.sweep,
    name: `Synthetic sweep (seed ${seed})`,
    detail: `generated ${fmtInt(rows)} trainings (seed ${seed}) in ${fmtMs(gen.ms)} ms on ${how}`,
  };
}

function fmtBytes(n: number): string {
  return n < 1 << 20 ? `${(n / 1024).toFixed(1)} KB` : `${(n / (1 << 20)).toFixed(1)} MB`;
}

async function readFile(name: string, read: (onProgress: (done: number, total: number) => void) => Promise<Uint8Array>, options: LoadOptions): Promise<Prepared> {
  const t0 = performance.now();
  setTask(`Reading ${name}…`);
  const bytes = await read((done, total) =>
    setTask(total > 0 ? `Reading ${name}… ${fmtBytes(done)} of ${fmtBytes(total)}` : `Reading ${name}… ${fmtBytes(done)}`, done, total),
  );
  const size = bytes.length;
  const format = detectFormat(name, bytes);
  setTask(`Parsing ${name}…`, 0, format === 'csv' ? 1000 : 0);
  const sweep = await parseInWorker(bytes, name, format, options, (f) =>
    setTask(`Parsing ${name}… ${Math.floor(100 * f)}%`, Math.round(1000 * f), 1000),
  );
  return {
    sweep,
    name,
    detail: `${name} (${format === 'csv' ? 'CSV' : 'Arrow IPC'}, ${fmtBytes(size)}): ${fmtInt(sweep.rows)} trainings read in ${fmtMs(performance.now() - t0)} ms`,
  };
}

/** Generates or reads the sweep a source names. */
function prepare(source: LoadSource, options: LoadOptions): Promise<Prepared> {
  if (typeof Blob !== 'undefined' && source instanceof Blob) {
    return readFile(blobName(source), (p) => readBlob(source, p), options);
  }
  if (typeof source === 'object' && source !== null && 'generate' in source) {
    if (Object.keys(options).length > 0)
      throw new SweepError('load options (params, metric, group) choose the columns of a file; a generated sweep has its own');
    const g: unknown = source.generate;
    if (typeof g !== 'object' || g === null) throw new SweepError('load({generate}) needs {rows, seed}, e.g. {generate: {rows: 100000, seed: 1}}');
    const { rows, seed } = checkGenerate((g as { rows?: unknown }).rows, (g as { seed?: unknown }).seed ?? DEFAULT_SEED);
    return generate(rows, seed);
  }
  if (typeof source === 'object' && source !== null && 'url' in source) {
    const u = source.url;
    const name = typeof u === 'string' ? urlPath(u).split('/').pop() || u : String(u);
    return readFile(name, (p) => readUrl(u, p), options);
  }
  throw new SweepError('load takes {generate: {rows, seed}}, {url: "/path/file.csv"}, or a File or Blob');
}

function summary(s: Session): SweepSummary {
  const sw = s.sweep;
  return {
    name: sweepName,
    rows: sw.rows,
    params: sw.params.map((p) => p.name),
    metrics: sw.metrics.map((m) => m.name),
    group: sw.group >= 0 ? sw.params[sw.group].name : null,
  };
}

/** Shows a new sweep: its name, its parameters in the form, and its first query. */
function installSweep(s: Session, prepared: Prepared): QuerySpec {
  const names = s.sweep.params.map((p) => p.name);
  state.sweep = { name: prepared.name, rows: s.sweep.rows, detail: prepared.detail };
  state.params = names;
  state.form = { ...DEFAULT_FORM, primary: s.sweep.group >= 0 ? names[s.sweep.group] : (names[0] ?? '') };
  const pick = (wanted: string, fallback: number): string => (names.includes(wanted) ? wanted : (names[fallback] ?? names[0] ?? ''));
  state.pairA = pick('optimizer', 0);
  state.pairB = pick('activation', 1);
  if (state.pairA === state.pairB) state.pairB = names.find((n) => n !== state.pairA) ?? state.pairB;
  state.result = null;
  state.error = null;
  return specFromForm(state.form);
}

async function loadNow(source: LoadSource, rawOptions: unknown): Promise<void> {
  state.loadError = null;
  update();
  try {
    const options = checkLoadOptions(rawOptions);
    const prepared = await prepare(source, options);
    validateSweep(prepared.sweep);
    setTask(`Loading ${fmtInt(prepared.sweep.rows)} trainings onto the engine…`);
    const eng = await enginePromise;
    const next = await exclusive(async () => {
      const old = session;
      try {
        session = await Session.open(prepared.sweep, eng);
      } catch (e) {
        // Put the previous sweep back, so its session keeps answering.
        if (old) await eng.load(old.packed).catch(() => undefined);
        throw e;
      }
      sweepName = prepared.name;
      return session;
    });
    state.task = null;
    const first = installSweep(next, prepared);
    renderNow();
    await showQuery(first);
    renderNow();
  } catch (e) {
    const message = oneLine(errorMessage(e));
    state.task = null;
    state.loadError = `Load failed: ${message}${session ? ' (the previous sweep is kept)' : ''}`;
    renderNow();
    throw e instanceof SweepError && e.message === message ? e : new SweepError(message);
  }
}

/** Loads run one after the other. */
let loads: Promise<unknown> = Promise.resolve();
function load(source: LoadSource, options?: LoadOptions): Promise<void> {
  const run = loads.then(() => loadNow(source, options));
  loads = run.catch(() => undefined);
  return run;
}

/** A load the page started (picker, drop, generate form): its failure is on the page already. */
function loadFromPage(source: LoadSource): void {
  load(source).catch(() => undefined);
}

// ---------------------------------------------------------------------------
// The page's controls.

const actions: ViewActions = {
  submit(form) {
    const data = new FormData(form);
    state.form = {
      normalize: data.get('normalize') !== null,
      lo: String(data.get('lo') ?? ''),
      hi: String(data.get('hi') ?? ''),
      bins: String(data.get('bins') ?? ''),
      primary: String(data.get('primary') ?? ''),
      secondary: String(data.get('secondary') ?? ''),
    };
    let spec: QuerySpec;
    try {
      spec = specFromForm(state.form);
    } catch (e) {
      latest++; // a newer request than any in flight: their answers are dropped
      state.busy = false;
      state.error = `Query failed: ${errorMessage(e)}`;
      update();
      return;
    }
    void showQuery(spec);
  },
  pair(which, name) {
    if (which === 'a') state.pairA = name;
    else state.pairB = name;
    update();
  },
  openFile(file) {
    loadFromPage(file);
  },
  generate(form) {
    const data = new FormData(form);
    const rows = String(data.get('rows') ?? '').trim();
    const seed = String(data.get('seed') ?? '').trim();
    state.generate = { rows, seed };
    loadFromPage({ generate: { rows: rows === '' ? NaN : Number(rows), seed: seed === '' ? DEFAULT_SEED : Number(seed) } });
  },
};

/** Drag and drop of a file anywhere on the page. */
function hasFiles(e: DragEvent): boolean {
  return e.dataTransfer?.types.includes('Files') ?? false;
}
let dragDepth = 0;
document.addEventListener('dragenter', (e) => {
  if (!hasFiles(e)) return;
  e.preventDefault();
  dragDepth++;
  state.dragging = true;
  update();
});
document.addEventListener('dragover', (e) => {
  if (!hasFiles(e)) return;
  e.preventDefault();
  if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
});
document.addEventListener('dragleave', (e) => {
  if (!hasFiles(e)) return;
  dragDepth = Math.max(0, dragDepth - 1);
  if (dragDepth === 0) {
    state.dragging = false;
    update();
  }
});
document.addEventListener('drop', (e) => {
  if (!hasFiles(e)) return;
  e.preventDefault();
  dragDepth = 0;
  state.dragging = false;
  update();
  const file = e.dataTransfer?.files[0];
  if (file) loadFromPage(file);
});

// ---------------------------------------------------------------------------
// Start-up and window.sweepscope.

function startup(): Promise<void> {
  renderNow();
  try {
    const { rows, seed } = checkGenerate(startRows, startSeed, ': set ?rows=N&seed=S in the address');
    return load({ generate: { rows, seed } });
  } catch (e) {
    state.loadError = `Load failed: ${errorMessage(e)}`;
    renderNow();
    return Promise.reject(e instanceof Error ? e : new Error(String(e)));
  }
}

const ready = startup();
// The page shows the failure; `ready` still rejects for whoever awaits it.
ready.catch(() => undefined);
const started = ready.catch(() => undefined);

const STARTING: EngineInfo = { kind: choice === 'cpu' ? 'cpu' : 'webgpu', reason: 'the engine is starting: await window.sweepscope.ready' };

const api: SweepscopeApi = {
  ready,
  get engine(): EngineInfo {
    return engine ? { ...engine.info } : { ...STARTING };
  },
  get rows(): number {
    return session?.sweep.rows ?? 0;
  },
  get sweep(): SweepSummary | null {
    return session ? summary(session) : null;
  },
  load(source: LoadSource, options?: LoadOptions): Promise<void> {
    return load(source, options);
  },
  async query(spec: QuerySpec): Promise<AggregateJson> {
    const checked = checkQuerySpec(spec);
    await started;
    const a = await answer(checked);
    if (a === null) throw new Error('internal error: an automation query was dropped');
    return a.result.json;
  },
};
window.sweepscope = api;
