/**
 * <sweep-matrix>: the heat-map matrix of option pairs (Jönsson et al.,
 * Figures 1 and 3). Rows and columns are every option of every parameter,
 * grouped by parameter (a small gap separates parameter blocks); a cell is
 * the number of selected trainings that have both options. The diagonal
 * blocks hold the option counts on their diagonal; their other cells are
 * impossible pairs (a training has one option per parameter) and drawn as
 * "n/a".
 *
 * Encodings (state.matrixEncoding, switched with the toolbar):
 *  - count: YlGnBu (perceptually ordered multi-hue sequential), 0 to the
 *    largest off-diagonal count; diagonal cells above it take the end colour.
 *    Light to dark on a light page; reversed (dark to light) under
 *    prefers-color-scheme: dark, so larger counts always stand out more;
 *  - share: count / selected, the same map and domain (legend in percent);
 *  - lift: (count / selected) / (baseline count / baseline), RdBu diverging,
 *    centred at 1 on a log2 scale clamped to [1/4, 4] (blue = more common in
 *    the selection than among all filtered trainings, red = less).
 *
 * Drawing: SVG, one <rect class="cell"> per cell, while the matrix has at
 * most CANVAS_CELLS cells (110 options a side). Beyond that (e.g. a
 * 255-option parameter) the cells are painted on a <canvas> under the SVG
 * and the option labels are left out when a cell is under 7 px; hit testing is
 * arithmetic on the layout in both modes, so hover and click cost the same.
 * Exports embed the canvas as an image in that case.
 *
 * Interaction: hover shows a tooltip (both options, count, share, lift);
 * click filters to exactly that option pair (other parameters' filters kept);
 * Shift-click adds the pair's options to the filters of those two parameters.
 * The view never queries: it dispatches `viewChange`.
 */

import { css, html, nothing, svg, type PropertyValues, type SVGTemplateResult, type TemplateResult } from 'lit';
import { guard } from 'lit/directives/guard.js';
import type { AggregateJson } from '../engine/output.js';
import { exportButtons, textWidth, tooltipStyle, truncate, viewChrome } from './chart-chrome.js';
import { download, svgBlob, svgToPng } from './export.js';
import { fmtInt, fmtLift, fmtPct } from './format.js';
import { RD_BU, YL_GN_BU, ramp } from './palette.js';
import { niceTicks } from './scale.js';
import { ColorSchemeController, FONT_FAMILY, SizeController, type ViewTheme } from './theme.js';
import { DEFAULT_VIEW_STATE, viewChange, type MatrixEncoding, type ViewState } from './view-state.js';
import { DeferredView } from './job.js';
import { dictFrom, own } from '../model/dict.js';

// ---------------------------------------------------------------------------
// The matrix model: counts per cell, computed once per result

/** Above this many cells the matrix is painted on a canvas. */
export const CANVAS_CELLS = 110 * 110;

const LIFT_MIN = 1 / 4;
const LIFT_MAX = 4;

interface Entry {
  p: number;
  param: string;
  option: string;
}

interface Block {
  p: number;
  name: string;
  start: number;
  n: number;
}

interface MatrixModel {
  /** The rows' and columns' parameters and options: a new key means new cells. */
  key: string;
  entries: Entry[];
  blocks: Block[];
  /** Selected count per cell (row-major, N x N). */
  count: Float64Array;
  /** Baseline count per cell; NaN when unknown. */
  base: Float64Array;
  /** 1 for impossible cells (two options of one parameter). */
  na: Uint8Array;
  /** Largest selected count off the diagonal blocks (at least 1). */
  maxOff: number;
  selected: number;
  baseline: number;
}

