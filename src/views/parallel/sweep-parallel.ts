/**
 * `<sweep-parallel>`: parallel coordinates of individual trainings, one axis
 * per parameter plus the metric, drawn with regl (WebGL, renderer.ts) under an
 * SVG overlay of axes, labels and brushes.
 *
 * The element orchestrates: it declares the rows it needs (`rows-need`: the
 * engine's deterministic sample of at most `maxLines` trainings, all when
 * fewer; by default 200k on a GPU, 5k on a software rasterizer), and draws
 * what the coordinator hands it (`rows`: the sampled row ids, which of them
 * are selected, and the query's answer with the metric's statistics): it
 * builds the axes (axes.ts), lays the lines out from the loaded sweep by row
 * id (layout.ts) and has them drawn. Each step runs again only when its
 * inputs changed; a brush move only rewrites the selection flags.
 *
 * Interaction: drag vertically on an axis to brush it (a filter on the options
 * whose bands the brush overlaps, or the metric range); a click on an axis
 * clears its brush; drag an axis header sideways to move the axis. Every
 * change of the state is a `view-change` event; the view never queries.
 */

import { css, html, nothing, svg, type PropertyValues, type SVGTemplateResult } from 'lit';
import type { Answer } from '../../engine/answer.js';
import type { QueryResult } from '../../engine/session.js';
import { MISSING_LABEL, formatNumber } from '../../model/binning.js';
import { dict, dictFrom, hasOwn, own } from '../../model/dict.js';
import type { Sweep } from '../../model/sweep.js';
import { exportFile, svgBlob } from '../shared/export.js';
import { RestartableJob, type JobSignal, DeferredView } from '../shared/job.js';
import { emptyNotice, emptyStyles } from '../shared/empty.js';
import { CATEGORICAL } from '../shared/palette.js';
import { DeclaredNeed, type ShownRows } from '../shared/row-events.js';
import { AbortedError, drive } from '../shared/tasks.js';
import { fitText } from '../shared/measure.js';
import { ColorSchemeController, SizeController, toolbarStyles, viewTheme } from '../shared/theme.js';
import { DEFAULT_VIEW_STATE, specOf, viewChange, type ViewState } from '../shared/view-state.js';
import {
  MISSING_Y,
  axisPosition,
  axisTicks,
  brushRange,
  buildAxes,
  mergeAxisOrder,
  moveAxis,
  numericRanges,
  optionBand,
  optionsInBrush,
  plotFrame,
  unitsAt,
  yOf,
  type AxisModel,
  type PlotFrame,
} from './axes.js';
import { SVG_MAX_LINES, parallelPng, parallelSvgMarkup } from './export.js';
import { geometrySteps, linesSteps, selectionSteps, type Geometry, type Lines } from './layout.js';
import { DEFAULT_MAX_LINES, LineRenderer, SOFTWARE_MAX_LINES, passProps, type DrawTimings, type PassProps } from './renderer.js';

/** Pixels a drag must travel to count as a drag (else a click). */
const DRAG_START = 3;

/** Whether two ascending row id lists are the same rows (the sample did not change). */
function sameRows(a: Uint32Array, b: Uint32Array): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}

interface Drag {
  kind: 'brush' | 'move';
  axis: string;
  pointerId: number;
  x0: number;
  y0: number;
  x: number;
  y: number;
  moved: boolean;
}

/** What the last update measured, in ms (drawing: renderer.ts). */
export interface ParallelTimings extends DrawTimings {
  /** Sample positions on every axis (after a sweep, metric, normalize or scale change). */
  lines: number;
  /** Vertex buffers (after the above, or an axis move). */
  geometry: number;
  /** Selection flags of the sampled lines, from the engine's answer (after any selection change). */
  selection: number;
}

export class SweepParallel extends DeferredView {
  static override properties = {
    sweep: { attribute: false },
    state: { attribute: false },
    result: { attribute: false },
    rows: { attribute: false },
    maxLines: { type: Number, attribute: 'max-lines' },
    seed: { type: Number },
    _order: { state: true },
    _logs: { state: true },
    _width: { state: true },
    _height: { state: true },
    _drag: { state: true },
  };

