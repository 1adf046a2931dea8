/**
 * <sweep-matrix>: the heat-map matrix of option pairs (Jönsson et al.,
 * Figures 1 and 3), as one triangle. Rows and columns are every option of
 * every parameter, grouped by parameter (a small gap separates parameter
 * blocks); each pair of parameters is drawn once, in the lower-left triangle
 * (the row's parameter comes after the column's), and a cell is the number
 * of selected trainings that have both options.
 *
 * The diagonal, where a parameter would meet itself, holds that parameter's
 * option bars instead: per option, the trainings that pass the filters ("all",
 * pale) with the selected ones inside them (accent), on one linear scale per
 * parameter (its most common option fills the lane). The parameter's name is
 * written right of its bars, in the empty upper-right triangle: it names the
 * row to its left and the column below it. The row's option labels are on the
 * left; the columns' under the triangle when there is room for them.
 *
 * Encodings (state.matrixEncoding, switched with the toolbar):
 *  - count: YlGnBu (perceptually ordered multi-hue sequential). Light to
 *    dark on a light page; reversed (dark to light) under
 *    prefers-color-scheme: dark, so larger counts always stand out more;
 *  - share: count / selected, the same map (legend in percent);
 *  - lift: (count / selected) / (baseline count / baseline), RdBu diverging,
 *    centred at 1 on a log2 scale clamped to [1/4, 4] (blue = more common in
 *    the selection than among all filtered trainings, red = less).
 * Count and share run from 0 to the largest count of all cells (scale
 * "global") or of the cell's own parameter pair (scale "pair",
 * state.matrixScale): a 16-option parameter spreads its trainings over 16
 * cells a row, and one scale for all pairs washes its blocks out next to
 * those of 2-option parameters. Lift is a ratio already comparable across
 * pairs; it keeps its one fixed scale.
 *
 * Size: the element draws into the box the page gives it (re-laid out when
 * that changes). It takes the largest cells with labels of 11 down to 9 px,
 * column labels only where they fit; if even 9 px labels cannot fit, it
 * scrolls when the content is at most SCROLL_MAX times the box's height, and
 * else shows every k-th option label (the tooltip names every cell).
 *
 * Drawing: SVG, one <rect class="cell"> per cell, while the triangle has at
 * most CANVAS_CELLS cells. Beyond that (e.g. a 255-option parameter) the
 * cells are painted on a <canvas> under the SVG; hit testing is arithmetic on
 * the layout in both modes, so hover and click cost the same. Exports embed
 * the canvas as an image in that case.
 *
 * Interaction: hover shows a tooltip (both options, count, share, lift);
 * click filters to exactly that option pair (other parameters' filters kept),
 * or to the option of a diagonal bar; Shift-click adds the options to the
 * filters of their parameters. The view never queries: it dispatches
 * `viewChange`. When the filters leave no training it shows the shared empty
 * notice (empty.ts) with its reset button instead of the matrix.
 */

import { css, html, nothing, svg, type PropertyValues, type SVGTemplateResult, type TemplateResult } from 'lit';
import { guard } from 'lit/directives/guard.js';
import type { Answer } from '../engine/answer.js';
import { exportButtons, tooltipStyle, truncate, viewChrome } from './shared/chrome.js';
import { emptiness, emptyNotice, emptyStyles } from './shared/empty.js';
import { exportFile, svgBlob, svgToPng } from './shared/export.js';
import { fmtInt, fmtLift, fmtPct } from './shared/format.js';
import { textWidth } from './shared/measure.js';
import { RD_BU, YL_GN_BU, YL_GN_BU_REVERSED, type ColourMap } from './shared/palette.js';
import { niceTicks } from './shared/scale.js';
import { ColorSchemeController, FONT_FAMILY, SizeController, type ViewTheme } from './shared/theme.js';
import { DEFAULT_VIEW_STATE, viewChange, type MatrixEncoding, type MatrixScale, type ViewState } from './shared/view-state.js';
import { DeferredView } from './shared/job.js';
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
  /** Index of the block's first entry. */
  start: number;
  n: number;
}

interface MatrixModel {
  /** The rows' and columns' parameters and options: a new key means new cells. */
  key: string;
  entries: Entry[];
  blocks: Block[];
  /**
   * Cells of the triangle, row by row: row entry i holds the columns 0 to
   * blocks[entries[i].p].start - 1 (every option of the parameters before its
   * own), at rowOff[i] + column.
   */
  rowOff: Int32Array;
  /** Selected count per cell. */
  count: Float64Array;
  /** Baseline count per cell. */
  base: Float64Array;
  /** The parameter pair of each cell: row parameter * P + column parameter. */
  pair: Int32Array;
  /** Largest selected count of each pair (index as `pair`). */
  pairMax: Float64Array;
  /** Largest selected count of all cells (at least 1). */
  maxAll: number;
  /** Per entry: the option's selected count and its baseline count (the engine's, even for a lone parameter). */
  optSel: Float64Array;
  optBase: Float64Array;
  /** Per parameter: the full length of its option bars (its largest baseline option count, at least 1). */
  barMax: Float64Array;
  selected: number;
  baseline: number;
}

function buildModel(r: Answer): MatrixModel {
  const entries: Entry[] = [];
  const blocks: Block[] = [];
  r.params.forEach((p, pi) => {
    blocks.push({ p: pi, name: p.name, start: entries.length, n: p.options.length });
    for (const o of p.options) entries.push({ p: pi, param: p.name, option: o });
  });
  const N = entries.length;
  const P = blocks.length;
  const rowOff = new Int32Array(N + 1);
  for (let i = 0; i < N; i++) rowOff[i + 1] = rowOff[i] + blocks[entries[i].p].start;
  const K = rowOff[N];
  const count = new Float64Array(K);
  const base = new Float64Array(K);
  const pair = new Int32Array(K);
  const pairMax = new Float64Array(P * P);
  let maxAll = 0;
  for (const ba of blocks)
    for (const bb of blocks) {
      if (bb.p >= ba.p) break;
      const pi = ba.p * P + bb.p;
      let max = 0;
      for (let i = 0; i < ba.n; i++) {
        const off = rowOff[ba.start + i] + bb.start;
        for (let j = 0; j < bb.n; j++) {
          const c = r.pairSelected(ba.p, bb.p, i, j);
          count[off + j] = c;
          base[off + j] = r.pairBaseline(ba.p, bb.p, i, j);
          pair[off + j] = pi;
          if (c > max) max = c;
        }
      }
      pairMax[pi] = max;
      if (max > maxAll) maxAll = max;
    }
  const optSel = new Float64Array(N);
  const optBase = new Float64Array(N);
  const barMax = new Float64Array(P);
  for (const b of blocks) {
    let max = 0;
    for (let i = 0; i < b.n; i++) {
      optSel[b.start + i] = r.optionSelected(b.p, i);
      optBase[b.start + i] = r.optionBaseline(b.p, i);
      max = Math.max(max, optBase[b.start + i]);
    }
    barMax[b.p] = Math.max(1, max);
  }
  const key = entries.map((e) => `${e.param}\u0000${e.option}`).join('\u0001');
  return { key, entries, blocks, rowOff, count, base, pair, pairMax, maxAll: Math.max(1, maxAll), optSel, optBase, barMax, selected: r.selected, baseline: r.baseline };
}

