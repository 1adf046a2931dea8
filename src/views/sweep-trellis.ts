/**
 * <sweep-trellis>: mean metric per option, split by a primary parameter, after
 * Becker's barley trellis (Jönsson et al., Figure 4). One panel per option of
 * the primary parameter (`result.primary`, by default the group); in every
 * panel a row per option of every parameter, grouped by parameter (a gap
 * between blocks, the parameter's name on the left), and a dot at the mean
 * of the shown metric over the filtered trainings with that option in that
 * panel (`trellis[param][option][panel].mean`; empty cells have no dot). The
 * x axis is shared by all panels. With a secondary parameter every row has
 * one dot per secondary option, coloured (Okabe–Ito) and shaped, with a
 * legend.
 *
 * Panels sit side by side and wrap into further rows of panels when they
 * would be narrower than MIN_PANEL_W; when the rows cannot be at least
 * MIN_ROW_H high the view scrolls vertically.
 *
 * The primary and secondary menus dispatch `viewChange({primary})` and
 * `viewChange({secondary})` (null for none); the view never queries.
 */

import { css, html, nothing, svg, type PropertyValues, type SVGTemplateResult, type TemplateResult } from 'lit';
import { guard } from 'lit/directives/guard.js';
import { ALL_LABEL, type AggregateJson, type TrellisCell } from '../engine/output.js';
import { download, svgBlob, svgToPng } from './export.js';
import { SHAPES, categorical } from './palette.js';
import { exportButtons, textWidth, tooltipStyle, truncate, viewChrome } from './chart-chrome.js';
import { fmtInt } from './format.js';
import { niceTicks, stepDecimals } from './scale.js';
import { ColorSchemeController, FONT_FAMILY, SizeController, type ViewTheme } from './theme.js';
import { DEFAULT_VIEW_STATE, viewChange, type ViewState } from './view-state.js';
import { DeferredView } from './job.js';

const PAD = 10;
const MIN_PANEL_W = 150;
const PANEL_GAP = 12;
const MIN_ROW_H = 9;
const MAX_ROW_H = 16;
const MAX_LABEL_CHARS = 22;
const AXIS_H = 30;

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
  /** Row entries: parameter index and option, in parameter then option order. */
  rows: { p: number; param: string; option: string }[];
  blocks: { name: string; start: number; n: number }[];
  secondary: { name: string; options: string[] } | null;
  dots: Dot[];
  lo: number;
  hi: number;
  label: string;
}

function isCell(x: unknown): x is TrellisCell {
  return typeof x === 'object' && x !== null && 'count' in x && 'mean' in x;
}

