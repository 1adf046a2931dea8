/**
 * The page: generates a synthetic sweep in web workers, opens a Session on the
 * worker CPU engine and shows the aggregates of the current query as tables.
 */

import { render } from 'lit';
import { createBrowserWorkerEngine, browserCores } from '../engine/browser-workers.js';
import type { AggregateJson } from '../engine/output.js';
import { Session } from '../engine/session.js';
import type { QuerySpec } from '../engine/types.js';
import { generateInWorkers } from './generate.js';
import { errorMessage } from './format.js';
import { pageView, type FormState, type ViewActions, type ViewState } from './view.js';
import type { SweepscopeApi } from './api.js';
import './style.css';

const DEFAULT_ROWS = 1_000_000;
const DEFAULT_SEED = 1;
const DEFAULT_QUERY = { normalize: true, range: [0.8, 1] } as const satisfies QuerySpec;

function numberParam(params: URLSearchParams, name: string, fallback: number): number {
  const raw = params.get(name);
  return raw === null || raw.trim() === '' ? fallback : Number(raw);
}

const url = new URLSearchParams(location.search);
const rows = numberParam(url, 'rows', DEFAULT_ROWS);
const seed = numberParam(url, 'seed', DEFAULT_SEED);
const isolated = globalThis.crossOriginIsolated === true && typeof SharedArrayBuffer !== 'undefined';
const cores = browserCores();
const engine = createBrowserWorkerEngine(cores);
const root = document.getElementById('app') ?? document.body;

const state: ViewState = {
  rows: Number.isFinite(rows) ? rows : 0,
  seed,
  engine: engine.info,
  isolated,
  phase: 'generating',
  progressDone: 0,
  generation: null,
  params: [],
  form: { normalize: true, lo: '0.8', hi: '1', bins: '50', primary: '', secondary: '' },
  busy: false,
  error: null,
  result: null,
  pairA: '',
  pairB: '',
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

let session: Session | null = null;
/** Id of the latest query the page asked for: only its answer is shown. */
let latest = 0;

async function runPageQuery(spec: QuerySpec): Promise<void> {
  const id = ++latest;
  state.busy = true;
  update();
  const t0 = performance.now();
  try {
    if (!session) throw new Error('the sweep is not loaded');
    const r = await session.query(spec);
    if (id !== latest) return;
    state.result = { json: r.json, engineMs: r.engineMs, totalMs: performance.now() - t0 };
    state.error = null;
  } catch (e) {
    if (id !== latest) return;
    state.error = `Query failed: ${errorMessage(e)}`;
  } finally {
    if (id === latest) {
      state.busy = false;
      update();
    }
  }
}

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
    void runPageQuery(spec);
  },
  pair(which, name) {
    if (which === 'a') state.pairA = name;
    else state.pairB = name;
    update();
  },
};

async function start(): Promise<void> {
  renderNow();
  try {
    const gen = await generateInWorkers({
      rows,
      seed,
      workers: cores,
      shared: isolated,
      onProgress: (done) => {
        state.progressDone = done;
        update();
      },
    });
    state.generation = { workers: gen.workers, shared: gen.shared, ms: gen.ms };
    state.phase = 'loading';
    const names = gen.sweep.params.map((p) => p.name);
    state.params = names;
    state.form.primary = gen.sweep.group >= 0 ? names[gen.sweep.group] : (names[0] ?? '');
    state.pairA = names.includes('optimizer') ? 'optimizer' : (names[0] ?? '');
    state.pairB = names.includes('activation') ? 'activation' : (names[1] ?? names[0] ?? '');
    renderNow();
    session = await Session.open(gen.sweep, engine);
    state.phase = 'ready';
    await runPageQuery(DEFAULT_QUERY);
    renderNow();
  } catch (e) {
    state.phase = 'failed';
    state.error = `Could not load the sweep: ${errorMessage(e)}`;
    renderNow();
    throw e;
  }
}

const ready = start();
// The page shows the failure; `ready` still rejects for whoever awaits it.
ready.catch(() => undefined);

const api: SweepscopeApi = {
  ready,
  engine: engine.info,
  rows: state.rows,
  async query(spec: QuerySpec): Promise<AggregateJson> {
    await ready;
    if (!session) throw new Error('the sweep is not loaded');
    return (await session.query(spec)).json;
  },
};
window.sweepscope = api;