/** The lift of a selected count against its baseline count. */
function lift(m: MatrixModel, count: number, base: number): number {
  if (!(base > 0) || !(m.selected > 0) || !(m.baseline > 0)) return NaN;
  return count / m.selected / (base / m.baseline);
}

/** Position on the colour map, in [0, 1], of a lift. */
function liftT(l: number): number {
  const c = Math.min(LIFT_MAX, Math.max(LIFT_MIN, l));
  return (Math.log2(c) - Math.log2(LIFT_MIN)) / (Math.log2(LIFT_MAX) - Math.log2(LIFT_MIN));
}

/** The scale actually used: lift has one fixed scale whatever the state says. */
function effectiveScale(enc: MatrixEncoding, scale: MatrixScale): MatrixScale | 'fixed' {
  return enc === 'lift' ? 'fixed' : scale;
}

function cellColour(m: MatrixModel, k: number, enc: MatrixEncoding, scale: MatrixScale, theme: ViewTheme): string {
  if (enc === 'lift') {
    const l = lift(m, m.count[k], m.base[k]);
    return Number.isNaN(l) ? theme.na : RD_BU(liftT(l));
  }
  // Share is count / selected for every cell: the same position on the map as the count.
  const max = scale === 'pair' ? m.pairMax[m.pair[k]] : m.maxAll;
  return sequentialMap(theme)(max > 0 ? m.count[k] / max : 0);
}

/**
 * YlGnBu from the background's end: light to dark on a light page, dark to
 * light on a dark one, so that more trainings always stand out more.
 */
function sequentialMap(theme: ViewTheme): ColourMap {
  return theme.dark ? YL_GN_BU_REVERSED : YL_GN_BU;
}

// ---------------------------------------------------------------------------
// Layout

/** Margins left and right, and above and below (the rows' labels are centred on their rows: no more is needed there). */
const PAD = 6;
const PAD_Y = 3;
/** Between the option labels and the cells. */
const LABEL_GAP = 4;
/** Between a parameter's bars and its name. */
const NAME_GAP = 6;
/** Between the triangle (names included) and the legend. */
const LEGEND_GAP = 14;
/**
 * The diagonal bars' lane: one width for every parameter, so that bars read
 * alike (each to its own parameter's scale) whether a parameter has 2 or 16
 * options; it reaches into the empty triangle right of a small diagonal block.
 */
const LANE = 48;
const MAX_LABEL_CHARS = 20;
const MAX_NAME_CHARS = 24;
/** Option labels are never smaller than this (px). */
const MIN_FONT = 9;
/** Cells grow no larger than this (a sweep of few options would get huge squares). */
const MAX_CELL = 32;
/** The legend's colour bar: this tall when there is room, never shorter than the least. */
const LEGEND_BAR_MAX = 120;
const LEGEND_BAR_MIN = 36;
/** Scroll (rather than thin the labels) when the legible layout is at most this many times the box's height. */
const SCROLL_MAX = 1.75;
/** Room kept for the scroll bar when the content scrolls. */
const SCROLLBAR = 16;

/** The gap between parameter blocks: wider with larger cells. */
function gapFor(cell: number): number {
  return cell >= 14 ? 3 : cell >= 5 ? 2 : 1;
}

interface LegendBox {
  x: number;
  y: number;
  w: number;
  h: number;
  /** Font size and the height of the colour bar. */
  font: number;
  barH: number;
}

interface MatrixLayout {
  /** The SVG's size: the box's, or taller when it scrolls. */
  width: number;
  height: number;
  scroll: boolean;
  canvas: boolean;
  /** Option labels' font size. */
  font: number;
  cell: number;
  gap: number;
  /** Top-left corner of the cells. */
  x0: number;
  y0: number;
  /** Offset of each entry from x0 / y0 (rows and columns alike). */
  pos: Float64Array;
  /** Per parameter: offset of its block, the width of its bars' lane, its name's font size (0: no room, left out) and centre (from y0). */
  blockPos: Float64Array;
  lane: Float64Array;
  nameFont: Float64Array;
  nameY: Float64Array;
  /** Side of the square the triangle sits in. */
  side: number;
  /** Every k-th row option label is shown (1: all) … */
  rowStride: number;
  /** … and of those, the ones at least a font size below the one shown before (1 = shown), per entry, and where (from y0). */
  rowLabel: Uint8Array;
  rowY: Float64Array;
  /** Whether the columns' option labels are shown (under the triangle). */
  cols: boolean;
  legend: LegendBox;
}

/** The legend's lines that set its width, at font size `fs`. */
function legendWidth(fs: number): number {
  const lines = ['of 10,000,000 selected', 'vs. all filtered', 'one scale, all pairs', 'each block to its', 'own maximum', 'fixed, ¼× to 4×'];
  const text = Math.max(...lines.map((t) => textWidth(t, fs)), textWidth('lift (log)', fs, true));
  // swatch + label rows: "selected", "all filtered"; tick labels right of the colour bar
  const keys = 12 + 7 + Math.max(textWidth('all filtered', fs), textWidth('10,000,000', fs));
  return Math.ceil(Math.max(text, keys)) + 2;
}

/** The legend's height for a colour bar of `barH` px. */
function legendHeight(fs: number, barH: number): number {
  return fs + 4 + 3 * (fs + 3) + 8 + barH + 12 + 3 * (fs + 6);
}

