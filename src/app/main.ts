/**
 * The page: a sweep (generated in web workers, or read from a file) on the
 * engine chosen by `?engine=webgpu|cpu|auto` (WebGPU with automatic fallback to
 * the worker CPU engine), the linked views of src/views on the aggregates of
 * the current view state, and `window.sweepscope` for automation (see api.ts).
 *
 * The coordinator (src/app/coordinator.ts) owns the explorer's ViewState,
 * its queries and the answer the views draw. Views dispatch `view-change`
 * events (bubbling, composed) with a partial state; this module hands it to
 * the coordinator, writes it to the URL (history.replaceState, so a copied
 * link restores the view), and renders what the coordinator shows.
 *
 * Concurrency: queries and sweep loads take turns on the engine
 * (`exclusive`), so a query never runs while the engine's sweep is being
 * replaced; the coordinator is told of a new sweep in the same turn.
 */

import { render } from 'lit';
import { browserCores, createBrowserWorkerEngine } from '../engine/browser-workers.js';
import { createEngine, parseEngineChoice, type EngineChoice } from '../engine/create-engine.js';
import { FallbackEngine } from '../engine/fallback-engine.js';
import type { AggregateJson } from '../engine/output.js';
import { Coordinator } from './coordinator.js';
import { packInWorker } from './pack.js';
import { Session, type QueryResult } from '../engine/session.js';
import type { EngineInfo, QuerySpec } from '../engine/types.js';
import type { LoadOptions } from '../io/table.js';
import { SweepError, validateSweep, type ColumnInfo, type ColumnRole, type Sweep } from '../model/sweep.js';
import { dict } from '../model/dict.js';
import { checkSeed, MAX_NWS_ROWS } from '../synth/nws.js';
import { generateInWorkers } from './generate.js';
import { errorMessage, fmtInt, fmtMs, fmtPercent } from '../views/shared/format.js';
import { LoadCancelled, blobName, parseInWorker, readUrl, urlPath } from './source.js';
import { optionsFor, readRoles, writeRoles } from './roles.js';
import { collapsed, readLayout, resized, writeLayout } from './layout.js';
import { combineReplicates } from '../model/replicates.js';
import { checkLoadOptions, checkQuerySpec, oneLine } from './spec.js';
import { pageView, type PageState, type ViewActions } from './view.js';
import { AddressWriter, readViewState } from './url-state.js';
import { DEFAULT_VIEW_STATE, VIEW_CHANGE, type ViewChangeEvent, type ViewState } from '../views/shared/view-state.js';
import type { LoadSource, LoadTimings, QueryPaths, QueryTiming, SweepscopeApi, SweepSummary } from './api.js';
import { ROWS_NEED, ROWS_REQUEST, type RowsNeedEvent, type RowsRequestEvent } from '../views/shared/row-events.js';
import { VIEW_NOTICE, type ViewNoticeEvent } from '../views/shared/export.js';
// The views' type, bundled (SIL Open Font License): the same glyphs on every machine, no font request leaves the origin.
import '@fontsource/inter/400.css';
import '@fontsource/inter/600.css';
import '@fontsource/inter/700.css';
import './style.css';

const DEFAULT_ROWS = 1_000_000;
const DEFAULT_SEED = 1;

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
/** CPU engine workers: `?workers=N` (benchmarks compare 1 with all), else one per core. */
let cpuWorkers = cores;
{
  const raw = url.get('workers');
  if (raw !== null) {
    const n = Number(raw);
    if (Number.isInteger(n) && n >= 1 && n <= 64) cpuWorkers = n;
    else choiceNotice = `${choiceNotice ? choiceNotice + '; ' : ''}?workers=${raw} is not a whole number from 1 to 64: using ${cores}`;
  }
}
const root = document.getElementById('app') ?? document.body;

/** The view state from the address; malformed parts are reported once and left at their defaults. */
const fromUrl = readViewState(url);
/** The roles the user gave a file's columns (`roles=`), applied once the file is read. */
const fromRoles = readRoles(url.get('roles'));
/** The dashboard's panel sizes and collapsed panels (`layout=`). */
const fromLayout = readLayout(url.get('layout'));
const urlProblems = [...fromUrl.problems, ...fromRoles.problems, ...fromLayout.problems];
const urlNotice = urlProblems.length ? `The address's view state was partly ignored: ${urlProblems.join('; ')}` : null;

