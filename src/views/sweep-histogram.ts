/**
 * `<sweep-histogram>`: the stacked histogram of the metric, one colour per
 * group (the paper's Figure 2), raw or normalized per group, with a brush.
 *
 * Bars show every group's baseline count (rows passing the filters) faded and
 * the part inside the brush (histogram.selected) in full colour over it. The
 * brush is made by dragging on the plot, moved by dragging inside it, resized
 * by dragging its edges, and cleared by a double-click or Escape; from the
 * keyboard the arrow keys move it by one bin and Shift+arrows move its right
 * edge. Every change is a `view-change` event (one per animation frame while
 * dragging, and one on release); the view never queries the engine.
 *
 * The chart draws to the box the page gives the element (its width and
 * height; `plot-height` fixes the chart's height instead), and re-lays out
 * when the box changes. When the filters leave no training, or no training
 * has a value of the metric, a notice with a reset button covers the plot;
 * the brush selecting nothing is no reason for one here, as the bars always
 * show the baseline.
 *
 * Colours are resolved from CSS custom properties into SVG attributes, so the
 * exported SVG and PNG look like what is on screen.
 */

import { LitElement, css, html, nothing, svg, type PropertyValues, type SVGTemplateResult, type TemplateResult } from 'lit';
import { boxHostStyles, ColorSchemeController, FONT_FAMILY, SizeController, toolbarStyles, viewTheme, type ViewTheme as Theme } from './shared/theme.js';
import { fmtInt } from './shared/format.js';
import type { Answer } from '../engine/answer.js';
import { emptiness, emptyNotice, emptyStyles } from './shared/empty.js';
import { exportFile, svgBlob, svgToPng } from './shared/export.js';
import { textWidth } from './shared/measure.js';
import { categorical } from './shared/palette.js';
import { countTicks, niceTicks, stepDecimals } from './shared/scale.js';
import { DEFAULT_VIEW_STATE, viewChange, type ViewState } from './shared/view-state.js';

/** Opacity of the baseline (outside the brush) bars. */
const FADED = 0.28;
/** Pixels on either side of a brush edge that grab the edge. */
const EDGE_GRAB = 6;
/** Pixels a drag must travel before it makes a new brush. */
const DRAG_START = 3;
/** Height of a legend row, and the room above the plot for the brush's label. */
const LEGEND_ROW_H = 18;
const BRUSH_LABEL_H = 16;
/** Below the plot: tick labels, then the axis title. */
const X_AXIS_H = 38;
/** The chart is never drawn lower than this; a smaller box clips it. */
const MIN_CHART_H = 120;

/** The plot's geometry in SVG pixels, and its axis domain. */
interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
  d0: number;
  d1: number;
  bins: number;
  legendRows: LegendItem[][];
}

interface LegendItem {
  label: string;
  colour: string;
  opacity: number;
  group: number;
  width: number;
}

type DragMode = 'anchor' | 'move';

interface Drag {
  mode: DragMode;
  pointerId: number;
  startX: number;
  /** Brush when the drag began. */
  start: [number, number] | null;
  /** 'anchor': the fixed end of the brush; 'move': the value under the pointer at the start. */
  anchor: number;
  /** A new brush (not an edge of the old one): nothing changes until the pointer has travelled DRAG_START px. */
  fresh: boolean;
  moved: boolean;
}

const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

/** Whether any row of stack g passes the filters (a stack without is listed dimmed). */
function hasBaseline(r: Answer, g: number): boolean {
  for (let b = 0; b < r.bins; b++) if (r.histBaseline(g, b) > 0) return true;
  return false;
}

function fmtCount(n: number): string {
  return Math.abs(n) >= 10_000 ? compact.format(n) : fmtInt(n);
}

/** Decimals to show a value on an axis spanning `span`: three significant digits of the span. */
function valueDecimals(span: number): number {
  return span > 0 && Number.isFinite(span) ? Math.max(0, 3 - Math.round(Math.log10(span))) : 3;
}