function computeLayout(m: MatrixModel, boxW: number, boxH: number): MatrixLayout {
  const N = m.entries.length;
  const P = m.blocks.length;
  const live = m.blocks.filter((b) => b.n > 0);
  const options = m.entries.map((e) => truncate(e.option, MAX_LABEL_CHARS));
  const widest = (font: number): number => Math.ceil(options.reduce((w, t) => Math.max(w, textWidth(t, font)), 0));
  const optW = new Map<number, number>();
  const optWidth = (f: number): number => optW.get(f) ?? (optW.set(f, widest(f)), optW.get(f)!);
  // Measured once per font size: the fit below tries many cell sizes.
  const nameW = new Map<number, number[]>();
  const nameWidths = (nf: number): number[] =>
    nameW.get(nf) ?? (nameW.set(nf, m.blocks.map((b) => Math.ceil(textWidth(truncate(b.name, MAX_NAME_CHARS), nf, true)))), nameW.get(nf)!);
  const legendW = new Map<number, number>();
  const legendWidthAt = (fs: number): number => legendW.get(fs) ?? (legendW.set(fs, legendWidth(fs)), legendW.get(fs)!);
  const triangleCells = m.rowOff[N];

  /** Offsets of the blocks, lanes and side at cell size c. */
  const geometry = (c: number): { blockPos: Float64Array; lane: Float64Array; side: number; gap: number } => {
    const gap = gapFor(c);
    const blockPos = new Float64Array(P);
    const lane = new Float64Array(P);
    let g = 0;
    for (const b of m.blocks) {
      blockPos[b.p] = b.start * c + g * gap;
      lane[b.p] = b.n > 0 ? LANE : 0;
      if (b.n > 0) g++;
    }
    return { blockPos, lane, side: N * c + Math.max(0, live.length - 1) * gap, gap };
  };

  interface Config {
    font: number;
    cols: boolean;
    width: number;
    /** The height the content must fit in; Infinity: as tall as it needs (it scrolls). */
    maxH: number;
  }

  /** The least height the legend needs (with its shortest colour bar), margins included. */
  const legendMinH = (fs: number): number => PAD_Y + 2 + legendHeight(fs, LEGEND_BAR_MIN) + PAD_Y;

  /** Whether cells of size c fit config k: the legend's box and the content's height if so. */
  const fits = (k: Config, c: number): { legend: LegendBox; height: number } | null => {
    const { blockPos, lane, side } = geometry(c);
    const x0 = PAD + optWidth(k.font) + LABEL_GAP;
    const y0 = PAD_Y;
    const colH = k.cols ? optWidth(k.font) + LABEL_GAP : 0;
    const triH = y0 + side + colH + PAD_Y;
    if (triH > k.maxH) return null;
    const names = nameWidths(nameFontFor(k.font));
    const right = new Float64Array(P);
    let maxRight = x0 + side;
    for (const b of live) {
      right[b.p] = x0 + blockPos[b.p] + lane[b.p] + NAME_GAP + names[b.p];
      if (right[b.p] > k.width - PAD) return null;
      maxRight = Math.max(maxRight, right[b.p]);
    }
    // The legend: top right, beside whatever rows reach into its height.
    const fs = legendFont(k.font);
    const w = legendWidthAt(fs);
    const height = Number.isFinite(k.maxH) ? k.maxH : Math.max(boxH, triH, legendMinH(fs));
    const barH = Math.max(LEGEND_BAR_MIN, Math.min(LEGEND_BAR_MAX, height - 2 * PAD_Y - 2 - legendHeight(fs, 0)));
    const h = legendHeight(fs, barH);
    if (y0 + 2 + h + PAD_Y > height) return null;
    const x = Math.min(k.width - PAD - w, maxRight + LEGEND_GAP + 10);
    for (const b of live) {
      const top = y0 + blockPos[b.p];
      if (top < y0 + h && right[b.p] + LEGEND_GAP > x) return null;
    }
    if (y0 + h > y0 + side && x0 + side + LEGEND_GAP > x) return null;
    return { legend: { x, y: y0 + 2, w, h, font: fs, barH }, height };
  };

  /** The largest cell size (bisected; integers from 4 px, for crisp edges) that fits config k, or 0. */
  const largest = (k: Config): number => {
    let lo = 0.25;
    let hi = MAX_CELL;
    if (!fits(k, lo)) return 0;
    if (fits(k, hi)) return hi;
    for (let it = 0; it < 40; it++) {
      const mid = (lo + hi) / 2;
      if (fits(k, mid)) lo = mid;
      else hi = mid;
    }
    return lo >= 4 ? Math.floor(lo + 1e-6) : lo;
  };

  // The first config whose cells are at least as tall as its labels: larger fonts first, the
  // columns' labels when the height allows them; at 10 px or more without column labels before 9 px with.
  const configs: [number, boolean][] = [
    [11, true],
    [10, true],
    [11, false],
    [10, false],
    [9, true],
    [9, false],
  ];
  // The width beside a scrollbar; never negative (a box narrower than the scrollbar, as while the page lays out, gets an empty chart).
  const scrolledW = Math.max(0, boxW - SCROLLBAR);
  let chosen: { k: Config; c: number; stride: number } | null = null;
  for (const [font, cols] of configs) {
    const k = { font, cols, width: boxW, maxH: boxH };
    const c = largest(k);
    if (c >= font) {
      chosen = { k, c, stride: 1 };
      break;
    }
  }
  if (!chosen) {
    // Scroll, at the smallest legible size, when that is not far taller than the box.
    const k = { font: MIN_FONT, cols: false, width: scrolledW, maxH: Infinity };
    const fit = largest(k) >= MIN_FONT ? fits(k, MIN_FONT) : null;
    if (fit && fit.height <= boxH * SCROLL_MAX) chosen = { k, c: MIN_FONT, stride: 1 };
  }
  if (!chosen) {
    // Too many options for legible labels on every row: every k-th. (A box shorter than the legend scrolls.)
    const maxH = Math.max(boxH, legendMinH(legendFont(MIN_FONT)));
    const k = { font: MIN_FONT, cols: false, width: maxH > boxH ? scrolledW : boxW, maxH };
    const c = Math.max(0.25, largest(k));
    chosen = { k, c, stride: Math.ceil(MIN_FONT / c) };
  }
  const { k, c, stride } = chosen;
  const g = geometry(c);
  // Only a box too narrow for cells and legend side by side has no fit here: the legend then goes over the top right.
  const fit = fits(k, c);
  const fs = legendFont(k.font);
  const height = fit?.height ?? (Number.isFinite(k.maxH) ? k.maxH : boxH);
  const legend = fit?.legend ?? { x: k.width - PAD - legendWidthAt(fs), y: PAD_Y + 2, w: legendWidthAt(fs), h: legendHeight(fs, LEGEND_BAR_MIN), font: fs, barH: LEGEND_BAR_MIN };
  const x0 = PAD + optWidth(k.font) + LABEL_GAP;
  const pos = new Float64Array(N);
  for (const b of m.blocks) for (let i = 0; i < b.n; i++) pos[b.start + i] = g.blockPos[b.p] + i * c;
  // A name sits right of its row's bars, centred on the row where it can be. It must end above the
  // next row (whose bars and cells reach under it) and start below the name before it; above its own
  // row it is free (the rows above end further left), so a name of a thin row moves up, and shrinks
  // (to 8 px at the least, else it is left out: the tooltip still names every cell) only when squeezed.
  const nameFont = new Float64Array(P);
  const nameY = new Float64Array(P);
  const nf = nameFontFor(k.font);
  let prevBottom = -PAD_Y;
  for (const [li, b] of live.entries()) {
    const next = li + 1 < live.length ? live[li + 1] : null;
    const limit = next ? g.blockPos[next.p] : g.side + (k.cols ? LABEL_GAP : PAD_Y);
    const f = Math.min(nf, Math.floor(limit - prevBottom));
    if (f < 8) continue;
    const y = Math.max(prevBottom + f / 2, Math.min(g.blockPos[b.p] + (b.n * c) / 2, limit - f / 2));
    nameFont[b.p] = f;
    nameY[b.p] = y;
    prevBottom = y + f / 2;
  }
  // Thinned, a block's first label may come too soon after the last one of the block before it; and a
  // label taller than its row is kept inside the view at the triangle's top and bottom.
  const rowLabel = new Uint8Array(N);
  const rowY = new Float64Array(N);
  let lastShown = -Infinity;
  for (const b of m.blocks)
    for (let i = 0; i < b.n; i += stride) {
      const y = Math.min(Math.max(pos[b.start + i] + c / 2, k.font / 2 - PAD_Y + 0.5), height - PAD_Y - k.font / 2 - 0.5);
      if (y - lastShown < k.font) continue;
      rowLabel[b.start + i] = 1;
      rowY[b.start + i] = y;
      lastShown = y;
    }
  const cols = k.cols;
  return {
    width: k.width,
    height,
    scroll: height > boxH,
    canvas: triangleCells > CANVAS_CELLS,
    font: k.font,
    cell: c,
    gap: g.gap,
    x0,
    y0: PAD_Y,
    pos,
    blockPos: g.blockPos,
    lane: g.lane,
    nameFont,
    nameY,
    side: g.side,
    rowStride: stride,
    rowLabel,
    rowY,
    cols,
    legend,
  };
}

