/**
 * `<sweep-parallel>`: parallel coordinates of individual trainings, one axis
 * per parameter plus the metric, drawn with regl (WebGL) under an SVG overlay
 * of axes, labels and brushes.
 *
 * Most parameters are categorical, so lines would all cross each option at one
 * point; as in the supplementary material of Jönsson et al. (section 3.3) each
 * line gets a random (hashed, so stable) offset inside its option's band.
 * Numeric parameters (kind 'numeric' with raw `values`) sit on a linear or log
 * axis (log by default when all values are > 0 and max/min >= 100; a toggle in
 * the axis header switches). The metric axis shows the shown value: normalized
 * per group or raw, as the state says.
 *
 * Lines: a deterministic sample of at most `maxLines` trainings (all when
 * fewer; by default 200k on a GPU, 5k on a software rasterizer), its size
 * shown. Lines outside the selection are drawn faint grey, the selected ones
 * in their group's colour on top; alpha blending shows density. Which lines
 * are selected is decided here, per row, with exactly the engine's semantics
 * (selection.ts); `result` only gives the counts. Drawing goes in chunks
 * timed to ~16 ms each, so a slow rasterizer never freezes the page.
 *
 * Interaction: drag vertically on an axis to brush it (a filter on the options
 * whose bands the brush overlaps, or the metric range); a click on an axis
 * clears its brush; drag an axis header sideways to move the axis. Every
 * change of the state is a `view-change` event; the view never queries.
 *
 * Row work (sampling, positions, selection flags) runs in slices of a few
 * milliseconds (selection.ts `drive`), so a 10M-row sweep never blocks the page.
 */

import { css, html, nothing, svg, type PropertyValues, type SVGTemplateResult } from 'lit';
import { ColorSchemeController, FONT_FAMILY, SizeController, toolbarStyles, viewTheme } from './theme.js';
import createREGL from 'regl';
import type { AggregateJson } from '../engine/output.js';
import { MISSING_LABEL, formatNumber } from '../model/binning.js';
import type { Sweep } from '../model/sweep.js';
import { canvasToPng, download, svgMarkup } from './export.js';
import { CATEGORICAL } from './palette.js';
import { logTicks, niceTicks } from './scale.js';
import {
  AbortedError,
  BLOCK_ROWS,
  compileSelection,
  drive,
  groupStats,
  hash01,
  isSelected,
  metricIndex,
  sampleRows,
  shownOf,
  type GroupStats,
  type RowSteps,
  yieldToMain,
} from './selection.js';
import { RestartableJob, type JobSignal, DeferredView } from './job.js';
import { DEFAULT_VIEW_STATE, viewChange, type ViewState } from './view-state.js';
import { dict, dictFrom, hasOwn, own } from '../model/dict.js';

/** Most lines drawn by default on a GPU. */
export const DEFAULT_MAX_LINES = 200_000;
/**
 * Most lines drawn by default by a software rasterizer: SwiftShader (headless
 * Chromium without a GPU, two cores) fills some 30M blended line pixels a
 * second, so 200k lines of 12 segments take about 10 s to draw; 5k about 0.3 s.
 */
export const SOFTWARE_MAX_LINES = 5_000;
/**
 * Target duration of one chunk of line drawing, ms: short enough to keep the
 * page responsive, long enough that waiting for each chunk (a few ms on
 * SwiftShader) costs little.
 */
const DRAW_SLICE_MS = 16;
/** Most lines written into an exported SVG. */
export const SVG_MAX_LINES = 5_000;
/** Share of an option's band that the random offsets spread over. */
const JITTER = 0.8;
/** Where a missing numeric value is drawn, below the axis (axis units, 0 = bottom). */
const MISSING_Y = -0.04;
/** Quantization of axis positions in the vertex buffer: y in [Y_LO, Y_LO + Y_SPAN] as 0..65535. */
const Y_LO = -0.05;
const Y_SPAN = 1.1;
/** Pixels a drag must travel to count as a drag (else a click). */
const DRAG_START = 3;
const MARGIN = { top: 58, right: 96, bottom: 22, left: 34 };

export type AxisKind = 'categorical' | 'numeric' | 'metric';

/** One axis: a parameter or the metric. Positions are in axis units: 0 = bottom, 1 = top. */
export interface AxisModel {
  readonly key: string;
  readonly kind: AxisKind;
  /** Index into sweep.params, or -1 for the metric. */
  readonly param: number;
  /** Option labels in code order (categorical and numeric). */
  readonly labels: readonly string[];
  /** Value domain (numeric: the raw values; metric: the shown value). */
  readonly min: number;
  readonly max: number;
  /** Whether a log scale is possible (all values > 0) and whether it is on. */
  readonly canLog: boolean;
  readonly log: boolean;
  /** Numeric: the raw value range of each option (code), NaN when the option holds no value. */
  readonly binLo?: Float64Array;
  readonly binHi?: Float64Array;
}

/** The band [lo, hi] of option `o` of `k` on a categorical axis, in axis units (option 0 on top). */
export function optionBand(o: number, k: number): [number, number] {
  return [1 - (o + 1) / k, 1 - o / k];
}

/** Axis units of a raw value on a numeric or metric axis; NaN stays NaN. */
export function axisPosition(a: AxisModel, v: number): number {
  if (v !== v) return NaN;
  if (!(a.max > a.min)) return 0.5;
  if (a.log) return (Math.log(v) - Math.log(a.min)) / (Math.log(a.max) - Math.log(a.min));
  return (v - a.min) / (a.max - a.min);
}