export class SweepHistogram extends LitElement {
  static override properties = {
    result: { attribute: false },
    state: { attribute: false },
    plotHeight: { type: Number, attribute: 'plot-height' },
    _brush: { state: true },
    _width: { state: true },
    _height: { state: true },
    _cursor: { state: true },
  };

  /** The aggregates to draw (null: nothing yet). */
  declare result: Answer | null;
  /** The view state: `normalize` and `range` are read. */
  declare state: ViewState;
  /** Height of the chart in px; 0: the height the page gives the element, less the toolbar and the hint. */
  declare plotHeight: number;
  /** The brush drawn now: follows `state.range`, and the pointer or keys while they move it. */
  declare _brush: [number, number] | null;
  declare _width: number;
  /** Height of the plot area (the box less the toolbar and the hint). */
  declare _height: number;
  declare _cursor: string;

  private drag: Drag | null = null;
  private raf = 0;
  private lastSent: string | null = null;
  private readonly scheme = new ColorSchemeController(this);
  private readonly size = new SizeController(this, (w, h) => {
    if (w > 0 && w !== this._width) this._width = w;
    if (h !== this._height) this._height = h;
  });
  private frame: Frame | null = null;

  constructor() {
    super();
    this.result = null;
    this.state = DEFAULT_VIEW_STATE;
    this.plotHeight = 0;
    this._brush = null;
    this._width = 0;
    this._height = 0;
    this._cursor = 'crosshair';
  }