function nameFontFor(font: number): number {
  return Math.min(12, font + 1);
}

function legendFont(font: number): number {
  return Math.max(10, Math.min(11, font));
}

/** The entry under offset d (from x0 or y0), or -1. */
function entryAt(m: MatrixModel, l: MatrixLayout, d: number): number {
  if (d < 0) return -1;
  for (const b of m.blocks) {
    const start = l.blockPos[b.p];
    if (d >= start && d < start + b.n * l.cell) return b.start + Math.min(b.n - 1, Math.floor((d - start) / l.cell));
  }
  return -1;
}

/** Whether row i and column j are a cell of the triangle; j === i is the row's diagonal bar. */
function isCell(m: MatrixModel, i: number, j: number): boolean {
  return j < m.blocks[m.entries[i].p].start;
}

// ---------------------------------------------------------------------------

interface Hover {
  /** Row entry; column entry, or i itself for the row's diagonal bar. */
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
  const bi = m.entries[e].p;
  for (let k = bi + dir; k >= 0 && k < m.blocks.length; k += dir) if (m.blocks[k].n > 0) return m.blocks[k].start;
  return e;
}

/** Column j of row i if the triangle has that cell, else the row's diagonal bar. */
function inTriangle(m: MatrixModel, i: number, j: number): number {
  return j >= 0 && isCell(m, i, j) ? j : i;
}

const ENCODINGS: { value: MatrixEncoding; label: string; title: string }[] = [
  { value: 'count', label: 'count', title: 'Selected trainings with both options' },
  { value: 'share', label: 'share', title: 'Share of the selected trainings with both options' },
  { value: 'lift', label: 'lift', title: 'Share in the selection divided by the share among all filtered trainings (log scale)' },
];

const SCALES: { value: MatrixScale; label: string; title: string }[] = [
  { value: 'global', label: 'global', title: 'One colour scale over all cells' },
  { value: 'pair', label: 'per pair', title: 'Each parameter pair’s block to its own maximum' },
];

export class SweepMatrix extends DeferredView {
  static override properties = {
    result: { attribute: false },
    state: { attribute: false },
    hover: { state: true },
  };

  static override styles = [
    viewChrome,
    emptyStyles,
    css`
      .scroller {
        position: absolute;
        inset: 0;
        overflow: hidden;
      }
      .scroller.scroll {
        overflow-y: auto;
      }
      .scroller > svg {
        position: relative;
        display: block;
        cursor: default;
      }
      .scroller > svg:focus-visible {
        outline: 2px solid var(--sweep-accent);
        outline-offset: -2px;
      }
      .scroller > canvas {
        position: absolute;
      }
      .empty-wrap {
        position: absolute;
        inset: 0;
        display: flex;
        align-items: center;
        justify-content: center;
      }
      .group-label {
        color: var(--sweep-muted);
      }
    `,
  ];

  declare result: Answer | null;
  declare state: ViewState;
  declare hover: Hover | null;

  private readonly scheme = new ColorSchemeController(this);
  private readonly size = new SizeController(this);
  private model: MatrixModel | null = null;
  private modelFor: Answer | null = null;
  private layout: MatrixLayout | null = null;
  private laidOut: MatrixLayout | null = null;
  private layoutFor = '';
  /** The SVG cells and bars painted by paintCells and paintBars, and what they were last given. */
  private cellGroup: Element | null = null;
  /** The layout (and theme) the elements were made for: lit keeps a group and replaces what is in it. */
  private cellsFor: MatrixLayout | null = null;
  private barsFor: [MatrixLayout, ViewTheme] | null = null;
  private cellEls: Element[] = [];
  private cellFill: string[] = [];
  private cellCount: string[] = [];
  private barGroup: Element | null = null;
  private barEls: Element[] = [];
  private barState: string[] = [];

  constructor() {
    super();
    this.result = null;
    this.state = DEFAULT_VIEW_STATE;
    this.hover = null;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Labels are measured in the views' font: when a font arrives after the first layout, lay out again.
    document.fonts?.addEventListener('loadingdone', this.onFonts);
  }

  override disconnectedCallback(): void {
    document.fonts?.removeEventListener('loadingdone', this.onFonts);
    super.disconnectedCallback();
  }

  private readonly onFonts = (): void => {
    this.layoutFor = '';
    this.requestUpdate();
  };

  private get encoding(): MatrixEncoding {
    return this.state?.matrixEncoding ?? 'count';
  }

