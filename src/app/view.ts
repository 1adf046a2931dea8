/**
 * The page's HTML: lit templates over plain state. The aggregates are shown by
 * the linked views of src/views (custom elements, registered by views.ts),
 * which get the explorer state and the latest AggregateJson as properties.
 */

import { html, nothing, type TemplateResult } from 'lit';
import type { AggregateJson } from '../engine/output.js';
import type { EngineInfo } from '../engine/types.js';
import type { Sweep } from '../model/sweep.js';
import type { ViewState as ExplorerState } from '../views/view-state.js';
import { fmtInt } from './format.js';
import './views.js';

/** The sweep on the engine. */
export interface SweepView {
  /** `Synthetic sweep (seed S)` or the file's name. */
  name: string;
  rows: number;
  /** How it was made: generation or reading, for the status bar. */
  detail: string;
}

/** A load in progress: a bar of done / total, or an indeterminate one when total is 0. */
export interface TaskView {
  label: string;
  done: number;
  total: number;
}

export interface PageState {
  /** Null while the engine starts. */
  engine: EngineInfo | null;
  /** A problem with the engine choice (?engine=…), shown beside the engine. */
  engineNotice: string | null;
  isolated: boolean;
  /** Null until the first sweep is on the engine. */
  sweep: SweepView | null;
  task: TaskView | null;
  /** The current sweep's trainings (for the views that draw rows). */
  data: Sweep | null;
  /** The explorer's view state: what the URL holds and every view reads. */
  explorer: ExplorerState;
  generate: { rows: string; seed: string };
  busy: boolean;
  /** The last query's failure. */
  error: string | null;
  /** The last load's failure (the sweep before it stays). */
  loadError: string | null;
  result: { json: AggregateJson; engineMs: number; totalMs: number } | null;
  /** A file is dragged over the page. */
  dragging: boolean;
}

export interface ViewActions {
  openFile(file: File): void;
  generate(form: HTMLFormElement): void;
}

/** The engine line: which engine runs, on what, and why. */
export function describeEngine(e: EngineInfo | null): string {
  if (e === null) return 'starting…';
  const what = e.kind === 'cpu' ? `CPU${e.adapter ? ` (${e.adapter})` : ''}` : `WebGPU${e.adapter ? ` on ${e.adapter}` : ''}`;
  return `${what}${e.reason ? ` — ${e.reason}` : ''}`;
}

function statusBar(s: PageState): TemplateResult {
  const memory = s.isolated
    ? html`<span class="ok">shared</span> (crossOriginIsolated)`
    : html`<span class="warn">not shared</span> (not crossOriginIsolated: generation runs in one worker and each engine worker holds a copy of the sweep)`;
  // Green for a hardware GPU; amber for a software adapter, a fallback or a missing GPU; plain for a chosen CPU engine.
  const reason = s.engine?.reason ?? '';
  const engineClass =
    s.engine === null ? '' : /software|fell back|not available/i.test(reason) ? 'warn' : s.engine.kind === 'webgpu' ? 'ok' : '';
  return html`<section id="status" class="status">
    <div>
      <b>Engine:</b> <span id="engine-info" class=${engineClass} data-kind=${s.engine?.kind ?? ''}>${describeEngine(s.engine)}</span>
      ${s.engineNotice ? html`<div id="engine-notice" class="warn">${s.engineNotice}</div>` : nothing}
    </div>
    <div><b>Memory:</b> <span id="memory-info">${memory}</span></div>
    ${s.sweep ? html`<div><b>Sweep:</b> <span id="sweep-info">${s.sweep.detail}</span></div>` : nothing}
  </section>`;
}

function progressBar(s: PageState): TemplateResult | typeof nothing {
  const t = s.task;
  if (!t) return nothing;
  return html`<section id="progress" class="progress">
    ${t.total > 0 ? html`<progress max=${t.total} .value=${Math.min(t.done, t.total)}></progress>` : html`<progress></progress>`}
    <span id="progress-label">${t.label}</span>
  </section>`;
}

/** Opening a file (picker or drop) and generating a synthetic sweep. */
function loadSection(s: PageState, act: ViewActions): TemplateResult {
  return html`<section id="load" class="load">
    <label
      >Open a sweep file (.csv, .arrow):
      <input
        id="file-input"
        type="file"
        accept=".csv,.arrow,.feather,.ipc,text/csv"
        @change=${(e: Event) => {
          const input = e.currentTarget as HTMLInputElement;
          const file = input.files?.[0];
          if (file) act.openFile(file);
          input.value = '';
        }}
    /></label>
    <span class="note">or drop one onto the page</span>
    <form
      id="generate-form"
      novalidate
      @submit=${(e: Event) => {
        e.preventDefault();
        act.generate(e.currentTarget as HTMLFormElement);
      }}
    >
      or generate
      <label>rows <input type="number" name="rows" min="1" step="1" .value=${s.generate.rows} size="9" /></label>
      <label>seed <input type="number" name="seed" min="0" step="1" .value=${s.generate.seed} size="5" /></label>
      <button type="submit">Generate</button>
    </form>
  </section>`;
}

export function pageView(s: PageState, act: ViewActions): TemplateResult {
  const r = s.result;
  const x = s.explorer;
  return html`<header>
      <h1>sweepscope</h1>
      <p class="sub">
        ${s.sweep
          ? html`<span id="sweep-name">${s.sweep.name}</span>: <b id="row-count">${fmtInt(s.sweep.rows)}</b> trainings`
          : html`<span id="sweep-name">No sweep loaded yet</span>`}
      </p>
    </header>
    ${statusBar(s)} ${loadSection(s, act)} ${progressBar(s)}
    <div id="load-error" class="error" role="alert" ?hidden=${s.loadError === null}>${s.loadError ?? ''}</div>
    <div id="error" class="error" role="alert" ?hidden=${s.error === null}>${s.error ?? ''}</div>
    ${r
      ? html`<main id="explorer" class="explorer" data-busy=${String(s.busy)}>
          <sweep-status
            class="area-status"
            .engine=${s.engine}
            .rows=${r.json.rows}
            .lastMs=${r.totalMs}
            .busy=${s.busy}
          ></sweep-status>
          <aside class="area-filters"><sweep-filters .state=${x} .result=${r.json}></sweep-filters></aside>
          <div class="area-views">
            <sweep-histogram class="view-histogram" .state=${x} .result=${r.json}></sweep-histogram>
            <div class="pair">
              <sweep-matrix class="view-matrix" .state=${x} .result=${r.json}></sweep-matrix>
              <sweep-trellis class="view-trellis" .state=${x} .result=${r.json}></sweep-trellis>
            </div>
            <sweep-parallel class="view-parallel" .sweep=${s.data} .state=${x} .result=${r.json}></sweep-parallel>
            <sweep-table class="view-table" .sweep=${s.data} .state=${x} .result=${r.json}></sweep-table>
          </div>
        </main>`
      : nothing}
    <div id="drop-overlay" class="drop-overlay" ?hidden=${!s.dragging}>Drop a .csv or .arrow sweep to load it</div>`;
}