function buildModel(r: AggregateJson): MatrixModel {
  const entries: Entry[] = [];
  const blocks: Block[] = [];
  r.params.forEach((p, pi) => {
    blocks.push({ p: pi, name: p.name, start: entries.length, n: p.options.length });
    for (const o of p.options) entries.push({ p: pi, param: p.name, option: o });
  });
  const N = entries.length;
  const count = new Float64Array(N * N);
  const base = new Float64Array(N * N).fill(NaN);
  const na = new Uint8Array(N * N);
  let maxOff = 0;

  // Baseline option counts, from any other parameter's pair table.
  const baseOption = new Map<string, number>();
  r.params.forEach((p, pi) => {
    const other = r.params.find((_, qi) => qi !== pi);
    if (!other) return;
    const table = r.baselinePairCounts[p.name]?.[other.name];
    if (!table) return;
    for (const o of p.options) {
      let s = 0;
      for (const v of Object.values(table[o] ?? {})) s += v;
      baseOption.set(`${p.name}\u0000${o}`, s);
    }
  });

  for (const ba of blocks)
    for (const bb of blocks) {
      const a = r.params[ba.p];
      const b = r.params[bb.p];
      if (ba.p === bb.p) {
        for (let i = 0; i < ba.n; i++)
          for (let j = 0; j < bb.n; j++) {
            const k = (ba.start + i) * N + bb.start + j;
            if (i === j) {
              count[k] = r.optionCounts[a.name]?.[a.options[i]] ?? 0;
              base[k] = baseOption.get(`${a.name}\u0000${a.options[i]}`) ?? NaN;
            } else na[k] = 1;
          }
        continue;
      }
      const sel = r.pairCounts[a.name]?.[b.name];
      const bas = r.baselinePairCounts[a.name]?.[b.name];
      for (let i = 0; i < ba.n; i++) {
        const sRow = sel?.[a.options[i]];
        const bRow = bas?.[a.options[i]];
        for (let j = 0; j < bb.n; j++) {
          const k = (ba.start + i) * N + bb.start + j;
          const c = sRow?.[b.options[j]] ?? 0;
          count[k] = c;
          base[k] = bRow?.[b.options[j]] ?? NaN;
          if (c > maxOff) maxOff = c;
        }
      }
    }
  const key = entries.map((e) => `${e.param}\u0000${e.option}`).join('\u0001');
  return { key, entries, blocks, count, base, na, maxOff: Math.max(1, maxOff), selected: r.selected, baseline: r.baseline };
}

function liftOf(m: MatrixModel, k: number): number {
  const b = m.base[k];
  if (!(b > 0) || !(m.selected > 0) || !(m.baseline > 0)) return NaN;
  return m.count[k] / m.selected / (b / m.baseline);
}

/** Position on the colour map, in [0, 1], of a lift. */
function liftT(lift: number): number {
  const l = Math.min(LIFT_MAX, Math.max(LIFT_MIN, lift));
  return (Math.log2(l) - Math.log2(LIFT_MIN)) / (Math.log2(LIFT_MAX) - Math.log2(LIFT_MIN));
}

function cellColour(m: MatrixModel, k: number, enc: MatrixEncoding, theme: ViewTheme): string {
  if (m.na[k]) return theme.na;
  if (enc === 'lift') {
    const l = liftOf(m, k);
    return Number.isNaN(l) ? theme.na : ramp(RD_BU, liftT(l));
  }
  return ramp(sequentialMap(theme), m.count[k] / m.maxOff);
}

const YL_GN_BU_REVERSED = [...YL_GN_BU].reverse();

/**
 * YlGnBu from the background's end: light to dark on a light page, dark to
 * light on a dark one, so that more trainings always stand out more.
 */
function sequentialMap(theme: ViewTheme): readonly string[] {
  return theme.dark ? YL_GN_BU_REVERSED : YL_GN_BU;
}

// ---------------------------------------------------------------------------
// Layout

const PAD = 8;
const BLOCK_GAP = 3;
const LEGEND_W = 96;
const MAX_LABEL_CHARS = 22;

interface MatrixLayout {
  width: number;
  height: number;
  canvas: boolean;
  font: number;
  showOptions: boolean;
  cell: number;
  /** Top-left corner of the cells. */
  x0: number;
  y0: number;
  /** Offset of each entry from x0 / y0. */
  pos: Float64Array;
  side: number;
  optW: number;
  nameW: number;
  legendX: number;
}