  private get scale(): MatrixScale {
    return this.state?.matrixScale ?? 'global';
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
    const notice = r ? emptyNotice(r) : nothing;
    const m = notice === nothing ? this.getModel() : null;
    const enc = this.encoding;
    const scale = this.scale;
    const { width, height } = this.size;
    // The layout depends on the options and the size, not on the counts: made again only when those change.
    const layoutFor = m ? `${m.key}|${width}x${height}` : '';
    if (layoutFor !== this.layoutFor) {
      this.layoutFor = layoutFor;
      this.laidOut = m && width > 0 && height > 0 ? computeLayout(m, width, height) : null;
    }
    const layout = m ? this.laidOut : null;
    this.layout = layout;
    return html`
      <div class="toolbar" part="toolbar">
        <span class="title">Option pairs</span>
        <span class="info">${r ? `${fmtInt(r.selected)} of ${fmtInt(r.baseline)} selected` : 'no data'}</span>
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
        <span class="group" role="group" aria-label="Colour scale">
          <span class="group-label">scale</span>
          ${SCALES.map(
            (s) =>
              html`<button
                type="button"
                class="scale"
                data-scale=${s.value}
                title=${enc === 'lift' ? 'Lift has one fixed scale (¼× to 4×) for every pair' : s.title}
                aria-pressed=${String(scale === s.value)}
                ?disabled=${enc === 'lift'}
                @click=${() => this.setScale(s.value)}
              >
                ${s.label}
              </button>`,
          )}
        </span>
        ${exportButtons('the matrix', (format) => void this.save(format))}
      </div>
      <div class="chart" @pointerleave=${this.onLeave}>
        ${!r ? html`<div class="empty">No aggregates yet.</div>` : nothing}
        ${notice !== nothing ? html`<div class="empty-wrap">${notice}</div>` : nothing}
        ${m && layout
          ? html`<div class="scroller ${layout.scroll ? 'scroll' : ''}">
              ${layout.canvas ? html`<canvas class="cells-canvas"></canvas>` : nothing}
              ${this.renderSvg(m, layout, enc, scale)} ${this.hover ? this.renderTooltip(m, layout, this.hover) : nothing}
            </div>`
          : nothing}
        <div class="visually-hidden" aria-live="polite">${m && this.hover?.key ? this.describeCell(m, this.hover) : ''}</div>
      </div>
    `;
  }

  override willUpdate(changed: PropertyValues): void {
    if (!changed.has('result')) return;
    // The pointer's cell is gone with the old result; the keyboard's stays, if the new result has it.
    const h = this.hover;
    const r = this.result;
    const m = r && emptiness(r) === null ? this.getModel() : null;
    this.hover = h?.key && m && h.i < m.entries.length && h.j < m.entries.length && (h.j === h.i || isCell(m, h.i, h.j)) ? h : null;
  }

  override firstUpdated(): void {
    this.size.observe(this.renderRoot.querySelector('.chart'));
  }

  override updated(changed: PropertyValues): void {
    super.updated(changed);
    const m = this.model;
    const l = this.layout;
    if (!m || !l) return;
    if (l.canvas) this.paintCanvas(m, l);
    else this.paintCells(m, l);
    this.paintBars(m, l);
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
    // renderCells made new elements when its guard's inputs (the layout) changed
    if (g !== this.cellGroup || l !== this.cellsFor) {
      this.cellGroup = g;
      this.cellsFor = l;
      this.cellEls = [...g.querySelectorAll('rect.cell')];
      this.cellFill = [];
      this.cellCount = [];
    }
    const enc = this.encoding;
    const scale = this.scale;
    const theme = this.scheme.theme;
    const els = this.cellEls;
    for (let k = 0; k < els.length; k++) {
      const fill = cellColour(m, k, enc, scale, theme);
      if (this.cellFill[k] !== fill) {
        els[k].setAttribute('fill', fill);
        this.cellFill[k] = fill;
      }
      const count = String(m.count[k]);
      if (this.cellCount[k] !== count) {
        els[k].setAttribute('data-count', count);
        this.cellCount[k] = count;
      }
    }
  }

  /** The diagonal bars' lengths (their elements are made by renderBars), set where they changed. */
  private paintBars(m: MatrixModel, l: MatrixLayout): void {
    const g = this.renderRoot.querySelector('g.bars');
    if (!g) return;
    const theme = this.scheme.theme;
    if (g !== this.barGroup || l !== this.barsFor?.[0] || theme !== this.barsFor[1]) {
      this.barGroup = g;
      this.barsFor = [l, theme];
      this.barEls = [...g.querySelectorAll('rect.bar-all, rect.bar-sel')];
      this.barState = [];
    }
    const els = this.barEls;
    for (let e = 0; e < m.entries.length; e++) {
      const p = m.entries[e].p;
      const lane = l.lane[p];
      const all = m.optBase[e];
      const sel = m.optSel[e];
      const w = (v: number): string => String(Math.round(((lane - 1) * v) / m.barMax[p] * 100) / 100);
      const state = `${sel}|${all}|${lane}`;
      if (this.barState[e] === state) continue;
      this.barState[e] = state;
      const [allEl, selEl] = [els[2 * e], els[2 * e + 1]];
      allEl.setAttribute('width', w(all));
      allEl.setAttribute('data-count', String(all));
      selEl.setAttribute('width', w(sel));
      selEl.setAttribute('data-count', String(sel));
    }
  }

  private renderSvg(m: MatrixModel, l: MatrixLayout, enc: MatrixEncoding, scale: MatrixScale): TemplateResult {
    const theme = this.scheme.theme;
    const hover = this.hover;
    return html`<svg
      xmlns="http://www.w3.org/2000/svg"
      width=${l.width}
      height=${l.height}
      viewBox="0 0 ${l.width} ${l.height}"
      font-family=${FONT_FAMILY}
      font-size=${l.font}
      data-cell=${l.cell}
      data-gap=${l.gap}
      data-row-stride=${l.rowStride}
      data-cols=${l.cols ? 'shown' : 'none'}
      data-mode=${l.canvas ? 'canvas' : 'svg'}
      role="img"
      aria-roledescription="heat-map matrix"
      aria-label="Heat-map matrix of option pairs, each pair once (lower-left triangle); the diagonal holds each parameter's option counts as bars. Arrow keys move between cells, Page Up and Page Down between parameters, End to the row's bar, Enter filters to the pair, Shift+Enter adds it to the filter, Escape leaves."
      tabindex="0"
      @pointermove=${this.onMove}
      @click=${this.onClick}
      @keydown=${this.onKey}
      @focus=${this.onFocus}
      @blur=${this.onBlur}
    >
      ${guard([m.key, l, theme], () => this.renderBackground(m, l, theme))}
      ${guard([m.key, l], () => this.renderCells(m, l))}
      ${guard([m.key, l, theme], () => this.renderBars(m, l, theme))}
      ${guard([m.key, l, theme, this.state?.where], () => this.renderLabels(m, l, theme))}
      ${guard([m.key, m.maxAll, m.selected, l, enc, scale, theme], () => this.renderLegend(m, l, enc, scale, theme))}
      ${hover ? this.renderHover(m, l, hover, theme) : nothing}
    </svg>`;
  }

