/**
 * Colour for the views: ColorBrewer sequential and diverging maps (Cynthia
 * Brewer, colorbrewer2.org; the paper's heat-map uses a perceptually linear
 * multi-hue sequential map) and a colour-blind-safe categorical palette
 * (Okabe & Ito).
 */

/** ColorBrewer YlGnBu, 9 classes, light to dark. */
export const YL_GN_BU = ['#ffffd9', '#edf8b1', '#c7e9b4', '#7fcdbb', '#41b6c4', '#1d91c0', '#225ea8', '#253494', '#081d58'];

/** ColorBrewer RdBu, 11 classes, red (below) to blue (above); the middle is neutral. */
export const RD_BU = ['#67001f', '#b2182b', '#d6604d', '#f4a582', '#fddbc7', '#f7f7f7', '#d1e5f0', '#92c5de', '#4393c3', '#2166ac', '#053061'];

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

function hexToRgb(h: string): [number, number, number] {
  const n = parseInt(h.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

const RAMP_STEPS = 1024;
const rampTables = new WeakMap<readonly string[], string[]>();

/**
 * The colour at t in [0, 1] along a list of colours, interpolated in RGB, from
 * a table of RAMP_STEPS + 1 colours made once per list (thousands of cells are
 * coloured per update).
 */
export function ramp(colors: readonly string[], t: number): string {
  let table = rampTables.get(colors);
  if (!table) {
    table = [];
    for (let s = 0; s <= RAMP_STEPS; s++) table.push(rampExact(colors, s / RAMP_STEPS));
    rampTables.set(colors, table);
  }
  const x = Math.max(0, Math.min(1, Number.isFinite(t) ? t : 0));
  return table[Math.round(x * RAMP_STEPS)];
}

/** The colour at t in [0, 1] along a list of colours, interpolated in RGB. */
export function rampExact(colors: readonly string[], t: number): string {
  const x = Math.max(0, Math.min(1, Number.isFinite(t) ? t : 0)) * (colors.length - 1);
  const i = Math.min(colors.length - 2, Math.floor(x));
  const f = x - i;
  const a = hexToRgb(colors[i]);
  const b = hexToRgb(colors[i + 1]);
  const c = a.map((v, k) => Math.round(v + (b[k] - v) * f));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}