function computeLayout(m: MatrixModel, width: number, height: number): MatrixLayout {
  const N = m.entries.length;
  const gaps = Math.max(0, m.blocks.filter((b) => b.n > 0).length - 1) * BLOCK_GAP;
  const canvas = N * N > CANVAS_CELLS;
  const widest = (font: number, bold: boolean, texts: string[]): number =>
    texts.reduce((w, t) => Math.max(w, textWidth(truncate(t, MAX_LABEL_CHARS), font, bold)), 0);
  const names = m.blocks.map((b) => b.name);
  const options = m.entries.map((e) => e.option);

  const fit = (font: number, showOptions: boolean): { cell: number; optW: number; nameW: number } => {
    const optW = showOptions ? Math.ceil(widest(font, false, options)) : 0;
    const nameW = Math.ceil(widest(font, true, names));
    const margin = PAD + nameW + 10 + (showOptions ? optW + 6 : 0);
    const side = Math.min(width - margin - LEGEND_W - PAD, height - margin - PAD);
    let cell = Math.max(0.5, (side - gaps) / Math.max(1, N));
    if (cell >= 4) cell = Math.floor(cell);
    return { cell, optW, nameW };
  };

  // The largest font (11 down to 8 px) whose rows are at least a pixel taller than it;
  // option labels are left out when even 8 px leaves cells under 7 px.
  let font = 11;
  let f = fit(font, true);
  while (font > 8 && f.cell < font + 1) f = fit(--font, true);
  let showOptions = true;
  if (f.cell < 7) {
    showOptions = false;
    font = 11;
    f = fit(font, false);
  }
  const margin = PAD + f.nameW + 10 + (showOptions ? f.optW + 6 : 0);
  const pos = new Float64Array(N);
  for (const [bi, b] of m.blocks.entries()) for (let i = 0; i < b.n; i++) pos[b.start + i] = (b.start + i) * f.cell + bi * BLOCK_GAP;
  const side = N * f.cell + gaps;
  const used = margin + side + LEGEND_W;
  // Centre the composition horizontally when there is room to spare.
  const shift = Math.max(0, Math.floor((width - PAD - used) / 2));
  return {
    width,
    height,
    canvas,
    font,
    showOptions,
    cell: f.cell,
    x0: margin + shift,
    y0: margin,
    pos,
    side,
    optW: f.optW,
    nameW: f.nameW,
    legendX: margin + shift + side + 18,
  };
}

/** The entry under offset d (from x0 or y0), or -1. */
function entryAt(m: MatrixModel, l: MatrixLayout, d: number): number {
  if (d < 0) return -1;
  for (const [bi, b] of m.blocks.entries()) {
    const start = b.start * l.cell + bi * BLOCK_GAP;
    const end = start + b.n * l.cell;
    if (d >= start && d < end) return b.start + Math.min(b.n - 1, Math.floor((d - start) / l.cell));
  }
  return -1;
}

// ---------------------------------------------------------------------------

interface Hover {
  i: number;
  j: number;
  /** Pointer position in the chart (the cell's centre when the keyboard moved there). */
  x: number;
  y: number;
  /** Set by the keyboard: kept when the result changes. */
  key?: boolean;
}

/** The first entry of the parameter block before (-1) or after (+1) the one holding entry `e`, or `e` at the ends. */
function blockStep(m: MatrixModel, e: number, dir: -1 | 1): number {
  const bi = m.blocks.findIndex((b) => e >= b.start && e < b.start + b.n);
  for (let k = bi + dir; k >= 0 && k < m.blocks.length; k += dir) if (m.blocks[k].n > 0) return m.blocks[k].start;
  return e;
}

const ENCODINGS: { value: MatrixEncoding; label: string; title: string }[] = [
  { value: 'count', label: 'count', title: 'Selected trainings with both options' },
  { value: 'share', label: 'share', title: 'Share of the selected trainings with both options' },
  { value: 'lift', label: 'lift', title: 'Share in the selection divided by the share among all filtered trainings (log scale)' },
];

export class SweepMatrix extends DeferredView {
  static override properties = {
    result: { attribute: false },
    state: { attribute: false },
    hover: { state: true },
  };

  static override styles = [
    viewChrome,
    css`
      .chart svg {
        cursor: default;
      }
      .legend-swatch {
        display: inline-block;
        width: 10px;
        height: 10px;
        vertical-align: -1px;
        margin-right: 4px;
        border: 1px solid var(--sweep-faint);
      }
    `,
  ];

  declare result: AggregateJson | null;
  declare state: ViewState;
  declare hover: Hover | null;

  private readonly scheme = new ColorSchemeController(this);
  private readonly size = new SizeController(this);
  private model: MatrixModel | null = null;
  private modelFor: AggregateJson | null = null;
  private layout: MatrixLayout | null = null;
  private laidOut: MatrixLayout | null = null;
  private layoutFor = '';
  /** The SVG cells painted by paintCells, and what they were last given. */
  private cellGroup: Element | null = null;
  private cellsFor = '';
  private cellEls: Element[] = [];
  private cellFill: string[] = [];
  private cellCount: string[] = [];

  constructor() {
    super();
    this.result = null;
    this.state = DEFAULT_VIEW_STATE;
    this.hover = null;
  }

  private get encoding(): MatrixEncoding {
    return this.state?.matrixEncoding ?? 'count';
  }

  private getModel(): MatrixModel | null {
    if (this.result !== this.modelFor) {
      this.modelFor = this.result;
      this.model = this.result ? buildModel(this.result) : null;
    }
    return this.model;
  }