  /** The plot's ground; over a canvas, with holes where the canvas paints the cells. */
  private renderBackground(m: MatrixModel, l: MatrixLayout, theme: ViewTheme): SVGTemplateResult {
    if (!l.canvas) return svg`<rect class="background" width=${l.width} height=${l.height} fill=${theme.bg}></rect>`;
    let d = `M0,0H${l.width}V${l.height}H0Z`;
    for (const b of m.blocks) {
      const w = b.start > 0 ? l.pos[b.start - 1] + l.cell : 0;
      if (b.n === 0 || w <= 0) continue;
      d += ` M${l.x0},${l.y0 + l.blockPos[b.p]}h${w}v${b.n * l.cell}h${-w}Z`;
    }
    return svg`<path class="background" fill-rule="evenodd" fill=${theme.bg} d=${d}></path>`;
  }

  /** The cells' elements, without colour or count (paintCells sets those). */
  private renderCells(m: MatrixModel, l: MatrixLayout): SVGTemplateResult {
    if (l.canvas) return svg`<g class="cells" data-mode="canvas"></g>`;
    const c = l.cell;
    const out: SVGTemplateResult[] = [];
    for (let i = 0; i < m.entries.length; i++) {
      const y = l.y0 + l.pos[i];
      const a = m.entries[i];
      const end = m.blocks[a.p].start;
      for (let j = 0; j < end; j++) {
        const b = m.entries[j];
        out.push(
          svg`<rect class="cell" x=${l.x0 + l.pos[j]} y=${y} width=${c} height=${c}
            data-a=${a.param} data-oa=${a.option} data-b=${b.param} data-ob=${b.option}></rect>`,
        );
      }
    }
    return svg`<g class="cells" data-mode="svg" shape-rendering="crispEdges">${out}</g>`;
  }

  /** The diagonal's bars, two per option (all filtered, then selected), without their lengths (paintBars sets those). */
  private renderBars(m: MatrixModel, l: MatrixLayout, theme: ViewTheme): SVGTemplateResult {
    const c = l.cell;
    const h = Math.max(1, c >= 4 ? Math.round(c * 0.72) : c);
    const out: SVGTemplateResult[] = [];
    for (let e = 0; e < m.entries.length; e++) {
      const en = m.entries[e];
      const x = l.x0 + l.blockPos[en.p];
      const y = l.y0 + l.pos[e] + (c - h) / 2;
      out.push(svg`<rect class="bar-all" x=${x} y=${y} height=${h} width="0" fill=${theme.faint} data-param=${en.param} data-option=${en.option}></rect>
        <rect class="bar-sel" x=${x} y=${y} height=${h} width="0" fill=${theme.accent} data-param=${en.param} data-option=${en.option}></rect>`);
    }
    // A hairline at each lane's start: the bars' zero, and the diagonal's place when a parameter has no trainings.
    const zero = m.blocks
      .filter((b) => b.n > 0)
      .map((b) => {
        const x = l.x0 + l.blockPos[b.p] - 0.5;
        return svg`<line x1=${x} x2=${x} y1=${l.y0 + l.blockPos[b.p]} y2=${l.y0 + l.blockPos[b.p] + b.n * c} stroke=${theme.muted} stroke-width="1"></line>`;
      });
    return svg`<g class="bars" shape-rendering="crispEdges">${out}${zero}</g>`;
  }

  private renderLabels(m: MatrixModel, l: MatrixLayout, theme: ViewTheme): SVGTemplateResult {
    const where = this.state?.where ?? {};
    const parts: SVGTemplateResult[] = [];
    const c = l.cell;
    for (const b of m.blocks) {
      if (b.n === 0) continue;
      const top = l.blockPos[b.p];
      const allowed = own(where, b.name);
      const nf = l.nameFont[b.p];
      if (nf > 0) {
        const x = l.x0 + top + l.lane[b.p] + NAME_GAP;
        parts.push(svg`<text class="param-label" data-param=${b.name} x=${x} y=${l.y0 + l.nameY[b.p]} dominant-baseline="central"
            font-weight="bold" font-size=${nf} fill=${theme.fg}>${truncate(b.name, MAX_NAME_CHARS)}</text>`);
      }
      for (let i = 0; i < b.n; i++) {
        const e = m.entries[b.start + i];
        const mid = top + (i + 0.5) * c;
        const off = allowed !== undefined && !allowed.includes(e.option);
        const fill = off ? theme.muted : theme.fg;
        const text = truncate(e.option, MAX_LABEL_CHARS);
        if (l.rowLabel[b.start + i])
          parts.push(svg`<text class="option-label row" data-param=${e.param} data-option=${e.option} x=${l.x0 - LABEL_GAP} y=${l.y0 + l.rowY[b.start + i]}
            text-anchor="end" dominant-baseline="central" fill=${fill}>${text}</text>`);
        // The last parameter's column holds only its bars: no column labels there.
        if (l.cols && b.p !== m.blocks.length - 1)
          parts.push(svg`<text class="option-label col" data-param=${e.param} data-option=${e.option}
            transform="translate(${l.x0 + mid},${l.y0 + l.side + LABEL_GAP}) rotate(-90)" text-anchor="end" dominant-baseline="central"
            fill=${fill}>${text}</text>`);
      }
    }
    return svg`<g class="labels">${parts}</g>`;
  }