/** The value at axis units t on a numeric or metric axis. */
export function axisValue(a: AxisModel, t: number): number {
  if (!(a.max > a.min)) return a.min;
  if (a.log) return Math.exp(Math.log(a.min) + t * (Math.log(a.max) - Math.log(a.min)));
  return a.min + t * (a.max - a.min);
}

/**
 * The options of a categorical or numeric axis that a brush over axis units
 * [lo, hi] touches: categorical options whose band overlaps it, numeric options
 * whose value range overlaps it (the missing option where it is drawn).
 */
export function optionsInBrush(a: AxisModel, lo: number, hi: number): string[] {
  const out: string[] = [];
  a.labels.forEach((label, o) => {
    let bLo: number;
    let bHi: number;
    if (a.kind === 'categorical') [bLo, bHi] = optionBand(o, a.labels.length);
    else if (label === MISSING_LABEL) bLo = bHi = MISSING_Y;
    else {
      const vLo = a.binLo?.[o] ?? NaN;
      const vHi = a.binHi?.[o] ?? NaN;
      if (vLo !== vLo) return;
      bLo = axisPosition(a, vLo);
      bHi = axisPosition(a, vHi);
    }
    if (bLo < hi && bHi > lo) out.push(label);
    else if (a.kind !== 'categorical' && bLo <= hi && bHi >= lo) out.push(label);
  });
  return out;
}

// ---------------------------------------------------------------------------
// Per-sweep facts about numeric parameters (one pass over all rows, cached).

interface NumericRange {
  min: number;
  max: number;
  binLo: Float64Array;
  binHi: Float64Array;
}

function* numericRangesSteps(sweep: Sweep): RowSteps<(NumericRange | null)[]> {
  const out: (NumericRange | null)[] = sweep.params.map((p) =>
    p.kind === 'numeric' && p.values
      ? { min: Infinity, max: -Infinity, binLo: new Float64Array(p.labels.length).fill(Infinity), binHi: new Float64Array(p.labels.length).fill(-Infinity) }
      : null,
  );
  const n = sweep.rows;
  for (let p = 0; p < out.length; p++) {
    const r = out[p];
    if (!r) continue;
    const values = sweep.params[p].values as Float32Array;
    const codes = sweep.params[p].codes;
    const { binLo, binHi } = r;
    let min = Infinity;
    let max = -Infinity;
    for (let r0 = 0; r0 < n; r0 += BLOCK_ROWS * 4) {
      const r1 = Math.min(n, r0 + BLOCK_ROWS * 4);
      for (let i = r0; i < r1; i++) {
        const v = values[i];
        if (v !== v) continue;
        const c = codes[i];
        if (v < binLo[c]) binLo[c] = v;
        if (v > binHi[c]) binHi[c] = v;
        if (v < min) min = v;
        if (v > max) max = v;
      }
      yield r1 / n;
    }
    r.min = min;
    r.max = max;
    for (let c = 0; c < binLo.length; c++)
      if (binLo[c] === Infinity) {
        binLo[c] = NaN;
        binHi[c] = NaN;
      }
  }
  return out;
}

const numericCache = new WeakMap<Sweep, Promise<(NumericRange | null)[]>>();

function numericRanges(sweep: Sweep): Promise<(NumericRange | null)[]> {
  let p = numericCache.get(sweep);
  if (!p) {
    p = drive(numericRangesSteps(sweep));
    numericCache.set(sweep, p);
    p.catch(() => numericCache.delete(sweep));
  }
  return p;
}

// ---------------------------------------------------------------------------
// Lines: positions of the sampled rows on every axis.

/** The sampled rows drawn (metric present), their groups and positions (u16) on every axis, by axis key. */
interface Lines {
  readonly sweep: Sweep;
  /** Which inputs these were computed for. */
  readonly key: string;
  readonly rows: Uint32Array;
  readonly groups: Uint8Array;
  readonly y: ReadonlyMap<string, Uint16Array>;
  /** Rows of the whole sweep whose metric is present. */
  readonly drawable: number;
}

const quantize = (t: number): number => {
  const q = Math.round(((t - Y_LO) / Y_SPAN) * 65535);
  return q < 0 ? 0 : q > 65535 ? 65535 : q;
};