  override render(): TemplateResult {
    const r = this.result;
    const m = this.getModel();
    const enc = this.encoding;
    const { width, height } = this.size;
    // The layout depends on the options and the size, not on the counts: made again only when those change.
    const layoutFor = m ? `${m.key}|${width}x${height}` : '';
    if (layoutFor !== this.layoutFor) {
      this.layoutFor = layoutFor;
      this.laidOut = m && width > 0 && height > 0 ? computeLayout(m, width, height) : null;
    }
    const layout = this.laidOut;
    this.layout = layout;
    return html`
      <div class="toolbar" part="toolbar">
        <span class="title">Option pairs</span>
        <span class="info">${r ? `${fmtInt(r.selected)} of ${fmtInt(r.baseline)} trainings selected` : 'no data'}</span>
        <span class="spacer"></span>
        <span class="group" role="group" aria-label="Encoding">
          ${ENCODINGS.map(
            (e) =>
              html`<button
                type="button"
                class="encoding"
                data-encoding=${e.value}
                title=${e.title}
                aria-pressed=${String(enc === e.value)}
                @click=${() => this.setEncoding(e.value)}
              >
                ${e.label}
              </button>`,
          )}
        </span>
        ${exportButtons('the matrix', (format) => void this.save(format))}
      </div>
      <div class="chart" @pointerleave=${this.onLeave}>
        ${!r ? html`<div class="empty">No aggregates yet.</div>` : nothing}
        ${m && layout && layout.canvas ? html`<canvas class="cells-canvas"></canvas>` : nothing}
        ${m && layout ? this.renderSvg(m, layout, enc) : nothing}
        ${m && layout && this.hover ? this.renderTooltip(m, layout, this.hover) : nothing}
        <div class="visually-hidden" aria-live="polite">${m && this.hover?.key ? this.describeCell(m, this.hover) : ''}</div>
      </div>
    `;
  }

  override willUpdate(changed: PropertyValues): void {
    if (!changed.has('result')) return;
    // The pointer's cell is gone with the old result; the keyboard's stays, if the new result has it.
    const h = this.hover;
    const m = this.getModel();
    this.hover = h?.key && m && h.i < m.entries.length && h.j < m.entries.length ? h : null;
  }

  override firstUpdated(): void {
    this.size.observe(this.renderRoot.querySelector('.chart'));
  }

  override updated(changed: PropertyValues): void {
    super.updated(changed);
    const m = this.model;
    const l = this.layout;
    if (m && l && l.canvas) this.paintCanvas(m, l);
    else if (m && l) this.paintCells(m, l);
  }

  /**
   * The SVG cells are made once per set of options and layout (renderCells);
   * a new result only changes their colour and count, set here on the
   * elements whose values changed: far cheaper than lit comparing thousands
   * of templates' parts on every update while a brush moves.
   */
  private paintCells(m: MatrixModel, l: MatrixLayout): void {
    const g = this.renderRoot.querySelector('g.cells[data-mode="svg"]');
    if (!g) return;
    // the same inputs as renderCells's guard: when they change, the elements may have too
    const cellsFor = `${m.key}|${l.cell}|${l.x0}|${l.y0}`;
    if (g !== this.cellGroup || cellsFor !== this.cellsFor) {
      this.cellGroup = g;
      this.cellsFor = cellsFor;
      this.cellEls = [...g.querySelectorAll('rect.cell')];
      this.cellFill = [];
      this.cellCount = [];
    }
    const enc = this.encoding;
    const theme = this.scheme.theme;
    const els = this.cellEls;
    for (let k = 0; k < els.length; k++) {
      const fill = cellColour(m, k, enc, theme);
      if (this.cellFill[k] !== fill) {
        els[k].setAttribute('fill', fill);
        this.cellFill[k] = fill;
      }
      const count = m.na[k] ? '' : String(m.count[k]);
      if (this.cellCount[k] !== count) {
        els[k].setAttribute('data-count', count);
        this.cellCount[k] = count;
      }
    }
  }

