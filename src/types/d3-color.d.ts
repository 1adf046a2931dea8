// d3-color has no types in node_modules (no @types/d3-color installed): the
// little of it the views use, as documented at https://d3js.org/d3-color.
declare module 'd3-color' {
  export interface RGBColor {
    /** 0..255, not rounded (an hsl() colour converts to fractions). */
    r: number;
    g: number;
    b: number;
    opacity: number;
  }

  export interface Color {
    opacity: number;
    rgb(): RGBColor;
    formatHex(): string;
  }

  /** Parses a CSS colour (named, #hex, rgb(), hsl()); null when it is not one. */
  export function color(specifier: string): Color | null;
}
