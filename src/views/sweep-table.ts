/**
 * `<sweep-table>`: the selected trainings in an order (by default the
 * query's metric, best first; a click on a column header orders by that
 * column, a second click reverses it), one column per parameter and metric.
 *
 * The view never selects or sorts rows itself: it declares the page it needs
 * (`rows-need`: the order and the ranks in view) and draws the rows the
 * coordinator hands it (`rows`: file row ids from the engine), with labels
 * and values read from the loaded sweep by id. The body is virtualized: a
 * spacer as tall as all the rows (scaled down past browsers' element height
 * limits) and only the rows in view in the DOM; scrolling past the page it
 * holds declares the page around the new place. "Export CSV" asks the engine
 * for every selected row in table order, a chunk at a time (`rows-request`,
 * after the previous chunk's last row), with progress, and hands the file to
 * the browser the way every view exports (shared/export.ts `exportFile`: a
 * failure is said on the page).
 */

import { css, html, nothing, type PropertyValues } from 'lit';
import { SizeController, toolbarStyles, viewTheme } from './shared/theme.js';
import type { Answer } from '../engine/answer.js';
import type { QueryResult } from '../engine/session.js';
import type { RowCursor, RowNeed, RowSortBy } from '../engine/types.js';
import { MISSING_LABEL, formatNumber } from '../model/binning.js';
import type { Sweep } from '../model/sweep.js';
import { toCsv } from './csv-rows.js';
import { valuesOf } from '../engine/row-values.js';
import { emptyNotice, emptyStyles } from './shared/empty.js';
import { exportFile } from './shared/export.js';
import { textWidth } from './shared/measure.js';
import { DeferredView } from './shared/job.js';
import { DeclaredNeed, requestRows, selectionKey, type ShownRows } from './shared/row-events.js';
import { yieldToMain } from './shared/tasks.js';
import { DEFAULT_VIEW_STATE, specOf, type ViewState } from './shared/view-state.js';

/** Height of a body row in px. */
export const ROW_HEIGHT = 24;
/** Tallest spacer: beyond it, scroll positions map onto rows proportionally (Chromium caps elements near 33M px, Firefox near 17M). */
const MAX_SPACER_PX = 8_000_000;
/** Rows rendered beyond the visible ones, above and below. */
const OVERSCAN = 4;
/** Pages start at multiples of this many ranks and hold at least WINDOW rows: a scroll of a few rows asks for nothing. */
const PAGE_STEP = 64;
const WINDOW = 320;
/** Rows the export asks for at a time. */
const EXPORT_CHUNK = 1 << 20;

interface Column {
  key: string;
  title: string;
  width: number;
  align: 'left' | 'right';
  cell: (row: number) => string;
  /** What a click on the header orders by (absent: not sortable). */
  sortBy?: RowSortBy;
}

/** The order the table shows: a column (null: the query's metric) and its direction. */
interface TableSort {
  readonly by: RowSortBy | null;
  readonly descending: boolean;
}

const DEFAULT_SORT: TableSort = { by: null, descending: true };

/** A metric or numeric value for a cell: 5 significant digits; missing as an en dash. */
function formatCell(v: number): string {
  if (v !== v) return '–';
  return formatNumber(v, 5);
}

const sameSortBy = (a: RowSortBy | null | undefined, b: RowSortBy | null | undefined): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** A column's width for its header: the name in the header's bold 12 px, the sort arrow and padding. */
function headWidth(name: string): number {
  return textWidth(name, 12, 600) + 28;
}

export class SweepTable extends DeferredView {
  static override properties = {
    sweep: { attribute: false },
    state: { attribute: false },
    result: { attribute: false },
    rows: { attribute: false },
    _scrollTop: { state: true },
    _viewport: { state: true },
    _exporting: { state: true },
    _sort: { state: true },
  };

