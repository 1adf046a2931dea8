/**
 * <sweep-trellis>: mean metric per option, split by a primary parameter, after
 * Becker's barley trellis (Jönsson et al., Figure 4). One panel per option of
 * the primary parameter (`result.primary`, by default the group); in every
 * panel a row per option of every parameter, grouped by parameter, and a dot
 * at the mean of the shown metric over the filtered trainings with that
 * option in that panel (`result.trellis(param, option, panel).mean`; empty cells
 * have no dot). The x axis is shared by all panels. With a secondary
 * parameter every row has one dot per secondary option, coloured (Okabe–Ito)
 * and shaped, with a legend.
 *
 * The view draws to the box the page gives it. It puts as many panels side
 * by side as the width allows at MIN_PANEL_W each (balanced over the rows of
 * panels), and labels the rows in one of two ways, whichever needs less
 * height: "side" (the parameter's name left of its options, for wide boxes)
 * or "stacked" (the name on a line of its own above its options, a narrower
 * label column so that more panels fit side by side). Option rows shrink to
 * fill the height down to MIN_ROW_H; below that the chart scrolls inside the
 * element under a fixed toolbar. Labels are cut to the width they have.
 *
 * The primary and secondary menus dispatch `viewChange({primary})` and
 * `viewChange({secondary})` (null for none); the view never queries.
 */

import { css, html, nothing, svg, type PropertyValues, type SVGTemplateResult, type TemplateResult } from 'lit';
import { guard } from 'lit/directives/guard.js';
import { ALL_LABEL, type Answer, type AnswerCell } from '../engine/answer.js';
import { exportFile, svgBlob, svgToPng } from './shared/export.js';
import { SHAPES, categorical } from './shared/palette.js';
import { exportButtons, tooltipStyle, viewChrome } from './shared/chrome.js';
import { fitText, textWidth } from './shared/measure.js';
import { emptiness, emptyNotice, emptyStyles } from './shared/empty.js';
import { fmtInt } from './shared/format.js';
import { niceTicks, stepDecimals } from './shared/scale.js';
import { ColorSchemeController, FONT_FAMILY, SizeController, type ViewTheme } from './shared/theme.js';
import { DEFAULT_VIEW_STATE, viewChange, type ViewState } from './shared/view-state.js';
import { DeferredView } from './shared/job.js';

const PAD = 10;
/** Narrowest panel: room for three tick labels and dots that do not all sit on each other. */
const MIN_PANEL_W = 100;
const PANEL_GAP = 12;
/** Option rows: no lower than a 9 px label needs, no higher than reads as a list. */
const MIN_ROW_H = 11;
const MAX_ROW_H = 18;
/** Panel title strip, the axis under a panel, and the gap between rows of panels. */
const STRIP_H = 18;
const AXIS_H = 30;
/** Tick labels under the title strip too when the chart scrolls, so the scale is in view before the bottom axis is. */
const TOP_AXIS_H = 13;
const BAND_GAP = 12;
/** Space above the first and below the last option row of a panel. */
const BODY_PAD = 4;
const CAPTION_H = 18;
const LEGEND_FONT = 12;
const LEGEND_ROW_H = 18;
const TICK_FONT = 10;

/** One dot: the mean over trainings with `option` of `param` in panel `panel` (and secondary option `s`). */
interface Dot {
  row: number;
  panel: number;
  /** Index of the secondary option, or -1. */
  s: number;
  mean: number;
  count: number;
  /** Index in TrellisModel.dots. */
  index: number;
}

interface TrellisModel {
  panels: string[];
  /** The parameter the panels split by, or null for one panel of all trainings. */
  primary: string | null;
  metric: string;
  /** Row entries: parameter index and option, in parameter then option order. */
  rows: { p: number; param: string; option: string }[];
  blocks: { name: string; start: number; n: number }[];
  secondary: { name: string; options: string[] } | null;
  dots: Dot[];
  lo: number;
  hi: number;
  label: string;
}

