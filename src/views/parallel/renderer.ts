/**
 * The parallel view's WebGL part: one regl context on the view's canvas, the
 * vertex buffers of the lines (layout.ts), one draw command, the canvas's size
 * and the context's loss.
 *
 * Lines outside the selection are drawn faint grey, the selected ones in their
 * group's colour on top (two passes over the same vertices: the vertex shader
 * clips a vertex away when its flag does not match the pass); alpha blending
 * shows density. Drawing goes in chunks timed to ~16 ms each, so a slow
 * rasterizer never freezes the page.
 */

import createREGL from 'regl';
import { glColour } from '../shared/colour.js';
import { CATEGORICAL } from '../shared/palette.js';
import { AbortedError, yieldToMain } from '../shared/tasks.js';
import type { PlotFrame } from './axes.js';
import { Y_LO, Y_SPAN } from './layout.js';

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

/**
 * The props of both passes: the plot's frame and size (CSS px), the grey of the
 * unselected lines, and alphas from the count of lines each pass draws.
 */
export function passProps(f: PlotFrame, width: number, height: number, lines: number, selected: number, grey: string): PassProps {
  const g = glColour(grey);
  const alphaUnselected = lineAlpha(lines - selected, f.height, 0.35, 0.012, 0.5);
  const alphaSelected = lineAlpha(selected, f.height, 0.5, 0.02, 0.8);
  return {
    frame: [f.left, f.top, f.spacing, f.height],
    size: [width, height],
    grey: [g[0], g[1], g[2], alphaUnselected],
    alpha: alphaSelected,
  };
}

/** What one chunked drawing measured, ms. */
export interface DrawTimings {
  /** From the first chunk to the last (yields included). */
  draw: number;
  /** Time the GPU was waited for, and the chunks drawn. */
  drawBusy: number;
  drawChunks: number;
}

export class LineRenderer {
  readonly regl: createREGL.Regl;
  private readonly pos: createREGL.Buffer;
  private readonly meta: createREGL.Buffer;
  private readonly command: createREGL.DrawCommand<createREGL.DefaultContext, DrawProps>;
  /** Vertices (two per segment). */
  vertices = 0;
  /** The renderer's name (e.g. SwiftShader: software). */
  readonly rendererName: string;
  /**
   * Measured ms per vertex of a line that is drawn (not clipped away in its
   * pass), so that a chunk takes about DRAW_SLICE_MS; null until measured.
   */
  private vertexCost: number | null = null;

  /** Throws when the canvas has no WebGL; `onLost` is called if the context is lost later. */
  constructor(
    readonly canvas: HTMLCanvasElement,
    onLost: () => void,
  ) {
    canvas.addEventListener('webglcontextlost', (e) => {
      e.preventDefault();
      onLost();
    });
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
    CATEGORICAL.map(glColour).forEach((c, i) => (uniforms[`u_colors[${i}]`] = c));
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

  /** Sizes the drawing buffer to `width` × `height` CSS px at `dpr` device pixels each. */
  resize(width: number, height: number, dpr: number): void {
    const cw = Math.round(width * dpr);
    const ch = Math.round(height * dpr);
    if (this.canvas.width !== cw || this.canvas.height !== ch) {
      this.canvas.width = cw;
      this.canvas.height = ch;
    }
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

  private clear(bg: [number, number, number]): void {
    this.regl.poll();
    this.regl.clear({ color: [bg[0], bg[1], bg[2], 1], depth: 1 });
  }

  /** Draws vertices [first, first + count) of one pass. */
  private drawChunk(props: PassProps, pass: number, first: number, count: number): void {
    const viewport = { x: 0, y: 0, width: this.canvas.width, height: this.canvas.height };
    if (count > 0) this.command({ ...props, viewport, pass, offset: first, count });
  }

  /** Blocks until the GPU is done: reading a pixel back waits for every draw before it. */
  private finish(): void {
    this.regl.read({ x: 0, y: 0, width: 1, height: 1 });
  }

  /**
   * Draws the lines in chunks on `bg`: the unselected ones, then the selected
   * ones over them (`selectedShare` of the lines). Each chunk is waited for and
   * sized to take about DRAW_SLICE_MS, with a yield to the page after it, so
   * even a software rasterizer never holds the page for long (a GPU takes
   * everything in one chunk per pass). Throws AbortedError once `signal` is.
   */
  async drawChunked(props: PassProps, bg: string, selectedShare: number, signal: { readonly aborted: boolean }): Promise<DrawTimings> {
    const t0 = performance.now();
    let busy = 0;
    let chunks = 0;
    this.clear(glColour(bg));
    const total = this.vertices;
    for (const pass of [0, 1]) {
      // the share of lines this pass draws: the rest of its vertices are clipped away at no fill cost
      const share = Math.max(0.01, pass === 1 ? selectedShare : 1 - selectedShare);
      let chunk = 8192;
      for (let first = 0; first < total; ) {
        if (this.vertexCost !== null) {
          const fit = DRAW_SLICE_MS / (this.vertexCost * share);
          chunk = Math.max(2048, Math.min(chunk * 4, fit, 1 << 26));
        }
        const count = Math.min(total - first, 2 * Math.round(chunk / 2));
        const c0 = performance.now();
        this.drawChunk(props, pass, first, count);
        this.finish();
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
    return { draw: performance.now() - t0, drawBusy: busy, drawChunks: chunks };
  }

  /** Draws every line at once on `bg` and waits for the GPU; returns ms (for measurements: it blocks). */
  drawAll(props: PassProps, bg: string): number {
    const t0 = performance.now();
    this.clear(glColour(bg));
    this.drawChunk(props, 0, 0, this.vertices);
    this.drawChunk(props, 1, 0, this.vertices);
    this.finish();
    return performance.now() - t0;
  }

  destroy(): void {
    this.regl.destroy();
  }
}
