/**
 * The one colour parser of the views (d3-color's `color()`, which reads every
 * CSS colour syntax): for code that needs a colour's channels rather than its
 * string, such as WebGL uniforms.
 */

import { color } from 'd3-color';

/** A CSS colour as [r, g, b] in 0..255, or null when the string is not a colour. */
export function parseColour(css: string): [number, number, number] | null {
  const c = color(css.trim());
  if (!c) return null;
  const { r, g, b } = c.rgb();
  return [r, g, b];
}

/**
 * A CSS colour as [r, g, b] in 0..1 (what WebGL takes); mid grey for a string
 * that is not a colour, so a bad theme value draws visibly instead of failing.
 */
export function glColour(css: string): [number, number, number] {
  const c = parseColour(css);
  return c ? [c[0] / 255, c[1] / 255, c[2] / 255] : [0.5, 0.5, 0.5];
}
