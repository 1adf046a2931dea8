/**
 * The colours and type every view shares, light and dark following the
 * system. A view adds its own variables (grid, brush, stripes…) after it.
 */

import { css } from 'lit';

export const viewTheme = css`
  :host {
    display: block;
    --sweep-fg: #1f2933;
    --sweep-muted: #5f6b7a;
    --sweep-accent: #0072b2;
    --sweep-button-bg: #f3f5f8;
    --sweep-button-line: #c9d0d8;
    color: var(--sweep-fg);
    font: 13px/1.35 system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif;
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --sweep-fg: #e6eaef;
      --sweep-muted: #a3adb9;
      --sweep-accent: #56b4e9;
      --sweep-button-bg: #222932;
      --sweep-button-line: #46505c;
    }
  }
`;