  /** The trainings (null: nothing yet). */
  declare sweep: Sweep | null;
  /** The view state: the brushes and filters drawn on the axes. */
  declare state: ViewState;
  /** The current aggregates, for the selected count. */
  declare result: Answer | null;
  /** The sample the coordinator got for this view's need, with the answer of its query. */
  declare rows: ShownRows<QueryResult> | null;
  /** Most lines drawn (a deterministic sample above it); 0: DEFAULT_MAX_LINES, or SOFTWARE_MAX_LINES on software WebGL. */
  declare maxLines: number;
  /** Seed of the sample and of the random offsets. */
  declare seed: number;
  declare _order: string[];
  declare _logs: Record<string, boolean>;
  declare _width: number;
  declare _height: number;
  declare _drag: Drag | null;

  /** Sample size and counts, shown under the title. */
  private lines: Lines | null = null;
  private axes: AxisModel[] = [];
  private selectedInSample = 0;
  /** Per line, whether it is selected (the engine's flags), and the answer they came from. */
  private flags: Uint8Array | null = null;
  private flagsFrom: unknown = null;
  /** The rows this view asked the coordinator for. */
  private readonly need = new DeclaredNeed('parallel');
  private rowWaiters: (() => void)[] = [];
  private error: string | null = null;
  private renderer: LineRenderer | null = null;
  private glError: string | null = null;
  private readonly size = new SizeController(this, () => this.measure());
  private readonly scheme = new ColorSchemeController(this);
  /** The scheme the lines were last drawn in. */
  private drawnDark = false;
  /** Inputs that the pipeline has finished for. */
  private done = { geometry: '', selection: '', draw: '' };
  private readonly job = new RestartableJob(this, (signal) => this.pipeline(signal));
  /** Measured durations of the last pipeline run. */
  timings: ParallelTimings = { lines: 0, geometry: 0, selection: 0, draw: 0, drawBusy: 0, drawChunks: 0 };

  constructor() {
    super();
    this.sweep = null;
    this.state = DEFAULT_VIEW_STATE;
    this.result = null;
    this.rows = null;
    this.maxLines = 0;
    this.seed = 1;
    this._order = [];
    this._logs = dict();
    this._width = 0;
    this._height = 0;
    this._drag = null;
  }