function buildModel(r: AggregateJson): TrellisModel {
  const primary = r.primary ? r.params.find((p) => p.name === r.primary) : undefined;
  const panels = primary ? [...primary.options] : [ALL_LABEL];
  const secParam = r.secondary ? r.params.find((p) => p.name === r.secondary) : undefined;
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
  const add = (row: number, panel: number, s: number, c: TrellisCell | undefined): void => {
    if (!c || c.mean === null || !Number.isFinite(c.mean)) return;
    dots.push({ row, panel, s, mean: c.mean, count: c.count, index: dots.length });
    if (c.mean < lo) lo = c.mean;
    if (c.mean > hi) hi = c.mean;
  };
  rows.forEach((row, ri) => {
    const byPanel = r.trellis[row.param]?.[row.option];
    if (!byPanel) return;
    panels.forEach((panel, pi) => {
      const v = byPanel[panel];
      if (secondary) {
        if (!v || isCell(v)) return;
        secondary.options.forEach((so, si) => add(ri, pi, si, v[so]));
      } else if (isCell(v)) add(ri, pi, -1, v);
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
  const label = `mean ${r.normalize ? 'normalized ' : ''}${r.metric}${r.normalize && r.group ? ` (per ${r.group})` : ''}`;
  return { panels, rows, blocks, secondary, dots, lo, hi, label };
}

interface TrellisLayout {
  width: number;
  height: number;
  font: number;
  rowH: number;
  blockGap: number;
  nameW: number;
  optW: number;
  labelW: number;
  cols: number;
  gridRows: number;
  panelW: number;
  stripH: number;
  /** Height of the rows of one panel. */
  bodyH: number;
  /** Top of the panel grid. */
  top: number;
  /** Height of one row of panels: strip, body, axis. */
  rowBandH: number;
  /** Row centre offsets within a panel body. */
  rowY: Float64Array;
  legend: { x: number; y: number; s: number; label: string }[];
  ticks: number[];
}

function computeLayout(m: TrellisModel, width: number, height: number): TrellisLayout {
  const nP = m.panels.length;
  const N = m.rows.length;
  const blocks = m.blocks.filter((b) => b.n > 0).length;
  const avail = Math.max(120, width - 2 * PAD);

  // First guess of the label column to decide the grid of panels.
  const guessFont = 11;
  const widest = (texts: string[], f: number, bold: boolean): number =>
    texts.reduce((w, t) => Math.max(w, textWidth(truncate(t, MAX_LABEL_CHARS), f, bold)), 0);
  const names = m.blocks.map((b) => b.name);
  const options = m.rows.map((r) => r.option);
  const labelWFor = (f: number): { nameW: number; optW: number; labelW: number } => {
    const nameW = Math.ceil(widest(names, f, true));
    const optW = Math.ceil(widest(options, f, false));
    return { nameW, optW, labelW: nameW + 10 + optW + 8 };
  };
  let lw = labelWFor(guessFont);
  let cols = Math.max(1, Math.min(nP, Math.floor((avail - lw.labelW + PANEL_GAP) / (MIN_PANEL_W + PANEL_GAP))));
  const gridRows = Math.ceil(nP / cols);
  cols = Math.ceil(nP / gridRows);

  // Secondary legend, wrapped to the width.
  const legend: TrellisLayout['legend'] = [];
  let legendH = 0;
  if (m.secondary) {
    const f = 12;
    let x = PAD + textWidth(`${m.secondary.name}:`, f, true) + 12;
    let y = PAD + 8;
    m.secondary.options.forEach((o, s) => {
      const label = truncate(o, MAX_LABEL_CHARS);
      const w = 16 + textWidth(label, f, false) + 16;
      if (x + w > width - PAD && legend.length > 0) {
        x = PAD + 12;
        y += 18;
      }
      legend.push({ x, y, s, label });
      x += w;
    });
    legendH = y + 12 - PAD;
  }
  const top = PAD + (legendH > 0 ? legendH + 10 : 0) + 16; // + caption line
  const stripH = 18;
  const fixed = top + gridRows * (stripH + AXIS_H) + (gridRows - 1) * 10 + PAD;
  // Rows and block gaps (gap = 0.6 of a row) per panel.
  const units = N + Math.max(0, blocks - 1) * 0.6;
  const rowH = Math.max(MIN_ROW_H, Math.min(MAX_ROW_H, (height - fixed) / Math.max(1, gridRows * units)));
  const font = Math.max(8, Math.min(12, Math.round(rowH - 2)));
  lw = labelWFor(font);
  const panelW = Math.max(60, (avail - lw.labelW - (cols - 1) * PANEL_GAP) / cols);
  const blockGap = rowH * 0.6;
  const rowY = new Float64Array(N);
  let y = 4;
  let seen = 0;
  for (const b of m.blocks) {
    if (b.n === 0) continue;
    if (seen++ > 0) y += blockGap;
    for (let i = 0; i < b.n; i++) {
      rowY[b.start + i] = y + rowH / 2;
      y += rowH;
    }
  }
  const bodyH = y + 4;
  const rowBandH = stripH + bodyH + AXIS_H + 10;
  const total = top + gridRows * rowBandH + PAD;
  const ticks = niceTicks(m.lo, m.hi, Math.max(2, Math.min(6, Math.floor(panelW / 55))));
  return {
    width,
    height: Math.max(height, Math.ceil(total)),
    font,
    rowH,
    blockGap,
    nameW: lw.nameW,
    optW: lw.optW,
    labelW: lw.labelW,
    cols,
    gridRows,
    panelW,
    stripH,
    bodyH,
    top,
    rowBandH,
    rowY,
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
    css`
      .chart {
        overflow-x: hidden;
        overflow-y: auto;
      }
      label {
        color: var(--sweep-muted);
      }
      .dot {
        cursor: default;
      }
    `,
  ];

  declare result: AggregateJson | null;
  declare state: ViewState;
  declare hover: HoverDot | null;

  private readonly scheme = new ColorSchemeController(this);
  private readonly size = new SizeController(this);
  private model: TrellisModel | null = null;
  private modelFor: AggregateJson | null = null;

  constructor() {
    super();
    this.result = null;
    this.state = DEFAULT_VIEW_STATE;
    this.hover = null;
  }

  private getModel(): TrellisModel | null {
    if (this.result !== this.modelFor) {
      this.modelFor = this.result;
      this.model = this.result ? buildModel(this.result) : null;
    }
    return this.model;
  }

  override render(): TemplateResult {
    const r = this.result;
    const m = this.getModel();
    const { width, height } = this.size;
    const l = m && width > 0 && height > 0 ? computeLayout(m, width, height) : null;
    const params = r?.params.map((p) => p.name) ?? [];
    const primary = this.state?.primary ?? r?.primary ?? '';
    const secondary = this.state?.secondary !== undefined ? (this.state.secondary ?? '') : (r?.secondary ?? '');
    return html`
      <div class="toolbar" part="toolbar">
        <span class="title">Trellis</span>
        <span class="info">${r ? `means over ${fmtInt(r.baseline)} filtered trainings` : 'no data'}</span>
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
      aria-label="Trellis of mean ${m.label} per option"
      @pointerover=${this.onOver}
    >
      <rect class="background" width=${l.width} height=${l.height} fill=${theme.bg}></rect>
      ${guard([m, l.width, l.height, theme], () => this.renderBody(m, l, theme))}
    </svg>`;
  }

  private x(m: TrellisModel, l: TrellisLayout, v: number): number {
    return ((v - m.lo) / (m.hi - m.lo)) * l.panelW;
  }

  private renderBody(m: TrellisModel, l: TrellisLayout, theme: ViewTheme): SVGTemplateResult {
    const parts: SVGTemplateResult[] = [];
    // Caption and secondary legend.
    const capY = l.top - 10;
    parts.push(svg`<text class="caption" x=${PAD} y=${capY} font-size="12" fill=${theme.muted}>${m.label}, per option${
      m.panels.length > 1 ? `; one panel per ${this.result?.primary ?? ''}` : ''
    }</text>`);
    if (m.secondary) {
      const sec = m.secondary;
      parts.push(svg`<g class="legend" font-size="12" data-param=${sec.name}>
        <text x=${PAD} y=${PAD + 8} dominant-baseline="central" font-weight="bold" fill=${theme.fg}>${sec.name}:</text>
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
      const bandY = l.top + gr * l.rowBandH;
      const bodyY = bandY + l.stripH;
      // Row labels on the left of every row of panels.
      const labels: SVGTemplateResult[] = [];
      const nameX = PAD + l.nameW;
      const optX = PAD + l.labelW - 8;
      for (const b of m.blocks) {
        if (b.n === 0) continue;
        const y0 = bodyY + l.rowY[b.start] - l.rowH / 2;
        const y1 = bodyY + l.rowY[b.start + b.n - 1] + l.rowH / 2;
        labels.push(svg`<text class="param-label" x=${nameX} y=${(y0 + y1) / 2} text-anchor="end" dominant-baseline="central"
          font-weight="bold" fill=${theme.fg}>${truncate(b.name, MAX_LABEL_CHARS)}</text>
          <line x1=${nameX + 5} x2=${nameX + 5} y1=${y0 + 1} y2=${y1 - 1} stroke=${theme.muted}></line>`);
        for (let i = 0; i < b.n; i++) {
          const row = m.rows[b.start + i];
          labels.push(svg`<text class="option-label" x=${optX} y=${bodyY + l.rowY[b.start + i]} text-anchor="end"
            dominant-baseline="central" fill=${theme.fg}>${truncate(row.option, MAX_LABEL_CHARS)}</text>`);
        }
      }
      parts.push(svg`<g class="row-labels">${labels}</g>`);
      for (let c = 0; c < l.cols; c++) {
        const pi = gr * l.cols + c;
        if (pi >= m.panels.length) break;
        const px = PAD + l.labelW + c * (l.panelW + PANEL_GAP);
        parts.push(this.renderPanel(m, l, theme, pi, px, bandY, dotsByPanel[pi], shapeScale));
      }
    }
    return svg`${parts}`;
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
    const bodyY = bandY + l.stripH;
    const w = l.panelW;
    const grid: SVGTemplateResult[] = [];
    for (const t of l.ticks) {
      const x = px + this.x(m, l, t);
      grid.push(svg`<line x1=${x} x2=${x} y1=${bodyY} y2=${bodyY + l.bodyH} stroke=${theme.faint} stroke-width="0.75"></line>`);
    }
    for (let ri = 0; ri < m.rows.length; ri++) {
      const y = bodyY + l.rowY[ri];
      grid.push(svg`<line x1=${px} x2=${px + w} y1=${y} y2=${y} stroke=${theme.faint} stroke-width="0.75" stroke-dasharray="1 2"></line>`);
    }
    // Separators between parameter blocks.
    let seen = 0;
    for (const b of m.blocks) {
      if (b.n === 0) continue;
      if (seen++ === 0) continue;
      const y = bodyY + l.rowY[b.start] - l.rowH / 2 - l.blockGap / 2;
      grid.push(svg`<line x1=${px} x2=${px + w} y1=${y} y2=${y} stroke=${theme.muted} stroke-width="0.75"></line>`);
    }
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
    const axis = l.ticks.map((t) => {
      const x = px + this.x(m, l, t);
      return svg`<line x1=${x} x2=${x} y1=${axisY} y2=${axisY + 4} stroke=${theme.muted}></line>
        <text class="tick" x=${x} y=${axisY + 14} text-anchor="middle" font-size="10" fill=${theme.muted}>${fmtTick(t, l.ticks)}</text>`;
    });
    return svg`<g class="panel" data-panel=${m.panels[pi]}>
      <rect x=${px} y=${bandY} width=${w} height=${l.stripH - 2} fill=${theme.faint} rx="2"></rect>
      <text class="panel-title" x=${px + w / 2} y=${bandY + (l.stripH - 2) / 2} text-anchor="middle" dominant-baseline="central"
        font-size="12" font-weight="bold" fill=${theme.fg}>${truncate(m.panels[pi], 28)}</text>
      <rect x=${px} y=${bodyY} width=${w} height=${l.bodyH} fill=${theme.panel} stroke=${theme.faint}></rect>
      ${grid}
      <g class="dots">${marks}</g>
      ${axis}
      <text class="axis-title" x=${px + w / 2} y=${axisY + 27} text-anchor="middle" font-size="10" fill=${theme.muted}>${
        this.result?.metric ?? ''
      }</text>
    </g>`;
  }

  private renderTooltip(m: TrellisModel, l: TrellisLayout, h: HoverDot): TemplateResult {
    const row = m.rows[h.dot.row];
    const r = this.result;
    const chart = this.renderRoot.querySelector('.chart');
    const w = chart?.clientWidth ?? l.width;
    const hh = (chart?.clientHeight ?? l.height) + (chart?.scrollTop ?? 0);
    return html`<div class="tooltip" style=${tooltipStyle(h.x, h.y, w, hh, 260, 110)}>
      <div class="head">${row.param} = ${row.option}</div>
      <table>
        ${r?.primary ? html`<tr><th>${r.primary}</th><td>${m.panels[h.dot.panel]}</td></tr>` : nothing}
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
    try {
      const blob = format === 'svg' ? await this.exportSvg() : await this.exportPng();
      download(blob, `sweepscope-trellis.${format}`);
    } catch (e) {
      console.warn('sweep-trellis export failed:', e);
    }
  }
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
