/**
 * The one text measurer of the views: widths of labels in the views' font,
 * for laying out axes, legends and headers before anything is drawn (SVG text
 * can only be measured once it is in the page, which would cost a layout per
 * label).
 */

import { FONT_FAMILY } from './theme.js';

/** Font weight of measured text: `true` for bold, or a CSS weight (600, 700). */
export type Weight = boolean | number;

/** Made on first use and kept: creating a canvas per label would cost more than measuring. */
let context: CanvasRenderingContext2D | null | undefined;
/** The font last set on it: setting one makes the canvas parse it again, even the same. */
let contextFont = '';

function measuringContext(): CanvasRenderingContext2D | null {
  if (context === undefined) context = typeof document === 'undefined' ? null : document.createElement('canvas').getContext('2d');
  return context;
}

/** The CSS font shorthand the views draw text of `size` px in. */
export function viewFont(size: number, weight: Weight = false): string {
  const w = weight === true ? 'bold ' : weight === false ? '' : `${weight} `;
  return `${w}${size}px ${FONT_FAMILY}`;
}

/**
 * Width in px of `text` in the views' font. Without a canvas (Node, a
 * browser that refuses one) an estimate of 0.6 em a character, so layouts
 * still get a size.
 */
export function textWidth(text: string, size: number, weight: Weight = false): number {
  const ctx = measuringContext();
  if (!ctx) return text.length * size * 0.6;
  const font = viewFont(size, weight);
  if (font !== contextFont) {
    ctx.font = font;
    contextFont = font;
  }
  return ctx.measureText(text).width;
}

/**
 * `text` cut with an ellipsis to at most `maxW` px in the views' font: the
 * longest prefix that fits with its ellipsis, at least `minChars` characters
 * of it (the parallel view keeps one, so a narrow axis still says something).
 */
export function fitText(text: string, maxW: number, size: number, weight: Weight = false, minChars = 0): string {
  if (textWidth(text, size, weight) <= maxW) return text;
  let lo = 0;
  let hi = text.length - 1;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (textWidth(`${text.slice(0, mid)}…`, size, weight) <= maxW) lo = mid;
    else hi = mid - 1;
  }
  const keep = Math.max(minChars, lo);
  return keep === 0 ? '…' : `${text.slice(0, keep)}…`;
}