  private renderLegend(m: MatrixModel, l: MatrixLayout, enc: MatrixEncoding, scale: MatrixScale, theme: ViewTheme): SVGTemplateResult {
    const L = l.legend;
    const fs = L.font;
    const x = L.x;
    const barW = 12;
    const line = fs + 3;
    const eff = effectiveScale(enc, scale);
    const diverging = enc === 'lift';
    const colour: ColourMap = diverging ? RD_BU : sequentialMap(theme);
    let title: string;
    let ticks: { t: number; label: string }[];
    const sub: string[] = [];
    if (diverging) {
      title = 'lift (log)';
      sub.push('vs. all filtered', 'fixed, ¼× to 4×');
      ticks = [
        { t: 1, label: '≥4×' },
        { t: 0.75, label: '2×' },
        { t: 0.5, label: '1×' },
        { t: 0.25, label: '½×' },
        { t: 0, label: '≤¼×' },
      ];
    } else {
      title = enc;
      sub.push(enc === 'share' ? 'of the selection' : `of ${fmtInt(m.selected)} selected`);
      if (eff === 'pair') {
        sub.push('each block to its', 'own maximum');
        ticks = [
          { t: 0, label: enc === 'share' ? '0%' : '0' },
          { t: 1, label: 'max' },
        ];
      } else {
        sub.push('one scale, all pairs');
        const max = enc === 'share' ? (m.selected > 0 ? m.maxAll / m.selected : 0) : m.maxAll;
        const label = (v: number): string => (enc === 'share' ? fmtPct(v) : fmtInt(v));
        // Counts are whole: no 0.2-steps labelled 0, 0, 0, 1, 1 for a maximum of 1.
        const values = niceTicks(0, max, 4).filter((v) => enc === 'share' || Number.isInteger(v));
        ticks = max > 0 ? values.map((v) => ({ t: v / max, label: label(v) })) : [{ t: 0, label: label(0) }];
      }
    }
    const y = L.y + fs + 4 + 3 * line + 8;
    const h = L.barH;
    const steps = 64;
    const rects: SVGTemplateResult[] = [];
    for (let s = 0; s < steps; s++) {
      const t = (s + 0.5) / steps;
      rects.push(svg`<rect class="legend-step" x=${x} y=${y + h - ((s + 1) * h) / steps} width=${barW} height=${h / steps + 0.5}
        fill=${colour(t)}></rect>`);
    }
    // Swatches under the colour bar: n/a (lift only, its row kept free otherwise) and the diagonal's two bars.
    const key = (row: number, cls: string, fill: string, label: string): SVGTemplateResult => {
      const ky = y + h + 12 + fs / 2 + row * (fs + 6);
      return svg`<g class=${cls}><rect x=${x} y=${ky - barW / 2} width=${barW} height=${barW} fill=${fill} stroke=${theme.faint}></rect>
        <text x=${x + barW + 7} y=${ky} dominant-baseline="central" fill=${theme.muted}>${label}</text></g>`;
    };
    const scaleText = sub.slice(1).join(' ');
    return svg`<g class="legend" data-encoding=${enc} data-map=${diverging ? 'diverging' : 'sequential'} data-scale=${eff}
      aria-label=${`${title}, ${sub[0]}; scale: ${scaleText}`} font-size=${fs}>
      <text class="legend-title" x=${x} y=${L.y + fs / 2 + 1} dominant-baseline="central" font-weight="bold" fill=${theme.fg}>${title}</text>
      ${sub.map(
        (s, k) => svg`<text class=${k === 0 ? 'legend-sub' : 'legend-scale'} x=${x} y=${L.y + fs + 4 + k * line + line / 2} dominant-baseline="central"
          fill=${theme.muted}>${s}</text>`,
      )}
      ${rects}
      <rect x=${x} y=${y} width=${barW} height=${h} fill="none" stroke=${theme.faint}></rect>
      ${ticks.map(
        (tk) => svg`<line class="legend-tick" x1=${x + barW} x2=${x + barW + 4} y1=${y + h - tk.t * h} y2=${y + h - tk.t * h}
          stroke=${theme.muted}></line>
        <text class="legend-label" x=${x + barW + 7} y=${y + h - tk.t * h} dominant-baseline="central" fill=${theme.fg}>${tk.label}</text>`,
      )}
      ${diverging ? key(0, 'legend-na', theme.na, 'n/a') : nothing}
      ${key(1, 'legend-bar-sel', theme.accent, 'selected')} ${key(2, 'legend-bar-all', theme.faint, 'all filtered')}
    </g>`;
  }

  private renderHover(m: MatrixModel, l: MatrixLayout, h: Hover, theme: ViewTheme): SVGTemplateResult {
    const y = l.y0 + l.pos[h.i];
    const bar = h.j === h.i;
    const x = bar ? l.x0 + l.blockPos[m.entries[h.i].p] : l.x0 + l.pos[h.j];
    const w = bar ? l.lane[m.entries[h.i].p] : l.cell;
    return svg`<rect class="hover" x=${x - 0.5} y=${y - 0.5} width=${w + 1} height=${l.cell + 1}
      fill="none" stroke=${theme.fg} stroke-width="1.5" pointer-events="none"></rect>`;
  }