function* linesSteps(
  sweep: Sweep,
  key: string,
  sample: Uint32Array,
  axes: readonly AxisModel[],
  metric: number,
  stats: GroupStats,
  normalize: boolean,
  seed: number,
): RowSteps<Lines> {
  const values = sweep.metrics[metric].values;
  const rowsAll = new Uint32Array(sample.length);
  let n = 0;
  for (let k = 0; k < sample.length; k++) if (values[sample[k]] === values[sample[k]]) rowsAll[n++] = sample[k];
  const rows = rowsAll.slice(0, n);
  const groupCodes = sweep.group >= 0 ? sweep.params[sweep.group].codes : null;
  const groups = new Uint8Array(n);
  if (groupCodes) for (let k = 0; k < n; k++) groups[k] = groupCodes[rows[k]];
  const sel = compileSelection(sweep, { metric: sweep.metrics[metric].name, normalize }, stats);
  const y = new Map<string, Uint16Array>();
  for (let d = 0; d < axes.length; d++) {
    const a = axes[d];
    const out = new Uint16Array(n);
    const dimSeed = (seed ^ Math.imul(d + 1, 0x27d4eb2d)) >>> 0;
    for (let k0 = 0; k0 < n; k0 += BLOCK_ROWS) {
      const k1 = Math.min(n, k0 + BLOCK_ROWS);
      if (a.kind === 'categorical') {
        const codes = sweep.params[a.param].codes;
        const K = Math.max(1, a.labels.length);
        for (let k = k0; k < k1; k++) {
          const row = rows[k];
          const u = hash01(dimSeed, row) - 0.5;
          out[k] = quantize(1 - (codes[row] + 0.5 + JITTER * u) / K);
        }
      } else if (a.kind === 'numeric') {
        const vals = sweep.params[a.param].values as Float32Array;
        for (let k = k0; k < k1; k++) {
          const t = axisPosition(a, vals[rows[k]]);
          out[k] = quantize(t === t ? t : MISSING_Y);
        }
      } else {
        for (let k = k0; k < k1; k++) out[k] = quantize(axisPosition(a, shownOf(sel, rows[k])));
      }
      yield (d + k1 / Math.max(1, n)) / axes.length;
    }
    y.set(a.key, out);
  }
  return { sweep, key, rows, groups, y, drawable: sweep.rows - stats.missing };
}

/**
 * Vertex data for GL lines: per segment two vertices of (slot, y) as u16
 * (normalized: slot / 65535, y as 0..65535), and the line's group per vertex.
 *
 * Only formats every backend reads natively are used (u16x2 and u8x4
 * normalized): ANGLE converts others (3-component or unnormalized integers) on
 * the CPU on Vulkan backends such as SwiftShader.
 */
function* geometrySteps(lines: Lines, order: readonly string[]): RowSteps<{ pos: Uint16Array; meta: Uint8Array; perLine: number }> {
  const n = lines.rows.length;
  const perLine = Math.max(0, order.length - 1) * 2;
  const pos = new Uint16Array(n * perLine * 2);
  const meta = new Uint8Array(n * perLine * 4);
  const ys = order.map((k) => lines.y.get(k) as Uint16Array);
  const segs = perLine / 2;
  for (let k0 = 0; k0 < n; k0 += BLOCK_ROWS) {
    const k1 = Math.min(n, k0 + BLOCK_ROWS);
    for (let k = k0; k < k1; k++) {
      let p = k * perLine * 2;
      for (let s = 0; s < segs; s++) {
        pos[p++] = s;
        pos[p++] = ys[s][k];
        pos[p++] = s + 1;
        pos[p++] = ys[s + 1][k];
      }
      const g = lines.groups[k];
      for (let v = k * perLine * 4 + 1; v < (k + 1) * perLine * 4; v += 4) meta[v] = g;
    }
    yield k1 / n;
  }
  return { pos, meta, perLine };
}

// ---------------------------------------------------------------------------
// The GL part: one regl context, buffers, and a draw command.

const VERT = `
precision highp float;
attribute vec2 a_pos;  // (slot, y) / 65535 (u16 normalized)
attribute vec4 a_meta; // (selected, group, -, -) / 255 (u8 normalized)
uniform vec4 u_frame;  // left, top, axis spacing, plot height (CSS px)
uniform vec2 u_size;   // canvas size (CSS px)
uniform float u_pass;  // 0: unselected lines, 1: selected lines
uniform vec4 u_grey;
uniform float u_alpha;
uniform vec3 u_colors[8];
varying vec4 v_color;
void main() {
  float selected = step(0.5, a_meta.x);
  if (abs(selected - u_pass) > 0.5) {
    gl_Position = vec4(2.0, 2.0, 2.0, 1.0);
    v_color = vec4(0.0);
    return;
  }
  float slot = floor(a_pos.x * 65535.0 + 0.5);
  float t = ${Y_LO.toFixed(4)} + a_pos.y * ${Y_SPAN.toFixed(4)};
  float x = u_frame.x + slot * u_frame.z;
  float y = u_frame.y + (1.0 - t) * u_frame.w;
  gl_Position = vec4(x / u_size.x * 2.0 - 1.0, 1.0 - y / u_size.y * 2.0, 0.0, 1.0);
  int g = int(mod(floor(a_meta.y * 255.0 + 0.5), 8.0));
  vec3 c = u_colors[0];
  for (int i = 1; i < 8; i++) if (i == g) c = u_colors[i];
  v_color = u_pass > 0.5 ? vec4(c, u_alpha) : u_grey;
}`;

const FRAG = `
precision mediump float;
varying vec4 v_color;
void main() { gl_FragColor = v_color; }`;

function rgb(hex: string): [number, number, number] {
  const m = /^#([0-9a-f]{6})$/i.exec(hex.trim());
  if (m) {
    const n = parseInt(m[1], 16);
    return [((n >> 16) & 255) / 255, ((n >> 8) & 255) / 255, (n & 255) / 255];
  }
  const r = /rgba?\(([^)]+)\)/.exec(hex);
  if (r) {
    const [a, b, c] = r[1].split(',').map((x) => Number(x) / 255);
    return [a, b, c];
  }
  return [0.5, 0.5, 0.5];
}

interface DrawProps {
  viewport: { x: number; y: number; width: number; height: number };
  frame: [number, number, number, number];
  size: [number, number];
  pass: number;
  grey: [number, number, number, number];
  alpha: number;
  /** First vertex and vertex count of this chunk. */
  offset: number;
  count: number;
}

