/**
 * The borders between the dashboard's panels: drag one (or focus it and use
 * the arrow keys) to resize the panel before it; its small buttons collapse a
 * neighbour. A splitter only reports sizes: the page keeps them in its layout
 * (layout.ts), clamped, and in the address.
 */

import { html, nothing, type TemplateResult } from 'lit';

export interface SplitterButton {
  /** The glyph on the button (an arrow pointing where the panel goes). */
  glyph: string;
  /** What it does, for the tooltip and screen readers: "Collapse the filters". */
  label: string;
  onClick: () => void;
}

export interface SplitterOptions {
  /** `data-split` of the element: which size it changes (tests find it by this). */
  name: string;
  /** A vertical bar between columns (drag left/right) or a horizontal one between rows (drag up/down). */
  orientation: 'vertical' | 'horizontal';
  /** What it resizes, for screen readers: "Width of the filters". */
  label: string;
  /** The size when the drag starts, in the unit `toSize` returns. */
  value: number;
  /** The size for a pointer moved by `deltaPx` from where the drag started (the splitter element given for measuring its container). */
  toSize: (start: number, deltaPx: number, splitter: HTMLElement) => number;
  /** Called on every move of a drag and every arrow key, with the new size. */
  onResize: (size: number) => void;
  buttons?: readonly SplitterButton[];
  /** No dragging (e.g. a neighbour is collapsed); the buttons still work. */
  fixed?: boolean;
}

/** Pixels an arrow key moves a border (with Shift, four times as far). */
const KEY_STEP_PX = 16;

export function splitter(o: SplitterOptions): TemplateResult {
  const vertical = o.orientation === 'vertical';
  const down = (e: PointerEvent): void => {
    if (o.fixed || e.button !== 0 || (e.target as Element).closest('button')) return;
    const el = e.currentTarget as HTMLElement;
    el.setPointerCapture(e.pointerId);
    el.classList.add('dragging');
    const start = vertical ? e.clientX : e.clientY;
    const value = o.value;
    const move = (m: PointerEvent): void => o.onResize(o.toSize(value, (vertical ? m.clientX : m.clientY) - start, el));
    const up = (): void => {
      el.classList.remove('dragging');
      el.removeEventListener('pointermove', move);
      el.removeEventListener('pointerup', up);
      el.removeEventListener('pointercancel', up);
    };
    el.addEventListener('pointermove', move);
    el.addEventListener('pointerup', up);
    el.addEventListener('pointercancel', up);
    e.preventDefault();
  };
  const key = (e: KeyboardEvent): void => {
    if (o.fixed || (e.target as Element).closest('button')) return;
    const back = vertical ? 'ArrowLeft' : 'ArrowUp';
    const forward = vertical ? 'ArrowRight' : 'ArrowDown';
    if (e.key !== back && e.key !== forward) return;
    const step = (e.key === back ? -1 : 1) * KEY_STEP_PX * (e.shiftKey ? 4 : 1);
    o.onResize(o.toSize(o.value, step, e.currentTarget as HTMLElement));
    e.preventDefault();
  };
  return html`<div
    class="splitter ${o.orientation}${o.fixed ? ' fixed' : ''}"
    data-split=${o.name}
    role="separator"
    tabindex=${o.fixed ? -1 : 0}
    aria-orientation=${o.orientation}
    aria-label=${o.label}
    title=${o.fixed ? '' : `${o.label}: drag, or focus and use the arrow keys`}
    @pointerdown=${down}
    @keydown=${key}
  >
    ${o.buttons?.length
      ? html`<span class="splitter-buttons">${o.buttons.map(
          (b) => html`<button type="button" class="collapse" title=${b.label} aria-label=${b.label} @click=${b.onClick}>${b.glyph}</button>`,
        )}</span>`
      : nothing}
  </div>`;
}

/** A collapsed panel: a thin bar (or rail) with its name that expands it again. */
export function collapsedPanel(panel: string, title: string, rail: boolean, expand: () => void): TemplateResult {
  return html`<button type="button" class="panel-collapsed${rail ? ' rail' : ''}" data-collapsed=${panel} title=${`Show the ${title.toLowerCase()}`} @click=${expand}>
    <span>${rail ? '›' : '▾'} ${title}</span>
  </button>`;
}