  private renderSvg(m: MatrixModel, l: MatrixLayout, enc: MatrixEncoding): TemplateResult {
    const theme = this.scheme.theme;
    const hover = this.hover;
    const hx = hover ? l.x0 + l.pos[hover.j] : 0;
    const hy = hover ? l.y0 + l.pos[hover.i] : 0;
    return html`<svg
      xmlns="http://www.w3.org/2000/svg"
      width=${l.width}
      height=${l.height}
      viewBox="0 0 ${l.width} ${l.height}"
      font-family=${FONT_FAMILY}
      font-size=${l.font}
      role="img"
      aria-roledescription="heat-map matrix"
      aria-label="Heat-map matrix of option pairs. Arrow keys move between cells, Page Up and Page Down between parameters, Enter filters to the pair, Shift+Enter adds it to the filter, Escape leaves."
      tabindex="0"
      @pointermove=${this.onMove}
      @click=${this.onClick}
      @keydown=${this.onKey}
      @focus=${this.onFocus}
      @blur=${this.onBlur}
    >
      ${l.canvas
        ? svg`<path class="background" fill-rule="evenodd" fill=${theme.bg}
            d="M0,0H${l.width}V${l.height}H0Z M${l.x0},${l.y0}h${l.side}v${l.side}h${-l.side}Z"></path>`
        : svg`<rect class="background" width=${l.width} height=${l.height} fill=${theme.bg}></rect>`}
      ${guard([m.key, l.cell, l.x0, l.y0, l.canvas], () => this.renderCells(m, l))}
      ${guard([m.key, l.cell, l.x0, l.y0, l.font, l.showOptions, theme, this.state?.where], () => this.renderLabels(m, l, theme))}
      ${guard([m.key, m.maxOff, m.selected, l.legendX, l.y0, l.side, enc, theme], () => this.renderLegend(m, l, enc, theme))}
      ${hover
        ? svg`<rect class="hover" x=${hx - 0.5} y=${hy - 0.5} width=${l.cell + 1} height=${l.cell + 1}
            fill="none" stroke=${theme.fg} stroke-width="1.5" pointer-events="none"></rect>`
        : nothing}
    </svg>`;
  }

  /** The cells' elements, without colour or count (paintCells sets those). */
  private renderCells(m: MatrixModel, l: MatrixLayout): SVGTemplateResult {
    if (l.canvas) return svg`<g class="cells" data-mode="canvas"></g>`;
    const N = m.entries.length;
    const c = l.cell;
    const out: SVGTemplateResult[] = [];
    for (let i = 0; i < N; i++) {
      const y = l.y0 + l.pos[i];
      const a = m.entries[i];
      for (let j = 0; j < N; j++) {
        const b = m.entries[j];
        out.push(
          svg`<rect class="cell" x=${l.x0 + l.pos[j]} y=${y} width=${c} height=${c}
            data-a=${a.param} data-oa=${a.option} data-b=${b.param} data-ob=${b.option}></rect>`,
        );
      }
    }
    return svg`<g class="cells" data-mode="svg" shape-rendering="crispEdges">${out}</g>`;
  }

  private renderLabels(m: MatrixModel, l: MatrixLayout, theme: ViewTheme): SVGTemplateResult {
    const where = this.state?.where ?? {};
    const f = l.font;
    const parts: SVGTemplateResult[] = [];
    const nameX = l.x0 - (l.showOptions ? l.optW + 6 : 0) - 10;
    const nameY = l.y0 - (l.showOptions ? l.optW + 6 : 0) - 10;
    for (const [bi, b] of m.blocks.entries()) {
      if (b.n === 0) continue;
      const start = b.start * l.cell + bi * BLOCK_GAP;
      const len = b.n * l.cell;
      const allowed = own(where, b.name);
      // Bracket and name on the rows (left) and the columns (top).
      parts.push(svg`<line x1=${nameX + 5} x2=${nameX + 5} y1=${l.y0 + start + 1} y2=${l.y0 + start + len - 1} stroke=${theme.muted} stroke-width="1"></line>
        <line x1=${l.x0 + start + 1} x2=${l.x0 + start + len - 1} y1=${nameY + 5} y2=${nameY + 5} stroke=${theme.muted} stroke-width="1"></line>`);
      if (len >= f * 0.9) {
        const name = truncate(b.name, MAX_LABEL_CHARS);
        parts.push(svg`<text class="param-label row" x=${nameX} y=${l.y0 + start + len / 2} text-anchor="end" dominant-baseline="central"
            font-weight="bold" fill=${theme.fg}>${name}</text>
          <text class="param-label col" transform="translate(${l.x0 + start + len / 2},${nameY}) rotate(-90)" text-anchor="start"
            dominant-baseline="central" font-weight="bold" fill=${theme.fg}>${name}</text>`);
      }
      if (!l.showOptions) continue;
      for (let i = 0; i < b.n; i++) {
        const e = m.entries[b.start + i];
        const mid = start + (i + 0.5) * l.cell;
        const off = allowed !== undefined && !allowed.includes(e.option);
        const fill = off ? theme.faint : theme.fg;
        const text = truncate(e.option, MAX_LABEL_CHARS);
        parts.push(svg`<text class="option-label row" data-param=${e.param} data-option=${e.option} x=${l.x0 - 4} y=${l.y0 + mid}
            text-anchor="end" dominant-baseline="central" fill=${fill}>${text}</text>
          <text class="option-label col" data-param=${e.param} data-option=${e.option}
            transform="translate(${l.x0 + mid},${l.y0 - 4}) rotate(-90)" text-anchor="start" dominant-baseline="central"
            fill=${fill}>${text}</text>`);
      }
    }
    return svg`<g class="labels">${parts}</g>`;
  }

