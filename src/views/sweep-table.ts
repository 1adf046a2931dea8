/**
 * `<sweep-table>`: the selected trainings, sorted by the metric (top first,
 * ties by row index), one column per parameter and metric.
 *
 * Millions of rows: the selection and its order are computed here, row by row
 * with the engine's semantics (selection.ts), in slices of a few milliseconds
 * with a progress line (a stable radix sort, so ordering 10M rows never blocks
 * the page). The body is virtualized: a spacer as tall as all the rows (scaled
 * down past browsers' element height limits) and only the rows in view in the
 * DOM. "Export CSV" writes every selected row, in table order, in chunks with
 * progress, and hands the file to the browser (export.ts `download`).
 */

import { css, html, nothing, type PropertyValues } from 'lit';
import { SizeController, toolbarStyles, viewTheme } from './theme.js';
import type { AggregateJson } from '../engine/output.js';
import { MISSING_LABEL, formatNumber } from '../model/binning.js';
import type { Sweep } from '../model/sweep.js';
import { download } from './export.js';
import {
  AbortedError,
  compileSelection,
  drive,
  groupStats,
  metricIndex,
  selectedRowsSteps,
  sortByMetricSteps,
  toCsv,
  yieldToMain,
} from './selection.js';
import { RestartableJob, type JobSignal, DeferredView } from './job.js';
import { DEFAULT_VIEW_STATE, type ViewState } from './view-state.js';

/** Height of a body row in px. */
export const ROW_HEIGHT = 24;
/** Tallest spacer: beyond it, scroll positions map onto rows proportionally (Chromium caps elements near 33M px, Firefox near 17M). */
const MAX_SPACER_PX = 8_000_000;
/** Rows rendered beyond the visible ones, above and below. */
const OVERSCAN = 4;

interface Column {
  key: string;
  title: string;
  width: number;
  align: 'left' | 'right';
  cell: (row: number) => string;
  sort?: boolean;
}

/** A metric or numeric value for a cell: 5 significant digits; missing as an en dash. */
export function formatCell(v: number): string {
  if (v !== v) return '–';
  return formatNumber(v, 5);
}

export class SweepTable extends DeferredView {
  static override properties = {
    sweep: { attribute: false },
    state: { attribute: false },
    result: { attribute: false },
    _scrollTop: { state: true },
    _viewport: { state: true },
    _progress: { state: true },
    _exporting: { state: true },
  };

  /** The trainings (null: nothing yet). */
  declare sweep: Sweep | null;
  /** The view state: metric, normalize, range and where are read. */
  declare state: ViewState;
  /** The current aggregates (for the baseline count in the status line). */
  declare result: AggregateJson | null;
  declare _scrollTop: number;
  declare _viewport: number;
  declare _progress: string;
  declare _exporting: string;

  /** Selected rows in table order, once computed for the current inputs. */
  private sorted: Uint32Array | null = null;
  private sortedKey = '';
  private sortedMetric = 0;
  private error: string | null = null;
  /** Selecting and sorting millions of rows takes longer than a frame: it starts once the state has held for 120 ms. */
  private readonly job = new RestartableJob(this, (signal) => this.compute(signal), 120);
  private readonly size = new SizeController(this, () => this.measure());
  /** Time of the last selection + sort, ms. */
  lastComputeMs = 0;

  constructor() {
    super();
    this.sweep = null;
    this.state = DEFAULT_VIEW_STATE;
    this.result = null;
    this._scrollTop = 0;
    this._viewport = 400;
    this._progress = '';
    this._exporting = '';
  }