  static override styles = [
    viewTheme,
    toolbarStyles,
    emptyStyles,
    css`
    :host {
      min-width: 0;
      height: 480px;
      /* axes: stronger than a grid line */
      --sweep-grid: var(--sweep-line);
    }
    .wrap {
      display: flex;
      flex-direction: column;
      height: 100%;
    }
    .count {
      margin-right: auto;
    }
    .legend {
      display: flex;
      gap: 10px;
      color: var(--sweep-muted);
      font-size: 12px;
    }
    .swatch {
      display: inline-block;
      width: 10px;
      height: 10px;
      margin-right: 3px;
      border-radius: 2px;
      vertical-align: -1px;
    }
    button {
      font-size: 12px;
      padding: 1px 8px;
    }
    .plot {
      position: relative;
      flex: 1;
      min-height: 200px;
    }
    canvas,
    svg.overlay {
      position: absolute;
      inset: 0;
      width: 100%;
      height: 100%;
    }
    svg.overlay {
      user-select: none;
      touch-action: none;
      font-size: 11px;
    }
    .plot > .empty-layer {
      position: absolute;
      inset: 0;
      display: flex;
      align-items: center;
      justify-content: center;
      pointer-events: none;
    }
    .empty-layer .empty-selection {
      pointer-events: auto;
      background: color-mix(in srgb, var(--sweep-bg) 85%, transparent);
      border-radius: 6px;
    }
  `,
  ];

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.job.abort();
    this.renderer?.destroy();
    this.renderer = null;
  }

  private get plotEl(): HTMLElement | null {
    return this.renderRoot.querySelector('.plot');
  }

  private get canvas(): HTMLCanvasElement | null {
    return this.renderRoot.querySelector('canvas');
  }

  /** The SVG overlay (axes, labels, brushes). */
  get overlay(): SVGSVGElement | null {
    return this.renderRoot.querySelector('svg.overlay');
  }

  private measure(): void {
    const plot = this.plotEl;
    if (!plot) return;
    const w = Math.floor(plot.clientWidth);
    const h = Math.floor(plot.clientHeight);
    if (w !== this._width || h !== this._height) {
      this._width = w;
      this._height = h;
    }
  }

  override firstUpdated(): void {
    // the plot's size, not the host's: a toolbar that wraps takes height from the plot
    // (observing reports the first size too)
    this.size.observe(this.plotEl);
    const canvas = this.canvas;
    if (!canvas) return;
    try {
      this.renderer = new LineRenderer(canvas, () => {
        this.glError = 'the WebGL context was lost: lines are not drawn (reload the page)';
        this.renderer = null;
        this.requestUpdate();
      });
    } catch (e) {
      this.glError = `no WebGL: lines are not drawn (${e instanceof Error ? e.message : String(e)})`;
    }
  }

  override updated(changed: PropertyValues<this>): void {
    this.declareNeed();
    if (changed.has('rows')) for (const w of this.rowWaiters.splice(0)) w();
    if (
      changed.has('sweep') ||
      changed.has('rows') ||
      changed.has('maxLines') ||
      changed.has('seed') ||
      changed.has('_order') ||
      changed.has('_logs') ||
      changed.has('_width') ||
      changed.has('_height') ||
      this.drawnDark !== this.scheme.dark
    )
      this.schedule();
  }

  /** The rows this view needs: the sample of its line budget. */
  private declareNeed(): void {
    this.need.declare(this, { kind: 'sample', size: this.lineBudget, seed: this.seed });
  }

  /** Whether the rows handed over answer this view's need for the state's selection. */
  private rowsCurrent(): boolean {
    return this.need.answers(this.rows, specOf(this.state));
  }

  /** Resolves once the lines for the current state are drawn (the coordinator has handed over its rows). */
  async whenIdle(): Promise<void> {
    for (;;) {
      await this.job.whenIdle();
      if (!this.sweep || this.rowsCurrent()) return;
      await new Promise<void>((resolve) => this.rowWaiters.push(resolve));
    }
  }

  private schedule(): void {
    this.job.schedule();
  }

  /** Most lines drawn now: `maxLines`, or when it is 0 the default for this renderer. */
  get lineBudget(): number {
    if (this.maxLines > 0) return Math.floor(this.maxLines);
    return this.renderer?.software ? SOFTWARE_MAX_LINES : DEFAULT_MAX_LINES;
  }

  /** Whether the lines are drawn by a software rasterizer (SwiftShader and the like). */
  get softwareGl(): boolean {
    return this.renderer?.software ?? false;
  }

  private async pipeline(signal: JobSignal): Promise<void> {
    const sweep = this.sweep;
    if (!sweep) {
      this.lines = null;
      this.axes = [];
      this.geometry = null;
      this.flags = null;
      this.flagsFrom = null;
      this.done = { geometry: '', selection: '', draw: '' };
      this.renderer?.setGeometry(new Uint16Array(0), new Uint8Array(0));
      this.requestUpdate();
      return;
    }
    const shown = this.rows;
    const answer = shown?.answer;
    if (!shown || shown.error !== null || !answer || answer.kind !== 'sample') {
      if (shown?.error) this.error = shown.error;
      this.requestUpdate();
      return;
    }
    // rows of another sweep (a load in between): wait for this sweep's
    if (answer.ids.length && answer.ids[answer.ids.length - 1] >= sweep.rows) return;
    try {
      this.error = null;
      // the query the rows answer: its metric, normalization and statistics (not recomputed here)
      const { query, stats, raw } = shown.result;
      const metric = query.metric;
      const numeric = await numericRanges(sweep);
      if (signal.aborted || sweep !== this.sweep) return;
      const axes = buildAxes(sweep, metric, stats, numeric, this._logs, query.normalize);
      const order = mergeAxisOrder(this._order, axes.map((a) => a.key));
      if (order.join('\u0000') !== this._order.join('\u0000')) this._order = order;
      this.axes = axes;

      const linesKey = JSON.stringify([this.seed, metric, query.normalize, axes.map((a) => [a.key, a.log])]);
      let lines = this.lines;
      if (!lines || lines.sweep !== sweep || lines.key !== linesKey || !sameRows(lines.rows, answer.ids)) {
        const t0 = performance.now();
        const input = { sweep, key: linesKey, rows: answer.ids, seed: this.seed, axes, metric, stats, normalize: query.normalize, drawable: raw.rows - raw.missing };
        lines = await drive(linesSteps(input), { signal });
        this.timings.lines = performance.now() - t0;
        this.lines = lines;
        this.done.geometry = '';
      }
      const geometryKey = `${linesKey}|${order.join('\u0000')}`;
      if (this.done.geometry !== geometryKey || !this.geometry) {
        const t0 = performance.now();
        this.done.geometry = '';
        this.geometry = await drive(geometrySteps(lines, order), { signal });
        this.renderer?.setGeometry(this.geometry.pos, this.geometry.meta);
        this.timings.geometry = performance.now() - t0;
        this.done.geometry = geometryKey;
        this.done.selection = '';
      }
      if (this.done.selection !== geometryKey || this.flagsFrom !== answer) {
        const t0 = performance.now();
        this.done.selection = '';
        this.selectedInSample = await drive(selectionSteps(answer.selected, this.geometry), { signal });
        this.renderer?.uploadMeta(this.geometry.meta);
        this.flags = answer.selected;
        this.flagsFrom = answer;
        this.timings.selection = performance.now() - t0;
        this.done.selection = geometryKey;
      }
      this.requestUpdate();
      // draw again only when something drawn changed (not for, say, a new bin count)
      // The colours come from the theme: a change of the system's scheme redraws.
      this.drawnDark = this.scheme.dark;
      const drawKey = `${geometryKey}|${this.selectedInSample}|${this._width}x${this._height}@${window.devicePixelRatio}|${this.drawnDark ? 'dark' : 'light'}`;
      if (this.done.draw !== drawKey || this.drawnFlags !== answer) {
        this.done.draw = '';
        await this.drawLines(signal);
        this.done.draw = drawKey;
        this.drawnFlags = answer;
      }
    } catch (e) {
      if (e instanceof AbortedError) return;
      this.error = e instanceof Error ? e.message : String(e);
    }
    this.requestUpdate();
  }

  /** The answer whose flags were last drawn. */
  private drawnFlags: unknown = null;

  /** Vertex data of the current lines and axis order. */
  private geometry: Geometry | null = null;

  /** Sizes the canvas to the plot and returns what every draw call needs, or null without GL. */
  private prepareDraw(): PassProps | null {
    if (!this.renderer || this._width <= 0 || this._height <= 0) return null;
    this.renderer.resize(this._width, this._height, window.devicePixelRatio || 1);
    const n = this.lines?.rows.length ?? 0;
    return passProps(this.frame(), this._width, this._height, n, this.selectedInSample, this.scheme.theme.muted);
  }

  /** Draws the lines in chunks (renderer.ts), unselected then selected, and records the timings. */
  private async drawLines(signal: JobSignal): Promise<void> {
    const props = this.prepareDraw();
    const r = this.renderer;
    if (!props || !r) return;
    const lineCount = Math.max(1, this.lines?.rows.length ?? 1);
    const t = await r.drawChunked(props, this.scheme.theme.bg, this.selectedInSample / lineCount, signal);
    Object.assign(this.timings, t);
  }

  /** Draws every line at once and waits for the GPU; returns ms (for measurements: it blocks). */
  drawAndFinish(): number {
    const props = this.prepareDraw();
    const r = this.renderer;
    if (!props || !r) return 0;
    return r.drawAll(props, this.scheme.theme.bg);
  }

  private frame(): PlotFrame {
    return plotFrame(this._width, this._height, this._order);
  }

  /** The axis of `key` among the current axes. */
  private axisByKey(key: string): AxisModel | undefined {
    return this.axes.find((a) => a.key === key);
  }

  // ---- interaction

  private localPoint(e: PointerEvent): [number, number] {
    const svgEl = this.overlay;
    const box = svgEl ? svgEl.getBoundingClientRect() : { left: 0, top: 0 };
    return [e.clientX - box.left, e.clientY - box.top];
  }

  private onPointerDown(e: PointerEvent): void {
    if (e.button !== 0) return;
    const target = (e.target as Element).closest('[data-role]');
    if (!target) return;
    const role = target.getAttribute('data-role');
    const axis = target.getAttribute('data-axis') ?? '';
    if (role === 'scale') {
      const a = this.axisByKey(axis);
      if (a?.canLog) this._logs = dictFrom([...Object.entries(this._logs), [axis, !a.log] as const]);
      e.preventDefault();
      return;
    }
    if (role !== 'hit' && role !== 'header') return;
    const [x, y] = this.localPoint(e);
    this.overlay?.setPointerCapture(e.pointerId);
    this._drag = { kind: role === 'hit' ? 'brush' : 'move', axis, pointerId: e.pointerId, x0: x, y0: y, x, y, moved: false };
    e.preventDefault();
  }

  private onPointerMove(e: PointerEvent): void {
    const d = this._drag;
    if (!d || e.pointerId !== d.pointerId) return;
    const [x, y] = this.localPoint(e);
    const moved = d.moved || Math.hypot(x - d.x0, y - d.y0) >= DRAG_START;
    this._drag = { ...d, x, y, moved };
  }

  private onPointerUp(e: PointerEvent): void {
    const d = this._drag;
    if (!d || e.pointerId !== d.pointerId) return;
    this._drag = null;
    const [x, y] = this.localPoint(e);
    const moved = d.moved || Math.hypot(x - d.x0, y - d.y0) >= DRAG_START;
    if (d.kind === 'move') {
      if (!moved) return;
      const order = moveAxis(this._order, d.axis, x - d.x0, this.frame().spacing);
      if (!order) return;
      this._order = order;
      this.dispatchEvent(new CustomEvent('axis-order', { detail: [...order], bubbles: true, composed: true }));
      return;
    }
    const a = this.axisByKey(d.axis);
    if (!a) return;
    if (!moved) {
      this.clearBrush(a);
      return;
    }
    const f = this.frame();
    this.applyBrush(a, unitsAt(f, Math.max(d.y0, y)), unitsAt(f, Math.min(d.y0, y)));
  }

  private clearBrush(a: AxisModel): void {
    if (a.kind === 'metric') {
      if (this.state.range !== null) this.dispatchEvent(viewChange({ range: null }));
      return;
    }
    if (!hasOwn(this.state.where, a.key)) return;
    const where = dictFrom(Object.entries(this.state.where));
    delete where[a.key];
    this.dispatchEvent(viewChange({ where }));
  }

  /** Turns a brush over axis units [t0, t1] into a filter (options) or the range (metric). */
  applyBrush(a: AxisModel, t0: number, t1: number): void {
    if (a.kind === 'metric') {
      this.dispatchEvent(viewChange({ range: brushRange(a, t0, t1) }));
      return;
    }
    const options = optionsInBrush(a, t0, t1);
    const where = dictFrom(Object.entries(this.state.where));
    if (options.length === 0 || options.length === a.labels.length) delete where[a.key];
    else where[a.key] = options;
    this.dispatchEvent(viewChange({ where }));
  }

  // ---- export

  /** The overlay with up to SVG_MAX_LINES sampled lines as paths, as standalone SVG markup. */
  exportSvgMarkup(): string {
    const overlay = this.overlay;
    if (!overlay) return '';
    return parallelSvgMarkup(overlay, {
      lines: this.lines,
      order: this._order,
      frame: this.frame(),
      selected: this.flags,
      theme: this.scheme.theme,
    });
  }

  /** The lines and the overlay as one PNG (once drawing is done; the canvas keeps its drawing buffer). */
  async exportPng(): Promise<Blob> {
    const canvas = this.canvas;
    const overlay = this.overlay;
    if (!canvas || !overlay) throw new Error('the view is not rendered yet');
    await this.whenIdle();
    return parallelPng(canvas, overlay, this.scheme.theme.bg);
  }

  private async save(format: 'svg' | 'png'): Promise<void> {
    await exportFile(this, `parallel-coordinates.${format}`, async () => {
      if (format === 'png') return this.exportPng();
      const markup = this.exportSvgMarkup();
      if (!markup) throw new Error('the view is not rendered yet');
      return svgBlob(markup);
    });
  }

  // ---- rendering the overlay

  /** Selected lines among the drawn sample. */
  get sampleSelected(): number {
    return this.selectedInSample;
  }

  /** Lines drawn (the sample without rows whose metric is missing). */
  get sampleSize(): number {
    return this.lines?.rows.length ?? 0;
  }

  /** "showing N of M" for the status line. */
  get sampleText(): string {
    const l = this.lines;
    if (!l) return '';
    const fmt = (x: number): string => x.toLocaleString('en-US');
    const sample =
      l.rows.length < l.drawable ? ` (deterministic sample${this.maxLines <= 0 && this.softwareGl ? ' — fewer lines on software WebGL' : ''})` : '';
    return `showing ${fmt(l.rows.length)} of ${fmt(l.drawable)} trainings${sample}`;
  }

  private renderAxis(a: AxisModel, slot: number, f: PlotFrame): SVGTemplateResult {
    const d = this._drag;
    const dx = d && d.kind === 'move' && d.axis === a.key && d.moved ? d.x - d.x0 : 0;
    const x = f.left + slot * f.spacing + dx;
    const y = (t: number): number => yOf(f, t);
    const fg = 'var(--sweep-fg)';
    const muted = 'var(--sweep-muted)';
    // labels measured in the views' font (shared/measure.ts), not with getComputedStyle: that forces a style recalculation per label
    const filtered = a.kind === 'metric' ? this.state.range !== null : hasOwn(this.state.where, a.key);
    const ticks: SVGTemplateResult[] = [];
    const brushes: SVGTemplateResult[] = [];
    const brushRect = (t0: number, t1: number, cls: string): SVGTemplateResult =>
      svg`<rect class=${cls} data-axis=${a.key} x=${x - 7} width="14" y=${y(Math.max(t0, t1))} height=${Math.max(2, Math.abs(y(t0) - y(t1)))}
        fill="var(--sweep-accent)" fill-opacity="0.18" stroke="var(--sweep-accent)" stroke-width="1.2" rx="2" pointer-events="none"></rect>`;
    if (a.kind === 'categorical') {
      const K = Math.max(1, a.labels.length);
      const bandPx = f.height / K;
      const every = Math.max(1, Math.ceil(12 / bandPx));
      const allowed = own(this.state.where, a.key);
      a.labels.forEach((label, o) => {
        const [b0, b1] = optionBand(o, K);
        ticks.push(svg`<rect class="band" data-axis=${a.key} data-option=${label} x=${x - 5} width="10" y=${y(b1) + 1} height=${Math.max(0.5, bandPx - 2)}
          fill=${muted} fill-opacity="0.10" pointer-events="none"></rect>`);
        if (o % every === 0)
          ticks.push(svg`<text class="option" x=${x + 8} y=${y((b0 + b1) / 2)} dy="0.32em" fill=${fg} stroke="var(--sweep-bg)" stroke-width="3"
            paint-order="stroke" pointer-events="none">${fitText(label === MISSING_LABEL ? 'missing' : label, f.spacing - 14, 11, false, 1)}</text>`);
        if (allowed && allowed.includes(label)) brushes.push(brushRect(b0, b1, 'filter'));
      });
    } else {
      for (const { value: v, t } of axisTicks(a))
        ticks.push(svg`<line x1=${x - 3} x2=${x + 3} y1=${y(t)} y2=${y(t)} stroke=${fg}></line>
          <text class="tick" x=${x + 6} y=${y(t)} dy="0.32em" fill=${fg} stroke="var(--sweep-bg)" stroke-width="3" paint-order="stroke" pointer-events="none">${formatNumber(v, 3)}</text>`);
      if (a.kind === 'numeric') {
        if (a.labels.includes(MISSING_LABEL))
          ticks.push(svg`<text class="tick" x=${x + 6} y=${y(MISSING_Y)} dy="0.32em" fill=${muted} pointer-events="none">missing</text>`);
        const allowed = own(this.state.where, a.key);
        if (allowed)
          a.labels.forEach((label, o) => {
            if (!allowed.includes(label)) return;
            if (label === MISSING_LABEL) brushes.push(brushRect(MISSING_Y - 0.01, MISSING_Y + 0.01, 'filter'));
            else if (a.binLo && a.binLo[o] === a.binLo[o])
              brushes.push(brushRect(axisPosition(a, a.binLo[o]), axisPosition(a, (a.binHi as Float64Array)[o]), 'filter'));
          });
      } else if (this.state.range) {
        const [lo, hi] = this.state.range;
        const t0 = Math.max(0, axisPosition(a, Math.max(lo, a.min)));
        const t1 = Math.min(1, axisPosition(a, Math.min(hi, a.max)));
        if (t1 >= t0) brushes.push(brushRect(t0, t1, 'filter'));
      }
    }
    if (d && d.kind === 'brush' && d.axis === a.key && d.moved) {
      const t0 = unitsAt(f, d.y0);
      const t1 = unitsAt(f, d.y);
      brushes.push(svg`<rect class="drag" x=${x - 9} width="18" y=${y(Math.max(t0, t1))} height=${Math.abs(y(t0) - y(t1))}
        fill="var(--sweep-accent)" fill-opacity="0.12" stroke="var(--sweep-fg)" stroke-dasharray="3 2" pointer-events="none"></rect>`);
    }
    // names longer than the space between axes are cut (the full name is the tooltip)
    const title = fitText(a.key, f.spacing - 8, 12, filtered ? 700 : 600, 1);
    return svg`<g class="axis" data-axis=${a.key} data-kind=${a.kind} opacity=${dx ? 0.75 : 1}>
      <line x1=${x} x2=${x} y1=${y(1)} y2=${y(0)} stroke=${fg} stroke-width="1"></line>
      ${ticks}${brushes}
      <rect data-role="hit" data-axis=${a.key} x=${x - 12} width="24" y=${y(1) - 4} height=${f.height + 18} fill="transparent" style="cursor: crosshair"></rect>
      <g data-role="header" data-axis=${a.key} style="cursor: grab">
        <title>${a.key} (drag sideways to move the axis)</title>
        <rect x=${x - f.spacing / 2 + 2} width=${Math.max(20, f.spacing - 4)} y="2" height="22" fill="transparent"></rect>
        <text class="name" x=${x} y="16" text-anchor="middle" fill=${fg} font-weight=${filtered ? 700 : 600} font-size="12">${title}</text>
      </g>
      ${a.kind === 'metric' ? svg`<text x=${x} y="32" text-anchor="middle" fill=${muted}>${(this.rows?.result.query.normalize ?? this.state.normalize) ? 'normalized' : 'raw'}</text>` : nothing}
      ${a.kind === 'numeric' && a.canLog
        ? svg`<text data-role="scale" data-axis=${a.key} x=${x} y="32" text-anchor="middle" fill="var(--sweep-accent)" style="cursor: pointer"
            text-decoration="underline">${a.log ? 'log' : 'linear'}</text>`
        : a.kind === 'numeric'
          ? svg`<text x=${x} y="32" text-anchor="middle" fill=${muted}>linear</text>`
          : nothing}
    </g>`;
  }

  override render(): unknown {
    const f = this.frame();
    const sweep = this.sweep;
    const l = this.lines;
    const fmt = (x: number): string => x.toLocaleString('en-US');
    const res = this.result;
    const groupLabels = sweep && sweep.group >= 0 ? sweep.params[sweep.group].labels : [];
    const axes = this._order.map((k) => this.axisByKey(k)).filter((a): a is AxisModel => a !== undefined);
    // the axis being moved is drawn last, over the others
    const moving = this._drag?.kind === 'move' ? this._drag.axis : null;
    const slotOf = (a: AxisModel): number => this._order.indexOf(a.key);
    return html`<div class="wrap">
      <div class="toolbar">
        <span class="title">Parallel coordinates</span>
        <span class="count"
          >${l ? this.sampleText : sweep ? 'preparing…' : 'no sweep'}${l && res
            ? ` · selected ${fmt(res.selected)} of ${fmt(res.rows - res.missing)} (${fmt(this.selectedInSample)} in the sample)`
            : l
              ? ` · ${fmt(this.selectedInSample)} selected in the sample`
              : ''}</span
        >
        <span class="legend"
          >${groupLabels.map(
            (g, i) => html`<span><span class="swatch" style="background:${CATEGORICAL[i % CATEGORICAL.length]}"></span>${g}</span>`,
          )}<span><span class="swatch" style="background:var(--sweep-muted);opacity:.5"></span>not selected</span></span
        >
        <button @click=${() => void this.save('png')} title="Save as PNG">PNG</button>
        <button @click=${() => void this.save('svg')} title="Save as SVG (at most ${fmt(SVG_MAX_LINES)} lines)">SVG</button>
      </div>
      ${this.error || this.glError ? html`<div class="error">${this.error ?? this.glError}</div>` : nothing}
      <div class="plot">
        <canvas></canvas>
        <svg
          class="overlay"
          width=${f.width}
          height=${Math.max(1, this._height)}
          @pointerdown=${(e: PointerEvent) => this.onPointerDown(e)}
          @pointermove=${(e: PointerEvent) => this.onPointerMove(e)}
          @pointerup=${(e: PointerEvent) => this.onPointerUp(e)}
          @pointercancel=${() => (this._drag = null)}
        >
          ${axes.filter((a) => a.key !== moving).map((a) => this.renderAxis(a, slotOf(a), f))}
          ${axes.filter((a) => a.key === moving).map((a) => this.renderAxis(a, slotOf(a), f))}
        </svg>
        ${res ? html`<div class="empty-layer">${emptyNotice(res, true)}</div>` : nothing}
      </div>
    </div>`;
  }
}

customElements.define('sweep-parallel', SweepParallel);

declare global {
  interface HTMLElementTagNameMap {
    'sweep-parallel': SweepParallel;
  }
}