const state: PageState = {
  engine: null,
  engineNotice: choiceNotice,
  isolated,
  sweep: null,
  task: null,
  data: null,
  explorer: fromUrl.state,
  generate: { rows: Number.isFinite(startRows) ? String(startRows) : '', seed: Number.isFinite(startSeed) ? String(startSeed) : '' },
  busy: false,
  error: urlNotice,
  loadError: null,
  result: null,
  rows: { table: null, parallel: null },
  dragging: false,
  columns: null,
  combineReplicates: url.get('combine') === '1',
  layout: fromLayout.layout,
};

let scheduled = false;
/** Renders at the next frame at most once, however many updates come first. */
function update(): void {
  if (scheduled) return;
  scheduled = true;
  requestAnimationFrame(() => {
    scheduled = false;
    renderNow();
  });
}
function renderNow(): void {
  // What the views draw comes from the coordinator (it is created below; nothing renders before).
  state.explorer = coordinator.state;
  state.busy = coordinator.busy;
  const shown = coordinator.shown;
  state.result = shown ? { answer: shown.result.answer, engineMs: shown.result.engineMs, totalMs: shown.totalMs } : null;
  state.rows = { table: coordinator.rows('table'), parallel: coordinator.rows('parallel') };
  state.error = coordinator.error ?? notice;
  render(pageView(state, actions), root);
  watchPageTop();
}

/**
 * The first screen of the dashboard is the window's height less the page's
 * top (title, status, messages), which changes with messages and the width:
 * `--above` follows it, for style.css.
 */
let pageTopWatched = false;
function watchPageTop(): void {
  if (pageTopWatched) return;
  const top = root.querySelector('.page-top');
  if (!top) return;
  pageTopWatched = true;
  new ResizeObserver(() => {
    const px = `${Math.ceil(top.getBoundingClientRect().height)}px`;
    if (document.documentElement.style.getPropertyValue('--above') !== px) document.documentElement.style.setProperty('--above', px);
  }).observe(top);
}

// ---------------------------------------------------------------------------
// The engine.

let engine: FallbackEngine | null = null;