/** What a draw call needs besides the chunk. */
export type PassProps = Omit<DrawProps, 'pass' | 'offset' | 'count' | 'viewport'>;

class LineRenderer {
  readonly regl: createREGL.Regl;
  private readonly pos: createREGL.Buffer;
  private readonly meta: createREGL.Buffer;
  private readonly command: createREGL.DrawCommand<createREGL.DefaultContext, DrawProps>;
  /** Vertices (two per segment). */
  vertices = 0;
  /** The renderer's name (e.g. SwiftShader: software). */
  readonly rendererName: string;

  constructor(readonly canvas: HTMLCanvasElement) {
    this.regl = createREGL({
      canvas,
      // no MSAA: multisampled software rasterization is many times slower; the density needs none
      attributes: { preserveDrawingBuffer: true, antialias: false, alpha: false, premultipliedAlpha: false },
    });
    const regl = this.regl;
    const gl = regl._gl;
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    this.rendererName = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER) ?? '');
    this.pos = regl.buffer({ usage: 'dynamic', data: new Uint16Array(2) });
    this.meta = regl.buffer({ usage: 'dynamic', data: new Uint8Array(4) });
    const uniforms: Record<string, unknown> = {
      u_frame: regl.prop<DrawProps, 'frame'>('frame'),
      u_size: regl.prop<DrawProps, 'size'>('size'),
      u_pass: regl.prop<DrawProps, 'pass'>('pass'),
      u_grey: regl.prop<DrawProps, 'grey'>('grey'),
      u_alpha: regl.prop<DrawProps, 'alpha'>('alpha'),
    };
    CATEGORICAL.map(rgb).forEach((c, i) => (uniforms[`u_colors[${i}]`] = c));
    this.command = regl<createREGL.Uniforms, createREGL.Attributes, DrawProps>({
      vert: VERT,
      frag: FRAG,
      primitive: 'lines',
      attributes: {
        a_pos: { buffer: this.pos, size: 2, type: 'uint16', normalized: true },
        a_meta: { buffer: this.meta, size: 4, type: 'uint8', normalized: true },
      },
      uniforms: uniforms as createREGL.Uniforms,
      offset: regl.prop<DrawProps, 'offset'>('offset'),
      count: regl.prop<DrawProps, 'count'>('count'),
      viewport: regl.prop<DrawProps, 'viewport'>('viewport'),
      depth: { enable: false },
      blend: {
        enable: true,
        func: { srcRGB: 'src alpha', dstRGB: 'one minus src alpha', srcAlpha: 'one', dstAlpha: 'one minus src alpha' },
      },
      lineWidth: 1,
    });
  }

  /** Whether this is a software rasterizer (a few million fragments a second: it gets fewer lines). */
  get software(): boolean {
    return /swiftshader|llvmpipe|softpipe|software|basic render/i.test(this.rendererName);
  }

  setGeometry(pos: Uint16Array, meta: Uint8Array): void {
    this.pos({ data: pos, usage: 'dynamic', type: 'uint16' });
    this.uploadMeta(meta);
    this.vertices = pos.length / 2;
  }

  /** Uploads the vertex metadata again (after the selection flags in it changed). */
  uploadMeta(meta: Uint8Array): void {
    this.meta({ data: meta, usage: 'dynamic', type: 'uint8' });
  }

  clear(bg: [number, number, number]): void {
    this.regl.poll();
    this.regl.clear({ color: [bg[0], bg[1], bg[2], 1], depth: 1 });
  }

  /** Draws vertices [first, first + count) of one pass. */
  drawChunk(props: PassProps, pass: number, first: number, count: number): void {
    const viewport = { x: 0, y: 0, width: this.canvas.width, height: this.canvas.height };
    if (count > 0) this.command({ ...props, viewport, pass, offset: first, count });
  }

  /** Blocks until the GPU is done: reading a pixel back waits for every draw before it. */
  finish(): void {
    this.regl.read({ x: 0, y: 0, width: 1, height: 1 });
  }

  destroy(): void {
    this.regl.destroy();
  }
}

/** Writes 255 (selected) or 0 into byte 0 of every vertex's metadata; returns the selected lines. */
function* selectionSteps(
  sel: ReturnType<typeof compileSelection>,
  lines: Lines,
  geometry: { meta: Uint8Array; perLine: number },
): RowSteps<number> {
  const n = lines.rows.length;
  const per = geometry.perLine * 4;
  const meta = geometry.meta;
  let count = 0;
  for (let k0 = 0; k0 < n; k0 += BLOCK_ROWS) {
    const k1 = Math.min(n, k0 + BLOCK_ROWS);
    for (let k = k0; k < k1; k++) {
      const flag = isSelected(sel, lines.rows[k]) ? 255 : 0;
      count += flag & 1;
      for (let j = k * per; j < (k + 1) * per; j += 4) meta[j] = flag;
    }
    yield k1 / n;
  }
  return count;
}

/**
 * Alpha of one line so that where `lines` lines overlap as much as they do on
 * average (about 1.3 px of line per px of axis spacing, spread over the plot's
 * height) a share `coverage` of the colour shows: the more lines, the fainter
 * each. Never below `min`: an 8-bit framebuffer stops accumulating tiny
 * alphas (a step under half a level rounds away).
 */