  private renderLegend(m: MatrixModel, l: MatrixLayout, enc: MatrixEncoding, theme: ViewTheme): SVGTemplateResult {
    const x = l.legendX;
    const barW = 12;
    const h = Math.max(60, Math.min(l.side - 40, 240));
    const y = l.y0 + 22;
    const steps = 64;
    const diverging = enc === 'lift';
    const colours = diverging ? RD_BU : sequentialMap(theme);
    const rects: SVGTemplateResult[] = [];
    for (let s = 0; s < steps; s++) {
      const t = (s + 0.5) / steps;
      rects.push(svg`<rect class="legend-step" x=${x} y=${y + h - ((s + 1) * h) / steps} width=${barW} height=${h / steps + 0.5}
        fill=${ramp(colours, t)}></rect>`);
    }
    let ticks: { t: number; label: string }[];
    let title: string;
    if (diverging) {
      title = 'lift (log)';
      ticks = [
        { t: 1, label: '≥4×' },
        { t: 0.75, label: '2×' },
        { t: 0.5, label: '1×' },
        { t: 0.25, label: '½×' },
        { t: 0, label: '≤¼×' },
      ];
    } else if (enc === 'share') {
      title = 'share';
      const max = m.selected > 0 ? m.maxOff / m.selected : 0;
      ticks = max > 0 ? niceTicks(0, max, 4).map((v) => ({ t: v / max, label: fmtPct(v) })) : [{ t: 0, label: '0%' }];
    } else {
      title = 'count';
      // Counts are whole: no 0.2-steps labelled 0, 0, 0, 1, 1 for a maximum of 1.
      ticks =
        m.maxOff > 0
          ? niceTicks(0, m.maxOff, 4)
              .filter((v) => Number.isInteger(v))
              .map((v) => ({ t: v / m.maxOff, label: fmtInt(v) }))
          : [{ t: 0, label: '0' }];
    }
    const fs = Math.max(10, Math.min(12, l.font + 1));
    const sub = diverging
      ? ['vs. all filtered']
      : enc === 'share'
        ? ['of the selection']
        : [`of ${fmtInt(m.selected)}`, 'selected'];
    return svg`<g class="legend" data-encoding=${enc} data-scale=${diverging ? 'diverging' : 'sequential'} font-size=${fs}>
      <text x=${x} y=${l.y0 + 8} font-weight="bold" fill=${theme.fg}>${title}</text>
      ${rects}
      <rect x=${x} y=${y} width=${barW} height=${h} fill="none" stroke=${theme.faint}></rect>
      ${ticks.map(
        (tk) => svg`<line class="legend-tick" x1=${x + barW} x2=${x + barW + 4} y1=${y + h - tk.t * h} y2=${y + h - tk.t * h}
          stroke=${theme.muted}></line>
        <text class="legend-label" x=${x + barW + 7} y=${y + h - tk.t * h} dominant-baseline="central" fill=${theme.fg}>${tk.label}</text>`,
      )}
      ${sub.map((s, k) => svg`<text x=${x} y=${y + h + 16 + k * (fs + 3)} fill=${theme.muted}>${s}</text>`)}
      <rect x=${x} y=${y + h + 16 + sub.length * (fs + 3)} width=${barW} height=${barW} fill=${theme.na} stroke=${theme.faint}></rect>
      <text x=${x + barW + 7} y=${y + h + 16 + sub.length * (fs + 3) + barW / 2} dominant-baseline="central" fill=${theme.muted}>n/a</text>
    </g>`;
  }

