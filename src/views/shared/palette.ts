/**
 * Colour for the views: ColorBrewer sequential and diverging maps (Cynthia
 * Brewer, colorbrewer2.org; the paper's heat-map uses a perceptually linear
 * multi-hue sequential map), taken from d3-scale-chromatic so that nobody
 * keeps hex codes by hand, and a colour-blind-safe categorical palette
 * (Okabe & Ito), which d3-scale-chromatic does not have.
 */

import { interpolateRdBu, interpolateYlGnBu } from 'd3-scale-chromatic';

/** A colour map: a position t in [0, 1] to a CSS colour. */
export type ColourMap = (t: number) => string;

/** Okabe–Ito: distinguishable under the common colour-vision deficiencies. */
export const CATEGORICAL = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#f0e442', '#000000'];

/** Marker shapes paired with categories (for the secondary parameter), as SVG path data around (0, 0), radius ~4. */
export const SHAPES = [
  'M-4,0A4,4 0 1,0 4,0A4,4 0 1,0 -4,0Z', // circle
  'M-3.5,-3.5H3.5V3.5H-3.5Z', // square
  'M0,-4.5L4,3.5H-4Z', // triangle
  'M0,-4.5L4.5,0L0,4.5L-4.5,0Z', // diamond
  'M-1.2,-4.5H1.2V-1.2H4.5V1.2H1.2V4.5H-1.2V1.2H-4.5V-1.2H-1.2Z', // plus
  'M0,4.5L4,-3.5H-4Z', // triangle down
];

export function categorical(i: number): string {
  return CATEGORICAL[i % CATEGORICAL.length];
}

const TABLE_STEPS = 1024;

/**
 * `map` looked up in a table of TABLE_STEPS + 1 colours, made on first use:
 * thousands of cells are coloured per update, and d3's interpolators build a
 * new string through a spline each call. t outside [0, 1] (or NaN) is clamped.
 */
export function tabulated(map: ColourMap): ColourMap {
  let table: string[] | null = null;
  return (t: number): string => {
    if (!table) {
      table = [];
      for (let s = 0; s <= TABLE_STEPS; s++) table.push(map(s / TABLE_STEPS));
    }
    const x = Math.max(0, Math.min(1, Number.isFinite(t) ? t : 0));
    return table[Math.round(x * TABLE_STEPS)];
  };
}

/** ColorBrewer YlGnBu, light (0) to dark (1). */
export const YL_GN_BU: ColourMap = tabulated(interpolateYlGnBu);

/** YlGnBu run backwards, dark (0) to light (1): the same map for a dark page, where light stands out. */
export const YL_GN_BU_REVERSED: ColourMap = tabulated((t) => interpolateYlGnBu(1 - t));

/** ColorBrewer RdBu, red (0) through a neutral middle (0.5) to blue (1). */
export const RD_BU: ColourMap = tabulated(interpolateRdBu);