  private renderTooltip(m: MatrixModel, l: MatrixLayout, h: Hover): TemplateResult {
    const a = m.entries[h.i];
    const style = tooltipStyle(h.x, h.y, l.width, l.height, 280, 150);
    if (h.j === h.i) {
      const sel = m.optSel[h.i];
      const all = m.optBase[h.i];
      return html`<div class="tooltip" style=${style} data-i=${h.i} data-j=${h.j}>
        <div class="head">${a.param} = ${a.option}</div>
        <table>
          <tr><th>selected</th><td class="count">${fmtInt(sel)}</td></tr>
          <tr><th>all filtered</th><td class="all">${fmtInt(all)}</td></tr>
          <tr><th>share of ${fmtInt(m.selected)} selected</th><td class="share">${fmtPct(m.selected > 0 ? sel / m.selected : NaN)}</td></tr>
          <tr><th>share of ${fmtInt(m.baseline)} filtered</th><td class="base-share">${fmtPct(m.baseline > 0 ? all / m.baseline : NaN)}</td></tr>
          <tr><th>lift</th><td class="lift">${fmtLift(lift(m, sel, all))}</td></tr>
        </table>
      </div>`;
    }
    const k = m.rowOff[h.i] + h.j;
    const b = m.entries[h.j];
    const count = m.count[k];
    const share = m.selected > 0 ? count / m.selected : NaN;
    const baseShare = m.baseline > 0 ? m.base[k] / m.baseline : NaN;
    const perPair = effectiveScale(this.encoding, this.scale) === 'pair';
    return html`<div class="tooltip" style=${style} data-i=${h.i} data-j=${h.j}>
      <div class="head">${a.param} = ${a.option}<br />${b.param} = ${b.option}</div>
      <table>
        <tr><th>count</th><td class="count">${fmtInt(count)}</td></tr>
        <tr><th>share of ${fmtInt(m.selected)} selected</th><td class="share">${fmtPct(share)}</td></tr>
        <tr><th>share of ${fmtInt(m.baseline)} filtered</th><td class="base-share">${fmtPct(baseShare)}</td></tr>
        <tr><th>lift</th><td class="lift">${fmtLift(lift(m, count, m.base[k]))}</td></tr>
        ${perPair ? html`<tr><th>this pair’s maximum</th><td class="pair-max">${fmtInt(m.pairMax[m.pair[k]])}</td></tr>` : nothing}
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
    // Under the SVG, which leaves holes in its background for the cells.
    canvas.style.pointerEvents = 'none';
    const w = Math.max(1, Math.round(side * dpr));
    if (canvas.width !== w) canvas.width = w;
    if (canvas.height !== w) canvas.height = w;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, side, side);
    const enc = this.encoding;
    const scale = this.scale;
    const theme = this.scheme.theme;
    const c = l.cell;
    for (let i = 0; i < m.entries.length; i++) {
      const off = m.rowOff[i];
      const end = m.rowOff[i + 1] - off;
      for (let j = 0; j < end; j++) {
        ctx.fillStyle = cellColour(m, off + j, enc, scale, theme);
        ctx.fillRect(l.pos[j], l.pos[i], c + 0.35, c + 0.35);
      }
    }
  }

  /** The cell or bar under the pointer, in the SVG's coordinates. */
  private cellAt(ev: MouseEvent): { i: number; j: number; x: number; y: number } | null {
    const m = this.model;
    const l = this.layout;
    const svgEl = this.svgElement();
    if (!m || !l || !svgEl) return null;
    const box = svgEl.getBoundingClientRect();
    const x = ev.clientX - box.left;
    const y = ev.clientY - box.top;
    const i = entryAt(m, l, y - l.y0);
    if (i < 0) return null;
    const p = m.entries[i].p;
    const d = x - l.x0;
    if (d >= l.blockPos[p] && d < l.blockPos[p] + l.lane[p]) return { i, j: i, x, y };
    const j = entryAt(m, l, d);
    return j < 0 || !isCell(m, i, j) ? null : { i, j, x, y };
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
    const m = this.model;
    if (!l || !m) return null;
    const bar = i === j;
    const x = bar ? l.x0 + l.blockPos[m.entries[i].p] + l.lane[m.entries[i].p] / 2 : l.x0 + l.pos[j] + l.cell / 2;
    return { i, j, x, y: l.y0 + l.pos[i] + l.cell / 2, key: true };
  }

  private readonly onFocus = (): void => {
    if (!this.hover && this.model && this.model.entries.length > 0) this.hover = this.keyHover(0, 0);
    else if (this.hover) this.hover = this.keyHover(this.hover.i, this.hover.j);
  };

  private readonly onBlur = (): void => {
    if (this.hover?.key) this.hover = null;
  };

  /**
   * Arrow keys move in the triangle; a row ends in its diagonal bar. Moving
   * up or down keeps the column while the new row has it, else lands on the
   * new row's bar, and from a bar goes on along the bars.
   */
  private readonly onKey = (ev: KeyboardEvent): void => {
    const m = this.model;
    if (!m || m.entries.length === 0) return;
    const last = m.entries.length - 1;
    const h = this.hover ?? { i: 0, j: 0 };
    let { i, j } = h;
    const onBar = i === j;
    const row = (to: number): void => {
      i = to;
      j = onBar ? i : inTriangle(m, i, j);
    };
    switch (ev.key) {
      case 'ArrowLeft':
        j = onBar ? m.blocks[m.entries[i].p].start - 1 : j - 1;
        j = j < 0 ? h.j : j;
        break;
      case 'ArrowRight':
        j = onBar ? i : inTriangle(m, i, j + 1);
        break;
      case 'ArrowUp':
        row(Math.max(0, i - 1));
        break;
      case 'ArrowDown':
        row(Math.min(last, i + 1));
        break;
      case 'Home':
        if (ev.ctrlKey) i = 0;
        j = inTriangle(m, i, 0);
        break;
      case 'End':
        if (ev.ctrlKey) i = last;
        j = i;
        break;
      case 'PageUp':
        if (ev.shiftKey) j = inTriangle(m, i, onBar ? blockStep(m, m.blocks[m.entries[i].p].start, -1) : blockStep(m, j, -1));
        else row(blockStep(m, i, -1));
        break;
      case 'PageDown':
        if (ev.shiftKey) j = onBar ? i : inTriangle(m, i, blockStep(m, j, 1));
        else row(blockStep(m, i, 1));
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
    const a = m.entries[h.i];
    if (h.i === h.j) {
      const sel = m.optSel[h.i];
      const all = m.optBase[h.i];
      return `${a.param} ${a.option}: ${fmtInt(sel)} selected of ${fmtInt(all)} filtered trainings, lift ${fmtLift(lift(m, sel, all))}`;
    }
    const k = m.rowOff[h.i] + h.j;
    const b = m.entries[h.j];
    const share = m.selected > 0 ? m.count[k] / m.selected : NaN;
    return `${a.param} ${a.option} and ${b.param} ${b.option}: ${fmtInt(m.count[k])} trainings, ${fmtPct(share)} of the selection, lift ${fmtLift(lift(m, m.count[k], m.base[k]))}`;
  }

  /** Filters to the pair of cell (i, j) (the option alone for a bar), or adds it to the filter. */
  private pick(i: number, j: number, add: boolean): void {
    const m = this.model;
    const r = this.result;
    if (!m || !r) return;
    const a = m.entries[i];
    const b = m.entries[j];
    const where = dictFrom(Object.entries(this.state?.where ?? {}).map(([k, v]): [string, string[]] => [k, [...v]]));
    const inOrder = (param: number, opts: Set<string>): string[] => r.params[param].options.filter((o) => opts.has(o));
    if (add) {
      for (const e of i === j ? [a] : [a, b]) where[e.param] = inOrder(e.p, new Set([...(own(where, e.param) ?? []), e.option]));
    } else {
      where[a.param] = [a.option];
      where[b.param] = [b.option];
    }
    this.dispatchEvent(viewChange({ where }));
  }

  private setEncoding(matrixEncoding: MatrixEncoding): void {
    this.dispatchEvent(viewChange({ matrixEncoding }));
  }

  private setScale(matrixScale: MatrixScale): void {
    this.dispatchEvent(viewChange({ matrixScale }));
  }

  private svgElement(): SVGSVGElement | null {
    return this.renderRoot.querySelector<SVGSVGElement>('.scroller > svg');
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
    await exportFile(this, `sweepscope-matrix.${format}`, () => (format === 'svg' ? this.exportSvg() : this.exportPng()));
  }
}

customElements.define('sweep-matrix', SweepMatrix);

declare global {
  interface HTMLElementTagNameMap {
    'sweep-matrix': SweepMatrix;
  }
}