function buildModel(r: Answer): TrellisModel {
  const primary = r.primary >= 0 ? r.params[r.primary] : undefined;
  const panels = primary ? [...primary.options] : [ALL_LABEL];
  const secParam = r.secondary >= 0 ? r.params[r.secondary] : undefined;
  const secondary = secParam ? { name: secParam.name, options: [...secParam.options] } : null;
  const rows: TrellisModel['rows'] = [];
  const blocks: TrellisModel['blocks'] = [];
  r.params.forEach((p, pi) => {
    blocks.push({ name: p.name, start: rows.length, n: p.options.length });
    for (const o of p.options) rows.push({ p: pi, param: p.name, option: o });
  });
  const dots: Dot[] = [];
  let lo = Infinity;
  let hi = -Infinity;
  const add = (row: number, panel: number, s: number, c: AnswerCell): void => {
    if (c.mean === null || !Number.isFinite(c.mean)) return;
    dots.push({ row, panel, s, mean: c.mean, count: c.count, index: dots.length });
    if (c.mean < lo) lo = c.mean;
    if (c.mean > hi) hi = c.mean;
  };
  // row entries are in parameter then option order, so the option is the row's index in its block
  rows.forEach((row, ri) => {
    const o = ri - blocks[row.p].start;
    panels.forEach((_, pi) => {
      if (secondary) secondary.options.forEach((_, si) => add(ri, pi, si, r.trellis(row.p, o, pi, si)));
      else add(ri, pi, -1, r.trellis(row.p, o, pi));
    });
  });
  if (!(lo <= hi)) {
    lo = 0;
    hi = 1;
  }
  if (hi - lo < 1e-9) {
    lo -= 0.01;
    hi += 0.01;
  }
  const span = hi - lo;
  lo -= span * 0.05;
  hi += span * 0.05;
  const label = `mean ${r.normalize ? 'normalized ' : ''}${r.metric}${r.normalize && r.groupName ? ` (per ${r.groupName})` : ''}`;
  return { panels, primary: primary ? primary.name : null, metric: r.metric, rows, blocks, secondary, dots, lo, hi, label };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * Whether two models draw the same picture. The means are over the filtered
 * trainings, so a brush drag (a new result every frame) leaves them as they
 * were: keeping the old model then lets the guarded body skip re-rendering
 * hundreds of SVG elements per frame.
 */
function sameModel(a: TrellisModel, b: TrellisModel): boolean {
  if (a.lo !== b.lo || a.hi !== b.hi || a.label !== b.label || a.primary !== b.primary || a.metric !== b.metric) return false;
  if (!sameList(a.panels, b.panels) || a.rows.length !== b.rows.length || a.dots.length !== b.dots.length) return false;
  if ((a.secondary === null) !== (b.secondary === null)) return false;
  if (a.secondary && b.secondary && (a.secondary.name !== b.secondary.name || !sameList(a.secondary.options, b.secondary.options))) return false;
  for (let i = 0; i < a.rows.length; i++) if (a.rows[i].param !== b.rows[i].param || a.rows[i].option !== b.rows[i].option) return false;
  for (let i = 0; i < a.dots.length; i++) {
    const x = a.dots[i];
    const y = b.dots[i];
    if (x.row !== y.row || x.panel !== y.panel || x.s !== y.s || x.mean !== y.mean || x.count !== y.count) return false;
  }
  return true;
}

/**
 * How the rows are labelled: `side`, the parameter's name in a column left of
 * its options (vertically centred on them); `stacked`, the name on a header
 * line above its options, which needs a narrower label column but a line per
 * parameter more.
 */
type LabelMode = 'side' | 'stacked';

interface TrellisLayout {
  mode: LabelMode;
  /** Size of the SVG: the box's width, and its height or the content's when taller (then it scrolls). */
  width: number;
  height: number;
  /** Height of what is drawn. */
  contentH: number;
  font: number;
  rowH: number;
  /** Side: the gap between two parameters' rows; stacked: the header line's height. */
  blockGap: number;
  /** Right end of the names (side) or their left end (stacked). */
  nameX: number;
  /** Right end of the option labels. */
  optX: number;
  labelW: number;
  cols: number;
  gridRows: number;
  panelW: number;
  /** Height of the rows of one panel. */
  bodyH: number;
  /** Top of the panel grid. */
  top: number;
  /** Height of the tick labels above the bodies: TOP_AXIS_H when the chart scrolls, else 0. */
  topAxisH: number;
  /** Height of one row of panels: strip, top ticks, body, axis. */
  rowBandH: number;
  /** Row centre offsets within a panel body. */
  rowY: Float64Array;
  /** Per block: the name's centre (side: middle of its rows; stacked: its header line), and the top of its rows. */
  blockY: Float64Array;
  blockTop: Float64Array;
  /** Fitted labels: per block, per row, per panel. */
  names: string[];
  options: string[];
  panelTitles: string[];
  axisTitle: string;
  caption: string;
  legendTitle: string;
  legend: { x: number; y: number; s: number; label: string }[];
  ticks: { v: number; x: number; label: string; labelX: number }[];
}

interface ModeFit {
  mode: LabelMode;
  font: number;
  nameW: number;
  optW: number;
  labelW: number;
  cols: number;
  gridRows: number;
  panelW: number;
  rowH: number;
  topAxisH: number;
  /** Height of everything at this row height. */
  total: number;
  /** Height at MIN_ROW_H: what the layout needs at the least. */
  minTotal: number;
}

/** Label font for a row height: the text's box (about 1.17 em) stays inside its row. */
function fontFor(rowH: number): number {
  return Math.max(9, Math.min(12, Math.floor(rowH / 1.17)));
}

function computeLayout(m: TrellisModel, width: number, height: number): TrellisLayout {
  const nP = m.panels.length;
  const N = m.rows.length;
  const live = m.blocks.filter((b) => b.n > 0);
  const B = live.length;
  const avail = Math.max(120, width - 2 * PAD);

  // Secondary legend, wrapped to the width.
  const legend: TrellisLayout['legend'] = [];
  let legendH = 0;
  let legendTitle = '';
  if (m.secondary) {
    legendTitle = fitText(`${m.secondary.name}:`, Math.min(160, avail / 3), LEGEND_FONT, true);
    const x0 = PAD + textWidth(legendTitle, LEGEND_FONT, true) + 12;
    let x = x0;
    let y = PAD + LEGEND_ROW_H / 2;
    m.secondary.options.forEach((o, s) => {
      const label = fitText(o, Math.max(40, width - PAD - x0 - 16), LEGEND_FONT);
      const w = 14 + textWidth(label, LEGEND_FONT) + 16;
      if (x + w > width - PAD && legend.length > 0) {
        x = x0;
        y += LEGEND_ROW_H;
      }
      legend.push({ x, y, s, label });
      x += w;
    });
    legendH = y + LEGEND_ROW_H / 2 - PAD + 4;
  }
  const top = PAD + legendH + CAPTION_H;

  const widest = (texts: string[], f: number, bold: boolean, cap: number): number =>
    Math.min(cap, texts.reduce((w, t) => Math.max(w, textWidth(t, f, bold)), 0));
  const names = live.map((b) => b.name);
  const options = m.rows.map((r) => r.option);
  // Long names and options are cut: the label column never takes more than about 40% of the width.
  const nameCap = Math.max(48, avail * 0.18);
  const optCap = Math.max(48, avail * 0.22);

  const fit = (mode: LabelMode): ModeFit => {
    const sizeAt = (f: number): { nameW: number; optW: number; labelW: number } => {
      const nameW = Math.ceil(widest(names, f, true, nameCap));
      const optW = Math.ceil(widest(options, f, false, optCap));
      const labelW = mode === 'side' ? nameW + 10 + optW + 8 : Math.max(nameW + 4, optW + 12) + 8;
      return { nameW, optW, labelW };
    };
    // The grid from the labels at a middle font size (the final font depends on the row height, which depends on the grid).
    const guess = sizeAt(10);
    let cols = Math.max(1, Math.min(nP, Math.floor((avail - guess.labelW + PANEL_GAP) / (MIN_PANEL_W + PANEL_GAP))));
    const gridRows = Math.ceil(nP / cols);
    cols = Math.ceil(nP / gridRows);
    // Per row of panels: the rows' units of rowH, and what does not scale with it.
    const unitsPerBand = mode === 'side' ? N + 0.5 * Math.max(0, B - 1) : N + B;
    const pxPerBand = STRIP_H + AXIS_H + 2 * BODY_PAD + (mode === 'stacked' ? 3 * B : 0);
    const fixed0 = top + PAD + gridRows * pxPerBand + (gridRows - 1) * BAND_GAP;
    // Rows at their least that still do not fit: the chart scrolls, with ticks at the top of every panel too.
    const topAxisH = fixed0 + gridRows * unitsPerBand * MIN_ROW_H > height ? TOP_AXIS_H : 0;
    const fixed = fixed0 + gridRows * topAxisH;
    const totalAt = (rh: number): number => fixed + gridRows * unitsPerBand * rh;
    // Floored to 1/100 px, so that rows that fill the box do not overflow it by a rounding.
    const rowH = Math.max(MIN_ROW_H, Math.min(MAX_ROW_H, Math.floor((100 * (height - fixed)) / Math.max(1, gridRows * unitsPerBand)) / 100));
    const font = fontFor(rowH);
    const s = sizeAt(font);
    const panelW = Math.max(40, (avail - s.labelW - (cols - 1) * PANEL_GAP) / cols);
    return { mode, font, ...s, cols, gridRows, panelW, rowH, topAxisH, total: totalAt(rowH), minTotal: totalAt(MIN_ROW_H) };
  };
  const side = fit('side');
  const stacked = fit('stacked');
  // Side labels read best; stacked ones when they save height (more panels side by side, less
  // scrolling), or when the box is so narrow that side labels leave a panel under its minimum width.
  let f = side;
  if (side.minTotal > height && stacked.minTotal < side.minTotal) f = stacked;
  if (side.panelW < MIN_PANEL_W && stacked.panelW > side.panelW) f = stacked;

  const rowH = f.rowH;
  const blockGap = f.mode === 'side' ? Math.max(4, rowH * 0.5) : rowH + 3;
  const rowY = new Float64Array(N);
  const blockY = new Float64Array(m.blocks.length);
  const blockTop = new Float64Array(m.blocks.length);
  let y = BODY_PAD;
  let seen = 0;
  m.blocks.forEach((b, bi) => {
    if (b.n === 0) return;
    if (f.mode === 'side') {
      if (seen++ > 0) y += blockGap;
      blockTop[bi] = y;
      blockY[bi] = y + (b.n * rowH) / 2;
    } else {
      blockTop[bi] = y;
      blockY[bi] = y + blockGap / 2 + 1;
      y += blockGap;
    }
    for (let i = 0; i < b.n; i++) {
      rowY[b.start + i] = y + rowH / 2;
      y += rowH;
    }
  });
  const bodyH = y + BODY_PAD;
  const rowBandH = STRIP_H + f.topAxisH + bodyH + AXIS_H;
  const contentH = Math.ceil(top + f.gridRows * rowBandH + (f.gridRows - 1) * BAND_GAP + PAD);

  const nameX = f.mode === 'side' ? PAD + f.nameW : PAD;
  const optX = PAD + f.labelW - 8;
  const fittedNames = m.blocks.map((b) => fitText(b.name, f.mode === 'side' ? f.nameW : f.labelW - 4, f.font, true));
  const fittedOptions = m.rows.map((r) => fitText(r.option, f.optW, f.font));
  const panelTitles = m.panels.map((p) => fitText(p, f.panelW - 8, 12, true));
  const axisTitle = fitText(m.metric, f.panelW, TICK_FONT);
  const longCaption = `${m.label}, per option${nP > 1 && m.primary ? `; one panel per ${m.primary}` : ''}`;
  const caption = textWidth(longCaption, 12) <= avail ? longCaption : fitText(m.label, avail, 12);

  // Ticks: about one per 55 px, fewer if their labels would touch; each label kept inside its panel.
  const x = (v: number): number => ((v - m.lo) / (m.hi - m.lo)) * f.panelW;
  let values = niceTicks(m.lo, m.hi, Math.max(2, Math.min(6, Math.floor(f.panelW / 55))));
  const labelsOf = (vs: number[]): string[] => vs.map((v) => fmtTick(v, vs));
  let labels = labelsOf(values);
  const crowded = (vs: number[], ls: string[]): boolean =>
    vs.some((v, i) => i > 0 && x(v) - x(vs[i - 1]) < (textWidth(ls[i], TICK_FONT) + textWidth(ls[i - 1], TICK_FONT)) / 2 + 6);
  while (values.length > 2 && crowded(values, labels)) {
    values = values.filter((_, i) => i % 2 === 0);
    labels = labelsOf(values);
  }
  const ticks = values.map((v, i) => {
    const tw = textWidth(labels[i], TICK_FONT);
    const tx = x(v);
    return { v, x: tx, label: labels[i], labelX: Math.max(tw / 2 - 4, Math.min(f.panelW - tw / 2 + 4, tx)) };
  });

  return {
    mode: f.mode,
    width,
    height: Math.max(height, contentH),
    contentH,
    font: f.font,
    rowH,
    blockGap,
    nameX,
    optX,
    labelW: f.labelW,
    cols: f.cols,
    gridRows: f.gridRows,
    panelW: f.panelW,
    bodyH,
    top,
    topAxisH: f.topAxisH,
    rowBandH,
    rowY,
    blockY,
    blockTop,
    names: fittedNames,
    options: fittedOptions,
    panelTitles,
    axisTitle,
    caption,
    legendTitle,
    legend,
    ticks,
  };
}

interface HoverDot {
  dot: Dot;
  x: number;
  y: number;
}

export class SweepTrellis extends DeferredView {
  static override properties = {
    result: { attribute: false },
    state: { attribute: false },
    hover: { state: true },
  };

  static override styles = [
    viewChrome,
    emptyStyles,
    css`
      /* The chart scrolls under the toolbar when the panels are taller than the box. */
      .chart {
        overflow-x: hidden;
        overflow-y: auto;
      }
      .toolbar {
        flex: none;
        gap: 6px 10px;
      }
      /* Menus as wide as a usual parameter name, so that the toolbar stays one line in a 700 px box. */
      select {
        max-width: 8.5em;
      }
      label {
        color: var(--sweep-muted);
      }
      .dot {
        cursor: default;
      }
      .chart > .empty-selection {
        position: absolute;
        inset: 0;
      }
    `,
  ];

  declare result: Answer | null;
  declare state: ViewState;
  declare hover: HoverDot | null;

  private readonly scheme = new ColorSchemeController(this);
  private readonly size = new SizeController(this);
  private model: TrellisModel | null = null;
  private modelFor: Answer | null = null;
  private layoutCache: { m: TrellisModel; width: number; height: number; l: TrellisLayout } | null = null;

  constructor() {
    super();
    this.result = null;
    this.state = DEFAULT_VIEW_STATE;
    this.hover = null;
  }

  private getModel(): TrellisModel | null {
    if (this.result !== this.modelFor) {
      this.modelFor = this.result;
      const next = this.result ? buildModel(this.result) : null;
      if (!(next && this.model && sameModel(next, this.model))) this.model = next;
    }
    return this.model;
  }

  /** The layout of a model in a box; measuring text is the costly part, so it is kept while neither changes (a hover re-renders). */
  private getLayout(m: TrellisModel, width: number, height: number): TrellisLayout {
    const c = this.layoutCache;
    if (c && c.m === m && c.width === width && c.height === height) return c.l;
    const l = computeLayout(m, width, height);
    this.layoutCache = { m, width, height, l };
    return l;
  }

  override render(): TemplateResult {
    const r = this.result;
    const empty = r ? emptiness(r) !== null : false;
    const m = empty ? null : this.getModel();
    const { width, height } = this.size;
    const l = m && width > 0 && height > 0 ? this.getLayout(m, width, height) : null;
    const params = r?.params.map((p) => p.name) ?? [];
    const primary = this.state?.primary ?? r?.primary ?? '';
    const secondary = this.state?.secondary !== undefined ? (this.state.secondary ?? '') : (r?.secondary ?? '');
    return html`
      <div class="toolbar" part="toolbar">
        <span class="title">Trellis</span>
        <span class="info" title="Means over the trainings that pass the filters">${r ? `${fmtInt(r.baseline)} trainings` : 'no data'}</span>
        <span class="spacer"></span>
        <label class="group"
          >panels
          <select name="primary" @change=${this.onPrimary} ?disabled=${!r}>
            ${primary === '' ? html`<option value="" selected disabled>(none)</option>` : nothing}
            ${params.map((p) => html`<option value=${p} ?selected=${p === primary}>${p}</option>`)}
          </select>
        </label>
        <label class="group"
          >colour/shape
          <select name="secondary" @change=${this.onSecondary} ?disabled=${!r}>
            <option value="" ?selected=${secondary === ''}>(none)</option>
            ${params
              .filter((p) => p !== primary || p === secondary)
              .map((p) => html`<option value=${p} ?selected=${p === secondary}>${p}</option>`)}
          </select>
        </label>
        ${exportButtons('the trellis', (format) => void this.save(format))}
      </div>
      <div class="chart" @pointerleave=${this.onLeave}>
        ${!r ? html`<div class="empty">No aggregates yet.</div>` : nothing}
        ${r && empty ? emptyNotice(r) : nothing}
        ${m && l ? this.renderSvg(m, l) : nothing}
        ${m && l && this.hover ? this.renderTooltip(m, l, this.hover) : nothing}
      </div>
    `;
  }

  override willUpdate(changed: PropertyValues): void {
    if (changed.has('result')) this.hover = null;
  }

  override firstUpdated(): void {
    this.size.observe(this.renderRoot.querySelector('.chart'));
  }

  private renderSvg(m: TrellisModel, l: TrellisLayout): TemplateResult {
    const theme = this.scheme.theme;
    return html`<svg
      xmlns="http://www.w3.org/2000/svg"
      width=${l.width}
      height=${l.height}
      viewBox="0 0 ${l.width} ${l.height}"
      font-family=${FONT_FAMILY}
      font-size=${l.font}
      role="img"
      aria-label="Trellis of ${m.label} per option"
      data-mode=${l.mode}
      data-cols=${l.cols}
      data-grid-rows=${l.gridRows}
      data-row-h=${l.rowH.toFixed(2)}
      data-content-h=${l.contentH}
      @pointerover=${this.onOver}
    >
      <rect class="background" width=${l.width} height=${l.height} fill=${theme.bg}></rect>
      ${guard([m, l, theme], () => this.renderBody(m, l, theme))}
    </svg>`;
  }

  private x(m: TrellisModel, l: TrellisLayout, v: number): number {
    return ((v - m.lo) / (m.hi - m.lo)) * l.panelW;
  }

  private renderBody(m: TrellisModel, l: TrellisLayout, theme: ViewTheme): SVGTemplateResult {
    const parts: SVGTemplateResult[] = [];
    // Caption and secondary legend.
    parts.push(svg`<text class="caption" x=${PAD} y=${l.top - 6} font-size="12" fill=${theme.muted}>${l.caption}</text>`);
    if (m.secondary) {
      const sec = m.secondary;
      parts.push(svg`<g class="legend" font-size=${LEGEND_FONT} data-param=${sec.name}>
        <text class="legend-title" x=${PAD} y=${PAD + LEGEND_ROW_H / 2} dominant-baseline="central" font-weight="bold" fill=${theme.fg}>${l.legendTitle}</text>
        ${l.legend.map(
          (e) => svg`<g class="legend-item" data-option=${sec.options[e.s]}>
            <path d=${SHAPES[e.s % SHAPES.length]} transform="translate(${e.x + 5},${e.y})" fill=${categorical(e.s)}
              stroke=${theme.bg} stroke-width="0.6"></path>
            <text x=${e.x + 14} y=${e.y} dominant-baseline="central" fill=${theme.fg}>${e.label}</text></g>`,
        )}
      </g>`);
    }
    const dotsByPanel: Dot[][] = m.panels.map(() => []);
    for (const d of m.dots) dotsByPanel[d.panel].push(d);
    const shapeScale = Math.max(0.6, Math.min(1.1, l.rowH / 11));
    for (let gr = 0; gr < l.gridRows; gr++) {
      const bandY = l.top + gr * (l.rowBandH + BAND_GAP);
      const bodyY = bandY + STRIP_H + l.topAxisH;
      parts.push(this.renderRowLabels(m, l, theme, bodyY));
      for (let c = 0; c < l.cols; c++) {
        const pi = gr * l.cols + c;
        if (pi >= m.panels.length) break;
        const px = PAD + l.labelW + c * (l.panelW + PANEL_GAP);
        parts.push(this.renderPanel(m, l, theme, pi, px, bandY, dotsByPanel[pi], shapeScale));
      }
    }
    return svg`${parts}`;
  }

  /** The parameter names and option labels left of one row of panels. */
  private renderRowLabels(m: TrellisModel, l: TrellisLayout, theme: ViewTheme, bodyY: number): SVGTemplateResult {
    const labels: SVGTemplateResult[] = [];
    const side = l.mode === 'side';
    m.blocks.forEach((b, bi) => {
      if (b.n === 0) return;
      const y0 = bodyY + l.blockTop[bi] + (side ? 0 : l.blockGap);
      const y1 = y0 + b.n * l.rowH;
      labels.push(svg`<text class="param-label" x=${l.nameX} y=${bodyY + l.blockY[bi]} text-anchor=${side ? 'end' : 'start'}
          dominant-baseline="central" font-weight="bold" fill=${theme.fg}>${l.names[bi]}${whole(l.names[bi], b.name)}</text>
        <line x1=${side ? l.nameX + 5 : PAD + 2} x2=${side ? l.nameX + 5 : PAD + 2} y1=${y0 + 1} y2=${y1 - 1} stroke=${theme.muted}></line>`);
      for (let i = 0; i < b.n; i++) {
        labels.push(svg`<text class="option-label" x=${l.optX} y=${bodyY + l.rowY[b.start + i]} text-anchor="end"
            dominant-baseline="central" fill=${theme.fg}>${l.options[b.start + i]}${whole(l.options[b.start + i], m.rows[b.start + i].option)}</text>`);
      }
    });
    return svg`<g class="row-labels">${labels}</g>`;
  }

  private renderPanel(
    m: TrellisModel,
    l: TrellisLayout,
    theme: ViewTheme,
    pi: number,
    px: number,
    bandY: number,
    dots: Dot[],
    shapeScale: number,
  ): SVGTemplateResult {
    const bodyY = bandY + STRIP_H + l.topAxisH;
    const w = l.panelW;
    const grid: SVGTemplateResult[] = [];
    for (const t of l.ticks) {
      const x = px + t.x;
      grid.push(svg`<line x1=${x} x2=${x} y1=${bodyY} y2=${bodyY + l.bodyH} stroke=${theme.faint} stroke-width="0.75"></line>`);
    }
    for (let ri = 0; ri < m.rows.length; ri++) {
      const y = bodyY + l.rowY[ri];
      grid.push(svg`<line x1=${px} x2=${px + w} y1=${y} y2=${y} stroke=${theme.faint} stroke-width="0.75" stroke-dasharray="1 2"></line>`);
    }
    // Separators between parameter blocks: the middle of the gap (side), the top of the header line (stacked).
    let seen = 0;
    m.blocks.forEach((b, bi) => {
      if (b.n === 0) return;
      if (seen++ === 0) return;
      const y = bodyY + (l.mode === 'side' ? l.blockTop[bi] - l.blockGap / 2 : l.blockTop[bi]);
      grid.push(svg`<line x1=${px} x2=${px + w} y1=${y} y2=${y} stroke=${theme.muted} stroke-width="0.75"></line>`);
    });
    const marks = dots.map((d) => {
      const x = px + this.x(m, l, d.mean);
      const y = bodyY + l.rowY[d.row];
      const s = Math.max(0, d.s);
      const row = m.rows[d.row];
      return svg`<path class="dot" d=${SHAPES[s % SHAPES.length]} transform="translate(${x.toFixed(2)},${y.toFixed(2)}) scale(${shapeScale})"
        fill=${categorical(s)} stroke=${theme.bg} stroke-width="0.5" data-cx=${x.toFixed(2)} data-param=${row.param}
        data-option=${row.option} data-panel=${m.panels[pi]} data-secondary=${d.s >= 0 && m.secondary ? m.secondary.options[d.s] : ''}
        data-mean=${d.mean} data-count=${d.count} data-index=${d.index}></path>`;
    });
    const axisY = bodyY + l.bodyH;
    const axis = l.ticks.map(
      (t) => svg`<line x1=${px + t.x} x2=${px + t.x} y1=${axisY} y2=${axisY + 4} stroke=${theme.muted}></line>
        <text class="tick" x=${px + t.labelX} y=${axisY + 14} text-anchor="middle" font-size=${TICK_FONT} fill=${theme.muted}>${t.label}</text>
        ${l.topAxisH > 0
          ? svg`<text class="tick tick-top" x=${px + t.labelX} y=${bodyY - 3} text-anchor="middle" font-size=${TICK_FONT} fill=${theme.muted}>${t.label}</text>`
          : nothing}`,
    );
    return svg`<g class="panel" data-panel=${m.panels[pi]}>
      <rect x=${px} y=${bandY} width=${w} height=${STRIP_H - 2} fill=${theme.faint} rx="2"></rect>
      <text class="panel-title" x=${px + w / 2} y=${bandY + (STRIP_H - 2) / 2} text-anchor="middle" dominant-baseline="central"
        font-size="12" font-weight="bold" fill=${theme.fg}>${l.panelTitles[pi]}${whole(l.panelTitles[pi], m.panels[pi])}</text>
      <rect x=${px} y=${bodyY} width=${w} height=${l.bodyH} fill=${theme.panel} stroke=${theme.faint}></rect>
      ${grid}
      <g class="dots">${marks}</g>
      ${axis}
      <text class="axis-title" x=${px + w / 2} y=${axisY + 27} text-anchor="middle" font-size=${TICK_FONT} fill=${theme.muted}>${l.axisTitle}</text>
    </g>`;
  }

  private renderTooltip(m: TrellisModel, l: TrellisLayout, h: HoverDot): TemplateResult {
    const row = m.rows[h.dot.row];
    const chart = this.renderRoot.querySelector('.chart');
    const w = chart?.clientWidth ?? l.width;
    const hh = (chart?.clientHeight ?? l.height) + (chart?.scrollTop ?? 0);
    return html`<div class="tooltip" style=${tooltipStyle(h.x, h.y, w, hh, 260, 110)}>
      <div class="head">${row.param} = ${row.option}</div>
      <table>
        ${m.primary ? html`<tr><th>${m.primary}</th><td>${m.panels[h.dot.panel]}</td></tr>` : nothing}
        ${m.secondary && h.dot.s >= 0 ? html`<tr><th>${m.secondary.name}</th><td>${m.secondary.options[h.dot.s]}</td></tr>` : nothing}
        <tr><th>mean</th><td class="mean">${h.dot.mean.toFixed(4)}</td></tr>
        <tr><th>trainings</th><td class="count">${fmtInt(h.dot.count)}</td></tr>
      </table>
    </div>`;
  }

  private readonly onOver = (ev: PointerEvent): void => {
    const target = ev.target instanceof Element ? ev.target.closest('.dot') : null;
    const m = this.model;
    const chart = this.renderRoot.querySelector('.chart');
    if (!target || !m || !chart) {
      if (this.hover) this.hover = null;
      return;
    }
    const dot = m.dots[Number(target.getAttribute('data-index'))];
    if (!dot) return;
    const box = chart.getBoundingClientRect();
    this.hover = { dot, x: ev.clientX - box.left, y: ev.clientY - box.top + chart.scrollTop };
  };

  private readonly onLeave = (): void => {
    this.hover = null;
  };

  private readonly onPrimary = (ev: Event): void => {
    const v = (ev.target as HTMLSelectElement).value;
    if (v) this.dispatchEvent(viewChange({ primary: v }));
  };

  private readonly onSecondary = (ev: Event): void => {
    const v = (ev.target as HTMLSelectElement).value;
    this.dispatchEvent(viewChange({ secondary: v === '' ? null : v }));
  };

  private svgElement(): SVGSVGElement | null {
    return this.renderRoot.querySelector<SVGSVGElement>('.chart > svg');
  }

  private async liveSvg(): Promise<SVGSVGElement> {
    await this.updateComplete;
    const s = this.svgElement();
    if (!s) throw new Error('the trellis has nothing to export yet');
    return s;
  }

  /** The trellis as a standalone SVG file (all panels, also those scrolled out of view). */
  async exportSvg(): Promise<Blob> {
    return svgBlob(await this.liveSvg());
  }

  /** The trellis as a PNG at `scale` times its size. */
  async exportPng(scale = 2): Promise<Blob> {
    return svgToPng(await this.liveSvg(), scale, this.scheme.theme.bg);
  }

  private async save(format: 'svg' | 'png'): Promise<void> {
    await exportFile(this, `sweepscope-trellis.${format}`, () => (format === 'svg' ? this.exportSvg() : this.exportPng()));
  }
}

/** The whole label as a tooltip (an SVG title) when the drawn one is cut. */
function whole(shown: string, full: string): SVGTemplateResult | typeof nothing {
  return shown === full ? nothing : svg`<title>${full}</title>`;
}

/** A tick label with as many decimals as the tick step needs. */
function fmtTick(v: number, ticks: number[]): string {
  const step = ticks.length > 1 ? Math.abs(ticks[1] - ticks[0]) : Math.abs(v) || 1;
  const digits = Math.min(6, stepDecimals(step));
  return v.toFixed(digits);
}

customElements.define('sweep-trellis', SweepTrellis);

declare global {
  interface HTMLElementTagNameMap {
    'sweep-trellis': SweepTrellis;
  }
}