  private renderTooltip(m: MatrixModel, l: MatrixLayout, h: Hover): TemplateResult {
    const N = m.entries.length;
    const k = h.i * N + h.j;
    const a = m.entries[h.i];
    const b = m.entries[h.j];
    const style = tooltipStyle(h.x, h.y, l.width, l.height, 280, 130);
    if (m.na[k])
      return html`<div class="tooltip" style=${style}>
        <div class="head">${a.param} = ${a.option}<br />${b.param} = ${b.option}</div>
        <div>n/a: a training has one ${a.param}</div>
      </div>`;
    const count = m.count[k];
    const share = m.selected > 0 ? count / m.selected : NaN;
    const baseShare = m.baseline > 0 ? m.base[k] / m.baseline : NaN;
    const same = h.i === h.j;
    return html`<div class="tooltip" style=${style} data-i=${h.i} data-j=${h.j}>
      <div class="head">${same ? html`${a.param} = ${a.option}` : html`${a.param} = ${a.option}<br />${b.param} = ${b.option}`}</div>
      <table>
        <tr><th>count</th><td class="count">${fmtInt(count)}</td></tr>
        <tr><th>share of ${fmtInt(m.selected)} selected</th><td class="share">${fmtPct(share)}</td></tr>
        <tr><th>share of ${fmtInt(m.baseline)} filtered</th><td class="base-share">${fmtPct(baseShare)}</td></tr>
        <tr><th>lift</th><td class="lift">${fmtLift(liftOf(m, k))}</td></tr>
      </table>
    </div>`;
  }

