/**
 * Export of the parallel view: SVG (the overlay of axes with up to
 * SVG_MAX_LINES of the sampled lines as paths) and PNG (the WebGL lines with
 * the overlay drawn over them). The element offers them through the views'
 * one export path (shared/export.ts `exportFile`).
 */

import { canvasToPng, drawSvg, filledCanvas, svgMarkup } from '../shared/export.js';
import { CATEGORICAL } from '../shared/palette.js';
import type { ViewTheme } from '../shared/theme.js';
import { yOf, type PlotFrame } from './axes.js';
import { dequantize, type Lines } from './layout.js';

/** Most lines written into an exported SVG. */
export const SVG_MAX_LINES = 5_000;

/** What the SVG export draws besides the overlay. */
export interface SvgLines {
  /** The sampled lines (null: none yet, only the overlay). */
  readonly lines: Lines | null;
  /** Axis keys in display order. */
  readonly order: readonly string[];
  readonly frame: PlotFrame;
  /** Per line, whether it is selected (the engine's flags), or null before the first answer. */
  readonly selected: Uint8Array | null;
  readonly theme: Pick<ViewTheme, 'bg' | 'muted'>;
}

/**
 * The overlay with up to SVG_MAX_LINES sampled lines as paths, as standalone
 * SVG markup. The lines, a background and a note are added to the live overlay
 * for the serialization and removed again.
 */
export function parallelSvgMarkup(overlay: SVGSVGElement, input: SvgLines): string {
  const { lines, order, frame: f, theme } = input;
  const g = document.createElementNS('http://www.w3.org/2000/svg', 'g');
  g.setAttribute('class', 'lines');
  let note: SVGTextElement | null = null;
  if (lines && order.length > 1) {
    const n = lines.rows.length;
    const take = Math.min(n, SVG_MAX_LINES);
    const pick = Array.from({ length: take }, (_, k) => Math.floor((k * n) / take));
    const ys = order.map((k) => lines.y.get(k) as Uint16Array);
    const grey = theme.muted;
    const pathOf = (k: number): string =>
      ys
        .map((y, s) => {
          return `${s ? 'L' : 'M'}${(f.left + s * f.spacing).toFixed(1)},${yOf(f, dequantize(y[k])).toFixed(1)}`;
        })
        .join('');
    const flags = pick.map((k) => input.selected !== null && input.selected[k] === 1);
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
  bg.setAttribute('fill', theme.bg);
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

/** The lines' canvas with the overlay over it, on `bg`, as one PNG (the canvas keeps its drawing buffer). */
export async function parallelPng(canvas: HTMLCanvasElement, overlay: SVGSVGElement, bg: string): Promise<Blob> {
  const ctx = filledCanvas(canvas.width, canvas.height, bg);
  ctx.drawImage(canvas, 0, 0);
  await drawSvg(ctx, svgMarkup(overlay));
  return canvasToPng(ctx.canvas);
}