  static override styles = [
    viewTheme,
    toolbarStyles,
    css`
    :host {
      min-width: 0;
      height: 420px;
    }
    .wrap {
      display: flex;
      flex-direction: column;
      height: 100%;
    }
    .count {
      margin-right: auto;
    }
    .progress {
      color: var(--sweep-accent);
      font-variant-numeric: tabular-nums;
    }
    button {
      font-size: 12px;
      padding: 1px 8px;
    }
    .scroller {
      flex: 1;
      overflow: auto;
      position: relative;
      border: 1px solid var(--sweep-grid);
      background: var(--sweep-bg);
      font-variant-numeric: tabular-nums;
      font-size: 12px;
    }
    .header {
      position: sticky;
      top: 0;
      z-index: 1;
      display: grid;
      background: var(--sweep-bg);
      border-bottom: 1px solid var(--sweep-muted);
      font-weight: 600;
    }
    .header > div,
    .row > div {
      padding: 0 6px;
      white-space: nowrap;
      overflow: hidden;
      text-overflow: ellipsis;
      line-height: ${ROW_HEIGHT}px;
      height: ${ROW_HEIGHT}px;
    }
    .header .sort {
      color: var(--sweep-accent);
    }
    .spacer {
      position: relative;
    }
    .rows {
      position: absolute;
      left: 0;
    }
    .row {
      display: grid;
      height: ${ROW_HEIGHT}px;
      border-bottom: 1px solid var(--sweep-grid);
      box-sizing: border-box;
    }
    .row:nth-child(even) {
      background: var(--sweep-stripe);
    }
    .right {
      text-align: right;
    }
    .muted {
      color: var(--sweep-muted);
    }
    .empty {
      padding: 12px;
      color: var(--sweep-muted);
    }
  `,
  ];

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.job.abort();
  }

  private get scroller(): HTMLElement | null {
    return this.renderRoot.querySelector('.scroller');
  }

  private measure(): void {
    const s = this.scroller;
    if (!s) return;
    const h = Math.max(0, s.clientHeight - ROW_HEIGHT);
    if (h !== this._viewport) this._viewport = h;
  }

  override firstUpdated(): void {
    // (observing reports the first size too)
    this.size.observe(this.scroller);
  }

  override updated(changed: PropertyValues<this>): void {
    if (changed.has('sweep') || changed.has('state')) this.schedule();
  }

  /** Resolves once the rows for the current inputs are selected, sorted and rendered. */
  whenIdle(): Promise<void> {
    return this.job.whenIdle();
  }

  private schedule(): void {
    this.job.schedule();
  }

  private inputKey(): string {
    const s = this.state;
    return JSON.stringify([s.metric ?? null, s.normalize, s.range, s.where]);
  }

  private async compute(signal: JobSignal): Promise<void> {
    const sweep = this.sweep;
    const key = this.inputKey();
    if (!sweep) {
      this.sorted = null;
      this.sortedKey = '';
      this.requestUpdate();
      return;
    }
    if (this.sorted && this.sortedKey === key && this.sortedSweep === sweep) return;
    try {
      this.error = null;
      const t0 = performance.now();
      const m = metricIndex(sweep, this.state);
      this._progress = 'statistics…';
      const stats = await groupStats(sweep, m);
      if (signal.aborted) return;
      const sel = compileSelection(sweep, this.state, stats);
      const rows = await drive(selectedRowsSteps(sel), {
        signal,
        onProgress: (f) => this.progress(`selecting ${Math.round(f * 100)}%`),
      });
      const sorted = await drive(sortByMetricSteps(sweep, m, rows), {
        signal,
        onProgress: (f) => this.progress(`sorting ${Math.round(f * 100)}%`),
      });
      this.sorted = sorted;
      this.sortedKey = key;
      this.sortedSweep = sweep;
      this.sortedMetric = m;
      this.lastComputeMs = performance.now() - t0;
      this.columns = this.makeColumns(sweep, m);
      // a new selection starts at the top
      const s = this.scroller;
      if (s) s.scrollTop = 0;
      this._scrollTop = 0;
    } catch (e) {
      if (e instanceof AbortedError) return;
      this.error = e instanceof Error ? e.message : String(e);
      this.sorted = null;
    } finally {
      this._progress = '';
    }
    this.requestUpdate();
  }

  private sortedSweep: Sweep | null = null;
  private columns: Column[] = [];
  private lastProgress = 0;

  private progress(text: string): void {
    const t = performance.now();
    if (t - this.lastProgress < 50) return;
    this.lastProgress = t;
    this._progress = text;
  }

  private makeColumns(sweep: Sweep, m: number): Column[] {
    const cols: Column[] = [
      { key: '#', title: '#', width: 76, align: 'right', cell: () => '' },
      { key: 'row', title: 'row', width: 84, align: 'right', cell: (r) => String(r) },
    ];
    const metricOrder = [m, ...sweep.metrics.map((_, i) => i).filter((i) => i !== m)];
    for (const i of metricOrder) {
      const values = sweep.metrics[i].values;
      cols.push({
        key: sweep.metrics[i].name,
        title: sweep.metrics[i].name,
        width: Math.max(90, sweep.metrics[i].name.length * 7.5 + 24),
        align: 'right',
        cell: (r) => formatCell(values[r]),
        sort: i === m,
      });
    }
    for (const p of sweep.params) {
      const longest = Math.max(p.name.length, ...p.labels.slice(0, 64).map((l) => l.length));
      if (p.kind === 'numeric' && p.values) {
        const values = p.values;
        cols.push({ key: p.name, title: p.name, width: Math.max(80, p.name.length * 7.5 + 16), align: 'right', cell: (r) => formatCell(values[r]) });
      } else {
        const { labels, codes } = p;
        cols.push({
          key: p.name,
          title: p.name,
          width: Math.min(200, Math.max(64, longest * 7 + 16)),
          align: 'left',
          cell: (r) => (labels[codes[r]] === MISSING_LABEL ? '–' : labels[codes[r]]),
        });
      }
    }
    return cols;
  }

  /** Selected trainings, or null while they are being computed. */
  get selectedCount(): number | null {
    return this.sorted ? this.sorted.length : null;
  }

  /** The row indices at ranks [offset, offset + k) of the table (after whenIdle). */
  rowsAt(offset: number, k: number): number[] {
    return this.sorted ? Array.from(this.sorted.subarray(offset, offset + k)) : [];
  }

  // ---- virtual scrolling

  private spacerHeight(count: number): number {
    return Math.min(count * ROW_HEIGHT, MAX_SPACER_PX);
  }

  /** The (fractional) rank at the top of the view for a scroll position. */
  private rankAt(scrollTop: number, count: number): number {
    const total = count * ROW_HEIGHT;
    const spacer = this.spacerHeight(count);
    if (total <= spacer) return scrollTop / ROW_HEIGHT;
    const visible = this._viewport / ROW_HEIGHT;
    const scrollable = Math.max(1, spacer - this._viewport);
    return (Math.min(scrollTop, scrollable) / scrollable) * Math.max(0, count - visible);
  }

  /** Scrolls so that `rank` is the first row in view. */
  scrollToRank(rank: number): void {
    const s = this.scroller;
    const count = this.sorted?.length ?? 0;
    if (!s || count === 0) return;
    const total = count * ROW_HEIGHT;
    const spacer = this.spacerHeight(count);
    if (total <= spacer) s.scrollTop = rank * ROW_HEIGHT;
    else {
      const visible = this._viewport / ROW_HEIGHT;
      s.scrollTop = (rank / Math.max(1, count - visible)) * Math.max(1, spacer - this._viewport);
    }
    this._scrollTop = s.scrollTop;
  }

  private onScroll(e: Event): void {
    this._scrollTop = (e.target as HTMLElement).scrollTop;
  }

  // ---- export

  /**
   * Every selected row, in table order, as CSV (all parameters and metrics),
   * written in chunks with yields between them; `onProgress` gets the share done.
   */
  async csvBlob(onProgress?: (fraction: number) => void): Promise<Blob> {
    await this.whenIdle();
    const sweep = this.sweep;
    const rows = this.sorted;
    if (!sweep || !rows) throw new Error(this.error ?? 'no selection to export');
    const parts: string[] = [];
    let done = 0;
    let t0 = performance.now();
    const chunkRows = 4096;
    for (const chunk of toCsv(sweep, rows, chunkRows)) {
      parts.push(chunk);
      if (parts.length > 1) done = Math.min(rows.length, done + chunkRows);
      if (performance.now() - t0 > 8) {
        onProgress?.(rows.length ? done / rows.length : 1);
        await yieldToMain();
        t0 = performance.now();
      }
    }
    onProgress?.(1);
    return new Blob(parts, { type: 'text/csv' });
  }

  /** Offers the selected rows as a CSV download, with progress in the toolbar. */
  async exportCsv(): Promise<void> {
    if (this._exporting) return;
    try {
      this._exporting = 'exporting 0%';
      const blob = await this.csvBlob((f) => (this._exporting = `exporting ${Math.round(f * 100)}%`));
      const metric = this.sweep?.metrics[this.sortedMetric]?.name ?? 'selection';
      download(blob, `selected-by-${metric}.csv`);
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    } finally {
      this._exporting = '';
    }
  }

  // ---- rendering

  override render(): unknown {
    const sweep = this.sweep;
    const rows = this.sorted;
    const fmt = (x: number): string => x.toLocaleString('en-US');
    const count = rows?.length ?? 0;
    const cols = sweep && rows ? this.columns : [];
    const template = cols.map((c) => `${Math.round(c.width)}px`).join(' ');
    const totalWidth = cols.reduce((s, c) => s + Math.round(c.width), 0);
    const rank = rows ? this.rankAt(this._scrollTop, count) : 0;
    const first = Math.max(0, Math.floor(rank) - OVERSCAN);
    const last = Math.min(count, Math.ceil(rank + this._viewport / ROW_HEIGHT) + OVERSCAN);
    const top = this._scrollTop - (rank - first) * ROW_HEIGHT;
    const metricName = sweep && rows ? sweep.metrics[this.sortedMetric].name : '';
    const res = this.result;
    const body = [];
    if (rows)
      for (let k = first; k < last; k++) {
        const r = rows[k];
        body.push(html`<div class="row" data-rank=${k} data-row=${r} style="grid-template-columns:${template}">
          ${cols.map((c) =>
            c.key === '#'
              ? html`<div class="right muted">${fmt(k + 1)}</div>`
              : html`<div class=${c.align === 'right' ? 'right' : ''} data-col=${c.key}>${c.cell(r)}</div>`,
          )}
        </div>`);
      }
    return html`<div class="wrap">
      <div class="toolbar">
        <span class="title">Selected trainings</span>
        <span class="count"
          >${rows
            ? `${fmt(count)} selected${res ? ` of ${fmt(res.baseline)} passing the filters` : ''}, by ${metricName} (top first)`
            : sweep
              ? 'computing…'
              : 'no sweep'}</span
        >
        ${this._progress || this._exporting ? html`<span class="progress">${this._exporting || this._progress}</span>` : nothing}
        <button ?disabled=${!rows || count === 0 || this._exporting !== ''} @click=${() => void this.exportCsv()}>Export CSV</button>
      </div>
      ${this.error ? html`<div class="error">${this.error}</div>` : nothing}
      <div class="scroller" @scroll=${(e: Event) => this.onScroll(e)}>
        <div class="header" style="grid-template-columns:${template}; width:${totalWidth}px">
          ${cols.map(
            (c) =>
              html`<div class=${`${c.align === 'right' ? 'right' : ''} ${c.sort ? 'sort' : ''}`} title=${c.title} data-col=${c.key}>
                ${c.title}${c.sort ? ' ▼' : ''}
              </div>`,
          )}
        </div>
        ${rows && count === 0 ? html`<div class="empty">No training is selected.</div>` : nothing}
        <div class="spacer" style="height:${this.spacerHeight(count)}px; width:${totalWidth}px">
          <div class="rows" style="top:${top}px; width:${totalWidth}px">${body}</div>
        </div>
      </div>
    </div>`;
  }
}

customElements.define('sweep-table', SweepTable);

declare global {
  interface HTMLElementTagNameMap {
    'sweep-table': SweepTable;
  }
}
