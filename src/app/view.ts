/**
 * The page's HTML: lit templates over plain state. The aggregates are shown by
 * the linked views of src/views (custom elements, registered by views.ts),
 * which get the explorer state and the latest Answer as properties.
 */

import { html, nothing, type TemplateResult } from 'lit';
import type { Answer } from '../engine/answer.js';
import type { EngineInfo } from '../engine/types.js';
import type { QueryResult } from '../engine/session.js';
import type { ShownRows } from '../views/shared/row-events.js';
import type { ColumnInfo, ColumnRole, Sweep } from '../model/sweep.js';
import type { ViewState as ExplorerState } from '../views/shared/view-state.js';
import { fmtInt } from '../views/shared/format.js';
import { isCollapsed, type DashboardLayout, type PanelId, type SizeKey } from './layout.js';
import { collapsedPanel, splitter, type SplitterButton } from './splitter.js';
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
  result: { answer: Answer; engineMs: number; totalMs: number } | null;
  /** The rows the coordinator got for the views that draw trainings (their declared needs). */
  rows: { readonly table: ShownRows<QueryResult> | null; readonly parallel: ShownRows<QueryResult> | null };
  /** A file is dragged over the page. */
  dragging: boolean;
  /** How the file's columns were read (null for a generated sweep): the Columns dialog. */
  columns: readonly ColumnInfo[] | null;
  /** Replicates are combined into one row per configuration. */
  combineReplicates: boolean;
  /** Panel sizes and collapsed panels of the dashboard (the address's `layout=`). */
  layout: DashboardLayout;
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
  /** A border of the dashboard was dragged: one size of the layout (clamped by the page). */
  resize(key: SizeKey, value: number): void;
  collapse(panel: PanelId, on: boolean): void;
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

/** The dashboard: the filters beside the histogram over the matrix and the trellis, filling the window; the lower band below. */
function dashboard(s: PageState, act: ViewActions, r: NonNullable<PageState['result']>): TemplateResult {
  const x = s.explorer;
  const L = s.layout;
  const hidden = (p: PanelId): boolean => isCollapsed(L, p);
  const collapse = (p: PanelId, title: string, glyph: string): SplitterButton => ({
    glyph,
    label: `Collapse the ${title}`,
    onClick: () => act.collapse(p, true),
  });
  const expand = (p: PanelId, title: string, rail = false): TemplateResult => collapsedPanel(p, title, rail, () => act.collapse(p, false));
  const pairBoth = !hidden('matrix') && !hidden('trellis');
  const pairNone = hidden('matrix') && hidden('trellis');
  const vars = `--filters-w:${L.filtersWidth}px;--hist-h:${L.histogramHeight}px;--matrix-share:${L.matrixShare};--parallel-h:${L.parallelHeight}px;--table-h:${L.tableHeight}px`;
  const px = (start: number, d: number): number => start + d;
  return html`<main
    id="explorer"
    class="dashboard${hidden('filters') ? ' no-filters' : ''}${hidden('histogram') ? ' no-histogram' : ''}${pairNone ? ' no-pair' : ''}"
    data-busy=${String(s.busy)}
    style=${vars}
  >
    ${hidden('filters')
      ? expand('filters', 'Filters', true)
      : html`<aside class="area-filters panel" data-panel="filters"><sweep-filters .state=${x} .result=${r.answer}></sweep-filters></aside>`}
    ${splitter({
      name: 'filters',
      orientation: 'vertical',
      label: 'Width of the filters',
      value: L.filtersWidth,
      toSize: px,
      onResize: (v) => act.resize('filtersWidth', v),
      fixed: hidden('filters'),
      buttons: hidden('filters') ? [] : [collapse('filters', 'filters', '‹')],
    })}
    <div class="first-views">
      ${hidden('histogram')
        ? expand('histogram', 'Histogram')
        : html`<div class="panel panel-histogram" data-panel="histogram">
            <sweep-histogram class="view-histogram" .state=${x} .result=${r.answer}></sweep-histogram>
          </div>`}
      ${splitter({
        name: 'histogram',
        orientation: 'horizontal',
        label: 'Height of the histogram',
        value: L.histogramHeight,
        toSize: px,
        onResize: (v) => act.resize('histogramHeight', v),
        fixed: hidden('histogram') || pairNone,
        buttons: hidden('histogram') ? [] : [collapse('histogram', 'histogram', '▴')],
      })}
      <div class="pair${pairBoth ? '' : hidden('matrix') ? ' no-matrix' : ' no-trellis'}">
        ${hidden('matrix')
          ? expand('matrix', 'Option pairs', !pairNone)
          : html`<div class="panel panel-matrix" data-panel="matrix">
              <sweep-matrix class="view-matrix" .state=${x} .result=${r.answer}></sweep-matrix>
            </div>`}
        ${splitter({
          name: 'matrix',
          orientation: 'vertical',
          label: 'Width of the option-pair matrix beside the trellis',
          value: L.matrixShare,
          toSize: (start, d, el) => start + d / Math.max(1, el.parentElement?.clientWidth ?? 1),
          onResize: (v) => act.resize('matrixShare', v),
          fixed: !pairBoth,
          buttons: [
            ...(hidden('matrix') ? [] : [collapse('matrix', 'option-pair matrix', '◂')]),
            ...(hidden('trellis') ? [] : [collapse('trellis', 'trellis', '▸')]),
          ],
        })}
        ${hidden('trellis')
          ? expand('trellis', 'Trellis', !pairNone)
          : html`<div class="panel panel-trellis" data-panel="trellis">
              <sweep-trellis class="view-trellis" .state=${x} .result=${r.answer}></sweep-trellis>
            </div>`}
      </div>
    </div>
    <div class="lower-band">
      ${hidden('parallel')
        ? expand('parallel', 'Parallel coordinates')
        : html`<div class="panel panel-parallel" data-panel="parallel">
            <sweep-parallel class="view-parallel" .sweep=${s.data} .state=${x} .result=${r.answer} .rows=${s.rows.parallel}></sweep-parallel>
          </div>`}
      ${splitter({
        name: 'parallel',
        orientation: 'horizontal',
        label: 'Height of the parallel coordinates',
        value: L.parallelHeight,
        toSize: px,
        onResize: (v) => act.resize('parallelHeight', v),
        fixed: hidden('parallel'),
        buttons: hidden('parallel') ? [] : [collapse('parallel', 'parallel coordinates', '▴')],
      })}
      ${hidden('table')
        ? expand('table', 'Selected trainings')
        : html`<div class="panel panel-table" data-panel="table">
            <sweep-table class="view-table" .sweep=${s.data} .state=${x} .result=${r.answer} .rows=${s.rows.table}></sweep-table>
          </div>`}
      ${splitter({
        name: 'table',
        orientation: 'horizontal',
        label: 'Height of the table',
        value: L.tableHeight,
        toSize: px,
        onResize: (v) => act.resize('tableHeight', v),
        fixed: hidden('table'),
        buttons: hidden('table') ? [] : [collapse('table', 'table', '▴')],
      })}
    </div>
  </main>`;
}

export function pageView(s: PageState, act: ViewActions): TemplateResult {
  const r = s.result;
  return html`<div class="page-top">
      <header class="top">
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
    </div>
    ${r ? dashboard(s, act, r) : nothing}
    <div id="drop-overlay" class="drop-overlay" ?hidden=${!s.dragging}>Drop a .csv or .arrow sweep to load it</div>`;
}