export function lineAlpha(lines: number, plotHeight: number, coverage: number, min: number, max: number): number {
  const overlap = Math.max(1, (lines * 1.3) / Math.max(1, plotHeight));
  return Math.max(min, Math.min(max, 1 - (1 - coverage) ** (1 / overlap)));
}

let measureContext: CanvasRenderingContext2D | null | undefined;

/** `text` cut with an ellipsis to fit `width` px in `font` (CSS font shorthand). */
export function fitText(text: string, width: number, font: string): string {
  if (measureContext === undefined) measureContext = document.createElement('canvas').getContext('2d');
  const ctx = measureContext;
  const measure = (t: string): number => {
    if (!ctx) return t.length * 7;
    ctx.font = font;
    return ctx.measureText(t).width;
  };
  if (measure(text) <= width) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (measure(`${text.slice(0, mid)}…`) <= width) lo = mid;
    else hi = mid - 1;
  }
  return `${text.slice(0, Math.max(1, lo))}…`;
}

// ---------------------------------------------------------------------------
// The element.

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

/** What the last update measured, in ms. */
export interface ParallelTimings {
  /** Sample positions on every axis (after a sweep, metric, normalize or scale change). */
  lines: number;
  /** Vertex buffers (after the above, or an axis move). */
  geometry: number;
  /** Selection flags of the sampled lines (after any state change). */
  selection: number;
  /** Drawing, from the first chunk to the last (yields included). */
  draw: number;
  /** Time the GPU was waited for, and the chunks drawn. */
  drawBusy: number;
  drawChunks: number;
}

export class SweepParallel extends DeferredView {
  static override properties = {
    sweep: { attribute: false },
    state: { attribute: false },
    result: { attribute: false },
    maxLines: { type: Number, attribute: 'max-lines' },
    seed: { type: Number },
    _order: { state: true },
    _logs: { state: true },
    _width: { state: true },
    _height: { state: true },
    _status: { state: true },
    _drag: { state: true },
  };

  /** The trainings (null: nothing yet). */
  declare sweep: Sweep | null;
  /** The view state: metric, normalize, range and where are read. */
  declare state: ViewState;
  /** The current aggregates, for the selected count. */
  declare result: AggregateJson | null;
  /** Most lines drawn (a deterministic sample above it); 0: DEFAULT_MAX_LINES, or SOFTWARE_MAX_LINES on software WebGL. */
  declare maxLines: number;
  /** Seed of the sample and of the random offsets. */
  declare seed: number;
  declare _order: string[];
  declare _logs: Record<string, boolean>;
  declare _width: number;
  declare _height: number;
  declare _status: string;
  declare _drag: Drag | null;