  /** The trainings (null: nothing yet): labels and values by row id. */
  declare sweep: Sweep | null;
  /** The view state: its metric names the default order; a change of the selection scrolls to the top. */
  declare state: ViewState;
  /** The current aggregates (counts, and whether anything is selected). */
  declare result: Answer | null;
  /** The page the coordinator got for this view's need, with the answer of its query. */
  declare rows: ShownRows<QueryResult> | null;
  declare _scrollTop: number;
  declare _viewport: number;
  declare _exporting: string;
  declare _sort: TableSort;

  private error: string | null = null;
  private readonly size = new SizeController(this, () => this.measure());
  /** The ranks of the page declared last, and the need. */
  private window = { offset: 0, limit: WINDOW };
  private readonly need = new DeclaredNeed('table');
  /** The selection the scroll position belongs to. */
  private shownSelection = '';
  private idleWaiters: (() => void)[] = [];

  constructor() {
    super();
    this.sweep = null;
    this.state = DEFAULT_VIEW_STATE;
    this.result = null;
    this.rows = null;
    this._scrollTop = 0;
    this._viewport = 400;
    this._exporting = '';
    this._sort = DEFAULT_SORT;
  }

  static override styles = [
    viewTheme,
    toolbarStyles,
    emptyStyles,
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
    .header > div[data-sortable] {
      cursor: pointer;
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

  override willUpdate(changed: PropertyValues<this>): void {
    // a new sweep: its columns may not be there; back to the default order
    if (changed.has('sweep') && changed.get('sweep') !== undefined) this._sort = DEFAULT_SORT;
    // a new selection starts at the top
    const sel = selectionKey(specOf(this.state));
    if (sel !== this.shownSelection) {
      if (this.shownSelection !== '') this.toTop();
      this.shownSelection = sel;
    }
  }

  override updated(changed: PropertyValues<this>): void {
    this.declareNeed();
    if (changed.has('rows')) {
      const r = this.rows;
      this.error = r?.error ?? null;
      for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  private toTop(): void {
    const s = this.scroller;
    if (s) s.scrollTop = 0;
    this._scrollTop = 0;
  }

  /** The page around the ranks in view, in the current order. */
  private declareNeed(): void {
    const count = this.count;
    const rank = this.rankAt(this._scrollTop, count);
    const first = Math.max(0, Math.floor(rank) - OVERSCAN);
    const last = Math.ceil(rank + this._viewport / ROW_HEIGHT) + OVERSCAN;
    let { offset, limit } = this.window;
    if (first < offset || last > offset + limit) {
      offset = Math.max(0, Math.floor((first - PAGE_STEP) / PAGE_STEP) * PAGE_STEP);
      limit = Math.max(WINDOW, Math.ceil((last - offset) / PAGE_STEP + 1) * PAGE_STEP);
      this.window = { offset, limit };
    }
    this.need.declare(this, this.needFor(offset, limit));
  }

  private needFor(offset: number, limit: number): RowNeed {
    const { by, descending } = this._sort;
    return by ? { kind: 'page', sortBy: by, descending, offset, limit } : { kind: 'page', descending, offset, limit };
  }

  /** The page handed over, when it answers this view's need for the state's selection. */
  private get current(): ShownRows<QueryResult> | null {
    return this.need.answers(this.rows, specOf(this.state)) ? this.rows : null;
  }

  /** Selected trainings of the rows' query (else of the current aggregates). */
  private get count(): number {
    return this.rows?.result.raw.selected ?? this.result?.selected ?? 0;
  }

  /** Resolves once the rows for the current state, order and scroll are handed over and rendered. */
  async whenIdle(): Promise<void> {
    for (;;) {
      await this.updateComplete;
      if (!this.sweep || this.current) return;
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    }
  }

  /** Selected trainings, or null until the rows of the current state are here. */
  get selectedCount(): number | null {
    return this.current ? this.count : null;
  }

  /** A header click: order by that column (metrics best first, parameters by option), again: the other way. */
  private sortBy(by: RowSortBy): void {
    const metric = this.rows?.result.query.metric ?? 0;
    const shownBy = this._sort.by ?? (this.sweep ? { metric: this.sweep.metrics[metric]?.name ?? '' } : null);
    const descending = sameSortBy(shownBy, by) ? !this._sort.descending : 'metric' in by;
    this._sort = { by, descending };
    this.toTop();
  }

  /** The name of the column the rows are ordered by. */
  private sortName(): string {
    const by = this._sort.by;
    if (by) return 'metric' in by ? by.metric : by.param;
    const m = this.rows?.result.query.metric ?? 0;
    return this.sweep?.metrics[m]?.name ?? '';
  }

  private columnsFor(sweep: Sweep, m: number): Column[] {
    if (this.columnsOf?.sweep === sweep && this.columnsOf.metric === m) return this.columnsOf.columns;
    const cols: Column[] = [
      { key: '#', title: '#', width: 76, align: 'right', cell: () => '' },
      { key: 'row', title: 'row', width: 84, align: 'right', cell: (r) => String(r) },
    ];
    const read = valuesOf(sweep);
    const metricOrder = [m, ...sweep.metrics.map((_, i) => i).filter((i) => i !== m)];
    for (const i of metricOrder) {
      const name = sweep.metrics[i].name;
      cols.push({
        key: name,
        title: name,
        width: Math.max(90, headWidth(name)),
        align: 'right',
        cell: (r) => formatCell(read.metric(i, r)),
        sortBy: { metric: name },
      });
    }
    for (const [pi, p] of sweep.params.entries()) {
      if (read.hasNumbers(pi)) {
        cols.push({
          key: p.name,
          title: p.name,
          width: Math.max(80, headWidth(p.name)),
          align: 'right',
          cell: (r) => formatCell(read.numeric(pi, r)),
          sortBy: { param: p.name },
        });
      } else {
        const { labels } = p;
        cols.push({
          key: p.name,
          title: p.name,
          // The header and the widest of the first labels, measured in the table's font; very long labels are cut.
          width: Math.min(220, Math.max(64, headWidth(p.name), ...p.labels.slice(0, 64).map((l) => textWidth(l, 12) + 16))),
          align: 'left',
          cell: (r) => {
            const label = labels[read.code(pi, r)];
            return label === MISSING_LABEL ? '–' : label;
          },
          sortBy: { param: p.name },
        });
      }
    }
    this.columnsOf = { sweep, metric: m, columns: cols };
    return cols;
  }

  private columnsOf: { sweep: Sweep; metric: number; columns: Column[] } | null = null;

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

  private onScroll(e: Event): void {
    this._scrollTop = (e.target as HTMLElement).scrollTop;
  }

  // ---- export

  /**
   * Every selected row of the shown query, in table order, as CSV (all
   * parameters and metrics): asked of the engine a chunk at a time, each
   * after the last row of the one before, written with yields between
   * chunks; `onProgress` gets the share done.
   */
  async csvBlob(onProgress?: (fraction: number) => void): Promise<Blob> {
    await this.whenIdle();
    const sweep = this.sweep;
    const shown = this.current;
    if (!sweep || !shown) throw new Error(this.error ?? 'no selection to export');
    const total = shown.result.raw.selected;
    const { by, descending } = this._sort;
    const parts: string[] = [];
    let done = 0;
    let after: RowCursor | null = null;
    for (;;) {
      const a = await requestRows(this, { kind: 'page', spec: shown.spec, ...(by ? { sortBy: by } : {}), descending, after, limit: EXPORT_CHUNK });
      if (a.kind !== 'page') throw new Error('internal error: the export got no page');
      let t0 = performance.now();
      let k = 0;
      for (const chunk of toCsv(sweep, a.ids, 4096)) {
        // the header line once, from the first chunk
        if (k++ > 0 || parts.length === 0) parts.push(chunk);
        if (performance.now() - t0 > 8) {
          onProgress?.(total ? Math.min(1, (done + (k - 1) * 4096) / total) : 1);
          await yieldToMain();
          t0 = performance.now();
        }
      }
      done += a.ids.length;
      onProgress?.(total ? Math.min(1, done / total) : 1);
      if (a.last === null || a.ids.length < EXPORT_CHUNK) break;
      after = a.last;
    }
    onProgress?.(1);
    return new Blob(parts, { type: 'text/csv' });
  }

  /** Offers the selected rows as a CSV download, with progress in the toolbar. */
  async exportCsv(): Promise<void> {
    if (this._exporting) return;
    this._exporting = 'exporting 0%';
    // exportFile never rejects: a failure is said on the page, and the progress goes either way.
    await exportFile(this, `selected-by-${this.sortName() || 'selection'}.csv`, () =>
      this.csvBlob((f) => (this._exporting = `exporting ${Math.round(f * 100)}%`)),
    );
    this._exporting = '';
  }

  // ---- rendering

  override render(): unknown {
    const sweep = this.sweep;
    const shown = this.rows;
    const page = shown?.answer?.kind === 'page' ? shown.answer : null;
    const fmt = (x: number): string => x.toLocaleString('en-US');
    const count = this.count;
    const metric = shown?.result.query.metric ?? 0;
    const cols = sweep && sweep.metrics.length ? this.columnsFor(sweep, metric) : [];
    const template = cols.map((c) => `${Math.round(c.width)}px`).join(' ');
    const totalWidth = cols.reduce((s, c) => s + Math.round(c.width), 0);
    const rank = this.rankAt(this._scrollTop, count);
    const first = Math.max(0, Math.floor(rank) - OVERSCAN);
    const last = Math.min(count, Math.ceil(rank + this._viewport / ROW_HEIGHT) + OVERSCAN);
    const top = this._scrollTop - (rank - first) * ROW_HEIGHT;
    const res = this.result;
    const sortName = this.sortName();
    const { by, descending } = this._sort;
    const sortKey = (c: Column): boolean => c.sortBy !== undefined && (by ? sameSortBy(by, c.sortBy) : c.key === sortName && 'metric' in c.sortBy);
    const empty = res ? emptyNotice(res, true) : nothing;
    const body = [];
    if (shown && page && empty === nothing)
      for (let k = first; k < last; k++) {
        const at = k - page.offset;
        if (at < 0 || at >= page.ids.length) {
          // not in the page held: drawn once the page around it comes
          body.push(html`<div class="row pending" data-rank=${k} style="grid-template-columns:${template}">
            <div class="right muted">${fmt(k + 1)}</div>
          </div>`);
          continue;
        }
        const r = page.ids[at];
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
          >${shown
            ? `${fmt(count)} selected${res ? ` of ${fmt(res.baseline)} passing the filters` : ''}, by ${sortName} (${descending ? 'top first' : 'lowest first'})`
            : sweep
              ? 'computing…'
              : 'no sweep'}</span
        >
        ${this._exporting ? html`<span class="progress">${this._exporting}</span>` : nothing}
        <button ?disabled=${!shown || count === 0 || this._exporting !== ''} @click=${() => void this.exportCsv()}>Export CSV</button>
      </div>
      ${this.error ? html`<div class="error">${this.error}</div>` : nothing}
      <div class="scroller" @scroll=${(e: Event) => this.onScroll(e)}>
        <div class="header" style="grid-template-columns:${template}; width:${totalWidth}px">
          ${cols.map((c) => {
            const on = sortKey(c);
            return html`<div
              class=${`${c.align === 'right' ? 'right' : ''} ${on ? 'sort' : ''}`}
              title=${c.sortBy ? `${c.title}: click to order by it` : c.title}
              data-col=${c.key}
              ?data-sortable=${c.sortBy !== undefined}
              @click=${() => c.sortBy && this.sortBy(c.sortBy)}
            >
              ${c.title}${on ? (descending ? ' ▼' : ' ▲') : ''}
            </div>`;
          })}
        </div>
        ${empty}
        <div class="spacer" style="height:${empty === nothing ? this.spacerHeight(count) : 0}px; width:${totalWidth}px">
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
