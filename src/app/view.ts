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
import { fmtInt } from '../views/format.js';
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
  /** A Cancel button stops it (reading a file; not generating). */
  cancellable?: boolean;
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
  /** Stops the file being read; the sweep before it stays. */
  cancelLoad(): void;
  generate(form: HTMLFormElement): void;
}

function progressBar(s: PageState, act: ViewActions): TemplateResult | typeof nothing {
  const t = s.task;
  if (!t) return nothing;
  return html`<div id="progress" class="progress" role="status">
    ${t.total > 0 ? html`<progress max=${t.total} .value=${Math.min(t.done, t.total)}></progress>` : html`<progress></progress>`}
    <span id="progress-label">${t.label}</span>
    ${t.cancellable ? html`<button id="load-cancel" type="button" @click=${() => act.cancelLoad()}>Cancel</button>` : nothing}
  </div>`;
}

/** Opening a file (picker or drop) and generating a synthetic sweep in a dialog. */
function loadTools(s: PageState, act: ViewActions): TemplateResult {
  const dialog = (e: Event): HTMLDialogElement | null => (e.currentTarget as Element).ownerDocument.querySelector('#generate-dialog');
  return html`<div id="load" class="load" role="toolbar" aria-label="Load a sweep">
      <label class="button" title="Open a sweep: CSV, TSV, JSON, Arrow or Parquet, plain or gzip/zstd-compressed (or drop one onto the page)"
        >Open file…<input
          id="file-input"
          type="file"
          @change=${(e: Event) => {
            const input = e.currentTarget as HTMLInputElement;
            const file = input.files?.[0];
            if (file) act.openFile(file);
            input.value = '';
          }}
      /></label>
      <button id="generate-open" type="button" @click=${(e: Event) => dialog(e)?.showModal()}>
        Generate…
      </button>
    </div>
    <dialog id="generate-dialog" aria-labelledby="generate-title">
      <form
        id="generate-form"
        novalidate
        @submit=${(e: Event) => {
          e.preventDefault();
          const form = e.currentTarget as HTMLFormElement;
          form.closest('dialog')?.close();
          act.generate(form);
        }}
      >
        <h2 id="generate-title">Generate a synthetic sweep</h2>
        <p class="note">The planted model of data/README.md: the same rows and seed give the same sweep everywhere.</p>
        <label>Trainings <input type="number" name="rows" min="1" step="1" required .value=${s.generate.rows} size="10" /></label>
        <label>Seed <input type="number" name="seed" min="0" step="1" .value=${s.generate.seed} size="6" /></label>
        <div class="actions">
          <button type="button" @click=${(e: Event) => (e.currentTarget as Element).closest('dialog')?.close()}>Cancel</button>
          <button type="submit" class="primary">Generate</button>
        </div>
      </form>
    </dialog>`;
}

export function pageView(s: PageState, act: ViewActions): TemplateResult {
  const r = s.result;
  const x = s.explorer;
  return html`<header class="top">
      <div class="title">
        <h1>sweepscope</h1>
        <p class="sub">
          ${s.sweep
            ? html`<span id="sweep-name">${s.sweep.name}</span>: <b id="row-count">${fmtInt(s.sweep.rows)}</b> trainings`
            : html`<span id="sweep-name">No sweep loaded yet</span>`}
        </p>
      </div>
      ${progressBar(s, act)} ${loadTools(s, act)}
    </header>
    <sweep-status
      class="area-status"
      .engine=${s.engine}
      .notice=${s.engineNotice}
      .isolated=${s.isolated}
      .rows=${s.sweep?.rows ?? 0}
      .detail=${s.sweep?.detail ?? ''}
      .lastMs=${r?.totalMs ?? null}
      .busy=${s.busy}
    ></sweep-status>
    <div id="load-error" class="error" role="alert" ?hidden=${s.loadError === null}>${s.loadError ?? ''}</div>
    <div id="error" class="error" role="alert" ?hidden=${s.error === null}>${s.error ?? ''}</div>
    ${r
      ? html`<main id="explorer" class="explorer" data-busy=${String(s.busy)}>
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