  static override styles = [
    viewTheme,
    toolbarStyles,
    emptyStyles,
    boxHostStyles,
    css`
    /* The page gives the element its box; the plot area takes what the toolbar and the hint leave. */
    :host {
      min-height: 180px;
      overflow: hidden;
    }
    .toolbar,
    .hint {
      flex: none;
    }
    .title {
      margin-right: auto;
      min-width: 0;
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    .switch {
      display: inline-flex;
      border: 1px solid var(--sweep-line);
      border-radius: 4px;
      overflow: hidden;
    }
    .switch button {
      border: 0;
      border-radius: 0;
    }
    .switch button + button {
      border-left: 1px solid var(--sweep-line);
    }
    /* Inside the chart's edge: the plot area clips what is outside it. */
    svg:focus-visible {
      outline: 2px solid var(--sweep-accent);
      outline-offset: -2px;
    }
    .exports {
      display: inline-flex;
      gap: 6px;
    }
    .plot-area {
      position: relative;
      flex: 1 1 auto;
      min-height: 0;
      overflow: hidden;
    }
    .plot-area > svg {
      position: absolute;
      left: 0;
      top: 0;
    }
    svg {
      display: block;
      user-select: none;
      -webkit-user-select: none;
      touch-action: none;
      font-variant-numeric: tabular-nums;
    }
    /* One line: cut at the end rather than wrapped, so it never takes the plot's height. */
    .hint {
      color: var(--sweep-muted);
      font-size: 12px;
      margin-top: 2px;
      white-space: nowrap;
      overflow: hidden;
      text-overflow: ellipsis;
    }
    .empty {
      position: absolute;
      inset: 0;
      display: grid;
      place-items: center;
      color: var(--sweep-muted);
      border: 1px dashed var(--sweep-line);
      border-radius: 6px;
    }
    /* The empty notice over the plot, on a veil so that it reads over the grid. */
    .notice {
      position: absolute;
      display: flex;
      align-items: center;
      justify-content: center;
      background: color-mix(in srgb, var(--sweep-bg) 80%, transparent);
    }
    .notice .empty-selection {
      padding: 6px 12px;
      gap: 6px;
    }
  `,
  ];

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    if (this.raf) cancelAnimationFrame(this.raf);
    this.raf = 0;
    this.drag = null;
  }

  protected override firstUpdated(): void {
    this.size.observe(this.renderRoot.querySelector('.plot-area'));
    if (this._width === 0) this._width = Math.floor(this.getBoundingClientRect().width);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    // The state is the truth, except while the pointer owns the brush.
    if (changed.has('state') && !this.drag) {
      const r = this.state?.range ?? null;
      this._brush = r ? [r[0], r[1]] : null;
      this.lastSent = JSON.stringify(this._brush);
    }
  }

  /** The chart's SVG element (for export), or null before the first result is drawn. */
  get plot(): SVGSVGElement | null {
    return this.renderRoot?.querySelector?.('svg.plot') ?? null;
  }

  /** The chart as a standalone SVG file. */
  exportSvg(): Blob {
    const el = this.plot;
    if (!el) throw new Error('there is no histogram to export yet');
    return svgBlob(el);
  }

  /** The chart as a PNG at twice its size, on the chart's background colour. */
  exportPng(scale = 2): Promise<Blob> {
    const el = this.plot;
    if (!el) return Promise.reject(new Error('there is no histogram to export yet'));
    return svgToPng(el, scale, this.scheme.theme.bg);
  }

  // ---- geometry ---------------------------------------------------------

  private layout(result: Answer, theme: Theme): Frame {
    const width = Math.max(240, this._width);
    const height = Math.max(MIN_CHART_H, this.plotHeight > 0 ? this.plotHeight : this._height);
    const edges = result.edges;
    const bins = Math.max(1, edges.length - 1);
    const left = 62;
    const right = width - 18;

    // Legend rows above the plot, wrapped to the width.
    // A group with nothing passing the filters is listed dimmed.
    const items: LegendItem[] = result.groups.map((label, g) => ({
      label,
      colour: groupColour(g, theme),
      opacity: hasBaseline(result, g) ? 1 : 0.35,
      group: g,
      width: 18 + textWidth(label, 12) + 18,
    }));
    {
      // The key for faded bars; laid out always so a new brush does not move the plot.
      items.push({ label: 'outside the brush', colour: theme.fg, opacity: FADED, group: -1, width: 18 + textWidth('outside the brush', 12) + 18 });
    }
    const legendRows: LegendItem[][] = [];
    let row: LegendItem[] = [];
    let used = 0;
    for (const it of items) {
      if (row.length > 0 && used + it.width > right - left) {
        legendRows.push(row);
        row = [];
        used = 0;
      }
      row.push(it);
      used += it.width;
    }
    if (row.length) legendRows.push(row);
    const top = 4 + legendRows.length * LEGEND_ROW_H + BRUSH_LABEL_H;
    const bottom = height - X_AXIS_H;
    return { width, height, left, right, top, bottom, d0: edges[0], d1: edges[bins], bins, legendRows };
  }

  private xOf(f: Frame, v: number): number {
    const span = f.d1 - f.d0;
    return f.left + (span > 0 ? ((v - f.d0) / span) * (f.right - f.left) : 0);
  }

  private valueAt(f: Frame, x: number): number {
    const t = (x - f.left) / Math.max(1, f.right - f.left);
    return f.d0 + Math.min(1, Math.max(0, t)) * (f.d1 - f.d0);
  }

  /** A brush value as dispatched: rounded a digit below what is shown, but the domain's ends exactly. */
  private tidy(f: Frame, v: number): number {
    if (v <= f.d0) return f.d0;
    if (v >= f.d1) return f.d1;
    const d = valueDecimals(f.d1 - f.d0) + 1;
    return Math.min(f.d1, Math.max(f.d0, Number(v.toFixed(d))));
  }

  private fmtValue(v: number): string {
    const f = this.frame;
    return v.toFixed(f ? valueDecimals(f.d1 - f.d0) : 3);
  }

  // ---- events -----------------------------------------------------------

  private send(range: [number, number] | null, force = false): void {
    const key = JSON.stringify(range);
    if (!force && key === this.lastSent) return;
    this.lastSent = key;
    this.dispatchEvent(viewChange({ range: range ? [range[0], range[1]] : null }));
  }

  /** One event per animation frame while dragging. */
  private queueSend(): void {
    if (this.raf) return;
    this.raf = requestAnimationFrame(() => {
      this.raf = 0;
      this.send(this._brush);
    });
  }

  private flushSend(): void {
    if (this.raf) cancelAnimationFrame(this.raf);
    this.raf = 0;
    this.send(this._brush, true);
  }

  private svgX(e: PointerEvent | MouseEvent): { x: number; y: number } {
    const box = (e.currentTarget as SVGSVGElement).getBoundingClientRect();
    return { x: e.clientX - box.left, y: e.clientY - box.top };
  }

  /** What a press at x would do: grab an edge, move the brush, or start a new one. */
  private hitTest(f: Frame, x: number): 'lo' | 'hi' | 'move' | 'new' {
    const b = this._brush;
    if (!b) return 'new';
    const xl = this.xOf(f, b[0]);
    const xh = this.xOf(f, b[1]);
    const dl = Math.abs(x - xl);
    const dh = Math.abs(x - xh);
    if (dl <= EDGE_GRAB || dh <= EDGE_GRAB) return dh < dl || (dh === dl && x >= xh) ? 'hi' : 'lo';
    if (x > xl && x < xh) return 'move';
    return 'new';
  }

  private inPlot(f: Frame, x: number, y: number): boolean {
    return x >= f.left - EDGE_GRAB && x <= f.right + EDGE_GRAB && y >= f.top - 22 && y <= f.bottom + 6;
  }

  private readonly onPointerDown = (e: PointerEvent): void => {
    const f = this.frame;
    if (!f || e.button !== 0 || !(f.d1 > f.d0)) return;
    const { x, y } = this.svgX(e);
    if (!this.inPlot(f, x, y)) return;
    const hit = this.hitTest(f, x);
    const v = this.valueAt(f, x);
    const b = this._brush;
    const target = e.currentTarget as SVGSVGElement;
    target.setPointerCapture(e.pointerId);
    target.focus({ preventScroll: true });
    e.preventDefault();
    if (hit === 'move' && b) this.drag = { mode: 'move', pointerId: e.pointerId, startX: x, start: b, anchor: v, fresh: false, moved: false };
    else if (hit === 'lo' && b) this.drag = { mode: 'anchor', pointerId: e.pointerId, startX: x, start: b, anchor: b[1], fresh: false, moved: false };
    else if (hit === 'hi' && b) this.drag = { mode: 'anchor', pointerId: e.pointerId, startX: x, start: b, anchor: b[0], fresh: false, moved: false };
    else this.drag = { mode: 'anchor', pointerId: e.pointerId, startX: x, start: b, anchor: v, fresh: true, moved: false };
  };

  private readonly onPointerMove = (e: PointerEvent): void => {
    const f = this.frame;
    if (!f) return;
    const { x, y } = this.svgX(e);
    const d = this.drag;
    if (!d) {
      const hit = this.inPlot(f, x, y) ? this.hitTest(f, x) : null;
      const cursor = hit === 'lo' || hit === 'hi' ? 'ew-resize' : hit === 'move' ? 'grab' : hit === 'new' ? 'crosshair' : 'default';
      if (cursor !== this._cursor) this._cursor = cursor;
      return;
    }
    if (e.pointerId !== d.pointerId) return;
    if (!d.moved && Math.abs(x - d.startX) < (d.fresh ? DRAG_START : 1)) return;
    d.moved = true;
    const v = this.valueAt(f, x);
    if (d.mode === 'move' && d.start) {
      const w = d.start[1] - d.start[0];
      const lo = Math.min(f.d1 - w, Math.max(f.d0, d.start[0] + (v - d.anchor)));
      this._brush = [this.tidy(f, lo), this.tidy(f, lo + w)];
    } else {
      this._brush = [this.tidy(f, Math.min(d.anchor, v)), this.tidy(f, Math.max(d.anchor, v))];
    }
    this._cursor = d.mode === 'move' ? 'grabbing' : 'ew-resize';
    this.queueSend();
  };

  private readonly onPointerUp = (e: PointerEvent): void => {
    const d = this.drag;
    if (!d || e.pointerId !== d.pointerId) return;
    this.drag = null;
    const target = e.currentTarget as SVGSVGElement;
    if (target.hasPointerCapture(e.pointerId)) target.releasePointerCapture(e.pointerId);
    if (d.moved) this.flushSend();
    this._cursor = 'crosshair';
  };

  private readonly onPointerCancel = (e: PointerEvent): void => {
    const d = this.drag;
    if (!d || e.pointerId !== d.pointerId) return;
    this.drag = null;
    if (d.moved) this.flushSend();
  };

  private readonly onDoubleClick = (e: MouseEvent): void => {
    const f = this.frame;
    if (!f) return;
    const { x, y } = this.svgX(e);
    if (!this.inPlot(f, x, y)) return;
    e.preventDefault();
    this.clear();
  };

  private clear(): void {
    if (this.raf) cancelAnimationFrame(this.raf);
    this.raf = 0;
    this.drag = null;
    this._brush = null;
    this.send(null, true);
  }

  private readonly onKeyDown = (e: KeyboardEvent): void => {
    const f = this.frame;
    if (!f || !(f.d1 > f.d0) || e.altKey || e.ctrlKey || e.metaKey) return;
    const step = (f.d1 - f.d0) / f.bins;
    const b = this._brush;
    let next: [number, number] | null | undefined;
    switch (e.key) {
      case 'Escape':
        if (!b) return;
        next = null;
        break;
      case 'ArrowLeft':
      case 'ArrowRight': {
        const dir = e.key === 'ArrowRight' ? 1 : -1;
        if (!b) next = dir > 0 ? [f.d0, f.d0 + step] : [f.d1 - step, f.d1];
        else if (e.shiftKey) next = [b[0], Math.min(f.d1, Math.max(b[0], b[1] + dir * step))];
        else {
          const w = b[1] - b[0];
          const lo = Math.min(f.d1 - w, Math.max(f.d0, b[0] + dir * step));
          next = [lo, lo + w];
        }
        break;
      }
      case 'Home':
      case 'End': {
        const w = b ? b[1] - b[0] : step;
        next = e.key === 'Home' ? [f.d0, f.d0 + w] : [f.d1 - w, f.d1];
        break;
      }
      default:
        return;
    }
    e.preventDefault();
    if (next === null) {
      this.clear();
      return;
    }
    this._brush = [this.tidy(f, next[0]), this.tidy(f, next[1])];
    this.send(this._brush, true);
  };

  private setNormalize(normalize: boolean): void {
    if (normalize === (this.state?.normalize ?? true)) return;
    this._brush = null;
    this.lastSent = 'null';
    this.dispatchEvent(viewChange({ normalize, range: null }));
  }

  private async onExport(kind: 'svg' | 'png'): Promise<void> {
    const base = `sweepscope-histogram-${this.result?.metric ?? 'metric'}${this.result?.normalize ? '-normalized' : ''}`;
    await exportFile(this, `${base}.${kind}`, () => (kind === 'svg' ? this.exportSvg() : this.exportPng()));
  }

  // ---- drawing ----------------------------------------------------------

  protected override render(): TemplateResult {
    const r = this.result;
    const normalize = this.state?.normalize ?? r?.normalize ?? true;
    const groupWord = r?.groupName ?? 'group';
    const toolbar = html`<div class="toolbar">
      <span class="title">${r ? `${r.metric}${r.lowerIsBetter ? ' (lower is better)' : ''} by ${r.groupName ?? 'all trainings'}` : 'Histogram'}</span>
      <span class="switch" role="group" aria-label="x axis">
        <button type="button" data-normalize="false" aria-pressed=${String(!normalize)} @click=${() => this.setNormalize(false)}>Raw</button>
        <button type="button" data-normalize="true" aria-pressed=${String(normalize)} @click=${() => this.setNormalize(true)}>
          Normalized per ${groupWord}
        </button>
      </span>
      <span class="exports">
        <button type="button" data-export="svg" ?disabled=${!r} @click=${() => void this.onExport('svg')} title="Download the chart as SVG">SVG</button>
        <button type="button" data-export="png" ?disabled=${!r} @click=${() => void this.onExport('png')} title="Download the chart as PNG">PNG</button>
      </span>
    </div>`;
    if (!r || r.edges.length < 2 || this._width === 0) {
      this.frame = null;
      return this.frameWith(toolbar, html`<div class="empty">${r ? '' : 'No data yet'}</div>`, nothing, nothing);
    }
    const theme = this.scheme.theme;
    const f = this.layout(r, theme);
    this.frame = f;
    const b = this._brush;
    const label = b
      ? `Brush from ${this.fmtValue(b[0])} to ${this.fmtValue(b[1])}`
      : 'No brush';
    return this.frameWith(toolbar, html`<svg
        class="plot"
        xmlns="http://www.w3.org/2000/svg"
        width=${f.width}
        height=${f.height}
        viewBox="0 0 ${f.width} ${f.height}"
        data-left=${f.left}
        data-right=${f.right}
        data-top=${f.top}
        data-bottom=${f.bottom}
        data-d0=${f.d0}
        data-d1=${f.d1}
        tabindex="0"
        role="group"
        aria-roledescription="histogram with brush"
        aria-label="Histogram of ${r.metric}${r.normalize ? `, normalized per ${groupWord}` : ''}. ${label}. Drag to brush; arrow keys move the brush by one bin, Shift+arrow keys move its right edge, Escape clears it."
        style="cursor:${this._cursor}"
        font-family=${FONT_FAMILY}
        font-size="12"
        @pointerdown=${this.onPointerDown}
        @pointermove=${this.onPointerMove}
        @pointerup=${this.onPointerUp}
        @pointercancel=${this.onPointerCancel}
        @dblclick=${this.onDoubleClick}
        @keydown=${this.onKeyDown}
      >
        <rect class="background" x="0" y="0" width=${f.width} height=${f.height} fill=${theme.bg}></rect>
        ${this.legend(f, theme)} ${this.yAxis(f, r, theme)} ${this.bars(f, r, theme)} ${this.xAxis(f, r, theme)} ${this.brush(f, theme)}
      </svg>`,
      this.notice(f, r),
      html`${b ? html`<span class="brush-text">Brush [${this.fmtValue(b[0])}, ${this.fmtValue(b[1])}]</span> · ` : nothing}Drag on the
        plot to brush · drag the brush or its edges · ←/→ move by one bin, Shift+←/→ resize · double-click or Esc clears`,
    );
  }

  /**
   * One template around the body, so the plot area the ResizeObserver watches
   * is never replaced; the hint is one line under it.
   */
  private frameWith(
    toolbar: TemplateResult,
    body: TemplateResult,
    notice: TemplateResult | typeof nothing,
    hint: TemplateResult | typeof nothing,
  ): TemplateResult {
    const fixed = this.plotHeight > 0 ? `flex:none;height:${this.plotHeight}px` : '';
    return html`${toolbar}<div class="plot-area" style=${fixed}>${body}${notice}</div>
      <div class="hint" aria-live="polite">${hint}</div>`;
  }

  /** The empty notice over the plot when nothing passes the filters or the metric has no values (see empty.ts). */
  private notice(f: Frame, r: Answer): TemplateResult | typeof nothing {
    const why = emptiness(r);
    if (why === null) return nothing;
    return html`<div class="notice" data-why=${why}
      style="left:${f.left}px;top:${f.top}px;width:${f.right - f.left}px;height:${f.bottom - f.top}px">${emptyNotice(r)}</div>`;
  }

  private legend(f: Frame, theme: Theme): SVGTemplateResult {
    const out: SVGTemplateResult[] = [];
    f.legendRows.forEach((row, i) => {
      let x = f.left;
      const y = 4 + i * LEGEND_ROW_H;
      for (const it of row) {
        if (it.group < 0 && !this._brush) continue;
        const key = it.group < 0;
        out.push(svg`<g class=${key ? 'legend-key' : 'legend-item'} data-group=${it.group} transform="translate(${x},${y})" opacity=${key ? 1 : it.opacity}>
          <rect width="12" height="12" y="1" rx="2" fill=${it.colour} fill-opacity=${key ? it.opacity : 1}></rect>
          <text x="18" y="11" fill=${theme.fg}>${it.label}</text>
        </g>`);
        x += it.width;
      }
    });
    return svg`<g class="legend">${out}</g>`;
  }

  private yMax(r: Answer): number {
    const B = r.edges.length - 1;
    let max = 0;
    for (let b = 0; b < B; b++) {
      let s = 0;
      for (let g = 0; g < r.groups.length; g++) s += r.histBaseline(g, b);
      if (s > max) max = s;
    }
    return max;
  }

  private yTop(f: Frame, r: Answer): { top: number; ticks: number[] } {
    return countTicks(this.yMax(r), Math.max(2, Math.floor((f.bottom - f.top) / 45)));
  }

  private yAxis(f: Frame, r: Answer, theme: Theme): SVGTemplateResult {
    const { top, ticks } = this.yTop(f, r);
    const y = (v: number): number => f.bottom - (v / top) * (f.bottom - f.top);
    const midY = (f.top + f.bottom) / 2;
    return svg`<g class="y-axis">
      ${ticks.map(
        (t) => svg`<g class="tick" data-value=${t}>
          <line x1=${f.left} x2=${f.right} y1=${y(t)} y2=${y(t)} stroke=${t === 0 ? theme.muted : theme.grid} stroke-width="1"></line>
          <text x=${f.left - 6} y=${y(t) + 4} text-anchor="end" fill=${theme.muted}>${fmtCount(t)}</text>
        </g>`,
      )}
      <text class="axis-title" transform="translate(14,${midY}) rotate(-90)" text-anchor="middle" fill=${theme.muted}>trainings</text>
    </g>`;
  }

  private bars(f: Frame, r: Answer, theme: Theme): SVGTemplateResult {
    const { top } = this.yTop(f, r);
    const B = f.bins;
    const scale = (f.bottom - f.top) / top;
    const faded: SVGTemplateResult[] = [];
    const full: SVGTemplateResult[] = [];
    for (let b = 0; b < B; b++) {
      const x0 = this.xOf(f, r.edges[b]);
      const x1 = this.xOf(f, r.edges[b + 1]);
      const gap = x1 - x0 >= 4 ? 1 : 0;
      const x = x0 + gap / 2;
      const w = Math.max(0.5, x1 - x0 - gap);
      let base = 0;
      r.groups.forEach((_, g) => {
        const nb = r.histBaseline(g, b);
        const ns = Math.min(nb, r.histSelected(g, b));
        const colour = groupColour(g, theme);
        const y0 = f.bottom - base * scale;
        if (nb > ns)
          faded.push(
            svg`<rect class="bar base" data-group=${g} data-bin=${b} x=${x} width=${w} y=${y0 - nb * scale} height=${(nb - ns) * scale} fill=${colour} fill-opacity=${FADED}></rect>`,
          );
        if (ns > 0)
          full.push(
            svg`<rect class="bar sel" data-group=${g} data-bin=${b} x=${x} width=${w} y=${y0 - ns * scale} height=${ns * scale} fill=${colour}></rect>`,
          );
        base += nb;
      });
    }
    return svg`<g class="bars">${faded}${full}</g>`;
  }

  private xAxis(f: Frame, r: Answer, theme: Theme): SVGTemplateResult {
    const ticks = niceTicks(f.d0, f.d1, Math.max(2, Math.floor((f.right - f.left) / 80)));
    const decimals = ticks.length > 1 ? stepDecimals(ticks[1] - ticks[0]) : valueDecimals(f.d1 - f.d0);
    const title = r.normalize ? `${r.metric}, normalized per ${r.groupName ?? 'group'}: (x − min) / (max − min)` : r.metric;
    return svg`<g class="x-axis">
      <line x1=${f.left} x2=${f.right} y1=${f.bottom} y2=${f.bottom} stroke=${theme.muted}></line>
      ${ticks.map(
        (t) => svg`<g class="tick" data-value=${t}>
          <line x1=${this.xOf(f, t)} x2=${this.xOf(f, t)} y1=${f.bottom} y2=${f.bottom + 5} stroke=${theme.muted}></line>
          <text x=${this.xOf(f, t)} y=${f.bottom + 18} text-anchor="middle" fill=${theme.muted}>${t.toFixed(decimals)}</text>
        </g>`,
      )}
      <text class="axis-title" x=${(f.left + f.right) / 2} y=${f.height - 4} text-anchor="middle" fill=${theme.fg}>${title}</text>
    </g>`;
  }

  private brush(f: Frame, theme: Theme): SVGTemplateResult {
    const b = this._brush;
    if (!b) return svg``;
    const lo = Math.max(f.d0, Math.min(f.d1, b[0]));
    const hi = Math.max(f.d0, Math.min(f.d1, b[1]));
    const xl = this.xOf(f, lo);
    const xh = this.xOf(f, hi);
    const h = f.bottom - f.top;
    const gy = f.top + h / 2 - 14;
    const handle = (x: number, which: 'lo' | 'hi'): SVGTemplateResult => svg`<g class="handle handle-${which}">
      <line x1=${x} x2=${x} y1=${f.top} y2=${f.bottom} stroke=${theme.fg} stroke-width="1.5"></line>
      <rect x=${x - 4} y=${gy} width="8" height="28" rx="3" fill=${theme.bg} stroke=${theme.fg} stroke-width="1.5"></rect>
      <line x1=${x - 1.5} x2=${x - 1.5} y1=${gy + 8} y2=${gy + 20} stroke=${theme.fg}></line>
      <line x1=${x + 1.5} x2=${x + 1.5} y1=${gy + 8} y2=${gy + 20} stroke=${theme.fg}></line>
    </g>`;
    const text = `[${this.fmtValue(b[0])}, ${this.fmtValue(b[1])}]`;
    const tw = textWidth(text, 12);
    const cx = Math.min(f.right - tw / 2, Math.max(f.left + tw / 2, (xl + xh) / 2));
    return svg`<g class="brush-layer" data-lo=${b[0]} data-hi=${b[1]}>
      <rect class="brush" x=${xl} y=${f.top} width=${Math.max(0, xh - xl)} height=${h} fill=${theme.fg} fill-opacity="0.08"></rect>
      ${handle(xl, 'lo')}${handle(xh, 'hi')}
      <text class="brush-label" x=${cx} y=${f.top - 5} text-anchor="middle" fill=${theme.fg} font-weight="600">${text}</text>
    </g>`;
  }
}

function groupColour(g: number, theme: Theme): string {
  const c = categorical(g);
  return c === '#000000' ? theme.fg : c;
}

customElements.define('sweep-histogram', SweepHistogram);

declare global {
  interface HTMLElementTagNameMap {
    'sweep-histogram': SweepHistogram;
  }
}