function startEngine(): Promise<FallbackEngine> {
  return createEngine(choice, { makeCpu: () => createBrowserWorkerEngine(cpuWorkers) })
    .catch((e: unknown) => new FallbackEngine(null, () => createBrowserWorkerEngine(cpuWorkers), `WebGPU is not available: ${errorMessage(e)}`))
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

/** The view state, its queries and the answer the views draw (src/app/coordinator.ts). */
const coordinator = new Coordinator<QueryResult>(
  {
    frame: (f) => void requestAnimationFrame(f),
    now: () => performance.now(),
    exclusive,
    changed: () => {
      // The address catches up before the page says it is idle.
      if (!coordinator.busy) address.flush();
      update();
    },
  },
  fromUrl.state,
);

/** A page-level notice in the error line (the address's state partly ignored, a view reset); a view change clears it. */
let notice: string | null = urlNotice;

/** The default view state (the matrix's encoding and colour scale kept: view-only choices). */
function defaultState(): ViewState {
  return { ...DEFAULT_VIEW_STATE, where: dict(), matrixEncoding: coordinator.state.matrixEncoding, matrixScale: coordinator.state.matrixScale };
}

/** The address follows the view state, the roles, the replicates and the layout (url-state.ts); rows, seed, engine and file stay. */
const address = new AddressWriter(
  {
    now: () => performance.now(),
    search: () => location.search.slice(1),
    replace: (search) => history.replaceState(history.state, '', `${location.pathname}${search ? `?${search}` : ''}${location.hash}`),
    setTimeout: (f, ms) => window.setTimeout(f, ms),
    clearTimeout: (id) => window.clearTimeout(id),
  },
  () => ({
    view: coordinator.state,
    roles: file ? writeRoles(file.overrides) : '',
    combine: file !== null && state.combineReplicates,
    layout: writeLayout(state.layout),
  }),
);

/** A view asked for a change: merge it, put it in the address, and query (next frame). */
function onViewChange(e: Event): void {
  const detail = (e as ViewChangeEvent).detail;
  if (typeof detail !== 'object' || detail === null) return;
  e.stopPropagation();
  notice = null;
  coordinator.change(detail);
  address.schedule();
}
root.addEventListener(VIEW_CHANGE, onViewChange);

// The table and the parallel view declare the rows they need; the coordinator asks the engine after the counts.
root.addEventListener(ROWS_NEED, (e) => {
  const { view, need } = (e as RowsNeedEvent).detail;
  e.stopPropagation();
  coordinator.needRows(view, need);
});
root.addEventListener(ROWS_REQUEST, (e) => {
  const d = (e as RowsRequestEvent).detail;
  e.stopPropagation();
  d.taken = true;
  coordinator.requestRows(d.query).then(d.resolve, d.reject);
});
// A view's failure that is not a query's (an export that could not be made): said in the message line.
root.addEventListener(VIEW_NOTICE, (e) => {
  const detail = (e as ViewNoticeEvent).detail;
  if (typeof detail !== 'string') return;
  e.stopPropagation();
  notice = detail;
  update();
});

// ---------------------------------------------------------------------------
// Loading sweeps.

interface Prepared {
  sweep: Sweep;
  name: string;
  detail: string;
}

function setTask(label: string, done = 0, total = 0): void {
  state.task = { label, done, total, cancellable: loading !== null };
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

/** The load in progress that a Cancel stops (generation is not cancellable). */
let loading: AbortController | null = null;

async function readFile(
  name: string,
  input: Blob | ((onProgress: (done: number, total: number) => void, signal: AbortSignal) => Promise<Uint8Array>),
  options: LoadOptions,
): Promise<Prepared> {
  const t0 = performance.now();
  const abort = new AbortController();
  loading = abort;
  // A progress message that arrives after a Cancel must not bring the bar back.
  const progress = (label: string, done: number, total: number): void => {
    if (!abort.signal.aborted) setTask(label, done, total);
  };
  const reading = (done: number, total: number, rows?: number): void =>
    progress(
      `Reading ${name}… ${fmtBytes(done)}${total > 0 ? ` of ${fmtBytes(total)}` : ''}${rows ? `, ${fmtInt(rows)} rows` : ''}`,
      done,
      total,
    );
  try {
    setTask(`Reading ${name}…`);
    // A File is read in the worker; a URL's bytes are fetched here first.
    const source = input instanceof Blob ? input : await input(reading, abort.signal);
    const size = source instanceof Blob ? source.size : source.length;
    const { sweep, format } = await parseInWorker(
      source,
      name,
      options,
      (phase, done, total, rows) =>
        phase === 'read'
          ? reading(done, total, rows)
          : progress(`Reading ${name}: parsing ${fmtBytes(size)}… ${Math.floor(100 * done)}%`, Math.round(1000 * done), 1000),
      abort.signal,
    );
    const notes = sweep.notes?.length ? `; ${sweep.notes.join('; ')}` : '';
    return {
      sweep,
      name,
      detail: `${name} (${format}, ${fmtBytes(size)}): ${fmtInt(sweep.rows)} trainings read in ${fmtMs(performance.now() - t0)} ms${notes}`,
    };
  } finally {
    if (loading === abort) loading = null;
  }
}

/** Generates or reads the sweep a source names. */
function prepare(source: LoadSource, options: LoadOptions): Promise<Prepared> {
  if (typeof Blob !== 'undefined' && source instanceof Blob) {
    return readFile(blobName(source), source, options);
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
    return readFile(name, (p, signal) => readUrl(u, p, signal), options);
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
    bytesPerTraining: s.bytesPerTraining,
  };
}

/** Shows a new sweep: its name and its trainings; its first query is the caller's. */
function installSweep(s: Session, prepared: Prepared): void {
  state.sweep = { name: prepared.name, rows: s.sweep.rows, detail: `${prepared.detail}; ${s.bytesPerTraining} bytes a training on the engine, ${s.residentBytesPerTraining} in all` };
  state.data = s.sweep;
}

/** Loads after the first start from the default view state: the address's state was for the start-up sweep. */
let loadsDone = 0;
/** What the API's `loadTimings` and `lastQueryTiming` report (api.ts). */
let loadTimings: LoadTimings | null = null;
let lastQueryTiming: QueryTiming | null = null;

/**
 * The file on the page, to read again when the user changes a column's role:
 * its source, the options it was first read with, the columns as then read
 * (inferred), its first metric, and the user's role changes on top.
 */
let file: {
  source: LoadSource;
  options: LoadOptions;
  columns: readonly ColumnInfo[];
  metric: string;
  overrides: Map<string, ColumnRole>;
} | null = null;

/** A new file, or the same file read again with other roles (the view state is kept). */
type LoadMode = 'new' | 'roles';

/**
 * The columns the Columns dialog lists: as first inferred (reason, distinct
 * values), with the role they have now; a role the user chose says so.
 */
function shownColumns(current: readonly ColumnInfo[] | undefined): readonly ColumnInfo[] | null {
  if (!file || !current) return current ?? null;
  const now = new Map(current.map((c) => [c.name, c.role]));
  const overrides = file.overrides;
  return file.columns.map((c): ColumnInfo => {
    const role = now.get(c.name) ?? c.role;
    if (role === c.role) return c;
    const reason = overrides.get(c.name) === role ? `your choice (inferred: ${c.role}, ${c.reason})` : `${c.reason} (inferred ${c.role}; another column took that role)`;
    return { ...c, role, reason };
  });
}

function isFileSource(source: LoadSource): boolean {
  return !(typeof source === 'object' && source !== null && 'generate' in source);
}

async function loadNow(source: LoadSource, rawOptions: unknown, mode: LoadMode = 'new'): Promise<void> {
  state.loadError = null;
  update();
  try {
    const options = checkLoadOptions(rawOptions);
    const tPrepare = performance.now();
    const prepared = await prepare(source, options);
    const prepareMs = performance.now() - tPrepare;
    validateSweep(prepared.sweep);
    const read = prepared.sweep;
    if (state.combineReplicates && read.columns?.some((c) => c.role === 'replicate')) {
      prepared.sweep = combineReplicates(read);
      prepared.detail += `; ${prepared.sweep.notes?.at(-1) ?? ''}`;
    }
    setTask(`Sorting ${fmtInt(prepared.sweep.rows)} trainings for the engine…`);
    const tPack = performance.now();
    const packed = await packInWorker(prepared.sweep);
    const packMs = performance.now() - tPack;
    setTask(`Loading ${fmtInt(prepared.sweep.rows)} trainings onto the engine…`);
    const eng = await enginePromise;
    let uploadMs = 0;
    const next = await exclusive(async () => {
      const old = session;
      try {
        const tUpload = performance.now();
        session = await Session.fromPacked(prepared.sweep, packed, eng);
        uploadMs = performance.now() - tUpload;
        // Queried from now on, in the same turn on the engine: no query reaches the sweep it replaced.
        coordinator.setTarget(session, mode === 'new' && loadsDone > 0 ? defaultState() : undefined);
      } catch (e) {
        // Put the previous sweep back, so its session keeps answering.
        if (old) await eng.load(old.packed).catch(() => undefined);
        throw e;
      }
      sweepName = prepared.name;
      return session;
    });
    state.task = null;
    // the engine's packed copy answers for single trainings from now on: the columns as read can go
    next.releaseColumns();
    installSweep(next, prepared);
    if (mode === 'new')
      file =
        isFileSource(source) && read.columns
          ? { source, options, columns: read.columns, metric: read.metrics[0]?.name ?? '', overrides: new Map() }
          : null;
    state.columns = shownColumns(read.columns);
    const firstLoad = loadsDone++ === 0;
    if (!firstLoad) notice = null;
    renderNow();
    const tFirst = performance.now();
    const shownFirst = await coordinator.show();
    loadTimings = { source: isFileSource(source) ? 'read' : 'generate', prepareMs, packMs, uploadMs, firstQueryMs: performance.now() - tFirst };
    if (!shownFirst && coordinator.error !== null) {
      // The state (from the address, say) does not fit this sweep: say why, and show the default view.
      const why = coordinator.error;
      coordinator.state = defaultState();
      await coordinator.show();
      if (coordinator.error === null) notice = `${why} (the view was reset)`;
    }
    address.write();
    renderNow();
  } catch (e) {
    const message = oneLine(errorMessage(e));
    state.task = null;
    const kept = session ? ' (the previous sweep is kept)' : '';
    state.loadError = e instanceof LoadCancelled ? `Cancelled: ${message}${kept}` : `Load failed: ${message}${kept}`;
    renderNow();
    throw e instanceof SweepError && e.message === message ? e : new SweepError(message);
  }
}

/** Loads run one after the other. */
let loads: Promise<unknown> = Promise.resolve();
function load(source: LoadSource, options?: LoadOptions, mode: LoadMode = 'new'): Promise<void> {
  const run = loads.then(() => loadNow(source, options, mode));
  loads = run.catch(() => undefined);
  return run;
}

/** Reads the file on the page again with the user's roles; rejects (with the message on the page) when it cannot. */
function rereadFile(): Promise<void> {
  if (!file) return Promise.resolve();
  let options: LoadOptions;
  try {
    options = file.overrides.size ? optionsFor(file.columns, file.metric, file.overrides) : file.options;
  } catch (e) {
    state.loadError = `Roles not applied: ${errorMessage(e)}`;
    renderNow();
    return Promise.reject(e instanceof Error ? e : new Error(String(e)));
  }
  return load(file.source, options, 'roles');
}

/** A load the page started (picker, drop, generate form): its failure is on the page already. */
function loadFromPage(source: LoadSource): void {
  load(source).catch(() => undefined);
}

// ---------------------------------------------------------------------------
// The page's controls.

const actions: ViewActions = {
  resize(key, value) {
    const next = resized(state.layout, key, value);
    if (next[key] === state.layout[key]) return;
    state.layout = next;
    update();
    address.schedule();
  },
  collapse(panel, on) {
    state.layout = collapsed(state.layout, panel, on);
    update();
    address.schedule();
  },
  openFile(file) {
    loadFromPage(file);
  },
  cancelLoad() {
    loading?.abort();
  },
  setRole(column, role) {
    if (!file) return;
    const f = file;
    const before = new Map(f.overrides);
    f.overrides.delete(column);
    f.overrides.set(column, role);
    rereadFile().catch(() => {
      // The file could not be read so: the roles stay as they were (the message is on the page).
      f.overrides = before;
      state.columns = shownColumns(session?.sweep.columns);
      renderNow();
    });
  },
  setCombineReplicates(on) {
    const before = state.combineReplicates;
    state.combineReplicates = on;
    rereadFile().catch(() => {
      state.combineReplicates = before;
      renderNow();
    });
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
  // `?file=/sweep/name.csv` (what `sweepscope open` serves): that file of this origin instead of a generated sweep;
  // the address's view state (filters, brush…) applies to it. A failed load is shown, and the page stays usable.
  const fileUrl = url.get('file');
  if (fileUrl !== null && fileUrl.trim() !== '')
    return load({ url: fileUrl }).then(() => {
      // The roles the address gives, once the file's own are known.
      if (!file || fromRoles.overrides.size === 0) return;
      for (const [name, role] of fromRoles.overrides) file.overrides.set(name, role);
      return rereadFile();
    });
  try {
    const { rows, seed } = checkGenerate(startRows, startSeed, ': set ?rows=N&seed=S in the address');
    return load({ generate: { rows, seed } });
  } catch (e) {
    state.loadError = `Load failed: ${errorMessage(e)}`;
    renderNow();
    return Promise.reject(e instanceof Error ? e : new Error(String(e)));
  }
}

// Ready once the sweep is shown and the bundled font is in (the views measure their labels with it).
const ready = startup().then(() => document.fonts.ready).then(() => undefined);
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
  get state(): ViewState {
    return structuredClone(coordinator.state);
  },
  get lastResult(): AggregateJson | null {
    return coordinator.shown?.result.json ?? null;
  },
  load(source: LoadSource, options?: LoadOptions): Promise<void> {
    return load(source, options);
  },
  async query(spec: QuerySpec): Promise<AggregateJson> {
    const checked = checkQuerySpec(spec);
    await started;
    const t0 = performance.now();
    const a = await coordinator.answer(checked);
    if (a === null) throw new Error('internal error: an automation query was dropped');
    lastQueryTiming = { answerMs: performance.now() - t0, engineMs: a.result.engineMs };
    return a.result.json;
  },
  get loadTimings(): LoadTimings | null {
    return loadTimings && { ...loadTimings };
  },
  get lastQueryTiming(): QueryTiming | null {
    return lastQueryTiming && { ...lastQueryTiming };
  },
  get queryPaths(): QueryPaths {
    return session ? { brush: session.brushQueries, cube: session.cubeQueries, delta: session.deltaQueries } : { brush: 0, cube: 0, delta: 0 };
  },
  cubeReady(): Promise<boolean> {
    return session ? session.cubeReady() : Promise.resolve(false);
  },
};
window.sweepscope = api;
