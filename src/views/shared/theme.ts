/**
 * What every view shares: its colours and type, light and dark following the
 * system (as CSS custom properties for the shadow roots and as values for
 * canvas and export code), the toolbar and button styles, and two lit
 * controllers: the colour scheme and the size of an element.
 */

import { css, unsafeCSS, type CSSResult, type ReactiveController, type ReactiveControllerHost } from 'lit';

/** Colours of a view's chrome. Data colours (palette.ts) never change with the scheme. */
export interface ViewTheme {
  dark: boolean;
  /** Plot background. */
  bg: string;
  fg: string;
  muted: string;
  /** Hairlines, frames, excluded options. */
  faint: string;
  /** Grid lines and row rules. */
  grid: string;
  /** Toolbars, buttons, tooltips' ground. */
  panel: string;
  /** Button and chip borders. */
  line: string;
  /** Impossible or undefined cells. */
  na: string;
  accent: string;
  /** Even table rows. */
  stripe: string;
  ok: string;
  warn: string;
  error: string;
}

export const LIGHT_THEME: ViewTheme = {
  dark: false,
  bg: '#ffffff',
  fg: '#1f2933',
  muted: '#5f6b7a',
  faint: '#d1d9e0',
  grid: '#e3e7ec',
  panel: '#f3f5f8',
  line: '#c9d0d8',
  na: '#eef0f2',
  accent: '#0072b2',
  stripe: '#f6f8fa',
  ok: '#007a55',
  warn: '#a35200',
  error: '#b2182b',
};

export const DARK_THEME: ViewTheme = {
  dark: true,
  bg: '#14181e',
  fg: '#e6eaef',
  muted: '#a3adb9',
  faint: '#3a434e',
  grid: '#2f3742',
  panel: '#1c2229',
  line: '#46505c',
  na: '#222932',
  accent: '#56b4e9',
  stripe: '#1a1f26',
  ok: '#3ccf9a',
  warn: '#f0a050',
  error: '#ff8a8a',
};

export const FONT_FAMILY = "Inter, system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', 'DejaVu Sans', Arial, sans-serif";

/** `--sweep-<name>` for every colour of a theme. */
function themeVars(t: ViewTheme): CSSResult {
  const vars = Object.entries(t)
    .filter(([k]) => k !== 'dark')
    .map(([k, v]) => `--sweep-${k}: ${String(v)};`)
    .join('\n');
  return unsafeCSS(vars);
}

/** The colours (as --sweep-bg, --sweep-fg, … --sweep-error) and type of every view. */
export const viewTheme = css`
  :host {
    display: block;
    ${themeVars(LIGHT_THEME)}
    color: var(--sweep-fg);
    font: 13px/1.35 ${unsafeCSS(FONT_FAMILY)};
  }
  @media (prefers-color-scheme: dark) {
    :host {
      ${themeVars(DARK_THEME)}
    }
  }
`;

/** A view's toolbar: a bold title, muted counts, small buttons; toggles show aria-pressed. */
export const toolbarStyles = css`
  .toolbar {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 4px 12px;
    margin-bottom: 4px;
  }
  .title {
    font-weight: 600;
  }
  .count,
  .info {
    color: var(--sweep-muted);
    font-variant-numeric: tabular-nums;
  }
  .spacer {
    flex: 1;
  }
  .group {
    display: inline-flex;
    align-items: center;
    gap: 4px;
  }
  button,
  select {
    font: inherit;
    color: inherit;
    background: var(--sweep-panel);
    border: 1px solid var(--sweep-line);
    border-radius: 4px;
    padding: 2px 8px;
    cursor: pointer;
  }
  button[aria-pressed='true'] {
    background: var(--sweep-accent);
    border-color: var(--sweep-accent);
    color: var(--sweep-bg);
    font-weight: 600;
  }
  button:disabled {
    opacity: 0.5;
    cursor: default;
  }
  button:focus-visible,
  select:focus-visible {
    outline: 2px solid var(--sweep-accent);
    outline-offset: 1px;
  }
  .error {
    color: var(--sweep-error);
  }
`;

/** Follows prefers-color-scheme and re-renders the host when it changes. */
export class ColorSchemeController implements ReactiveController {
  private mq: MediaQueryList | null = null;
  dark = false;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  get theme(): ViewTheme {
    return this.dark ? DARK_THEME : LIGHT_THEME;
  }

  hostConnected(): void {
    if (typeof matchMedia !== 'function') return;
    this.mq = matchMedia('(prefers-color-scheme: dark)');
    this.dark = this.mq.matches;
    this.mq.addEventListener('change', this.onChange);
  }

  hostDisconnected(): void {
    this.mq?.removeEventListener('change', this.onChange);
    this.mq = null;
  }

  private readonly onChange = (e: MediaQueryListEvent): void => {
    this.dark = e.matches;
    this.host.requestUpdate();
  };
}

/**
 * The content-box size of one element (set with observe()); when it changes,
 * `onResize` runs if given, else the host re-renders.
 */
export class SizeController implements ReactiveController {
  width = 0;
  height = 0;
  private ro: ResizeObserver | null = null;
  private target: Element | null = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly onResize?: (width: number, height: number) => void,
  ) {
    host.addController(this);
  }

  observe(el: Element | null | undefined): void {
    if (!el || el === this.target) return;
    this.ro?.disconnect();
    this.target = el;
    this.ro = new ResizeObserver((entries) => {
      const r = entries[entries.length - 1].contentRect;
      const w = Math.floor(r.width);
      const h = Math.floor(r.height);
      if (w !== this.width || h !== this.height) {
        this.width = w;
        this.height = h;
        if (this.onResize) this.onResize(w, h);
        else this.host.requestUpdate();
      }
    });
    this.ro.observe(el);
  }

  hostConnected(): void {
    const t = this.target;
    this.target = null;
    this.observe(t);
  }

  hostDisconnected(): void {
    this.ro?.disconnect();
    this.ro = null;
  }
}

/** A view that fills the box the page gives it: a column of toolbar and chart. */
export const boxHostStyles = css`
  :host {
    display: flex;
    flex-direction: column;
    box-sizing: border-box;
    width: 100%;
    height: 100%;
    min-width: 0;
  }
`;