  /** Sample size and counts, shown under the title. */
  private lines: Lines | null = null;
  private axes: AxisModel[] = [];
  private selectedInSample = 0;
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
    this.maxLines = 0;
    this.seed = 1;
    this._order = [];
    this._logs = dict();
    this._width = 0;
    this._height = 0;
    this._status = '';
    this._drag = null;
  }

  static override styles = [
    viewTheme,
    toolbarStyles,
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
    canvas.addEventListener('webglcontextlost', (e) => {
      e.preventDefault();
      this.glError = 'the WebGL context was lost: lines are not drawn (reload the page)';
      this.renderer = null;
      this.requestUpdate();
    });
    try {
      this.renderer = new LineRenderer(canvas);
    } catch (e) {
      this.glError = `no WebGL: lines are not drawn (${e instanceof Error ? e.message : String(e)})`;
    }
  }

  override updated(changed: PropertyValues<this>): void {
    if (
      changed.has('sweep') ||
      changed.has('state') ||
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

  /** Resolves once the lines for the current inputs are drawn. */
  whenIdle(): Promise<void> {
    return this.job.whenIdle();
  }

  private schedule(): void {
    this.job.schedule();
  }

  /** The axes of the current sweep and metric, in display order. */
  private buildAxes(sweep: Sweep, metric: number, stats: GroupStats, numeric: (NumericRange | null)[]): AxisModel[] {
    const axes: AxisModel[] = sweep.params.map((p, i) => {
      const r = numeric[i];
      if (r && r.min <= r.max) {
        const canLog = r.min > 0;
        const log = own(this._logs, p.name) ?? (canLog && r.max / r.min >= 100);
        return { key: p.name, kind: 'numeric', param: i, labels: p.labels, min: r.min, max: r.max, canLog, log: canLog && log, binLo: r.binLo, binHi: r.binHi };
      }
      return { key: p.name, kind: 'categorical', param: i, labels: p.labels, min: 0, max: 1, canLog: false, log: false };
    });
    const norm = this.state.normalize;
    const empty = !(stats.globalMin <= stats.globalMax);
    axes.push({
      key: sweep.metrics[metric].name,
      kind: 'metric',
      param: -1,
      labels: [],
      min: norm || empty ? 0 : stats.globalMin,
      max: norm || empty ? 1 : stats.globalMax,
      canLog: false,
      log: false,
    });
    return axes;
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
      this.done = { geometry: '', selection: '', draw: '' };
      this.renderer?.setGeometry(new Uint16Array(0), new Uint8Array(0));
      this.requestUpdate();
      return;
    }
    try {
      this.error = null;
      const state = this.state;
      const metric = metricIndex(sweep, state);
      const [stats, numeric] = await Promise.all([groupStats(sweep, metric), numericRanges(sweep)]);
      if (signal.aborted || sweep !== this.sweep) return;
      this.stats = stats;
      const axes = this.buildAxes(sweep, metric, stats, numeric);
      const keys = axes.map((a) => a.key);
      // keep the user's order of the axes that still exist; new ones go last
      const order = [...this._order.filter((k) => keys.includes(k)), ...keys.filter((k) => !this._order.includes(k))];
      if (order.join('\u0000') !== this._order.join('\u0000')) this._order = order;
      this.axes = axes;

      const linesKey = JSON.stringify([this.lineBudget, this.seed, metric, state.normalize, axes.map((a) => [a.key, a.log])]);
      let lines = this.lines;
      if (!lines || lines.sweep !== sweep || lines.key !== linesKey) {
        const t0 = performance.now();
        const sample = sampleRows(sweep.rows, this.lineBudget, this.seed);
        lines = await drive(linesSteps(sweep, linesKey, sample, axes, metric, stats, state.normalize, this.seed), { signal });
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
      const selectionKey = `${geometryKey}|${JSON.stringify([state.range, state.where])}`;
      if (this.done.selection !== selectionKey) {
        const t0 = performance.now();
        this.done.selection = '';
        this.selectedInSample = await drive(selectionSteps(compileSelection(sweep, state, stats), lines, this.geometry), { signal });
        this.renderer?.uploadMeta(this.geometry.meta);
        this.timings.selection = performance.now() - t0;
        this.done.selection = selectionKey;
      }
      this.requestUpdate();
      // draw again only when something drawn changed (not for, say, a new bin count)
      // The colours come from the theme: a change of the system's scheme redraws.
      this.drawnDark = this.scheme.dark;
      const drawKey = `${selectionKey}|${this._width}x${this._height}@${window.devicePixelRatio}|${this.drawnDark ? 'dark' : 'light'}`;
      if (this.done.draw !== drawKey) {
        this.done.draw = '';
        await this.drawLines(signal);
        this.done.draw = drawKey;
      }
    } catch (e) {
      if (e instanceof AbortedError) return;
      this.error = e instanceof Error ? e.message : String(e);
    }
    this.requestUpdate();
  }

  /** Vertex data of the current lines and axis order. */
  private geometry: { pos: Uint16Array; meta: Uint8Array; perLine: number } | null = null;
  /** Group stats of the current metric. */
  private stats: GroupStats | null = null;
  /**
   * Measured ms per vertex of a line that is drawn (not clipped away in its
   * pass), so that a chunk takes about DRAW_SLICE_MS; null until measured.
   */
  private vertexCost: number | null = null;

  /** Sizes the canvas to the plot and returns what every draw call needs, or null without GL. */
  private prepareDraw(): PassProps | null {
    const canvas = this.canvas;
    if (!this.renderer || !canvas || this._width <= 0 || this._height <= 0) return null;
    const w = this._width;
    const h = this._height;
    const dpr = window.devicePixelRatio || 1;
    const cw = Math.round(w * dpr);
    const ch = Math.round(h * dpr);
    if (canvas.width !== cw || canvas.height !== ch) {
      canvas.width = cw;
      canvas.height = ch;
    }
    const f = this.frame();
    const n = this.lines?.rows.length ?? 0;
    const sel = this.selectedInSample;
    const grey = rgb(this.scheme.theme.muted);
    const alphaUnselected = lineAlpha(n - sel, f.height, 0.35, 0.012, 0.5);
    const alphaSelected = lineAlpha(sel, f.height, 0.5, 0.02, 0.8);
    return {
      frame: [f.left, f.top, f.spacing, f.height],
      size: [w, h],
      grey: [grey[0], grey[1], grey[2], alphaUnselected],
      alpha: alphaSelected,
    };
  }

  /**
   * Draws the lines in chunks: the unselected ones, then the selected ones over
   * them. Each chunk is waited for and sized to take about DRAW_SLICE_MS, with a
   * yield to the page after it, so even a software rasterizer never holds the
   * page for long (a GPU takes everything in one chunk per pass).
   */
  private async drawLines(signal: { readonly aborted: boolean }): Promise<void> {
    const props = this.prepareDraw();
    const r = this.renderer;
    if (!props || !r) return;
    const t0 = performance.now();
    let busy = 0;
    let chunks = 0;
    r.clear(rgb(this.scheme.theme.bg));
    const total = r.vertices;
    const lineCount = Math.max(1, this.lines?.rows.length ?? 1);
    for (const pass of [0, 1]) {
      // the share of lines this pass draws: the rest of its vertices are clipped away at no fill cost
      const share = Math.max(0.01, pass === 1 ? this.selectedInSample / lineCount : 1 - this.selectedInSample / lineCount);
      let chunk = 8192;
      for (let first = 0; first < total; ) {
        if (this.vertexCost !== null) {
          const fit = DRAW_SLICE_MS / (this.vertexCost * share);
          chunk = Math.max(2048, Math.min(chunk * 4, fit, 1 << 26));
        }
        const count = Math.min(total - first, 2 * Math.round(chunk / 2));
        const c0 = performance.now();
        r.drawChunk(props, pass, first, count);
        r.finish();
        const dt = performance.now() - c0;
        busy += dt;
        chunks++;
        first += count;
        // learn from chunks long enough to time
        if (dt > 1 || this.vertexCost === null) this.vertexCost = Math.max(1e-9, dt) / (count * share);
        await yieldToMain();
        if (signal.aborted) throw new AbortedError();
      }
    }
    this.timings.draw = performance.now() - t0;
    this.timings.drawBusy = busy;
    this.timings.drawChunks = chunks;
  }

  /** Draws every line at once and waits for the GPU; returns ms (for measurements: it blocks). */
  drawAndFinish(): number {
    const props = this.prepareDraw();
    const r = this.renderer;
    if (!props || !r) return 0;
    const t0 = performance.now();
    r.clear(rgb(this.scheme.theme.bg));
    r.drawChunk(props, 0, 0, r.vertices);
    r.drawChunk(props, 1, 0, r.vertices);
    r.finish();
    return performance.now() - t0;
  }

  private frame(): { left: number; top: number; spacing: number; height: number; width: number } {
    const w = Math.max(1, this._width);
    const h = Math.max(1, this._height);
    const slots = Math.max(2, this._order.length);
    // room for half the first axis's name (up to half the space between axes)
    const firstName = this._order[0] ?? '';
    const spacing0 = (w - MARGIN.left - MARGIN.right) / (slots - 1);
    const left = Math.max(MARGIN.left, Math.min(spacing0 / 2, (firstName.length * 6.8) / 2 + 6));
    const inner = Math.max(10, w - left - MARGIN.right);
    return { left, top: MARGIN.top, spacing: inner / (slots - 1), height: Math.max(10, h - MARGIN.top - MARGIN.bottom), width: w };
  }

  /** The host's font family, for measuring labels. */
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
      const f = this.frame();
      const from = this._order.indexOf(d.axis);
      const slot = Math.max(0, Math.min(this._order.length - 1, Math.round((from * f.spacing + (x - d.x0)) / f.spacing)));
      if (slot === from) return;
      const order = this._order.filter((k) => k !== d.axis);
      order.splice(slot, 0, d.axis);
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
    const t0 = 1 - (Math.max(d.y0, y) - f.top) / f.height;
    const t1 = 1 - (Math.min(d.y0, y) - f.top) / f.height;
    this.applyBrush(a, t0, t1);
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
      const span = a.max - a.min;
      const step = span > 0 ? 10 ** Math.floor(Math.log10(span / 1000)) : 1;
      const round = (v: number): number => Number((Math.round(v / step) * step).toPrecision(12));
      const lo = Math.max(a.min, Math.min(a.max, round(axisValue(a, Math.max(0, t0)))));
      const hi = Math.max(a.min, Math.min(a.max, round(axisValue(a, Math.min(1, t1)))));
      const range: [number, number] = [Math.min(lo, hi), Math.max(lo, hi)];
      this.dispatchEvent(viewChange({ range }));
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
    const lines = this.lines;
    const f = this.frame();
    const g = document.createElementNS('http://www.w3.org/2000/svg', 'g');
    g.setAttribute('class', 'lines');
    let note: SVGTextElement | null = null;
    if (lines && this._order.length > 1) {
      const n = lines.rows.length;
      const sel = compileSelection(lines.sweep, this.state, this.stats ?? undefined);
      const take = Math.min(n, SVG_MAX_LINES);
      const pick = Array.from({ length: take }, (_, k) => Math.floor((k * n) / take));
      const ys = this._order.map((k) => lines.y.get(k) as Uint16Array);
      const grey = this.scheme.theme.muted;
      const pathOf = (k: number): string =>
        ys
          .map((y, s) => {
            const t = Y_LO + (y[k] / 65535) * Y_SPAN;
            return `${s ? 'L' : 'M'}${(f.left + s * f.spacing).toFixed(1)},${(f.top + (1 - t) * f.height).toFixed(1)}`;
          })
          .join('');
      const flags = pick.map((k) => isSelected(sel, lines.rows[k]));
      const unselected = pick.filter((_, j) => !flags[j]);
      const selected = pick.filter((_, j) => flags[j]);
      const aU = Math.min(0.5, Math.max(0.04, 40 / Math.max(1, unselected.length)));
      const aS = Math.min(0.9, Math.max(0.08, 200 / Math.max(1, selected.length)));
      for (const [list, selectedPass] of [
        [unselected, false],
        [selected, true],
      ] as const)
        for (const k of list) {
          const p = document.createElementNS('http://www.w3.org/2000/svg', 'path');
          p.setAttribute('d', pathOf(k));
          p.setAttribute('fill', 'none');
          p.setAttribute('stroke', selectedPass ? CATEGORICAL[lines.groups[k] % CATEGORICAL.length] : grey);
          p.setAttribute('stroke-opacity', String(selectedPass ? aS : aU));
          p.setAttribute('stroke-width', '0.8');
          g.appendChild(p);
        }
      note = document.createElementNS('http://www.w3.org/2000/svg', 'text');
      note.setAttribute('x', String(f.left));
      note.setAttribute('y', String(f.top + f.height + 16));
      note.setAttribute('font-size', '10');
      note.setAttribute('fill', grey);
      note.textContent = `SVG export: ${take.toLocaleString('en-US')} of ${n.toLocaleString('en-US')} sampled lines (${lines.drawable.toLocaleString('en-US')} trainings)`;
    }
    const bg = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
    bg.setAttribute('width', '100%');
    bg.setAttribute('height', '100%');
    bg.setAttribute('fill', this.scheme.theme.bg);
    overlay.insertBefore(g, overlay.firstChild);
    overlay.insertBefore(bg, overlay.firstChild);
    if (note) overlay.appendChild(note);
    try {
      // without the template engine's comment markers
      return svgMarkup(overlay).replace(/<!--[\s\S]*?-->/g, '');
    } finally {
      bg.remove();
      g.remove();
      note?.remove();
    }
  }

  /** The lines and the overlay as one PNG (once drawing is done; the canvas keeps its drawing buffer). */
  async exportPng(): Promise<Blob> {
    const canvas = this.canvas;
    const overlay = this.overlay;
    if (!canvas || !overlay) throw new Error('the view is not rendered yet');
    await this.whenIdle();
    const out = document.createElement('canvas');
    out.width = canvas.width;
    out.height = canvas.height;
    const ctx = out.getContext('2d');
    if (!ctx) throw new Error('no 2D canvas to render the PNG');
    ctx.fillStyle = this.scheme.theme.bg;
    ctx.fillRect(0, 0, out.width, out.height);
    ctx.drawImage(canvas, 0, 0);
    const url = URL.createObjectURL(new Blob([svgMarkup(overlay)], { type: 'image/svg+xml' }));
    try {
      const img = new Image();
      img.src = url;
      await img.decode();
      ctx.drawImage(img, 0, 0, out.width, out.height);
    } finally {
      URL.revokeObjectURL(url);
    }
    return canvasToPng(out);
  }

  private async savePng(): Promise<void> {
    download(await this.exportPng(), 'parallel-coordinates.png');
  }

  private saveSvg(): void {
    download(new Blob([this.exportSvgMarkup()], { type: 'image/svg+xml' }), 'parallel-coordinates.svg');
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

  private renderAxis(a: AxisModel, slot: number, f: ReturnType<SweepParallel['frame']>): SVGTemplateResult {
    const d = this._drag;
    const dx = d && d.kind === 'move' && d.axis === a.key && d.moved ? d.x - d.x0 : 0;
    const x = f.left + slot * f.spacing + dx;
    const y = (t: number): number => f.top + (1 - t) * f.height;
    const fg = 'var(--sweep-fg)';
    const muted = 'var(--sweep-muted)';
    // the views' font (theme.ts), not getComputedStyle: that forces a style recalculation per label
    const family = FONT_FAMILY;
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
            paint-order="stroke" pointer-events="none">${fitText(label === MISSING_LABEL ? 'missing' : label, f.spacing - 14, `11px ${family}`)}</text>`);
        if (allowed && allowed.includes(label)) brushes.push(brushRect(b0, b1, 'filter'));
      });
    } else {
      const vals = a.kind === 'metric' ? niceTicks(a.min, a.max) : a.log ? logTicks(a.min, a.max) : niceTicks(a.min, a.max);
      for (const v of vals) {
        const t = axisPosition(a, v);
        if (!(t >= -1e-9 && t <= 1 + 1e-9)) continue;
        ticks.push(svg`<line x1=${x - 3} x2=${x + 3} y1=${y(t)} y2=${y(t)} stroke=${fg}></line>
          <text class="tick" x=${x + 6} y=${y(t)} dy="0.32em" fill=${fg} stroke="var(--sweep-bg)" stroke-width="3" paint-order="stroke" pointer-events="none">${formatNumber(v, 3)}</text>`);
      }
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
      const t0 = 1 - (d.y0 - f.top) / f.height;
      const t1 = 1 - (d.y - f.top) / f.height;
      brushes.push(svg`<rect class="drag" x=${x - 9} width="18" y=${y(Math.max(t0, t1))} height=${Math.abs(y(t0) - y(t1))}
        fill="var(--sweep-accent)" fill-opacity="0.12" stroke="var(--sweep-fg)" stroke-dasharray="3 2" pointer-events="none"></rect>`);
    }
    // names longer than the space between axes are cut (the full name is the tooltip)
    const title = fitText(a.key, f.spacing - 8, `${filtered ? 700 : 600} 12px ${family}`);
    return svg`<g class="axis" data-axis=${a.key} data-kind=${a.kind} opacity=${dx ? 0.75 : 1}>
      <line x1=${x} x2=${x} y1=${y(1)} y2=${y(0)} stroke=${fg} stroke-width="1"></line>
      ${ticks}${brushes}
      <rect data-role="hit" data-axis=${a.key} x=${x - 12} width="24" y=${y(1) - 4} height=${f.height + 18} fill="transparent" style="cursor: crosshair"></rect>
      <g data-role="header" data-axis=${a.key} style="cursor: grab">
        <title>${a.key} (drag sideways to move the axis)</title>
        <rect x=${x - f.spacing / 2 + 2} width=${Math.max(20, f.spacing - 4)} y="2" height="22" fill="transparent"></rect>
        <text class="name" x=${x} y="16" text-anchor="middle" fill=${fg} font-weight=${filtered ? 700 : 600} font-size="12">${title}</text>
      </g>
      ${a.kind === 'metric' ? svg`<text x=${x} y="32" text-anchor="middle" fill=${muted}>${this.state.normalize ? 'normalized' : 'raw'}</text>` : nothing}
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
        <button @click=${() => void this.savePng()} title="Save as PNG">PNG</button>
        <button @click=${() => this.saveSvg()} title="Save as SVG (at most ${fmt(SVG_MAX_LINES)} lines)">SVG</button>
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
