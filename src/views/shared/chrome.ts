/**
 * The chrome of the views drawn as one SVG chart under a toolbar (the matrix
 * and the trellis): host layout, toolbar, tooltip and export buttons.
 */

import { css, html, type TemplateResult } from 'lit';
import { boxHostStyles, toolbarStyles, viewTheme } from './theme.js';

/** At most `max` characters, with an ellipsis. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Shared CSS of the views' toolbars and tooltips. */
export const viewChrome = [
  viewTheme,
  toolbarStyles,
  boxHostStyles,
  css`
  :host {
    min-height: 200px;
    background: var(--sweep-bg);
    color-scheme: light dark;
  }
  .toolbar {
    gap: 6px 14px;
    padding: 6px 10px;
    margin-bottom: 0;
    border-bottom: 1px solid var(--sweep-faint);
  }
  .chart > svg:focus-visible {
    outline: 2px solid var(--sweep-accent);
    outline-offset: -2px;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  .chart {
    position: relative;
    flex: 1;
    min-height: 0;
    overflow: hidden;
  }
  .chart > svg,
  .chart > canvas {
    position: absolute;
    left: 0;
    top: 0;
  }
  .empty {
    padding: 16px;
    color: var(--sweep-muted);
  }
  .tooltip {
    position: absolute;
    z-index: 2;
    pointer-events: none;
    padding: 6px 8px;
    border-radius: 4px;
    background: var(--sweep-bg);
    color: var(--sweep-fg);
    border: 1px solid var(--sweep-faint);
    box-shadow: 0 2px 8px rgb(0 0 0 / 0.25);
    font-size: 12px;
    line-height: 1.45;
    white-space: nowrap;
  }
  .tooltip table {
    border-collapse: collapse;
  }
  .tooltip th {
    text-align: left;
    font-weight: normal;
    color: var(--sweep-muted);
    padding-right: 10px;
  }
  .tooltip td {
    text-align: right;
    font-variant-numeric: tabular-nums;
  }
  .tooltip .head {
    font-weight: 600;
  }
`,
];

/** Places a tooltip near (x, y) inside a box of w x h, on the side with room. */
export function tooltipStyle(x: number, y: number, w: number, h: number, tipW = 260, tipH = 120): string {
  const left = x + 14 + tipW > w ? Math.max(0, x - 14 - tipW) : x + 14;
  const top = y + 14 + tipH > h ? Math.max(0, y - 14 - tipH) : y + 14;
  return `left:${Math.round(left)}px;top:${Math.round(top)}px`;
}

/** The toolbar's SVG and PNG buttons of a view (`what`: "the matrix"). */
export function exportButtons(what: string, save: (format: 'svg' | 'png') => void): TemplateResult {
  return html`<span class="group" aria-label="Export">
    <button type="button" class="export" data-format="svg" title="Download ${what} as SVG" @click=${() => save('svg')}>SVG</button>
    <button type="button" class="export" data-format="png" title="Download ${what} as PNG" @click=${() => save('png')}>PNG</button>
  </span>`;
}