  private paintCanvas(m: MatrixModel, l: MatrixLayout): void {
    const canvas = this.renderRoot.querySelector<HTMLCanvasElement>('canvas.cells-canvas');
    if (!canvas) return;
    const dpr = window.devicePixelRatio || 1;
    const side = l.side;
    canvas.style.left = `${l.x0}px`;
    canvas.style.top = `${l.y0}px`;
    canvas.style.width = `${side}px`;
    canvas.style.height = `${side}px`;
    // Under the SVG, which leaves a hole in its background for the cells.
    canvas.style.pointerEvents = 'none';
    const w = Math.max(1, Math.round(side * dpr));
    if (canvas.width !== w) canvas.width = w;
    if (canvas.height !== w) canvas.height = w;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, side, side);
    const enc = this.encoding;
    const theme = this.scheme.theme;
    const N = m.entries.length;
    const c = l.cell;
    for (let i = 0; i < N; i++)
      for (let j = 0; j < N; j++) {
        ctx.fillStyle = cellColour(m, i * N + j, enc, theme);
        ctx.fillRect(l.pos[j], l.pos[i], c + 0.35, c + 0.35);
      }
  }

  private cellAt(ev: MouseEvent): { i: number; j: number; x: number; y: number } | null {
    const m = this.model;
    const l = this.layout;
    const svgEl = this.svgElement();
    if (!m || !l || !svgEl) return null;
    const box = svgEl.getBoundingClientRect();
    const x = ev.clientX - box.left;
    const y = ev.clientY - box.top;
    const j = entryAt(m, l, x - l.x0);
    const i = entryAt(m, l, y - l.y0);
    return i < 0 || j < 0 ? null : { i, j, x, y };
  }

  private readonly onMove = (ev: PointerEvent): void => {
    const hit = this.cellAt(ev);
    if (!hit) {
      if (this.hover) this.hover = null;
      return;
    }
    this.hover = hit;
  };

  private readonly onLeave = (): void => {
    this.hover = null;
  };

  private readonly onClick = (ev: MouseEvent): void => {
    const hit = this.cellAt(ev);
    if (hit) this.pick(hit.i, hit.j, ev.shiftKey);
  };

  /** The keyboard's cell, with the tooltip at its centre. */
  private keyHover(i: number, j: number): Hover | null {
    const l = this.layout;
    if (!l) return null;
    return { i, j, x: l.x0 + l.pos[j] + l.cell / 2, y: l.y0 + l.pos[i] + l.cell / 2, key: true };
  }

  private readonly onFocus = (): void => {
    if (!this.hover && this.model && this.model.entries.length > 0) this.hover = this.keyHover(0, 0);
    else if (this.hover) this.hover = this.keyHover(this.hover.i, this.hover.j);
  };

  private readonly onBlur = (): void => {
    if (this.hover?.key) this.hover = null;
  };

  private readonly onKey = (ev: KeyboardEvent): void => {
    const m = this.model;
    if (!m || m.entries.length === 0) return;
    const last = m.entries.length - 1;
    const h = this.hover ?? { i: 0, j: 0 };
    let { i, j } = h;
    switch (ev.key) {
      case 'ArrowLeft':
        j = Math.max(0, j - 1);
        break;
      case 'ArrowRight':
        j = Math.min(last, j + 1);
        break;
      case 'ArrowUp':
        i = Math.max(0, i - 1);
        break;
      case 'ArrowDown':
        i = Math.min(last, i + 1);
        break;
      case 'Home':
        j = 0;
        if (ev.ctrlKey) i = 0;
        break;
      case 'End':
        j = last;
        if (ev.ctrlKey) i = last;
        break;
      case 'PageUp':
        if (ev.shiftKey) j = blockStep(m, j, -1);
        else i = blockStep(m, i, -1);
        break;
      case 'PageDown':
        if (ev.shiftKey) j = blockStep(m, j, 1);
        else i = blockStep(m, i, 1);
        break;
      case 'Enter':
      case ' ':
        ev.preventDefault();
        this.pick(i, j, ev.shiftKey);
        return;
      case 'Escape':
        this.hover = null;
        (ev.currentTarget as SVGElement).blur();
        return;
      default:
        return;
    }
    ev.preventDefault();
    this.hover = this.keyHover(i, j);
  };

  /** The cell in words, for screen readers. */
  private describeCell(m: MatrixModel, h: Hover): string {
    const N = m.entries.length;
    const k = h.i * N + h.j;
    const a = m.entries[h.i];
    const b = m.entries[h.j];
    const pair = h.i === h.j ? `${a.param} ${a.option}` : `${a.param} ${a.option} and ${b.param} ${b.option}`;
    if (m.na[k]) return `${pair}: not applicable`;
    const share = m.selected > 0 ? m.count[k] / m.selected : NaN;
    return `${pair}: ${fmtInt(m.count[k])} trainings, ${fmtPct(share)} of the selection, lift ${fmtLift(liftOf(m, k))}`;
  }

  /** Filters to the pair of cell (i, j), or adds it to the filter. */
  private pick(i: number, j: number, add: boolean): void {
    const m = this.model;
    const r = this.result;
    if (!m || !r) return;
    const N = m.entries.length;
    if (m.na[i * N + j]) return;
    const a = m.entries[i];
    const b = m.entries[j];
    const where = dictFrom(Object.entries(this.state?.where ?? {}).map(([k, v]): [string, string[]] => [k, [...v]]));
    const inOrder = (param: number, opts: Set<string>): string[] => r.params[param].options.filter((o) => opts.has(o));
    if (add) {
      for (const e of a.p === b.p ? [a] : [a, b]) where[e.param] = inOrder(e.p, new Set([...(own(where, e.param) ?? []), e.option]));
    } else {
      where[a.param] = [a.option];
      where[b.param] = [b.option];
    }
    this.dispatchEvent(viewChange({ where }));
  };

  private setEncoding(matrixEncoding: MatrixEncoding): void {
    this.dispatchEvent(viewChange({ matrixEncoding }));
  }

  private svgElement(): SVGSVGElement | null {
    return this.renderRoot.querySelector<SVGSVGElement>('.chart > svg');
  }

  /** Runs `f` on the live SVG, with the canvas cells embedded as an image while it runs. */
  private async withCells<T>(f: (svgEl: SVGSVGElement) => Promise<T>): Promise<T> {
    await this.updateComplete;
    const svgEl = this.svgElement();
    const l = this.layout;
    if (!svgEl || !l) throw new Error('the matrix has nothing to export yet');
    const canvas = this.renderRoot.querySelector<HTMLCanvasElement>('canvas.cells-canvas');
    let img: SVGImageElement | null = null;
    if (l.canvas && canvas) {
      img = document.createElementNS('http://www.w3.org/2000/svg', 'image');
      img.setAttribute('x', String(l.x0));
      img.setAttribute('y', String(l.y0));
      img.setAttribute('width', String(l.side));
      img.setAttribute('height', String(l.side));
      img.setAttribute('href', canvas.toDataURL('image/png'));
      svgEl.querySelector('g.cells')?.appendChild(img);
    }
    try {
      return await f(svgEl);
    } finally {
      img?.remove();
    }
  }

  /** The matrix as a standalone SVG file. */
  exportSvg(): Promise<Blob> {
    return this.withCells(async (s) => svgBlob(s));
  }

  /** The matrix as a PNG at twice its size. */
  exportPng(scale = 2): Promise<Blob> {
    return this.withCells((s) => svgToPng(s, scale, this.scheme.theme.bg));
  }

  private async save(format: 'svg' | 'png'): Promise<void> {
    try {
      const blob = format === 'svg' ? await this.exportSvg() : await this.exportPng();
      download(blob, `sweepscope-matrix.${format}`);
    } catch (e) {
      console.warn('sweep-matrix export failed:', e);
    }
  }
}

customElements.define('sweep-matrix', SweepMatrix);

declare global {
  interface HTMLElementTagNameMap {
    'sweep-matrix': SweepMatrix;
  }
}
