/**
 * The page's HTML: lit templates over plain state. The aggregates are shown by
 * the linked views of src/views (custom elements, registered by views.ts),
 * which get the explorer state and the latest AggregateJson as properties.
 */

import { html, nothing, type TemplateResult } from 'lit';
import type { AggregateJson } from '../engine/output.js';
import type { EngineInfo } from '../engine/types.js';
import type { ColumnInfo, ColumnRole, Sweep } from '../model/sweep.js';
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
  /** How the file's columns were read (null for a generated sweep): the Columns dialog. */
  columns: readonly ColumnInfo[] | null;
  /** Replicates are combined into one row per configuration. */
  combineReplicates: boolean;
}

export interface ViewActions {
  openFile(file: File): void;
  /** Stops the file being read; the sweep before it stays. */
  cancelLoad(): void;
  /** Gives a column of the file another role (the file is read again with it). */
  setRole(column: string, role: ColumnRole): void;
  /** Combines the replicates of each configuration into one row, or not. */
  setCombineReplicates(on: boolean): void;
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
      <button
        id="columns-open"
        type="button"
        ?disabled=${s.columns === null}
        title=${s.columns === null ? 'The columns of a file: open one first' : "The roles of the file's columns: parameter, metric, group, replicate or ignored"}
        @click=${(e: Event) => (e.currentTarget as Element).ownerDocument.querySelector<HTMLDialogElement>('#columns-dialog')?.showModal()}
      >
        Columns…
      </button>
    </div>
    ${columnsDialog(s, act)}
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

const ROLES: readonly ColumnRole[] = ['parameter', 'metric', 'group', 'replicate', 'ignored'];

/** The file's columns with their roles; changing one reads the file again. */
function columnsDialog(s: PageState, act: ViewActions): TemplateResult {
  const cols = s.columns ?? [];
  const hasReplicate = cols.some((c) => c.role === 'replicate');
  return html`<dialog id="columns-dialog" class="columns-dialog" aria-labelledby="columns-title">
    <h2 id="columns-title">Columns of ${s.sweep?.name ?? 'the file'}</h2>
    <p class="note">
      Every column plays one role. The roles were inferred from the names and the values; change one and the file is
      read again with it (the address keeps your choices).
    </p>
    <div class="columns-scroll">
      <table id="columns-table">
        <thead>
          <tr><th scope="col">Column</th><th scope="col">Role</th><th scope="col">Why</th><th scope="col" class="num">Distinct</th></tr>
        </thead>
        <tbody>
          ${cols.map(
            (c) => html`<tr data-column=${c.name}>
              <th scope="row" title=${c.source ? `${c.source} in the file` : c.name}>${c.name}${c.source ? html`<span class="source">${c.source}</span>` : nothing}</th>
              <td>
                <select
                  aria-label=${`Role of ${c.name}`}
                  ?disabled=${s.task !== null}
                  @change=${(e: Event) => act.setRole(c.name, (e.currentTarget as HTMLSelectElement).value as ColumnRole)}
                >
                  ${ROLES.map((r) => html`<option value=${r} ?selected=${r === c.role}>${r}</option>`)}
                </select>
              </td>
              <td class="reason">${c.reason}</td>
              <td class="num">${fmtInt(c.distinct)}</td>
            </tr>`,
          )}
        </tbody>
      </table>
    </div>
    <label class="combine" title=${hasReplicate ? '' : 'Give a column (seed, run) the role replicate first'}>
      <input
        id="combine-replicates"
        type="checkbox"
        .checked=${s.combineReplicates}
        ?disabled=${!hasReplicate || s.task !== null}
        @change=${(e: Event) => act.setCombineReplicates((e.currentTarget as HTMLInputElement).checked)}
      />
      Combine replicates: one row per configuration, the mean of the metric over its replicates (count and standard
      deviation in the table)
    </label>
    <div class="actions">
      <button type="button" @click=${(e: Event) => (e.currentTarget as Element).closest('dialog')?.close()}>Close</button>
    </div>
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
